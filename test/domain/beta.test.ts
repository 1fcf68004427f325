import { describe, expect, it } from 'vitest';
import { abnormalReturn, betaFromSums, betaSums, estimateBeta, olsBeta, type BetaSums } from '../../src/domain/beta.ts';
import type { Candle } from '../../src/domain/candles.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);

/** Candles whose one-candle returns are `returns` (the first close is `start`). */
function fromReturns(returns: number[], start: number): Candle[] {
  const closes = [start];
  for (const r of returns) closes.push(closes.at(-1)! * (1 + r));
  return closes.map((c, i) => ({ time: T0 + i * H, open: c, high: c, low: c, close: c, volume: 1 }));
}

/** BTC returns +1%, −0.5%, +2%, … (varied so the slope is defined); the token's are 1.5× them. */
const btcReturns = Array.from({ length: 60 }, (_, i) => [0.01, -0.005, 0.02, -0.015][i % 4]!);
const btc = fromReturns(btcReturns, 80_000);
const token = fromReturns(btcReturns.map((x) => 1.5 * x), 300);
/** Close of the last candle: candles 0..60, the last opening at T0 + 60h. */
const END = T0 + 61 * H;

describe('olsBeta', () => {
  it.each([
    ['y = 2x', [0.02, 0.04, 0.06], [0.01, 0.02, 0.03], 2],
    ['y = 0.01 + 2x (the intercept does not change the slope)', [0.03, 0.05, 0.07], [0.01, 0.02, 0.03], 2],
    ['y = −x', [-0.01, 0.01, 0.03], [0.01, -0.01, -0.03], -1],
  ])('GIVEN %s THEN β %d', (_case, y, x, beta) => expect(olsBeta(y, x)).toBeCloseTo(beta, 12));

  it('GIVEN a benchmark that does not move THEN no β', () => expect(olsBeta([0.01, 0.02], [0.01, 0.01])).toBeUndefined());
});

describe('estimateBeta', () => {
  it('GIVEN 60 paired returns, the token 1.5× BTC THEN β 1.5 from all 60', () => {
    expect(estimateBeta(token, btc, END, 60, H)).toEqual({ beta: expect.closeTo(1.5, 9), samples: 60, fallback: false });
  });

  it('GIVEN an estimation window of 50 candles THEN only the 50 returns closing by endTime count', () => {
    expect(estimateBeta(token, btc, T0 + 51 * H, 50, H)).toMatchObject({ samples: 50, fallback: false });
  });

  it('GIVEN a window reaching before the data THEN the pairs there are used, with the very same result', () => {
    // 70 asked, 60 exist: the general merge walk instead of the whole-window fast path.
    expect(estimateBeta(token, btc, END, 70, H)).toEqual(estimateBeta(token, btc, END, 60, H));
  });

  it('GIVEN a missing token candle THEN the two returns that need it are left out, the rest still pair', () => {
    const gappy = token.filter((_, i) => i !== 30);
    expect(estimateBeta(gappy, btc, END, 60, H)).toEqual({ beta: expect.closeTo(1.5, 9), samples: 58, fallback: false });
  });

  it('GIVEN fewer pairs than the minimum THEN β 1 (the plain excess return), flagged', () => {
    expect(estimateBeta(token, btc, END, 30, H)).toEqual({ beta: 1, samples: 30, fallback: true });
    expect(estimateBeta(token, btc, END, 0, H)).toEqual({ beta: 1, samples: 0, fallback: true });
  });
});

describe('abnormalReturn', () => {
  it.each([
    [0.25, 0.1, 1.5, 0.1],
    [0.25, 0.1, 1, 0.15],
    [-0.05, -0.04, 2, 0.03],
  ])('GIVEN r %d, BTC %d, β %d THEN %d', (r, rm, beta, ar) => expect(abnormalReturn(r, rm, beta)).toBeCloseTo(ar, 12));
});

describe('betaSums: sliding the window', () => {
  it.each([
    ['whole series', token],
    ['a token with a missing candle', token.filter((_, i) => i !== 55)],
  ])('GIVEN %s THEN sliding a candle at a time gives what estimating from scratch gives', (_case, asset) => {
    let sums: BetaSums | undefined;
    for (let end = T0 + 52 * H; end <= END; end += H) {
      sums = betaSums(asset, btc, end, 50, H, sums);
      const scratch = estimateBeta(asset, btc, end, 50, H);
      expect(betaFromSums(sums)).toEqual({ ...scratch, beta: expect.closeTo(scratch.beta, 12) });
    }
  });

  it('GIVEN a window that does not follow on THEN it is computed from scratch', () => {
    const early = betaSums(token, btc, T0 + 52 * H, 50, H);
    expect(betaSums(token, btc, END, 50, H, early)).toEqual(betaSums(token, btc, END, 50, H));
  });
});
