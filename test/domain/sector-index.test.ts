import { describe, expect, it } from 'vitest';
import type { Candle } from '../../src/domain/candles.ts';
import {
  basketStepReturn,
  basketWindowReturn,
  createSectorFrame,
  frameIndex,
  indexAsCandles,
  memberWindowReturns,
  resolveBasket,
  sectorIndexSeries,
} from '../../src/domain/sector-index.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
/** Closes at T0, T0 + 1h, …; null leaves the candle out. */
const series = (closes: (number | null)[]): Candle[] =>
  closes.flatMap((c, i) => (c === null ? [] : [{ time: T0 + i * H, open: c, high: c, low: c, close: c, volume: 1 }]));

describe('resolveBasket', () => {
  const tokens = [
    { symbol: 'TAO', sector: true, benchmark: false },
    { symbol: 'RENDER', sector: true, benchmark: false },
    { symbol: 'WLD', sector: false, benchmark: false },
    { symbol: 'BTC', sector: true, benchmark: true },
  ];
  it('GIVEN no configured members THEN the sector tokens (never a benchmark) at equal weight', () => {
    expect(resolveBasket(tokens)).toEqual([
      { symbol: 'TAO', weight: 0.5 },
      { symbol: 'RENDER', weight: 0.5 },
    ]);
  });
  it('GIVEN configured weights THEN they are scaled to sum to 1 and a zero weight drops the member', () => {
    expect(resolveBasket(tokens, [{ symbol: 'TAO', weight: 2 }, { symbol: 'FET', weight: 1 }, { symbol: 'X', weight: 0 }])).toEqual([
      { symbol: 'TAO', weight: 2 / 3 },
      { symbol: 'FET', weight: 1 / 3 },
    ]);
  });
});

describe('sector frame', () => {
  // A (w ½): +10%, +10%. B (w ¼): 0%, −10%. C (w ¼): no candle at 1h, so no return over either candle.
  const members = [
    { symbol: 'A', weight: 0.5, candles: series([100, 110, 121]) },
    { symbol: 'B', weight: 0.25, candles: series([10, 10, 9]) },
    { symbol: 'C', weight: 0.25, candles: series([50, null, 55]) },
  ];
  const frame = createSectorFrame(members, T0, 3, H);

  it.each([
    ['candle 1: (½·10% + ¼·0%) / ¾', 1, -1, 1, 1 / 15],
    ['candle 2: (½·10% − ¼·10%) / ¾', 2, -1, 1, 1 / 30],
    ['candle 1 without A: B alone', 1, 0, 1, 0],
    ['candle 2 without B: A alone', 2, 1, 1, 0.1],
    ['fewer members priced than required', 1, -1, 3, undefined],
  ])('GIVEN %s THEN the basket return is %s', (_case, k, exclude, minMembers, expected) => {
    const r = basketStepReturn(frame, k, exclude, minMembers);
    if (expected === undefined) expect(r).toBeUndefined();
    else expect(r).toBeCloseTo(expected, 12);
  });

  it('GIVEN a two-candle window THEN the candle returns are chained: (16/15)(31/30) − 1', () => {
    expect(basketWindowReturn(frame, 2, 2)).toBeCloseTo(46 / 450, 12);
    expect(basketWindowReturn(frame, 2, 2, 'A')).toBeCloseTo(-0.1, 12); // B alone: 0%, then −10%
    expect(basketWindowReturn(frame, 2, 3)).toBeUndefined();
  });

  it('GIVEN the grid THEN the index chains from 100 and counts the members priced', () => {
    expect(sectorIndexSeries(frame)).toEqual([
      { time: T0 + H, level: expect.closeTo(100 * (16 / 15), 9), return: expect.closeTo(1 / 15, 12), members: 2 },
      { time: T0 + 2 * H, level: expect.closeTo(100 * (16 / 15) * (31 / 30), 9), return: expect.closeTo(1 / 30, 12), members: 2 },
    ]);
    expect(sectorIndexSeries(frame, 3)).toEqual([]);
    expect(sectorIndexSeries(frame, 1, 200)[0]!.level).toBeCloseTo(200 * (16 / 15), 9);
  });

  it('GIVEN a window THEN each member priced at both ends gets its own return, best first', () => {
    expect(memberWindowReturns(frame, 2, 2)).toEqual([
      { symbol: 'A', return: expect.closeTo(0.21, 12) },
      { symbol: 'C', return: expect.closeTo(0.1, 12) },
      { symbol: 'B', return: expect.closeTo(-0.1, 12) },
    ]);
  });

  it('GIVEN times on and off the grid THEN frameIndex finds the candle or says -1', () => {
    expect([frameIndex(frame, T0 + 2 * H), frameIndex(frame, T0 + 3 * H), frameIndex(frame, T0 + H / 2)]).toEqual([2, -1, -1]);
  });

  it('GIVEN index points THEN as candles their close is the level and their open the level before', () => {
    const [c] = indexAsCandles(sectorIndexSeries(frame));
    expect(c).toMatchObject({ time: T0 + H, open: expect.closeTo(100, 9), close: expect.closeTo(100 * (16 / 15), 9) });
  });
});
