import { describe, expect, it } from 'vitest';
import type { Candle } from '../../src/domain/candles.ts';
import { minVolatilitySamples, rollingVolatility, windowReturn, windowSteps, zScore } from '../../src/domain/returns.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const series = (closes: number[]): Candle[] => closes.map((c, i) => ({ time: T0 + i * H, open: c, high: c, low: c, close: c, volume: 1 }));

/** Closes whose one-candle returns alternate +10%, −10%, … (`n` returns), then `last`. */
function alternating(n: number, last: number): number[] {
  const closes = [100];
  for (let i = 0; i < n; i++) closes.push(closes.at(-1)! * (i % 2 === 0 ? 1.1 : 0.9));
  closes.push(last);
  return closes;
}

describe('windowSteps', () => {
  it.each([
    [240, H, 4],
    [60, H, 1],
    [15, H, 1], // never less than one candle
    [1440, 900_000, 96],
  ])('GIVEN %i minutes of %i ms candles THEN %i candles', (minutes, step, steps) => expect(windowSteps(minutes, step)).toBe(steps));
});

describe('windowReturn', () => {
  it.each([
    ['two candles back', 2, 2, 0.21], // 100 → 121
    ['one candle back', 2, 1, 0.1], // 110 → 121
    ['past the start', 2, 3, undefined],
    ['past the end', 3, 1, undefined],
  ])('GIVEN %s THEN %s', (_case, end, steps, expected) => {
    const r = windowReturn(series([100, 110, 121]), end, steps);
    if (expected === undefined) expect(r).toBeUndefined();
    else expect(r).toBeCloseTo(expected, 12);
  });
});

describe('rollingVolatility', () => {
  // 24 one-candle returns of ±10%, mean 0: sample stdev = √(24 × 0.01 / 23).
  const candles = series(alternating(24, 500));
  const end = 25;

  it('GIVEN 24 alternating ±10% returns before the window THEN their sample standard deviation, the current window left out', () => {
    expect(rollingVolatility(candles, end, 1, 24)).toBeCloseTo(Math.sqrt(0.24 / 23), 12);
  });

  it('GIVEN fewer samples than the minimum THEN no volatility (and so no z-score)', () => {
    expect(minVolatilitySamples(1)).toBe(24);
    expect(rollingVolatility(candles, end, 1, 23)).toBeUndefined();
  });

  it('GIVEN a 4-candle window THEN overlapping 4-candle returns are the samples', () => {
    // Over 4 alternating candles: ×1.1×0.9×1.1×0.9 = 0.9801 whichever way round → every sample −1.99%, stdev 0.
    const long = series(alternating(60, 1));
    expect(minVolatilitySamples(4)).toBe(24);
    expect(rollingVolatility(long, 61, 4, 60)).toBeCloseTo(0, 12);
  });
});

describe('zScore', () => {
  it.each([
    [0.3, 0.1, 3],
    [-0.15, 0.05, -3],
    [0.3, 0, undefined],
    [0.3, undefined, undefined],
  ])('GIVEN r %d and volatility %s THEN z %s', (r, vol, z) => {
    const got = zScore(r, vol);
    if (z === undefined) expect(got).toBeUndefined();
    else expect(got).toBeCloseTo(z, 12);
  });
});
