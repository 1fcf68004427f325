/**
 * The market model: how much of a token's return the market (BTC) explains.
 * β is the OLS slope of the token's per-candle returns on the benchmark's over
 * an estimation window; the abnormal return is what is left, r − β·r_BTC.
 * Pure.
 */
import { firstIndexAtOrAfter, lastClosedIndex, type Candle } from './candles.ts';

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
 * Running sums of the paired per-candle returns (x: market, y: asset) whose
 * candles open in [fromTime, toTime]: enough for the OLS slope, and cheap to
 * slide along by a candle.
 */
export interface BetaSums {
  fromTime: number;
  toTime: number;
  n: number;
  sx: number;
  sy: number;
  sxy: number;
  sxx: number;
  /** `toTime` when the sums were last computed from scratch (sliding accumulates rounding). */
  fullAt: number;
}

/** Candles a slid window is recomputed after, to shed rounding and pick up candles filled in since (gap repair). */
const FULL_RECOMPUTE_CANDLES = 24;

function emptySums(fromTime: number, toTime: number): BetaSums {
  return { fromTime, toTime, n: 0, sx: 0, sy: 0, sxy: 0, sxx: 0, fullAt: toTime };
}

function add(s: BetaSums, x: number, y: number, sign: 1 | -1): void {
  s.n += sign;
  s.sx += sign * x;
  s.sy += sign * y;
  s.sxy += sign * x * y;
  s.sxx += sign * x * x;
}

/** The pair of returns over the candle opening at `t`, when both series have it and the candle before. */
function pairAt(asset: readonly Candle[], market: readonly Candle[], t: number, stepMs: number): [number, number] | undefined {
  const a = firstIndexAtOrAfter(asset, t);
  const m = firstIndexAtOrAfter(market, t);
  const ca = asset[a];
  const cm = market[m];
  const pa = asset[a - 1];
  const pm = market[m - 1];
  if (!ca || !cm || !pa || !pm || ca.time !== t || cm.time !== t || t - pa.time !== stepMs || t - pm.time !== stepMs) return undefined;
  return [cm.close / pm.close - 1, ca.close / pa.close - 1];
}

/** Sums over the candles opening in [fromTime, toTime], from scratch. */
function computeSums(asset: readonly Candle[], market: readonly Candle[], fromTime: number, toTime: number, stepMs: number): BetaSums {
  const s = emptySums(fromTime, toTime);
  let a = firstIndexAtOrAfter(asset, fromTime - stepMs);
  let m = firstIndexAtOrAfter(market, fromTime - stepMs);
  const aEnd = lastClosedIndex(asset, toTime + stepMs, stepMs);
  const mEnd = lastClosedIndex(market, toTime + stepMs, stepMs);
  const span = aEnd - a;
  // Fast path, same sums in the same order: both series whole over the window and starting a candle before it.
  if (
    span > 0 &&
    mEnd - m === span &&
    asset[a]!.time === fromTime - stepMs &&
    market[m]!.time === asset[a]!.time &&
    asset[aEnd]!.time - asset[a]!.time === span * stepMs &&
    market[mEnd]!.time - market[m]!.time === span * stepMs
  ) {
    for (let k = 1; k <= span; k++) add(s, market[m + k]!.close / market[m + k - 1]!.close - 1, asset[a + k]!.close / asset[a + k - 1]!.close - 1, 1);
    return s;
  }
  // Merge walk over both series, pairing candles by open time.
  while (a < asset.length && m < market.length) {
    const ta = asset[a]!.time;
    const tm = market[m]!.time;
    if (ta > toTime || tm > toTime) break;
    if (ta < tm) a++;
    else if (tm < ta) m++;
    else {
      if (a > 0 && m > 0 && ta >= fromTime && ta - asset[a - 1]!.time === stepMs && tm - market[m - 1]!.time === stepMs) {
        add(s, market[m]!.close / market[m - 1]!.close - 1, asset[a]!.close / asset[a - 1]!.close - 1, 1);
      }
      a++;
      m++;
    }
  }
  return s;
}

/**
 * The sums for the `samples` candles closing at or before `endTime`. Given
 * the sums of the same-length window a few candles earlier (`previous`), the
 * window slides: pairs that left are taken out and new ones added, instead of
 * walking the whole estimation window again every candle. A window that does
 * not follow on, and every {@link FULL_RECOMPUTE_CANDLES} candles, is
 * computed from scratch.
 */
export function betaSums(asset: readonly Candle[], market: readonly Candle[], endTime: number, samples: number, stepMs: number, previous?: BetaSums): BetaSums {
  const fromTime = endTime - samples * stepMs;
  const toTime = endTime - stepMs;
  const shift = previous ? (toTime - previous.toTime) / stepMs : -1;
  if (!previous || previous.fromTime !== previous.toTime + stepMs - samples * stepMs || shift < 0 || shift > 4 || !Number.isInteger(shift) || toTime - previous.fullAt >= FULL_RECOMPUTE_CANDLES * stepMs) {
    return computeSums(asset, market, fromTime, toTime, stepMs);
  }
  const s: BetaSums = { ...previous, fromTime, toTime };
  for (let t = previous.fromTime; t < fromTime; t += stepMs) {
    const p = pairAt(asset, market, t, stepMs);
    if (p) add(s, p[0], p[1], -1);
  }
  for (let t = previous.toTime + stepMs; t <= toTime; t += stepMs) {
    const p = pairAt(asset, market, t, stepMs);
    if (p) add(s, p[0], p[1], 1);
  }
  return s;
}

/** β from sums: the OLS slope, or 1 (flagged) below `minSamples` pairs or when the market did not move. */
export function betaFromSums(s: BetaSums, minSamples = MIN_BETA_SAMPLES): BetaEstimate {
  const { n, sx, sy, sxy, sxx } = s;
  const varX = sxx - (sx * sx) / n;
  // Relative guard: a flat benchmark leaves only rounding noise in varX.
  if (n < minSamples || !(varX > 1e-12 * Math.max(1e-300, sxx))) return { beta: 1, samples: n, fallback: true };
  return { beta: (sxy - (sx * sy) / n) / varX, samples: n, fallback: false };
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
  return betaFromSums(computeSums(asset, market, endTime - samples * stepMs, endTime - stepMs, stepMs), minSamples);
}

/** The market-model abnormal return: r − β·r_market. */
export function abnormalReturn(r: number, marketReturn: number, beta: number): number {
  return r - beta * marketReturn;
}
