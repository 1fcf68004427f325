/**
 * Fault injection for the price cycle: real ccxt against two loopback Binance
 * venues (binance, and binanceus as the fallback), each answering the way the
 * real API and its CDN do: 429 and 418 with Retry-After, 5xx HTML pages,
 * timeouts, -1121 for a delisted symbol, and a whole venue down. Each fault
 * must stay with its venue or symbol, delays asked for must be respected, and
 * once the venue recovers the stored series must have no missing hour.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCcxtPriceSource } from '../../src/adapters/exchange/ccxt-price-source.ts';
import { createPricePollState, pollPrices, type PricePollDeps, type PricePollState } from '../../src/app/poll-prices.ts';
import type { PriceSource } from '../../src/app/ports.ts';
import type { Candle } from '../../src/domain/candles.ts';
import { findCandleGaps } from '../../src/domain/candles.ts';
import { startFakeBinance, type FakeBinance } from '../../src/loopback/binance-server.ts';
import type { LogRecord } from '../fakes/silent-logger.ts';
import { testRuntime, type TestRuntime } from '../fakes/runtime.ts';

const NOW = Date.UTC(2025, 3, 10, 12);
const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
const BACKFILL_DAYS = 2;
/** ccxt's per-request timeout in these tests: the delayed answers below take longer. */
const REQUEST_TIMEOUT_MS = 300;

const VENUE_DOWN = 'exchange unavailable; its tokens use their next venue meanwhile';
const DELISTED = 'pair no longer listed on venue (delisted?); not asked for again for a day';

/** TAO and NEAR fall back to binanceus; RENDER and FET trade on binance only. */
const TOKENS = { TAO: ['binance', 'binanceus'], RENDER: ['binance'], NEAR: ['binance', 'binanceus'], FET: ['binance'] } as const;
const PRICES: Record<string, number> = { TAO: 300, RENDER: 4, NEAR: 3, FET: 0.7 };

/** Hours in which binanceus has no TAO trades, hence no TAO candle (a thin venue). */
const thinTaoHours = new Set<number>();

/** Hourly candles from ten days before NOW up to the one open at `until`, gently moving. */
function series(symbol: string, until: number, skip: (time: number) => boolean = () => false): Candle[] {
  const base = PRICES[symbol]!;
  const out: Candle[] = [];
  for (let t = NOW - 10 * DAY; t <= until; t += H) {
    if (skip(t)) continue;
    const open = base * (1 + 0.01 * Math.sin(t / H));
    const close = base * (1 + 0.01 * Math.sin(t / H + 1));
    out.push({ time: t, open, high: Math.max(open, close) * 1.001, low: Math.min(open, close) * 0.999, close, volume: 10 });
  }
  return out;
}

let binance: FakeBinance;
let binanceus: FakeBinance;
let rt: TestRuntime;
let state: PricePollState;
let deps: PricePollDeps;
const opened: PriceSource[] = [];

beforeEach(async () => {
  binance = await startFakeBinance();
  binanceus = await startFakeBinance();
  thinTaoHours.clear();
  listCandlesUntil(NOW);
  rt = await testRuntime({
    now: NOW,
    edit: (c) => {
      c.alerts.market.timeframe = '1h';
      c.alerts.market.backfillDays = BACKFILL_DAYS;
      c.alerts.market.gapRepairDays = BACKFILL_DAYS;
      c.tokens.quote = 'USDT';
      c.tokens.tokens = Object.entries(TOKENS).map(([symbol, venues]) => ({ ...c.tokens.tokens.find((t) => t.symbol === symbol)!, venues: [...venues] }));
    },
  });
  // One ccxt client per venue for the whole test, as main.ts caches them.
  const roots: Record<string, string> = { binance: binance.url, binanceus: binanceus.url };
  const cache = new Map<string, Promise<PriceSource>>();
  deps = {
    sources: (venue) => {
      let source = cache.get(venue);
      if (!source) {
        source = createCcxtPriceSource({ venue, apiRoot: roots[venue], enableRateLimit: false, timeoutMs: REQUEST_TIMEOUT_MS }).then((s) => (opened.push(s), s));
        cache.set(venue, source);
      }
      return source;
    },
  };
  state = createPricePollState();
  // The first cycle backfills every token from binance.
  expect(await pollPrices(rt, deps, state)).toMatchObject({ failed: [] });
});

afterEach(async () => {
  delistedOnBinance = undefined;
  for (const source of opened.splice(0)) await source.close?.();
  await binance.close();
  await binanceus.close();
});

/** The venues have candles up to the one open at `time`, as real ones do. */
function listCandlesUntil(time: number): void {
  const open = Math.floor(time / H) * H;
  for (const [symbol, venues] of Object.entries(TOKENS)) {
    // A delisted pair stays delisted: setCandles would list it again.
    if (binance.requests.length === 0 || delistedOnBinance !== symbol) binance.setCandles(`${symbol}/USDT`, '1h', series(symbol, open));
    if ((venues as readonly string[]).includes('binanceus')) binanceus.setCandles(`${symbol}/USDT`, '1h', series(symbol, open, (t) => symbol === 'TAO' && thinTaoHours.has(t)));
  }
}
let delistedOnBinance: string | undefined;

const klines = (fake: FakeBinance, symbol?: string) => fake.requests.filter((r) => r.route === 'klines' && (symbol === undefined || r.query['symbol'] === `${symbol}USDT`));
const logs = (level: LogRecord['level'], msg: string) => rt.log.records.filter((r) => r.level === level && r.msg === msg);
const warnings = () => rt.log.records.filter((r) => r.level === 'warn');

/** Stored hourly candles of `symbol` from the backfill start to the clock: none may be missing. */
function expectWholeSeries(symbol: string): void {
  const stored = rt.store.candles(symbol, '1h', 0);
  expect({ symbol, gaps: findCandleGaps(stored, H) }).toEqual({ symbol, gaps: [] });
  expect({ symbol, first: stored[0]?.time, last: stored.at(-1)?.time }).toEqual({ symbol, first: NOW - BACKFILL_DAYS * DAY, last: Math.floor(rt.clock.now() / H) * H });
}

async function cycleAt(time: number) {
  rt.clock.set(time);
  listCandlesUntil(time);
  return pollPrices(rt, deps, state);
}

describe('exchange faults: rate limits', () => {
  it.each([
    { status: 429, retryAfterSeconds: 600, says: 'is rate-limiting this IP (HTTP 429)' },
    { status: 418, retryAfterSeconds: 2 * 3600, says: 'has temporarily banned this IP for ignoring rate limits (HTTP 418)' },
  ])('GIVEN binance answers $status with Retry-After $retryAfterSeconds s THEN it is not called again before then; tokens with a fallback use it meanwhile', async ({ status, retryAfterSeconds, says }) => {
    const retryAfterMs = retryAfterSeconds * 1000;
    binance.failNext('klines', { status, retryAfterSeconds }, 1, 'TAO/USDT');
    const before = binance.requests.length;

    const hit = await cycleAt(NOW + 5 * MIN);

    // TAO and NEAR move to binanceus at once; RENDER and FET wait for binance (nothing else lists them).
    expect(hit.failed).toEqual(['RENDER', 'FET']);
    expect(klines(binanceus).map((r) => r.query['symbol'])).toEqual(['TAOUSDT', 'NEARUSDT']);
    expect(binance.requests.slice(before).map((r) => [r.query['symbol'], r.status])).toEqual([['TAOUSDT', status]]);
    expect(logs('warn', VENUE_DOWN)).toEqual([
      {
        level: 'warn',
        msg: VENUE_DOWN,
        obj: expect.objectContaining({ venue: 'binance', action: 'back-off', retryAfterMs, backoffMs: retryAfterMs, error: expect.stringMatching(new RegExp(`^binance ${says.replace(/[()]/g, '\\$&')} while fetching TAO/USDT 1h candles: it asks us to wait ${retryAfterSeconds} s \\(Retry-After\\)`)) }),
      },
    ]);

    // Every minute until the delay has passed: binance gets no request at all, and no new warning.
    const asked = binance.requests.length;
    for (let t = NOW + 6 * MIN; t < NOW + 5 * MIN + retryAfterMs; t += retryAfterSeconds > 3600 ? 10 * MIN : MIN) await cycleAt(t);
    expect(binance.requests.length).toBe(asked);
    expect(logs('warn', VENUE_DOWN)).toHaveLength(1);

    // Then it is asked again, every token is back on it, and every series is whole.
    const after = await cycleAt(NOW + 5 * MIN + retryAfterMs);
    expect(after.failed).toEqual([]);
    expect(binance.requests.length).toBeGreaterThan(asked);
    expect(logs('info', 'exchange reachable again')).toEqual([{ level: 'info', msg: 'exchange reachable again', obj: { venue: 'binance', failures: 1 } }]);
    for (const symbol of Object.keys(TOKENS)) expectWholeSeries(symbol);
  });
});

describe('exchange faults: one failed request', () => {
  it('GIVEN a 502 page from the CDN for RENDER and a timeout for FET THEN only those two retry, next cycle, without gaps; the venue is not backed off', async () => {
    binance.failNext('klines', 502, 1, 'RENDER/USDT');
    binance.failNext('klines', { delayMs: 5_000 }, 1, 'FET/USDT');

    const result = await cycleAt(NOW + H);

    expect(result.failed).toEqual(['RENDER', 'FET']);
    // TAO and NEAR came from binance as usual: a failed request is not an outage.
    expect(klines(binanceus)).toEqual([]);
    expect(klines(binance).slice(-4).map((r) => [r.query['symbol'], r.status])).toEqual([
      ['TAOUSDT', 200],
      ['RENDERUSDT', 502],
      ['NEARUSDT', 200],
      ['FETUSDT', 0],
    ]);
    expect(warnings()).toEqual([]);
    const failures = rt.log.records.filter((r) => r.msg === 'price fetch failed').map((r) => [(r.obj as { symbol: string }).symbol, (r.obj as { error: string }).error]);
    expect(failures).toEqual([
      ['RENDER', expect.stringMatching(/^binance is unavailable \(HTTP 502\) while fetching RENDER\/USDT 1h candles: should work again on a later attempt/)],
      ['FET', expect.stringMatching(new RegExp(`^binance did not answer within ${REQUEST_TIMEOUT_MS} ms while fetching FET/USDT 1h candles`))],
    ]);

    const next = await cycleAt(NOW + 2 * H);
    expect(next.failed).toEqual([]);
    for (const symbol of Object.keys(TOKENS)) expectWholeSeries(symbol);
  });
});

describe('exchange faults: a delisted symbol', () => {
  it('GIVEN binance answers -1121 Invalid symbol for RENDER THEN it is warned about once and not asked for again every minute; the others continue', async () => {
    binance.removeSymbol('RENDER/USDT');
    delistedOnBinance = 'RENDER';

    const results = [];
    for (let i = 1; i <= 60; i++) results.push(await cycleAt(NOW + i * MIN));

    expect(new Set(results.map((r) => r.failed.join()))).toEqual(new Set(['RENDER']));
    expect(klines(binance, 'RENDER').slice(1).map((r) => r.status)).toEqual([400]);
    expect(klines(binance, 'TAO')).toHaveLength(61);
    expect(warnings()).toEqual([
      {
        level: 'warn',
        msg: DELISTED,
        obj: {
          symbol: 'RENDER',
          venue: 'binance',
          pair: 'RENDER/USDT',
          recheckInMs: DAY,
          error: expect.stringContaining('binance does not know RENDER/USDT while fetching RENDER/USDT 1h candles: use another venue for RENDER/USDT [BadSymbol: binance {"code":-1121,"msg":"Invalid symbol."}]'),
        },
      },
    ]);
    for (const symbol of ['TAO', 'NEAR', 'FET']) expect(rt.store.lastCandleTime(symbol, '1h')).toBe(NOW + H);
  });
});

describe('exchange faults: the venue goes down and comes back', () => {
  it('GIVEN binance down for seven hours THEN TAO and NEAR come from binanceus, and once binance is back no token misses an hour', async () => {
    // binanceus is thin: no TAO trades (so no candles) in two of the outage hours.
    thinTaoHours.add(NOW + 2 * H).add(NOW + 3 * H);
    binance.setOutage(503);
    const before = binance.requests.length;

    const during = [];
    for (let h = 1; h <= 7; h++) during.push(await cycleAt(NOW + h * H));

    expect(during.map((r) => r.failed)).toEqual(Array.from({ length: 7 }, () => ['RENDER', 'FET']));
    expect(rt.store.lastCandleTime('TAO', '1h')).toBe(NOW + 7 * H);
    expect(rt.store.lastCandleTime('NEAR', '1h')).toBe(NOW + 7 * H);
    // binanceus was asked for the hole three times, then left it: it has no such candles.
    expect(findCandleGaps(rt.store.candles('TAO', '1h', 0), H)).toEqual([{ from: NOW + 2 * H, to: NOW + 3 * H, missing: 2 }]);
    expect(logs('info', 'venue has no candles for this gap; leaving it').map((r) => r.obj)).toEqual([expect.objectContaining({ symbol: 'TAO', venue: 'binanceus', attempts: 3 })]);
    // Probed once per cycle at most while down (the backoff doubles), every probe a CDN 503.
    const probes = binance.requests.slice(before);
    expect(probes.length).toBeLessThanOrEqual(8);
    expect(probes.every((r) => r.status === 503)).toBe(true);
    // Warned when it went down (the 2nd failed request), then on the 4th, 8th… only.
    expect(logs('warn', VENUE_DOWN).map((r) => (r.obj as { failures: number }).failures)).toEqual([2, 4, 8]);

    binance.setOutage(undefined);
    const back = await cycleAt(NOW + 8 * H);

    expect(back.failed).toEqual([]);
    expect(logs('info', 'exchange reachable again')).toHaveLength(1);
    expect(logs('info', 'gap in stored candles repaired').map((r) => r.obj)).toEqual([expect.objectContaining({ symbol: 'TAO', venue: 'binance', missing: 2 })]);
    for (const symbol of Object.keys(TOKENS)) expectWholeSeries(symbol);
  });
});
