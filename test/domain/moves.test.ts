import { describe, expect, it } from 'vitest';
import type { Candle } from '../../src/domain/candles.ts';
import { lastClosedIndex, simpleReturn, stdev, timeframeMs } from '../../src/domain/candles.ts';
import { detectMoves, formatPercent, hasRearmed, type MoveRules } from '../../src/domain/moves.ts';

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

  it('GIVEN +25% from the low over 4h THEN reports the move with start at the low', () => {
    const [move] = detectMoves({ symbol: 'TAO', candles: series(closes), timeframeMs: H }, rules, now);
    expect(move).toMatchObject({ symbol: 'TAO', windowMinutes: 240, direction: 'up', fromPrice: 100, toPrice: 112.5, startedAt: T0 + 5 * H, endedAt: now });
    expect(move!.return).toBeCloseTo(0.125);
  });

  it('GIVEN a benchmark THEN computes the abnormal return', () => {
    const btc = series([50, 50, 50, 50, 50, 51, 52, 52.5]);
    const [move] = detectMoves({ symbol: 'TAO', candles: series(closes), benchmark: btc, timeframeMs: H }, rules, now);
    expect(move!.benchmarkReturn).toBeCloseTo(0.05);
    expect(move!.abnormalVsBtc).toBeCloseTo(0.075);
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
