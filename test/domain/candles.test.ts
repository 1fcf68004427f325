import { describe, expect, it } from 'vitest';
import { alignCloses, continuesSeries, findCandleGaps, firstIndexAtOrAfter, type Candle } from '../../src/domain/candles.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const at = (hours: number[], close = 1): Candle[] => hours.map((h) => ({ time: T0 + h * H, open: close, high: close, low: close, close, volume: 1 }));

describe('findCandleGaps', () => {
  it.each([
    ['a contiguous series', [0, 1, 2, 3], []],
    ['two holes', [0, 1, 2, 5, 6, 9], [{ from: T0 + 3 * H, to: T0 + 4 * H, missing: 2 }, { from: T0 + 7 * H, to: T0 + 8 * H, missing: 2 }]],
    ['one missing candle', [0, 2], [{ from: T0 + H, to: T0 + H, missing: 1 }]],
    ['a candle off the grid (ignored)', [0, 1.5], []],
    ['nothing', [], []],
  ])('GIVEN %s THEN %j', (_case, hours, gaps) => expect(findCandleGaps(at(hours), H)).toEqual(gaps));
});

describe('alignCloses', () => {
  it('GIVEN a series with a hole THEN closes on the grid and NaN where missing', () => {
    const candles = [...at([0], 10), ...at([2], 12), ...at([3], 13)];
    expect([...alignCloses(candles, T0 + H, 3, H)]).toEqual([Number.NaN, 12, 13]);
    expect(firstIndexAtOrAfter(candles, T0 + H)).toBe(1);
  });
});

describe('continuesSeries', () => {
  const newer = [{ time: T0 + 10 * H, open: 4.1, high: 4.2, low: 4, close: 4.1, volume: 1 }];
  it.each([
    ['a rename: the old pair ends a candle before at the same price', at([8, 9], 4), true],
    ['a swap at 0.43: the price jumps', at([8, 9], 9.5), false],
    ['old candles ending hours before', at([5, 6], 4), false],
    ['old candles overlapping the new ones at the same price', at([9, 10], 4.1), true],
    ['no old candles', [], false],
  ])('GIVEN %s THEN %s', (_case, older, expected) => expect(continuesSeries(older, newer, H)).toBe(expected));
});
