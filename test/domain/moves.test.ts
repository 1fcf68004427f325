import { describe, expect, it } from 'vitest';
import type { Candle } from '../../src/domain/candles.ts';
import { lastClosedIndex, simpleReturn, stdev, timeframeMs } from '../../src/domain/candles.ts';
import { detectMoves, formatPercent, hasRearmed, type MoveRules } from '../../src/domain/moves.ts';
import { createSectorFrame } from '../../src/domain/sector-index.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

function series(closes: number[]): Candle[] {
  return closes.map((c, i) => ({ time: T0 + i * H, open: c, high: c, low: c, close: c, volume: 1 }));
}

const rules: MoveRules = { windows: [{ minutes: 240, threshold: 0.1 }], abnormalThreshold: 0, minZ: 0, volatilityDays: 30 };

describe('candle arithmetic', () => {
  it.each([
    ['1h', H],
    ['15m', 900_000],
    ['1d', 24 * H],
  ])('timeframeMs(%s)', (tf, ms) => expect(timeframeMs(tf)).toBe(ms));

  it('GIVEN an unknown timeframe THEN explains the format', () => expect(() => timeframeMs('hourly')).toThrow(/e\.g\. 15m/));

  it('simpleReturn and stdev by hand', () => {
    expect(simpleReturn(100, 125)).toBeCloseTo(0.25);
    expect(stdev([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3));
  });

  it('lastClosedIndex ignores the candle still open', () => {
    const c = series([1, 2, 3]);
    expect(lastClosedIndex(c, T0 + 3 * H, H)).toBe(2);
    expect(lastClosedIndex(c, T0 + 3 * H - 1, H)).toBe(1);
    expect(lastClosedIndex(c, T0, H)).toBe(-1);
  });
});

describe('detectMoves', () => {
  const closes = [100, 100, 100, 100, 90, 95, 105, 112.5];
  const now = T0 + closes.length * H;

  it('GIVEN +12.5% over 4h with a dip THEN reports the move with its start where it took off from the dip', () => {
    const [move] = detectMoves({ symbol: 'TAO', candles: series(closes), timeframeMs: H }, rules, now);
    // Low 90 (candle 4); a quarter of the way to 112.5 is 95.625; the last close at or below it is 95 (candle 5, closing at 6h).
    expect(move).toMatchObject({ symbol: 'TAO', windowMinutes: 240, direction: 'up', fromPrice: 100, toPrice: 112.5, startedAt: T0 + 6 * H, endedAt: now });
    expect(move!.return).toBeCloseTo(0.125);
  });

  it('GIVEN a slow drift then a jump THEN the move starts at the jump, not at the start of the drift', () => {
    // 24h window: +0.5% a candle for 20 candles, then +30% in 3 candles.
    const drift = Array.from({ length: 30 }, (_, i) => 100 * 1.005 ** Math.min(i, 26) * (i >= 27 ? 1.1 ** (i - 26) : 1));
    const t = T0 + drift.length * H;
    const [move] = detectMoves({ symbol: 'TAO', candles: series(drift), timeframeMs: H }, { ...rules, windows: [{ minutes: 1440, threshold: 0.1 }] }, t);
    expect(move!.startedAt).toBe(T0 + 27 * H);
  });

  it('GIVEN a fall THEN the start is where it left the high', () => {
    const falling = [100, 100, 100, 100, 110, 104, 95, 88];
    const [move] = detectMoves({ symbol: 'TAO', candles: series(falling), timeframeMs: H }, rules, now);
    // High 110 (candle 4); a quarter of the way to 88 is 104.5; the last close at or above it is 110 itself.
    expect(move).toMatchObject({ direction: 'down', startedAt: T0 + 5 * H });
  });

  it('GIVEN a benchmark THEN computes the abnormal return', () => {
    const btc = series([50, 50, 50, 50, 50, 51, 52, 52.5]);
    const [move] = detectMoves({ symbol: 'TAO', candles: series(closes), benchmark: btc, timeframeMs: H }, rules, now);
    expect(move!.benchmarkReturn).toBeCloseTo(0.05);
    expect(move!.abnormalVsBtc).toBeCloseTo(0.075);
  });

  it('GIVEN β estimated over betaDays THEN the abnormal return is the market model: r − β·r_BTC', () => {
    // 80 candles. BTC: ±1% for 75 candles, then +1% ×4. The token: twice BTC's returns, then +5% ×4. β = 2.
    const btcReturns = Array.from({ length: 79 }, (_, i) => (i >= 75 ? 0.01 : i % 2 === 0 ? 0.01 : -0.01));
    const tokenReturns = btcReturns.map((x, i) => (i >= 75 ? 0.05 : 2 * x));
    const chain = (returns: number[], start: number) => returns.reduce((c, r) => [...c, c.at(-1)! * (1 + r)], [start]);
    const t = T0 + 80 * H;
    const [move] = detectMoves(
      { symbol: 'TAO', candles: series(chain(tokenReturns, 300)), benchmark: series(chain(btcReturns, 80_000)), timeframeMs: H },
      { ...rules, betaDays: 3 },
      t,
    );
    expect(move!.beta).toBeCloseTo(2, 9);
    expect(move!.return).toBeCloseTo(1.05 ** 4 - 1, 12);
    expect(move!.benchmarkReturn).toBeCloseTo(1.01 ** 4 - 1, 12);
    expect(move!.abnormalVsBtc).toBeCloseTo(1.05 ** 4 - 1 - 2 * (1.01 ** 4 - 1), 9);
  });

  it('GIVEN a sector basket THEN the return against the basket without the token, and a rule on it', () => {
    // Basket of A and B, equal weight: +5% over the window each. TAO +12.5%, so +7.5% against the basket.
    const a = series([100, 100, 100, 100, 100, 100, 100, 105]);
    const b = series([10, 10, 10, 10, 10, 10, 10, 10.5]);
    const sector = createSectorFrame([{ symbol: 'A', weight: 0.5, candles: a }, { symbol: 'B', weight: 0.5, candles: b }, { symbol: 'TAO', weight: 0, candles: series(closes) }], T0, 8, H);
    const [move] = detectMoves({ symbol: 'TAO', candles: series(closes), timeframeMs: H, sector }, { ...rules, sectorAbnormalThreshold: 0.07 }, now);
    expect(move!.sectorReturn).toBeCloseTo(0.05, 12);
    expect(move!.abnormalVsSector).toBeCloseTo(0.075, 12);
    expect(move!.reasons).toEqual(['|return| ≥ 10%', '|vs sector| ≥ 7%']);
  });

  it('GIVEN a small move that is huge for the token THEN zThreshold alerts on it alone', () => {
    // 40 calm hours of ±0.1%, then +3% in an hour: under the 5% threshold, but z ≈ 30.
    const calm = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 100 : 100.1));
    const data = [...calm, 100 * 1.03];
    const t = T0 + data.length * H;
    const hourly: MoveRules = { windows: [{ minutes: 60, threshold: 0.05 }], abnormalThreshold: 0, minZ: 0, volatilityDays: 30 };
    expect(detectMoves({ symbol: 'TAO', candles: series(data), timeframeMs: H }, hourly, t)).toEqual([]);
    const [move] = detectMoves({ symbol: 'TAO', candles: series(data), timeframeMs: H }, { ...hourly, zThreshold: 4 }, t);
    expect(move!.reasons).toEqual(['|z| ≥ 4']);
    expect(move!.z).toBeGreaterThan(20);
  });

  it('GIVEN a move below threshold THEN nothing', () => {
    expect(detectMoves({ symbol: 'TAO', candles: series([100, 100, 100, 100, 101, 102, 103, 104]), timeframeMs: H }, rules, now)).toEqual([]);
  });

  it('GIVEN stale candles THEN no live move', () => {
    expect(detectMoves({ symbol: 'TAO', candles: series(closes), timeframeMs: H }, rules, now + 5 * H)).toEqual([]);
  });

  it('GIVEN usual volatility THEN z is the return in its units and minZ filters', () => {
    // 40 alternating 4h returns of ±2%, then a +12.5% 4h move.
    const calm: number[] = [];
    let p = 100;
    for (let i = 0; i < 160; i++) {
      if (i % 4 === 0) p *= i % 8 === 0 ? 1.02 : 1 / 1.02;
      calm.push(p);
    }
    const last = calm.at(-1)!;
    const data = [...calm, last, last, last, last * 1.125];
    const t = T0 + data.length * H;
    const [move] = detectMoves({ symbol: 'TAO', candles: series(data), timeframeMs: H }, rules, t);
    expect(move!.z).toBeGreaterThan(4);
    expect(detectMoves({ symbol: 'TAO', candles: series(data), timeframeMs: H }, { ...rules, minZ: 100 }, t)).toEqual([]);
  });
});

describe('formatPercent', () => {
  it.each([
    [0.25, '+25.0%'],
    [-0.034, '−3.4%'],
    [0, '+0.0%'],
  ])('%d → %s', (x, s) => expect(formatPercent(x)).toBe(s));
});

describe('hasRearmed', () => {
  // 4h returns: rises to +12.5%, falls back to ~0, rises again.
  const closes = [100, 100, 100, 100, 105, 110, 112.5, 112.5, 112.5, 112.5, 112.5, 115, 126];
  const input = { candles: series(closes), timeframeMs: H };
  const now = T0 + closes.length * H;
  it('GIVEN the window return fell below the level since the alert THEN re-armed', () => {
    expect(hasRearmed(input, 240, 'up', T0 + 7 * H, 0.05, now)).toBe(true);
  });
  it('GIVEN the return stayed above the level since the alert THEN not re-armed', () => {
    expect(hasRearmed(input, 240, 'up', T0 + 12 * H, 0.05, now)).toBe(false);
  });
});
