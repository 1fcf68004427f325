/**
 * The price cycle on fake venues: backfill and incremental fetches, venue
 * resolution and fallback, venue outages reported once, delistings, and
 * failures isolated per symbol.
 */
import { describe, expect, it } from 'vitest';
import { createPricePollState, pollPrices, type PricePollState } from '../../src/app/poll-prices.ts';
import type { AppConfig } from '../../src/config/load-config.ts';
import type { TokenConfig } from '../../src/config/schema.ts';
import { FakePriceSource, fakeVenues, hourlyCandles } from '../fakes/fake-price-source.ts';
import type { LogRecord } from '../fakes/silent-logger.ts';
import { testRuntime, type TestRuntime } from '../fakes/runtime.ts';

const NOW = Date.UTC(2025, 3, 10, 12);
const MIN = 60_000;
const H = 60 * MIN;
const DAY = 24 * H;
/** backfillDays is set to 2: 48 closed hourly candles and the open one. */
const BACKFILL = 2 * DAY;
const BACKFILL_CANDLES = 49;

const VENUE_DOWN = 'exchange unavailable; its tokens use their next venue meanwhile';

/** The bundled config with only `venues`' tokens, on the venues given. */
function priceRuntime(venues: Record<string, TokenConfig['venues']>): Promise<TestRuntime> {
  return testRuntime({
    now: NOW,
    edit: (c: AppConfig) => {
      c.alerts.market.timeframe = '1h';
      c.alerts.market.backfillDays = 2;
      c.tokens.quote = 'USDT';
      c.tokens.tokens = Object.entries(venues).map(([symbol, v]) => {
        const bundled = c.tokens.tokens.find((t) => t.symbol === symbol);
        if (!bundled) throw new Error(`${symbol} is not in the bundled tokens.yaml`);
        return { ...bundled, venues: v };
      });
    },
  });
}

/** History every fake venue has for a pair: ten days up to the open candle at NOW. */
const history = (price: number) => hourlyCandles(NOW - 10 * DAY, NOW, price);

const records = (rt: TestRuntime, level: LogRecord['level'], msg: string) => rt.log.records.filter((r) => r.level === level && r.msg === msg);
const warnings = (rt: TestRuntime) => rt.log.records.filter((r) => r.level === 'warn');

describe('pollPrices: fetching', () => {
  it('GIVEN no stored candles THEN backfills backfillDays and stores them', async () => {
    const binance = new FakePriceSource('binance', { 'TAO/USDT': history(300) });
    const rt = await priceRuntime({ TAO: ['binance'] });

    const result = await pollPrices(rt, { sources: fakeVenues(binance) }, createPricePollState());

    expect(result).toEqual({ symbols: 1, candlesStored: BACKFILL_CANDLES, failed: [] });
    expect(binance.candleCalls).toEqual([{ pair: 'TAO/USDT', timeframe: '1h', sinceMs: NOW - BACKFILL, limit: BACKFILL_CANDLES }]);
    expect(rt.store.candles('TAO', '1h', 0)).toEqual(hourlyCandles(NOW - BACKFILL, NOW, 300));
    expect(warnings(rt)).toEqual([]);
  });

  it('GIVEN stored candles THEN the next run asks only from the last stored candle and updates it', async () => {
    const binance = new FakePriceSource('binance', { 'TAO/USDT': history(300) });
    const rt = await priceRuntime({ TAO: ['binance'] });
    const state = createPricePollState();
    const deps = { sources: fakeVenues(binance) };
    await pollPrices(rt, deps, state);

    // An hour later the candle that was open at NOW has closed higher and a new one has opened.
    rt.clock.advance(H);
    binance.list('TAO/USDT', [...hourlyCandles(NOW - 10 * DAY, NOW - H, 300), ...hourlyCandles(NOW, NOW + H, 330)]);
    const result = await pollPrices(rt, deps, state);

    expect(result).toEqual({ symbols: 1, candlesStored: 2, failed: [] });
    expect(binance.candleCalls[1]).toEqual({ pair: 'TAO/USDT', timeframe: '1h', sinceMs: NOW, limit: 2 });
    const stored = rt.store.candles('TAO', '1h', 0);
    expect(stored).toHaveLength(BACKFILL_CANDLES + 1);
    expect(stored.slice(-3).map((c) => [c.time, c.close])).toEqual([
      [NOW - H, 300],
      [NOW, 330],
      [NOW + H, 330],
    ]);
  });
});

describe('pollPrices: choosing a venue', () => {
  it('GIVEN a pair the first venue does not list THEN falls back to the next venue and its own pair', async () => {
    const binance = new FakePriceSource('binance', {});
    const kraken = new FakePriceSource('kraken', { 'AKT/USD': history(3) });
    const rt = await priceRuntime({ AKT: ['binance', { exchange: 'kraken', pair: 'AKT/USD' }] });
    const state = createPricePollState();
    const deps = { sources: fakeVenues(binance, kraken) };

    const result = await pollPrices(rt, deps, state);

    expect(result).toEqual({ symbols: 1, candlesStored: BACKFILL_CANDLES, failed: [] });
    expect(binance.hasMarketCalls).toEqual(['AKT/USDT']);
    expect(binance.candleCalls).toEqual([]);
    expect(kraken.candleCalls).toEqual([{ pair: 'AKT/USD', timeframe: '1h', sinceMs: NOW - BACKFILL, limit: BACKFILL_CANDLES }]);
    expect(records(rt, 'info', 'token priced on venue')).toEqual([{ level: 'info', msg: 'token priced on venue', obj: { symbol: 'AKT', venue: 'kraken', pair: 'AKT/USD' } }]);
    expect(warnings(rt)).toEqual([]);

    // The choice is remembered: the next cycle asks no venue whether it lists the pair.
    rt.clock.advance(5 * MIN);
    await pollPrices(rt, deps, state);
    expect([binance.hasMarketCalls, kraken.hasMarketCalls]).toEqual([['AKT/USDT'], ['AKT/USD']]);

    // A fallback is a stand-in: hours later the preferred venue is asked again.
    rt.clock.advance(6 * H);
    await pollPrices(rt, deps, state);
    expect(binance.hasMarketCalls).toEqual(['AKT/USDT', 'AKT/USDT']);
    expect(kraken.candleCalls).toHaveLength(3);
    expect(records(rt, 'info', 'token priced on venue')).toHaveLength(1);
  });

  it('GIVEN a venue that is down THEN it is warned about once, backed off, and its tokens use the next venue', async () => {
    const pairs = { 'TAO/USDT': history(300), 'RENDER/USDT': history(4), 'NEAR/USDT': history(3) };
    const binance = new FakePriceSource('binance', pairs);
    const kucoin = new FakePriceSource('kucoin', pairs);
    const rt = await priceRuntime({ TAO: ['binance', 'kucoin'], RENDER: ['binance', 'kucoin'], NEAR: ['binance', 'kucoin'] });
    const state = createPricePollState();
    const deps = { sources: fakeVenues(binance, kucoin) };
    // One failure only: had binance not been backed off, RENDER and NEAR would have been priced there.
    binance.failNext('hasMarket', 'retry');

    const result = await pollPrices(rt, deps, state);

    expect(result).toEqual({ symbols: 3, candlesStored: 3 * BACKFILL_CANDLES, failed: [] });
    expect(binance.hasMarketCalls).toEqual(['TAO/USDT']);
    expect(kucoin.candleCalls.map((c) => c.pair)).toEqual(['TAO/USDT', 'RENDER/USDT', 'NEAR/USDT']);
    expect(warnings(rt)).toEqual([
      { level: 'warn', msg: VENUE_DOWN, obj: { venue: 'binance', action: 'retry', failures: 1, backoffMs: MIN, error: 'binance: injected retry on hasMarket' } },
    ]);

    // When the preferred venue is checked again it answers: the tokens go back and the recovery is logged.
    rt.clock.advance(6 * H);
    const later = await pollPrices(rt, deps, state);
    expect(later.failed).toEqual([]);
    expect(binance.candleCalls.map((c) => c.pair)).toEqual(['TAO/USDT', 'RENDER/USDT', 'NEAR/USDT']);
    expect(records(rt, 'info', 'exchange reachable again')).toEqual([{ level: 'info', msg: 'exchange reachable again', obj: { venue: 'binance', failures: 1 } }]);
  });

  it('GIVEN every venue of the tokens down THEN only the venue is warned about, not each token', async () => {
    const binance = new FakePriceSource('binance', { 'TAO/USDT': history(300), 'RENDER/USDT': history(4) });
    const rt = await priceRuntime({ TAO: ['binance'], RENDER: ['binance'] });
    binance.failNext('hasMarket', 'back-off');

    const result = await pollPrices(rt, { sources: fakeVenues(binance) }, createPricePollState());

    expect(result).toEqual({ symbols: 2, candlesStored: 0, failed: ['TAO', 'RENDER'] });
    expect(warnings(rt)).toEqual([expect.objectContaining({ msg: VENUE_DOWN, obj: expect.objectContaining({ venue: 'binance', action: 'back-off' }) })]);
    expect(records(rt, 'debug', 'price fetch failed').map((r) => r.obj)).toEqual([
      expect.objectContaining({ symbol: 'TAO', action: 'retry', error: expect.stringContaining('binance unavailable') }),
      expect.objectContaining({ symbol: 'RENDER', action: 'retry', error: expect.stringContaining('binance unavailable') }),
    ]);
  });

  it('GIVEN a pair delisted from its venue THEN the token moves to its next venue in the same cycle, warned about once', async () => {
    const binance = new FakePriceSource('binance', { 'TAO/USDT': history(300) });
    const kucoin = new FakePriceSource('kucoin', { 'TAO/USDT': history(301) });
    const rt = await priceRuntime({ TAO: ['binance', 'kucoin'] });
    const state = createPricePollState();
    const deps = { sources: fakeVenues(binance, kucoin) };
    await pollPrices(rt, deps, state);

    binance.delist('TAO/USDT');
    rt.clock.advance(H);
    const moved = await pollPrices(rt, deps, state);

    expect(moved).toEqual({ symbols: 1, candlesStored: 1, failed: [] });
    // The new venue continues the stored series rather than backfilling again.
    expect(kucoin.candleCalls).toEqual([{ pair: 'TAO/USDT', timeframe: '1h', sinceMs: NOW, limit: 2 }]);
    expect(warnings(rt)).toEqual([
      {
        level: 'warn',
        msg: 'pair no longer listed on venue (delisted?); not asked for again for a day',
        obj: { symbol: 'TAO', venue: 'binance', pair: 'TAO/USDT', recheckInMs: DAY, error: 'binance does not list TAO/USDT' },
      },
    ]);

    // Later cycles stay on kucoin without asking binance about the pair again, until the day has passed.
    for (let i = 0; i < 3; i++) {
      rt.clock.advance(H);
      expect((await pollPrices(rt, deps, state)).failed).toEqual([]);
    }
    expect(binance.candleCalls.filter((c) => c.sinceMs > NOW - BACKFILL)).toHaveLength(1);
    expect(binance.hasMarketCalls).toEqual(['TAO/USDT']);
    expect(warnings(rt)).toHaveLength(1);
  });

  it('GIVEN the only venue delists the pair THEN one warning, no more requests for a day, and the other tokens continue', async () => {
    const binance = new FakePriceSource('binance', { 'TAO/USDT': history(300), 'NEAR/USDT': history(3) });
    const rt = await priceRuntime({ TAO: ['binance'], NEAR: ['binance'] });
    const state = createPricePollState();
    const deps = { sources: fakeVenues(binance) };
    await pollPrices(rt, deps, state);
    // As with ccxt: the cached market list still has the pair; only the candles request says -1121.
    binance.failNext('candles', 'skip-symbol', { pair: 'TAO/USDT', count: 100 });

    const results = [];
    for (let i = 0; i < 60; i++) {
      rt.clock.advance(MIN);
      results.push(await pollPrices(rt, deps, state));
    }

    expect(new Set(results.map((r) => r.failed.join()))).toEqual(new Set(['TAO']));
    expect(binance.candleCalls.filter((c) => c.pair === 'TAO/USDT')).toHaveLength(2);
    expect(binance.candleCalls.filter((c) => c.pair === 'NEAR/USDT')).toHaveLength(61);
    expect(warnings(rt)).toEqual([expect.objectContaining({ msg: 'pair no longer listed on venue (delisted?); not asked for again for a day', obj: expect.objectContaining({ symbol: 'TAO', venue: 'binance' }) })]);

    // A day later the pair is asked for once more; still unknown, that is logged quietly.
    rt.clock.advance(DAY);
    await pollPrices(rt, deps, state);
    expect(binance.candleCalls.filter((c) => c.pair === 'TAO/USDT')).toHaveLength(3);
    expect(warnings(rt)).toHaveLength(1);
    expect(records(rt, 'debug', 'pair still not listed on venue')).toHaveLength(1);
  });

  it('GIVEN a token no venue lists THEN warns that it cannot be priced, naming tokens.yaml, and quietens on repeats', async () => {
    const binance = new FakePriceSource('binance', { 'TAO/USDT': history(300) });
    const kucoin = new FakePriceSource('kucoin', {});
    const rt = await priceRuntime({ ARKM: ['binance', 'kucoin'], TAO: ['binance'] });
    const state = createPricePollState();
    const deps = { sources: fakeVenues(binance, kucoin) };

    const results = [];
    for (let i = 0; i < 3; i++) {
      results.push(await pollPrices(rt, deps, state));
      rt.clock.advance(5 * MIN);
    }

    expect(results.map((r) => r.failed)).toEqual([['ARKM'], ['ARKM'], ['ARKM']]);
    expect(rt.store.candles('TAO', '1h', 0)).toHaveLength(BACKFILL_CANDLES);
    const error = 'ARKM: no venue can price it now (binance does not list ARKM/USDT; kucoin does not list ARKM/USDT); add a venue that lists it in tokens.yaml';
    expect(warnings(rt)).toEqual([
      { level: 'warn', msg: 'token cannot be priced', obj: { symbol: 'ARKM', failures: 1, error } },
      { level: 'warn', msg: 'token cannot be priced', obj: { symbol: 'ARKM', failures: 2, error } },
    ]);
    expect(records(rt, 'debug', 'price fetch failed')).toEqual([
      { level: 'debug', msg: 'price fetch failed', obj: { symbol: 'ARKM', action: 'skip-symbol', failures: 3, error } },
    ]);
  });
});

describe('pollPrices: isolation', () => {
  it.each([
    { name: 'a delisting', failure: 'skip-symbol' as const, level: 'warn' as const, msg: 'pair no longer listed on venue (delisted?); not asked for again for a day' },
    { name: 'a bug', failure: new TypeError('candle.time is undefined'), level: 'error' as const, msg: 'unexpected error while fetching prices (bug?)' },
  ])('GIVEN $name on one symbol THEN the other symbols are still fetched and stored', async ({ failure, level, msg }) => {
    const binance = new FakePriceSource('binance', { 'TAO/USDT': history(300), 'RENDER/USDT': history(4), 'NEAR/USDT': history(3) });
    const rt = await priceRuntime({ TAO: ['binance'], RENDER: ['binance'], NEAR: ['binance'] });
    binance.failNext('candles', failure, { pair: 'RENDER/USDT' });

    const result = await pollPrices(rt, { sources: fakeVenues(binance) }, createPricePollState());

    expect(result).toEqual({ symbols: 3, candlesStored: 2 * BACKFILL_CANDLES, failed: ['RENDER'] });
    expect(['TAO', 'RENDER', 'NEAR'].map((s) => rt.store.candles(s, '1h', 0).length)).toEqual([BACKFILL_CANDLES, 0, BACKFILL_CANDLES]);
    expect(rt.log.records.filter((r) => r.level === 'warn' || r.level === 'error')).toEqual([
      { level, msg, obj: expect.objectContaining({ symbol: 'RENDER' }) },
    ]);
  });
});

/**
 * With ccxt, hasMarket() answers from the market list loaded once, so a venue
 * outage usually shows up in candles() only.
 */
describe('pollPrices: an outage seen only by candles()', () => {
  async function settledOnBinance(symbols: string[]) {
    const pairs = Object.fromEntries(symbols.map((s) => [`${s}/USDT`, history(10)]));
    const binance = new FakePriceSource('binance', pairs);
    const kucoin = new FakePriceSource('kucoin', pairs);
    const rt = await priceRuntime(Object.fromEntries(symbols.map((s) => [s, ['binance', 'kucoin']])));
    const state: PricePollState = createPricePollState();
    const deps = { sources: fakeVenues(binance, kucoin) };
    await pollPrices(rt, deps, state);
    expect(binance.candleCalls).toHaveLength(symbols.length);
    return { binance, kucoin, rt, state, deps };
  }

  it('GIVEN one failed candles request THEN that token uses its next venue for the cycle and the other tokens stay on the venue', async () => {
    const { binance, kucoin, rt, state, deps } = await settledOnBinance(['TAO', 'RENDER', 'NEAR']);
    binance.failNext('candles', 'retry', { pair: 'TAO/USDT' });
    rt.clock.advance(5 * MIN);

    const result = await pollPrices(rt, deps, state);

    expect(result.failed).toEqual([]);
    expect(kucoin.candleCalls.map((c) => c.pair)).toEqual(['TAO/USDT']);
    expect(binance.candleCalls.slice(3).map((c) => c.pair)).toEqual(['TAO/USDT', 'RENDER/USDT', 'NEAR/USDT']);
    expect(warnings(rt)).toEqual([]);
    expect(records(rt, 'debug', 'exchange request failed; not counted as down yet')).toHaveLength(1);

    // The next cycle TAO is back on its preferred venue.
    rt.clock.advance(5 * MIN);
    await pollPrices(rt, deps, state);
    expect(binance.candleCalls.slice(6).map((c) => c.pair)).toEqual(['TAO/USDT', 'RENDER/USDT', 'NEAR/USDT']);
    expect(records(rt, 'info', 'exchange reachable again')).toEqual([]);
  });

  it('GIVEN tokens settled on a venue that goes down THEN the venue is warned about once and the other tokens use the next venue in that cycle', async () => {
    const { binance, kucoin, rt, state, deps } = await settledOnBinance(['TAO', 'RENDER', 'NEAR']);
    binance.failNext('candles', 'retry', { count: 100 });
    rt.clock.advance(5 * MIN);

    const result = await pollPrices(rt, deps, state);

    expect(result.failed).toEqual([]);
    expect(records(rt, 'warn', VENUE_DOWN)).toHaveLength(1);
    // Two failed requests in a row make the venue down; NEAR does not even try it.
    expect(binance.candleCalls.slice(3).map((c) => c.pair)).toEqual(['TAO/USDT', 'RENDER/USDT']);
    expect(kucoin.candleCalls.map((c) => c.pair)).toEqual(['TAO/USDT', 'RENDER/USDT', 'NEAR/USDT']);
  });

  it('GIVEN a venue whose candles stay down for many cycles THEN warnings are rate-limited, probes back off and the tokens stay priced', async () => {
    const { binance, kucoin, rt, state, deps } = await settledOnBinance(['TAO']);
    binance.failNext('candles', 'retry', { count: 100 });

    const results = [];
    for (let i = 0; i < 12; i++) {
      rt.clock.advance(5 * MIN);
      results.push(await pollPrices(rt, deps, state));
    }

    // Warned on the 2nd, 4th, 8th… consecutive failure of the venue (the first is one bad request).
    const streaks = records(rt, 'warn', VENUE_DOWN).map((r) => (r.obj as { failures: number }).failures);
    expect(streaks).toEqual([2, 4]);
    // One probe per cycle at first, then fewer as the backoff doubles past the cycle interval.
    expect(binance.candleCalls.length - 1).toBeLessThan(8);
    expect(records(rt, 'info', 'exchange reachable again')).toEqual([]);
    expect(kucoin.candleCalls).toHaveLength(12);
    expect(results.every((r) => r.failed.length === 0)).toBe(true);
  });
});

describe('pollPrices: renamed tokens', () => {
  it('GIVEN a venue entry naming the old pair (RNDR/USDT) THEN its candles are stored under the current symbol', async () => {
    const binance = new FakePriceSource('binance', { 'RNDR/USDT': history(4) });
    const rt = await priceRuntime({ RENDER: [{ exchange: 'binance', pair: 'RNDR/USDT' }] });

    const result = await pollPrices(rt, { sources: fakeVenues(binance) }, createPricePollState());

    expect(result).toEqual({ symbols: 1, candlesStored: BACKFILL_CANDLES, failed: [] });
    expect(rt.store.candles('RENDER', '1h', 0)).toHaveLength(BACKFILL_CANDLES);
    expect(rt.store.candles('RNDR', '1h', 0)).toEqual([]);
  });

  it('GIVEN the current pair listed only recently THEN the backfill takes the earlier history from the former ticker, stored as RENDER', async () => {
    const binance = new FakePriceSource('binance', {
      'RENDER/USDT': hourlyCandles(NOW - DAY, NOW, 4),
      'RNDR/USDT': hourlyCandles(NOW - 10 * DAY, NOW - DAY - H, 4),
    });
    const rt = await priceRuntime({ RENDER: ['binance'] });

    const result = await pollPrices(rt, { sources: fakeVenues(binance) }, createPricePollState());

    expect(result).toEqual({ symbols: 1, candlesStored: BACKFILL_CANDLES, failed: [] });
    expect(binance.candleCalls).toEqual([
      { pair: 'RENDER/USDT', timeframe: '1h', sinceMs: NOW - BACKFILL, limit: BACKFILL_CANDLES },
      { pair: 'RNDR/USDT', timeframe: '1h', sinceMs: NOW - BACKFILL, limit: 24 },
    ]);
    expect(rt.store.candles('RENDER', '1h', 0)).toEqual(hourlyCandles(NOW - BACKFILL, NOW, 4));
    expect(records(rt, 'info', 'history under a former ticker stored under the current symbol')).toHaveLength(1);
  });

  it('GIVEN a former ticker that was swapped at a ratio (AGIX → FET) THEN its prices are not spliced in', async () => {
    const binance = new FakePriceSource('binance', {
      'FET/USDT': hourlyCandles(NOW - DAY, NOW, 0.7),
      'AGIX/USDT': hourlyCandles(NOW - 10 * DAY, NOW - DAY - H, 0.3),
    });
    const rt = await priceRuntime({ FET: ['binance'] });

    const result = await pollPrices(rt, { sources: fakeVenues(binance) }, createPricePollState());

    expect(result.candlesStored).toBe(25);
    expect(rt.store.candles('FET', '1h', 0)).toEqual(hourlyCandles(NOW - DAY, NOW, 0.7));
    expect(warnings(rt)).toEqual([expect.objectContaining({ msg: 'former ticker prices do not continue the current pair (a swap, not a rename?); not used as history' })]);
  });
});

describe('pollPrices: gaps in the stored candles', () => {
  /** Stored: two days up to NOW − 1h, without the 9 candles opening NOW − 29h … NOW − 21h. */
  async function withHole(venueCandles: ReturnType<typeof hourlyCandles>) {
    const binance = new FakePriceSource('binance', { 'TAO/USDT': venueCandles });
    const rt = await priceRuntime({ TAO: ['binance'] });
    rt.store.saveCandles('TAO', 'binance', '1h', [...hourlyCandles(NOW - 2 * DAY, NOW - 30 * H, 300), ...hourlyCandles(NOW - 20 * H, NOW - H, 300)]);
    return { binance, rt, state: createPricePollState(), deps: { sources: fakeVenues(binance) } };
  }

  it('GIVEN a hole the venue can fill THEN it is fetched again and the series is whole', async () => {
    const { binance, rt, state, deps } = await withHole(history(300));

    const result = await pollPrices(rt, deps, state);

    // The two newest candles, then the 9 missing ones.
    expect(result).toEqual({ symbols: 1, candlesStored: 2 + 9, failed: [] });
    expect(binance.candleCalls[1]).toEqual({ pair: 'TAO/USDT', timeframe: '1h', sinceMs: NOW - 29 * H, limit: 9 });
    expect(rt.store.candles('TAO', '1h', 0)).toEqual(hourlyCandles(NOW - 2 * DAY, NOW, 300));
    expect(records(rt, 'info', 'gap in stored candles repaired')).toHaveLength(1);
  });

  it('GIVEN a hole the venue has too THEN it is asked three times, then left alone with one log line', async () => {
    const venue = history(300).filter((c) => c.time < NOW - 29 * H || c.time > NOW - 21 * H);
    const { binance, rt, state, deps } = await withHole(venue);

    for (let i = 0; i < 5; i++) {
      await pollPrices(rt, deps, state);
      rt.clock.advance(5 * MIN);
    }

    expect(binance.candleCalls.filter((c) => c.sinceMs === NOW - 29 * H)).toHaveLength(3);
    expect(records(rt, 'info', 'venue has no candles for this gap; leaving it')).toHaveLength(1);
    expect(warnings(rt)).toEqual([]);
  });
});
