/**
 * The market model: how much of a token's return the market (BTC) explains.
 * β is the OLS slope of the token's per-candle returns on the benchmark's over
 * an estimation window; the abnormal return is what is left, r − β·r_BTC.
 * Pure.
 */
import { firstIndexAtOrAfter, type Candle } from './candles.ts';

export interface BetaEstimate {
  beta: number;
  /** Paired per-candle returns behind it. */
  samples: number;
  /** True when there were too few samples and β = 1 stands in (the plain excess return). */
  fallback: boolean;
}

/** Fewest paired returns for a β: two days of hourly candles. */
export const MIN_BETA_SAMPLES = 48;

/**
 * OLS slope of `y` on `x` (equal lengths): cov(x, y) / var(x).
 * Undefined when x does not vary (a flat benchmark explains nothing).
 */
export function olsBeta(y: ArrayLike<number>, x: ArrayLike<number>): number | undefined {
  const n = Math.min(x.length, y.length);
  if (n < 2) return undefined;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let cov = 0;
  let varX = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    cov += dx * (y[i]! - my);
    varX += dx * dx;
  }
  return varX > 0 ? cov / varX : undefined;
}

/**
 * β of `asset` on `market` from per-candle returns over the `samples` candles
 * whose close is at or before `endTime`. Only returns present in both series
 * (same open time, previous candle present in both) are paired, so gaps and
 * late listings shorten the sample instead of misaligning it. With fewer than
 * `minSamples` pairs, β falls back to 1.
 */
export function estimateBeta(
  asset: readonly Candle[],
  market: readonly Candle[],
  endTime: number,
  samples: number,
  stepMs: number,
  minSamples = MIN_BETA_SAMPLES,
): BetaEstimate {
  const fromTime = endTime - samples * stepMs;
  let a = firstIndexAtOrAfter(asset, fromTime - stepMs);
  let m = firstIndexAtOrAfter(market, fromTime - stepMs);
  // Running sums rather than arrays: this runs per token and step in a replay.
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  let sxx = 0;
  // Merge walk over both series, pairing candles by open time.
  while (a < asset.length && m < market.length) {
    const ta = asset[a]!.time;
    const tm = market[m]!.time;
    if (ta + stepMs > endTime || tm + stepMs > endTime) break;
    if (ta < tm) a++;
    else if (tm < ta) m++;
    else {
      if (a > 0 && m > 0 && ta >= fromTime && ta - asset[a - 1]!.time === stepMs && tm - market[m - 1]!.time === stepMs) {
        const y = asset[a]!.close / asset[a - 1]!.close - 1;
        const x = market[m]!.close / market[m - 1]!.close - 1;
        n++;
        sx += x;
        sy += y;
        sxy += x * y;
        sxx += x * x;
      }
      a++;
      m++;
    }
  }
  const varX = sxx - (sx * sx) / n;
  // Relative guard: a flat benchmark leaves only rounding noise in varX.
  if (n < minSamples || !(varX > 1e-12 * Math.max(1e-300, sxx))) return { beta: 1, samples: n, fallback: true };
  return { beta: (sxy - (sx * sy) / n) / varX, samples: n, fallback: false };
}

/** The market-model abnormal return: r − β·r_market. */
export function abnormalReturn(r: number, marketReturn: number, beta: number): number {
  return r - beta * marketReturn;
}
