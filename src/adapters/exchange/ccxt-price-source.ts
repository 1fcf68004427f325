/**
 * {@link PriceSource} backed by one ccxt exchange, spot markets only, public endpoints only
 * (no API keys are needed or accepted).
 *
 * The factory is async: it loads the exchange class up front so a wrong venue id fails at startup,
 * not at the first poll. Markets are loaded lazily on the first `hasMarket`/`candles` call.
 */
import { access } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Exchange, Market, OHLCV } from 'ccxt';
import { ExchangeError } from '../../app/ports.ts';
import type { ExchangeAction, Logger, PriceSource } from '../../app/ports.ts';
import type { Candle } from '../../domain/candles.ts';

export interface CcxtPriceSourceOptions {
  /** ccxt exchange id, e.g. "binance", "kraken". */
  venue: string;
  /**
   * Replaces scheme and host of every http(s) URL in `exchange.urls.api`, keeping the path,
   * e.g. "http://127.0.0.1:8080" turns https://api.binance.com/api/v3 into http://127.0.0.1:8080/api/v3.
   * For loopback fakes in tests and for self-hosted relays.
   */
  apiRoot?: string;
  /** Per HTTP request. */
  timeoutMs?: number;
  /** ccxt's client-side throttle. Leave on in production; tests turn it off (it sleeps between calls). */
  enableRateLimit?: boolean;
  logger?: Logger;
  /** Candles asked for per request; default what ccxt says the venue allows (binance 1000), else 500. */
  maxCandlesPerCall?: number;
  /** When `candles()` gets no `limit`: stop paginating after this many candles. */
  maxCandles?: number;
}

const DEFAULTS = {
  timeoutMs: 10_000, // ccxt's own default; a klines call normally answers well within 1 s
  enableRateLimit: true,
  maxCandles: 5_000, // ~7 months of 1h candles: far beyond any lookback window we use
  maxCandlesPerCall: 500, // only when ccxt does not know the venue's page size
  causeChars: 300, // ccxt messages embed the whole response body; keep log lines readable
} as const satisfies Record<string, number | boolean>;

/**
 * ccxt options per venue that keep it on spot, public endpoints. Without them binance also
 * loads USDⓈ-M and COIN-M futures markets (fapi, dapi: two more hosts, markets we never read).
 * fetchCurrencies/fetchMargins only run with API keys today; pinning them off keeps sapi out
 * even if someone adds keys.
 */
const VENUE_OPTIONS: Readonly<Record<string, Record<string, unknown>>> = {
  binance: {
    defaultType: 'spot',
    fetchMarkets: { types: ['spot'] },
    fetchCurrencies: false,
    fetchMargins: false,
  },
};

type ExchangeClass = new (config?: Record<string, unknown>) => Exchange;

const noopLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return noopLogger;
  },
};

/**
 * Builds a price source for one ccxt venue. Resolves once the exchange class is loaded
 * (no network yet). Rejects with an {@link ExchangeError} 'give-up' for an unknown venue id,
 * a venue without OHLCV in ccxt, or a malformed `apiRoot`.
 */
export async function createCcxtPriceSource(options: CcxtPriceSourceOptions): Promise<PriceSource> {
  const { venue } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxCandles = options.maxCandles ?? DEFAULTS.maxCandles;
  const logger = (options.logger ?? noopLogger).child({ venue });

  const { ExchangeClass } = await loadExchangeClass(venue);
  const exchange = new ExchangeClass({
    enableRateLimit: options.enableRateLimit ?? DEFAULTS.enableRateLimit,
    timeout: timeoutMs,
    options: VENUE_OPTIONS[venue] ?? {},
  });
  if (options.apiRoot !== undefined) {
    const urls = exchange.urls as { api?: unknown };
    try {
      urls.api = rewriteApiUrls(urls.api, options.apiRoot);
    } catch (error) {
      throw new ExchangeError('give-up', `${venue}: ${(error as Error).message}`, { venue, cause: error });
    }
  }
  if (!exchange.has['fetchOHLCV']) {
    throw new ExchangeError('give-up', `${venue} has no candle (OHLCV) endpoint in ccxt: pick another venue`, {
      venue,
    });
  }
  const perCall = pageSize(exchange, options.maxCandlesPerCall);

  // ccxt caches the promise of its first loadMarkets(), even a rejected one: without a reload
  // every later call would fail with the old error. So we keep our own promise and, after a
  // failure, ask ccxt for a reload.
  let marketsLoading: Promise<Record<string, Market>> | undefined;
  let lastLoadFailed = false;
  function loadMarkets(): Promise<Record<string, Market>> {
    marketsLoading ??= exchange.loadMarkets(lastLoadFailed).then(
      (markets) => {
        lastLoadFailed = false;
        logger.info({ markets: Object.keys(markets).length }, 'markets loaded');
        return markets;
      },
      (error: unknown) => {
        marketsLoading = undefined;
        lastLoadFailed = true;
        throw error;
      },
    );
    return marketsLoading;
  }

  async function marketsFor(pair: string, operation: string): Promise<Record<string, Market>> {
    try {
      return await loadMarkets();
    } catch (error) {
      throw (
        translateCcxtError(error, { venue, pair, operation: `loading markets ${operation}`, timeoutMs, responseHeaders: exchange.last_response_headers }) ??
        error
      );
    }
  }

  async function fetchPage(pair: string, timeframe: string, since: number, limit: number): Promise<OHLCV[]> {
    try {
      return await exchange.fetchOHLCV(pair, timeframe, since, limit);
    } catch (error) {
      throw (
        translateCcxtError(error, {
          venue,
          pair,
          operation: `fetching ${pair} ${timeframe} candles`,
          timeoutMs,
          responseHeaders: exchange.last_response_headers,
        }) ??
        error
      );
    }
  }

  return {
    venue,

    async hasMarket(pair) {
      const markets = await marketsFor(pair, `to look up ${pair}`);
      const market = markets[pair];
      // A halted or delisted pair still appears in the list (binance status BREAK): its candles
      // stop moving, so for us it is as good as absent and the caller should try another venue.
      return market !== undefined && market.active !== false;
    },

    async candles(pair, timeframe, sinceMs, limit) {
      if (!Number.isFinite(sinceMs)) throw new TypeError(`sinceMs must be a finite epoch ms, got ${sinceMs}`);
      if (limit !== undefined && !(Number.isSafeInteger(limit) && limit > 0)) {
        throw new TypeError(`limit must be a positive integer, got ${limit}`);
      }
      const timeframes = exchange.timeframes as Record<string, unknown> | undefined;
      if (timeframes !== undefined && !(timeframe in timeframes)) {
        throw new ExchangeError(
          'give-up',
          `${venue} has no ${timeframe} candles (it offers ${Object.keys(timeframes).join(', ')}): ` +
            'fix the timeframe in the config',
          { venue, symbol: pair },
        );
      }
      const markets = await marketsFor(pair, `to fetch ${pair} candles`);
      if (markets[pair] === undefined) {
        throw new ExchangeError('skip-symbol', `${venue} does not list ${pair}: use another venue for it`, {
          venue,
          symbol: pair,
        });
      }

      const wanted = limit ?? maxCandles;
      const rows: OHLCV[] = [];
      let since = sinceMs;
      for (;;) {
        const ask = Math.min(perCall, wanted - rows.length);
        const page = await fetchPage(pair, timeframe, since, ask);
        for (const row of page) rows.push(row);
        const lastTime = page.at(-1)?.[0];
        // A short page means we reached the present. A page that does not move forward means the
        // venue ignores `since` (some only serve the latest N): asking again would loop.
        if (page.length < ask || lastTime === undefined || lastTime < since || rows.length >= wanted) break;
        since = lastTime + 1;
      }

      const { candles, rejected } = toCandles(rows, sinceMs);
      if (rejected.length > 0) {
        logger.warn(
          { pair, timeframe, rejected: rejected.length, example: rejected[0] },
          'venue returned malformed candles; dropped them',
        );
      }
      if (limit === undefined && candles.length >= wanted) {
        logger.warn({ pair, timeframe, sinceMs, maxCandles: wanted }, 'candle history truncated at maxCandles');
      }
      return candles.slice(0, wanted);
    },

    async close() {
      await exchange.close();
      // ccxt keeps an undici keep-alive pool that exchange.close() leaves open; closing it lets
      // the process exit promptly instead of waiting for idle sockets to time out.
      const dispatcher = (exchange as unknown as { fetchDispatcher?: { close?: () => Promise<void> } }).fetchDispatcher;
      await dispatcher?.close?.();
    },
  };
}

/** The venue's documented page size, so pagination knows a short page means "no more". */
function pageSize(exchange: Exchange, override: number | undefined): number {
  if (override !== undefined) return override;
  const features = exchange.features as { spot?: { fetchOHLCV?: { limit?: unknown } } } | undefined;
  const limit = features?.spot?.fetchOHLCV?.limit;
  return typeof limit === 'number' && limit > 0 ? limit : DEFAULTS.maxCandlesPerCall;
}

/**
 * Maps ccxt rows to candles at or after `sinceMs`, sorted by time, one per time (the later row
 * wins: it is the fresher copy of an in-progress candle). Rows that are not a plausible candle
 * are returned in `rejected` instead of poisoning return calculations downstream.
 */
export function toCandles(
  rows: readonly OHLCV[],
  sinceMs: number,
): { candles: Candle[]; rejected: { row: readonly unknown[]; reason: string }[] } {
  const byTime = new Map<number, Candle>();
  const rejected: { row: readonly unknown[]; reason: string }[] = [];
  for (const row of rows) {
    const [time, open, high, low, close, volume] = row as readonly unknown[];
    const candle = { time, open, high, low, close, volume } as Candle;
    const reason = candleProblem(candle);
    if (reason !== undefined) {
      rejected.push({ row, reason });
      continue;
    }
    if (candle.time >= sinceMs) byTime.set(candle.time, candle);
  }
  const candles = [...byTime.values()].sort((a, b) => a.time - b.time);
  return { candles, rejected };
}

function candleProblem(c: Candle): string | undefined {
  if (!Number.isSafeInteger(c.time) || c.time < 0) return `time ${String(c.time)} is not an epoch ms`;
  for (const key of ['open', 'high', 'low', 'close'] as const) {
    const v = c[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) return `${key} ${String(v)} is not a positive number`;
  }
  if (typeof c.volume !== 'number' || !Number.isFinite(c.volume) || c.volume < 0) {
    return `volume ${String(c.volume)} is not a non-negative number`;
  }
  if (c.low > Math.min(c.open, c.close) || c.high < Math.max(c.open, c.close)) {
    return 'high/low do not bracket open/close';
  }
  return undefined;
}

/**
 * Returns a copy of a ccxt `urls.api` value (a string or a nested object of strings) where every
 * http(s) URL has `apiRoot`'s scheme, host and path prefix and keeps its own path.
 * Non-http values (wss:// streams, flags) are left alone. Works on templated hosts such as
 * `https://api.{hostname}/v1` because it does not parse the original URL.
 *
 * @throws TypeError when `apiRoot` is not an absolute http(s) URL.
 */
export function rewriteApiUrls(api: unknown, apiRoot: string): unknown {
  const root = URL.canParse(apiRoot) ? new URL(apiRoot) : undefined;
  if (root === undefined || (root.protocol !== 'http:' && root.protocol !== 'https:')) {
    throw new TypeError(`apiRoot "${apiRoot}" is not an http(s) URL (expected e.g. http://127.0.0.1:8080)`);
  }
  const prefix = `${root.origin}${root.pathname.replace(/\/+$/, '')}`;
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const m = /^https?:\/\/[^/?#]+(.*)$/i.exec(value);
      return m ? prefix + (m[1] ?? '') : value;
    }
    if (Array.isArray(value)) return value.map(rewrite);
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    }
    return value;
  };
  return rewrite(api);
}

// ── Loading one exchange class ───────────────────────────────────────────────

/** Where ccxt's ESM build lives (…/node_modules/ccxt/js/), or undefined if it cannot be resolved. */
function ccxtJsRoot(): URL | undefined {
  try {
    return new URL('.', import.meta.resolve('ccxt'));
  } catch {
    // Runtimes without import.meta.resolve: the CommonJS entry sits in dist/, a sibling of js/.
  }
  try {
    return new URL('../js/', pathToFileURL(createRequire(import.meta.url).resolve('ccxt')));
  } catch {
    return undefined;
  }
}

async function fileExists(url: URL): Promise<boolean> {
  try {
    await access(url);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads one ccxt exchange class. Importing the whole `ccxt` package costs ~0.6 s and ~120 MB
 * because it evaluates all ~100 exchanges; the single file `js/src/<venue>.js` costs ~0.15 s and
 * ~75 MB. Falls back to the full import when that file is not where ccxt 4.x keeps it.
 *
 * @param ccxtRoot the `js/` folder of ccxt; tests pass a wrong one to exercise the fallback.
 * @throws ExchangeError 'give-up' when `venue` is not a ccxt exchange id.
 */
export async function loadExchangeClass(
  venue: string,
  ccxtRoot: URL | undefined = ccxtJsRoot(),
): Promise<{ ExchangeClass: ExchangeClass; loadedFrom: 'file' | 'package' }> {
  // Also keeps the id from walking out of the folder when it becomes a file path.
  if (!/^[a-z][a-z0-9]*$/.test(venue)) {
    throw new ExchangeError('give-up', `"${venue}" is not a ccxt exchange id (lowercase, e.g. binance, kraken)`, {
      venue,
    });
  }
  if (ccxtRoot !== undefined) {
    const file = new URL(`src/${venue}.js`, ccxtRoot);
    if (await fileExists(file)) {
      const mod = (await import(file.href)) as { default?: unknown };
      if (isExchangeClass(mod.default)) return { ExchangeClass: mod.default, loadedFrom: 'file' };
    }
  }
  const ccxt = (await import('ccxt')) as unknown as Record<string, unknown>;
  const candidate = ccxt[venue];
  if (isExchangeClass(candidate)) return { ExchangeClass: candidate, loadedFrom: 'package' };
  throw new ExchangeError('give-up', `ccxt has no exchange "${venue}": check the venue id in the config`, { venue });
}

function isExchangeClass(value: unknown): value is ExchangeClass {
  return (
    typeof value === 'function' &&
    typeof (value.prototype as { fetchOHLCV?: unknown } | undefined)?.fetchOHLCV === 'function'
  );
}

// ── Error translation ────────────────────────────────────────────────────────

/** What a translated error message needs to say where it happened. */
export interface CcxtErrorContext {
  venue: string;
  pair?: string;
  /** What we were doing, completing "… while <operation>". */
  operation: string;
  timeoutMs: number;
  /**
   * Headers of the last response ccxt read (`exchange.last_response_headers`). Only consulted
   * when the error carries an HTTP status, i.e. when that response is the one that failed.
   */
  responseHeaders?: Readonly<Record<string, unknown>>;
}

interface Rule {
  action: ExchangeAction;
  /** Completes "<venue> …". */
  says: (ctx: CcxtErrorContext, status: number | undefined) => string;
}

/**
 * By ccxt class name, most specific first; matched against the error's whole prototype chain so
 * subclasses ccxt adds later land on their parent's rule.
 */
const RULES_BY_CLASS: readonly (readonly [string, Rule])[] = [
  ['RestrictedLocation', { action: 'give-up', says: () => "refuses requests from this server's location" }],
  // binance raises DDoSProtection for both 429 (slow down) and 418 (IP banned after ignoring 429s).
  ['DDoSProtection', { action: 'back-off', says: (_, s) => `is rate-limiting this IP${s ? ` (HTTP ${s})` : ''}` }],
  ['RateLimitExceeded', { action: 'back-off', says: () => 'says we exceeded its request rate limit' }],
  [
    'RequestTimeout',
    // With a status it was the gateway in front of the API that gave up (504), not our timer.
    {
      action: 'retry',
      says: (ctx, s) => (s ? `timed out behind its gateway (HTTP ${s})` : `did not answer within ${ctx.timeoutMs} ms`),
    },
  ],
  ['OnMaintenance', { action: 'retry', says: () => 'is down for maintenance' }],
  ['ExchangeNotAvailable', { action: 'retry', says: (_, s) => `is unavailable${s ? ` (HTTP ${s})` : ''}` }],
  ['NetworkError', { action: 'retry', says: () => 'could not be reached' }],
  ['BadSymbol', { action: 'skip-symbol', says: (ctx) => `does not know ${ctx.pair ?? 'this pair'}` }],
  ['MarketClosed', { action: 'skip-symbol', says: (ctx) => `has closed the ${ctx.pair ?? 'requested'} market` }],
  ['AuthenticationError', { action: 'give-up', says: () => 'refused our credentials or permissions' }],
  ['NotSupported', { action: 'give-up', says: () => 'does not support this request in ccxt' }],
  ['ExchangeClosedByUser', { action: 'give-up', says: () => 'client was closed' }],
  ['InvalidProxySettings', { action: 'give-up', says: () => 'client has invalid proxy settings' }],
  ['ArgumentsRequired', { action: 'give-up', says: () => 'needs arguments we did not send (a bug on our side)' }],
  ['BadRequest', { action: 'give-up', says: () => 'rejected our request as malformed' }],
  ['BadResponse', { action: 'retry', says: () => 'sent a response ccxt could not read' }],
  ['OperationFailed', { action: 'retry', says: () => 'failed to process the request' }],
  // Unclassified refusals: usually transient on binance (-1000 unknown error); retries are bounded by the caller.
  ['ExchangeError', { action: 'retry', says: () => 'returned an error' }],
  ['BaseError', { action: 'retry', says: () => 'failed' }],
];

/**
 * Refinements by HTTP status for ccxt's NetworkErrors. ccxt files 404/405/410/451 under
 * ExchangeNotAvailable ("retry"), which would retry forever on errors only a person can fix.
 * Binance uses 403 for its web-application-firewall limit and 418 for an IP ban after 429s.
 */
const RULES_BY_STATUS: Readonly<Record<number, Rule>> = {
  403: { action: 'back-off', says: () => 'blocked the request (HTTP 403, a firewall rate limit)' },
  404: { action: 'give-up', says: () => 'has no such endpoint (HTTP 404; check the venue id and apiRoot)' },
  405: { action: 'give-up', says: () => 'rejected the HTTP method (HTTP 405; check the venue id and apiRoot)' },
  410: { action: 'give-up', says: () => 'has retired this endpoint (HTTP 410; ccxt may need an upgrade)' },
  418: { action: 'back-off', says: () => 'has temporarily banned this IP for ignoring rate limits (HTTP 418)' },
  451: { action: 'give-up', says: () => "refuses requests from this server's location (HTTP 451)" },
};

const ADVICE: Readonly<Record<ExchangeAction, (ctx: CcxtErrorContext) => string>> = {
  retry: () => 'should work again on a later attempt',
  'back-off': () => 'wait before calling it again',
  'skip-symbol': (ctx) => `use another venue for ${ctx.pair ?? 'this pair'}`,
  'give-up': () => 'an operator needs to fix the configuration or access',
};

/** Constructor names along the prototype chain, e.g. ['DDoSProtection', 'NetworkError', …, 'Error']. */
function classChain(error: object): string[] {
  const names: string[] = [];
  for (let proto: unknown = Object.getPrototypeOf(error); proto !== null && proto !== undefined; ) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
    if (typeof ctor?.name === 'string') names.push(ctor.name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}

/**
 * The HTTP status ccxt put in its message: "<id> <METHOD> <url> <status> <reason> <body>" from the
 * generic handler, "<id> <status> <reason> <body>" from binance's 418/429 handler.
 */
function httpStatusOf(message: string): number | undefined {
  const m = /^\S+ (?:(?:GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS) \S+ )?([1-5]\d\d) /.exec(message);
  return m ? Number(m[1]) : undefined;
}

/**
 * Translates a ccxt error into an {@link ExchangeError} whose `action` tells the caller what to do.
 * Returns undefined for anything that is not a ccxt error: those are bugs and should surface as is.
 */
export function translateCcxtError(error: unknown, ctx: CcxtErrorContext): ExchangeError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const chain = classChain(error);
  if (!chain.includes('BaseError')) return undefined;
  const raw = error instanceof Error ? error.message : String(error);
  const status = httpStatusOf(raw);
  const byStatus = status !== undefined && chain.includes('NetworkError') ? RULES_BY_STATUS[status] : undefined;
  const byClass = RULES_BY_CLASS.find(([name]) => chain.includes(name))?.[1];
  const rule = byStatus ?? byClass;
  if (rule === undefined) return undefined;
  const detail = raw.length > DEFAULTS.causeChars ? `${raw.slice(0, DEFAULTS.causeChars)}…` : raw;
  const retryAfterMs = rule.action === 'back-off' && status !== undefined ? retryAfterMsOf(ctx.responseHeaders) : undefined;
  const advice = retryAfterMs === undefined ? ADVICE[rule.action](ctx) : `it asks us to wait ${retryAfterMs / 1000} s (Retry-After)`;
  const message = `${ctx.venue} ${rule.says(ctx, status)} while ${ctx.operation}: ${advice} [${chain[0] ?? 'Error'}: ${detail}]`;
  const details: { venue: string; symbol?: string; cause: unknown; retryAfterMs?: number } = { venue: ctx.venue, symbol: ctx.pair, cause: error };
  if (retryAfterMs !== undefined) details.retryAfterMs = retryAfterMs;
  return new ExchangeError(rule.action, message, details);
}

/** Retry-After in delta-seconds, as Binance sends it with 429 and 418 (header names as ccxt capitalises them). */
function retryAfterMsOf(headers: Readonly<Record<string, unknown>> | undefined): number | undefined {
  if (headers === undefined) return undefined;
  const value = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  return typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) * 1000 : undefined;
}
