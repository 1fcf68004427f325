/**
 * A loopback imitation of the Binance spot public REST API, faithful enough for ccxt 4.5's
 * loadMarkets(), fetchOHLCV() and fetchTicker(s)(): the three endpoints they call, Binance's
 * parameter rules and error bodies, weight headers, and per-route fault injection.
 *
 * Point ccxt at it with `apiRoot: fake.url` (urls.api rewritten); nothing is monkey-patched.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Candle } from '../domain/candles.ts';

export type FakeBinanceRoute = 'exchangeInfo' | 'ticker/24hr' | 'klines';

/**
 * What the next matching requests get instead of a normal answer: an HTTP status with the body
 * Binance (or the CDN in front of it) sends for it (429/418 with a Retry-After, 30 s and 120 s
 * unless given), 'reset' to drop the connection mid-request, or a delay in ms before answering
 * normally (to trigger client timeouts).
 */
export type FakeBinanceFault = number | { status: number; retryAfterSeconds: number } | 'reset' | { delayMs: number };

export interface FakeBinanceRequest {
  method: string;
  /** Path without the query, e.g. /api/v3/klines. */
  path: string;
  /** undefined for paths this fake does not implement (ccxt should never call them). */
  route: FakeBinanceRoute | undefined;
  query: Record<string, string>;
  /** Status sent; 0 when the connection was reset. */
  status: number;
}

export interface SymbolInfo {
  /** Binance status: TRADING, BREAK (halted/delisted), HALT, … */
  status?: string;
  /** Overrides the tick size otherwise derived from the last candle's price. */
  tickSize?: string;
}

export interface FakeBinance {
  /** http://127.0.0.1:PORT, for `apiRoot`. */
  url: string;
  /**
   * Serves `candles` (any order; stored sorted) for a symbol and interval and lists the symbol in
   * exchangeInfo. `symbol` is Binance's id ("TAOUSDT") or a unified pair ("TAO/USDT").
   */
  setCandles(symbol: string, interval: string, candles: readonly Candle[]): void;
  /** Lists a symbol (with or without candles), e.g. with status BREAK for a delisted pair. */
  addSymbol(symbol: string, info?: SymbolInfo): void;
  /** Delists a symbol: gone from exchangeInfo; klines/ticker answer -1121 Invalid symbol. */
  removeSymbol(symbol: string): void;
  /**
   * The next `count` requests to `route` ('*' = any route) get `fault`; with `symbol` ("TAOUSDT"
   * or "TAO/USDT") only requests for that symbol. Faults queue in order.
   */
  failNext(route: FakeBinanceRoute | '*', fault: FakeBinanceFault, count?: number, symbol?: string): void;
  /** Every request gets `fault` (after queued ones) until called with undefined: a venue that is down. */
  setOutage(fault: FakeBinanceFault | undefined): void;
  /** Every request received, oldest first. */
  readonly requests: readonly FakeBinanceRequest[];
  /** Forget the requests received so far (a long run keeps the log from growing without end). */
  clearRequests(): void;
  close(): Promise<void>;
}

const ROUTES: Readonly<Record<string, FakeBinanceRoute>> = {
  '/api/v3/exchangeInfo': 'exchangeInfo',
  '/api/v3/ticker/24hr': 'ticker/24hr',
  '/api/v3/klines': 'klines',
};

/** Binance's request weights (2025 docs), reported back in x-mbx-used-weight headers. */
const WEIGHTS = { exchangeInfo: 20, klines: 2, tickerOne: 2, tickerAll: 80 } as const;

const KLINE_LIMITS = { default: 500, max: 1000 } as const;

const QUOTES = ['FDUSD', 'USDT', 'USDC', 'TUSD', 'BUSD', 'EUR', 'TRY', 'BTC', 'ETH', 'BNB'] as const;

const INTERVAL_MS: Readonly<Record<string, number>> = {
  '1s': 1_000,
  '1m': 60_000,
  '3m': 180_000,
  '5m': 300_000,
  '15m': 900_000,
  '30m': 1_800_000,
  '1h': 3_600_000,
  '2h': 7_200_000,
  '4h': 14_400_000,
  '6h': 21_600_000,
  '8h': 28_800_000,
  '12h': 43_200_000,
  '1d': 86_400_000,
  '3d': 259_200_000,
  '1w': 604_800_000,
  '1M': 2_592_000_000, // only used for closeTime; Binance's months are calendar months
};

const BINANCE_ERRORS = {
  invalidSymbol: { code: -1121, msg: 'Invalid symbol.' },
  invalidInterval: { code: -1120, msg: 'Invalid interval.' },
  missingSymbol: {
    code: -1102,
    msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.",
  },
  missingInterval: {
    code: -1102,
    msg: "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.",
  },
  badLimit: { code: -1130, msg: "Data sent for parameter 'limit' is not valid." },
  badRange: { code: -1128, msg: 'Combination of optional parameters invalid.' },
  badSymbols: {
    code: -1100,
    msg: "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.",
  },
  tooMany: {
    code: -1003,
    msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use the websocket for live updates to avoid polling the API.',
  },
  banned: {
    code: -1003,
    msg: 'Way too much request weight used; IP banned until 1767225600000. Please use WebSocket Streams for live updates to avoid bans.',
  },
  internal: { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' },
  restricted: {
    code: 0,
    msg: "Service unavailable from a restricted location according to 'b. Eligibility' in https://www.binance.com/en/terms. Please contact customer service if you believe you received this message in error.",
  },
} as const;

interface SymbolState {
  id: string;
  base: string;
  quote: string;
  status: string;
  tickSize?: string;
  candles: Map<string, Candle[]>;
}

/** Starts the fake on 127.0.0.1 at a free port. */
export async function startFakeBinance(): Promise<FakeBinance> {
  const symbols = new Map<string, SymbolState>();
  const faults: { route: FakeBinanceRoute | '*'; fault: FakeBinanceFault; symbol?: string }[] = [];
  let outage: FakeBinanceFault | undefined;
  const requests: FakeBinanceRequest[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();
  let usedWeight = 0;

  function takeFault(route: FakeBinanceRoute, query: Record<string, string>): FakeBinanceFault | undefined {
    const i = faults.findIndex((f) => (f.route === route || f.route === '*') && (f.symbol === undefined || f.symbol === query['symbol']));
    if (i < 0) return outage;
    return faults.splice(i, 1)[0]?.fault;
  }

  function symbolState(symbol: string): SymbolState {
    const { id, base, quote } = splitSymbol(symbol);
    let state = symbols.get(id);
    if (state === undefined) {
      state = { id, base, quote, status: 'TRADING', candles: new Map() };
      symbols.set(id, state);
    }
    return state;
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const route = ROUTES[url.pathname];
    const entry: FakeBinanceRequest = { method: req.method ?? 'GET', path: url.pathname, route, query, status: 0 };
    requests.push(entry);

    const send = (status: number, body: unknown, extraHeaders: Record<string, string> = {}, weight = 1): void => {
      entry.status = status;
      usedWeight += weight;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, {
        'content-type': typeof body === 'string' ? 'text/html' : 'application/json;charset=UTF-8',
        'content-length': Buffer.byteLength(text),
        'x-mbx-used-weight': String(usedWeight),
        'x-mbx-used-weight-1m': String(usedWeight),
        'x-mbx-uuid': `00000000-0000-4000-8000-${String(requests.length).padStart(12, '0')}`,
        ...extraHeaders,
      });
      res.end(text);
    };

    if (route === undefined || req.method !== 'GET') {
      send(404, '<html><body><h1>404 Not Found</h1></body></html>');
      return;
    }
    const fault = takeFault(route, query);
    const answer = (): void => {
      try {
        const [status, body, weight] = handle(route, query);
        send(status, body, {}, weight);
      } catch (error) {
        send(500, { code: -1000, msg: `fake-binance bug: ${(error as Error).message}` });
      }
    };
    if (fault === undefined) return answer();
    if (fault === 'reset') {
      req.socket.destroy();
      return;
    }
    if (typeof fault === 'object' && 'status' in fault) {
      sendFault(fault.status, send, fault.retryAfterSeconds);
      return;
    }
    if (typeof fault === 'object') {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        if (!res.destroyed && !req.socket.destroyed) answer();
      }, fault.delayMs);
      pendingTimers.add(timer);
      return;
    }
    sendFault(fault, send);
  });

  function handle(route: FakeBinanceRoute, query: Record<string, string>): [number, unknown, number] {
    switch (route) {
      case 'exchangeInfo':
        return [200, exchangeInfo([...symbols.values()]), WEIGHTS.exchangeInfo];
      case 'klines':
        return klines(symbols, query);
      case 'ticker/24hr':
        return ticker24hr(symbols, query);
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    setCandles(symbol, interval, candles) {
      if (!(interval in INTERVAL_MS)) throw new Error(`fake-binance: unknown interval ${interval}`);
      symbolState(symbol).candles.set(interval, [...candles].sort((a, b) => a.time - b.time));
    },
    addSymbol(symbol, info = {}) {
      const state = symbolState(symbol);
      if (info.status !== undefined) state.status = info.status;
      if (info.tickSize !== undefined) state.tickSize = info.tickSize;
    },
    removeSymbol(symbol) {
      symbols.delete(splitSymbol(symbol).id);
    },
    failNext(route, fault, count = 1, symbol) {
      const id = symbol === undefined ? undefined : splitSymbol(symbol).id;
      for (let i = 0; i < count; i++) faults.push({ route, fault, symbol: id });
    },
    setOutage(fault) {
      outage = fault;
    },
    requests,
    clearRequests() {
      requests.length = 0;
    },
    async close() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      // ccxt keeps connections alive; without this close() would wait for them to idle out.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}

/** The kind of page a CDN or WAF answers with: Binance's JSON errors only come from the API itself. */
function htmlPage(title: string): string {
  return `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center></body></html>`;
}

function sendFault(
  status: number,
  send: (status: number, body: unknown, headers?: Record<string, string>, weight?: number) => void,
  retryAfterSeconds?: number,
): void {
  switch (status) {
    case 429:
      send(429, BINANCE_ERRORS.tooMany, { 'retry-after': String(retryAfterSeconds ?? 30) });
      return;
    case 418: {
      // The ban message names when it ends, as epoch ms; Retry-After says the same in seconds.
      const seconds = retryAfterSeconds ?? 120;
      const msg = BINANCE_ERRORS.banned.msg.replace(/until \d+/, `until ${Date.now() + seconds * 1000}`);
      send(418, { ...BINANCE_ERRORS.banned, msg }, { 'retry-after': String(seconds) });
      return;
    }
    case 500:
      send(500, BINANCE_ERRORS.internal);
      return;
    case 451:
      send(451, BINANCE_ERRORS.restricted);
      return;
    case 403:
      // the WAF answers before the API does: an HTML page, not a Binance JSON error
      send(403, htmlPage('403 Forbidden'));
      return;
    default:
      // 502/503/504 and anything else come from the CDN/gateway in front of the API
      send(status, htmlPage(`${status} ${http.STATUS_CODES[status] ?? 'Error'}`));
  }
}

/** "TAOUSDT" or "TAO/USDT" → id, base and quote. */
function splitSymbol(symbol: string): { id: string; base: string; quote: string } {
  const slash = symbol.indexOf('/');
  if (slash > 0) {
    const base = symbol.slice(0, slash).toUpperCase();
    const quote = symbol.slice(slash + 1).toUpperCase();
    return { id: base + quote, base, quote };
  }
  const id = symbol.toUpperCase();
  const quote = QUOTES.find((q) => id.endsWith(q) && id.length > q.length);
  if (quote === undefined) throw new Error(`fake-binance: cannot split "${symbol}"; pass it as BASE/QUOTE`);
  return { id, base: id.slice(0, -quote.length), quote };
}

function lastPrice(state: SymbolState): number | undefined {
  let latest: Candle | undefined;
  for (const candles of state.candles.values()) {
    const c = candles.at(-1);
    if (c !== undefined && (latest === undefined || c.time > latest.time)) latest = c;
  }
  return latest?.close;
}

/** Binance's tick sizes give prices about 5–6 significant digits. */
function tickSizeFor(state: SymbolState): string {
  if (state.tickSize !== undefined) return state.tickSize;
  const price = lastPrice(state) ?? 1;
  const exponent = Math.min(-2, Math.max(-8, Math.floor(Math.log10(price)) - 4));
  return (10 ** exponent).toFixed(8);
}

function exchangeInfo(symbols: SymbolState[]): unknown {
  return {
    timezone: 'UTC',
    serverTime: Date.now(),
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'ORDERS', interval: 'DAY', intervalNum: 1, limit: 200000 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: symbols.map((s) => ({
      symbol: s.id,
      status: s.status,
      baseAsset: s.base,
      baseAssetPrecision: 8,
      quoteAsset: s.quote,
      quotePrecision: 8,
      quoteAssetPrecision: 8,
      baseCommissionPrecision: 8,
      quoteCommissionPrecision: 8,
      orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'],
      icebergAllowed: true,
      ocoAllowed: true,
      otoAllowed: true,
      quoteOrderQtyMarketAllowed: true,
      allowTrailingStop: true,
      cancelReplaceAllowed: true,
      amendAllowed: true,
      isSpotTradingAllowed: true,
      isMarginTradingAllowed: false,
      filters: [
        { filterType: 'PRICE_FILTER', minPrice: tickSizeFor(s), maxPrice: '1000000.00000000', tickSize: tickSizeFor(s) },
        { filterType: 'LOT_SIZE', minQty: '0.00100000', maxQty: '900000.00000000', stepSize: '0.00100000' },
        { filterType: 'ICEBERG_PARTS', limit: 10 },
        { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: '5000.00000000', stepSize: '0.00000000' },
        {
          filterType: 'TRAILING_DELTA',
          minTrailingAboveDelta: 10,
          maxTrailingAboveDelta: 2000,
          minTrailingBelowDelta: 10,
          maxTrailingBelowDelta: 2000,
        },
        {
          filterType: 'PERCENT_PRICE_BY_SIDE',
          bidMultiplierUp: '5',
          bidMultiplierDown: '0.2',
          askMultiplierUp: '5',
          askMultiplierDown: '0.2',
          avgPriceMins: 5,
        },
        {
          filterType: 'NOTIONAL',
          minNotional: '5.00000000',
          applyMinToMarket: true,
          maxNotional: '9000000.00000000',
          applyMaxToMarket: false,
          avgPriceMins: 5,
        },
        { filterType: 'MAX_NUM_ORDERS', maxNumOrders: 200 },
        { filterType: 'MAX_NUM_ALGO_ORDERS', maxNumAlgoOrders: 5 },
      ],
      permissions: [],
      permissionSets: [['SPOT']],
      defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
      allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH', 'DECREMENT'],
    })),
  };
}

/** Binance formats decimals as strings with 8 places. */
function decimal(n: number): string {
  return n.toFixed(8);
}

function parseIntParam(value: string | undefined): number | undefined | 'invalid' {
  if (value === undefined) return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : 'invalid';
}

function klines(symbols: Map<string, SymbolState>, q: Record<string, string>): [number, unknown, number] {
  if (!q['symbol']) return [400, BINANCE_ERRORS.missingSymbol, 1];
  if (!q['interval']) return [400, BINANCE_ERRORS.missingInterval, 1];
  const state = symbols.get(q['symbol']);
  if (state === undefined) return [400, BINANCE_ERRORS.invalidSymbol, 1];
  const stepMs = INTERVAL_MS[q['interval']];
  if (stepMs === undefined) return [400, BINANCE_ERRORS.invalidInterval, 1];
  const limit = parseIntParam(q['limit']) ?? KLINE_LIMITS.default;
  if (limit === 'invalid' || limit < 1 || limit > KLINE_LIMITS.max) return [400, BINANCE_ERRORS.badLimit, 1];
  const start = parseIntParam(q['startTime']);
  const end = parseIntParam(q['endTime']);
  if (start === 'invalid' || end === 'invalid') return [400, BINANCE_ERRORS.badRange, 1];
  if (start !== undefined && end !== undefined && start > end) return [400, BINANCE_ERRORS.badRange, 1];

  const all = state.candles.get(q['interval']) ?? [];
  const inRange = all.filter((c) => (start === undefined || c.time >= start) && (end === undefined || c.time <= end));
  // With a startTime Binance pages forward from it; otherwise it returns the most recent `limit`.
  const page = start !== undefined ? inRange.slice(0, limit) : inRange.slice(-limit);
  const rows = page.map((c) => [
    c.time,
    decimal(c.open),
    decimal(c.high),
    decimal(c.low),
    decimal(c.close),
    decimal(c.volume),
    c.time + stepMs - 1,
    decimal(c.volume * c.close),
    Math.max(1, Math.round(c.volume)),
    decimal(c.volume / 2),
    decimal((c.volume * c.close) / 2),
    '0',
  ]);
  return [200, rows, WEIGHTS.klines];
}

function ticker24hr(symbols: Map<string, SymbolState>, q: Record<string, string>): [number, unknown, number] {
  let wanted: string[] | undefined;
  if (q['symbol'] !== undefined) wanted = [q['symbol']];
  else if (q['symbols'] !== undefined) {
    try {
      const parsed: unknown = JSON.parse(q['symbols']);
      if (!Array.isArray(parsed) || !parsed.every((s) => typeof s === 'string')) throw new Error('not a list');
      wanted = parsed as string[];
    } catch {
      return [400, BINANCE_ERRORS.badSymbols, 2];
    }
  }
  const states: SymbolState[] = [];
  for (const id of wanted ?? [...symbols.keys()]) {
    const state = symbols.get(id);
    if (state === undefined) return [400, BINANCE_ERRORS.invalidSymbol, 2];
    states.push(state);
  }
  const stats = states.map(tickerStats);
  const weight = wanted === undefined ? WEIGHTS.tickerAll : WEIGHTS.tickerOne * states.length;
  return [200, q['symbol'] !== undefined ? stats[0] : stats, weight];
}

/** Rolling 24h statistics from the finest candles held, ending at the last one (not the wall clock). */
function tickerStats(state: SymbolState): unknown {
  let finest: { stepMs: number; candles: Candle[] } | undefined;
  for (const [interval, candles] of state.candles) {
    const stepMs = INTERVAL_MS[interval] ?? Infinity;
    if (candles.length > 0 && (finest === undefined || stepMs < finest.stepMs)) finest = { stepMs, candles };
  }
  const last = finest?.candles.at(-1);
  if (finest === undefined || last === undefined) {
    const zero = decimal(0);
    const decimals = [
      ...['priceChange', 'weightedAvgPrice', 'prevClosePrice', 'lastPrice', 'lastQty', 'bidPrice', 'bidQty'],
      ...['askPrice', 'askQty', 'openPrice', 'highPrice', 'lowPrice', 'volume', 'quoteVolume'],
    ];
    return {
      symbol: state.id,
      ...Object.fromEntries(decimals.map((k) => [k, zero])),
      priceChangePercent: '0.000',
      openTime: 0,
      closeTime: 0,
      firstId: -1,
      lastId: -1,
      count: 0,
    };
  }
  const closeTime = last.time + finest.stepMs - 1;
  const window = finest.candles.filter((c) => c.time > closeTime - 86_400_000);
  const first = window[0] ?? last;
  const volume = window.reduce((s, c) => s + c.volume, 0);
  const quoteVolume = window.reduce((s, c) => s + c.volume * c.close, 0);
  const tick = Number(tickSizeFor(state));
  return {
    symbol: state.id,
    priceChange: decimal(last.close - first.open),
    priceChangePercent: (((last.close - first.open) / first.open) * 100).toFixed(3),
    weightedAvgPrice: decimal(volume > 0 ? quoteVolume / volume : last.close),
    prevClosePrice: decimal(first.open),
    lastPrice: decimal(last.close),
    lastQty: decimal(0.1),
    bidPrice: decimal(last.close - tick),
    bidQty: decimal(1),
    askPrice: decimal(last.close),
    askQty: decimal(1),
    openPrice: decimal(first.open),
    highPrice: decimal(Math.max(...window.map((c) => c.high))),
    lowPrice: decimal(Math.min(...window.map((c) => c.low))),
    volume: decimal(volume),
    quoteVolume: decimal(quoteVolume),
    openTime: first.time,
    closeTime,
    firstId: 1,
    lastId: window.length,
    count: window.length,
  };
}
