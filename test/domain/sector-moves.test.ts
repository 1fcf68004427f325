import { describe, expect, it } from 'vitest';
import type { Candle } from '../../src/domain/candles.ts';
import { createSectorFrame, sectorIndexSeries } from '../../src/domain/sector-index.ts';
import { detectSectorMoves, relativeStrengthCandles, type SectorRules } from '../../src/domain/sector-moves.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const N = 60;
const NOW = T0 + N * H;
const series = (closes: number[]): Candle[] => closes.map((c, i) => ({ time: T0 + i * H, open: c, high: c, low: c, close: c, volume: 1 }));
/** Flat for 56 candles, then the last 4 candles each × (1 + r). */
const endingWith = (start: number, r: number) => Array.from({ length: N }, (_, i) => start * (1 + r) ** Math.max(0, i - (N - 5)));

const rules: SectorRules = { name: 'AI basket', windows: [{ minutes: 240, threshold: 0.06 }], minMembers: 3, volatilityDays: 30, betaDays: 30 };
// A flat BTC: no β can be estimated, so β = 1 and "abnormal" is the basket's excess over BTC.
const btc = series(Array.from({ length: N }, () => 80_000));

function movesOf(lastFourReturns: Record<string, number>) {
  const members = Object.entries(lastFourReturns).map(([symbol, r]) => ({ symbol, weight: 1 / 4, candles: series(endingWith(10, r)) }));
  const frame = createSectorFrame(members, T0, N, H);
  return detectSectorMoves(sectorIndexSeries(frame, 3), frame, btc, rules, NOW);
}

describe('detectSectorMoves', () => {
  it('GIVEN all four members up 2% a candle for 4h and BTC flat THEN a sector move of 1.02⁴ − 1, members listed best first', () => {
    const [move] = movesOf({ TAO: 0.02, RENDER: 0.03, FET: 0.02, NEAR: 0.01 });
    // Each candle: (2 + 3 + 2 + 1)% / 4 = 2%.
    expect(move).toMatchObject({ symbol: 'AI basket', windowMinutes: 240, direction: 'up', beta: 1, endedAt: NOW, startedAt: NOW - 4 * H });
    expect(move!.return).toBeCloseTo(1.02 ** 4 - 1, 12);
    expect(move!.abnormalVsBtc).toBeCloseTo(1.02 ** 4 - 1, 12);
    expect(move!.members.map((m) => m.symbol)).toEqual(['RENDER', 'TAO', 'FET', 'NEAR']);
    // Without RENDER: (2 + 2 + 1)% / 3 a candle.
    expect(move!.abnormalWithoutLeader).toBeCloseTo((1 + 0.05 / 3) ** 4 - 1, 12);
    expect(move!.reasons).toEqual(['|AI basket − β·BTC| ≥ 6%', '6.8% without RENDER']);
  });

  it('GIVEN one member up 10% a candle and the rest flat THEN no sector move: it is that token’s move', () => {
    // The basket gains 2.5% a candle (10.4% over 4h) but nothing without TAO.
    expect(movesOf({ TAO: 0.1, RENDER: 0, FET: 0, NEAR: 0 })).toEqual([]);
  });

  it('GIVEN the basket down THEN a down move led by the worst member', () => {
    const [move] = movesOf({ TAO: -0.02, RENDER: -0.03, FET: -0.02, NEAR: -0.01 });
    expect(move).toMatchObject({ direction: 'down' });
    expect(move!.members.at(-1)!.symbol).toBe('RENDER');
  });

  it('GIVEN BTC down 8% and the basket flat THEN no sector move: the basket itself did not move', () => {
    const members = ['TAO', 'RENDER', 'FET', 'NEAR'].map((symbol) => ({ symbol, weight: 1 / 4, candles: series(endingWith(10, 0)) }));
    const frame = createSectorFrame(members, T0, N, H);
    const falling = series(endingWith(80_000, -0.0206)); // 0.9794⁴ ≈ 0.92
    expect(detectSectorMoves(sectorIndexSeries(frame, 3), frame, falling, rules, NOW)).toEqual([]);
  });

  it('GIVEN a move below the threshold THEN nothing', () => {
    expect(movesOf({ TAO: 0.01, RENDER: 0.01, FET: 0.01, NEAR: 0.01 })).toEqual([]);
  });
});

describe('relativeStrengthCandles', () => {
  it('GIVEN the basket up 2% and BTC flat THEN the ratio rises 2% a candle', () => {
    const members = ['A', 'B', 'C'].map((symbol) => ({ symbol, weight: 1 / 3, candles: series(endingWith(10, 0.02)) }));
    const rs = relativeStrengthCandles(sectorIndexSeries(createSectorFrame(members, T0, N, H), 3), btc);
    expect(rs).toHaveLength(N - 1);
    expect(rs.at(-1)!.close / rs.at(-2)!.close).toBeCloseTo(1.02, 12);
  });
});
