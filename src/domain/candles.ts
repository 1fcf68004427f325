/** OHLCV candles and the return arithmetic built on them. */

export interface Candle {
  /** Open time, epoch ms. */
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** "1m", "15m", "1h", "4h", "1d" → milliseconds. */
export function timeframeMs(timeframe: string): number {
  const m = /^(\d+)([mhdw])$/.exec(timeframe);
  if (!m) throw new Error(`Unknown timeframe "${timeframe}" (expected e.g. 15m, 1h, 1d)`);
  const unit = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] as 'm' | 'h' | 'd' | 'w'];
  return Number(m[1]) * unit;
}

/**
 * Index of the last candle whose close time is at or before `at`
 * (candles sorted by time), or -1.
 */
export function lastClosedIndex(candles: readonly Candle[], at: number, stepMs: number): number {
  let lo = 0;
  let hi = candles.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (candles[mid]!.time + stepMs <= at) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Simple return between two prices as a fraction (0.25 = +25%). */
export function simpleReturn(from: number, to: number): number {
  return from === 0 ? 0 : to / from - 1;
}

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1). */
export function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** First index whose candle opens at or after `time` (candles sorted), or `candles.length`. */
export function firstIndexAtOrAfter(candles: readonly Candle[], time: number): number {
  let lo = 0;
  let hi = candles.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (candles[mid]!.time < time) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A run of candles missing from a stored series: open times `from` … `to` (inclusive), `missing` of them. */
export interface CandleGap {
  from: number;
  to: number;
  missing: number;
}

/**
 * Runs of missing candles between stored ones (sorted by time). Only holes
 * inside the series count: history before the first candle may simply not
 * exist (a listing), and the newest candles are the poll's business. Candles
 * off the `stepMs` grid are ignored rather than reported as gaps.
 */
export function findCandleGaps(candles: readonly Candle[], stepMs: number): CandleGap[] {
  const gaps: CandleGap[] = [];
  for (let i = 1; i < candles.length; i++) {
    const prev = candles[i - 1]!.time;
    const gap = candles[i]!.time - prev;
    if (gap > stepMs && gap % stepMs === 0) gaps.push({ from: prev + stepMs, to: candles[i]!.time - stepMs, missing: gap / stepMs - 1 });
  }
  return gaps;
}

/**
 * Closes on a regular grid: element k is the close of the candle opening at
 * `fromTime + k·stepMs`, NaN where the series has no such candle. Lets several
 * series be combined by index instead of by repeated time lookups.
 */
export function alignCloses(candles: readonly Candle[], fromTime: number, count: number, stepMs: number): Float64Array {
  const out = new Float64Array(count).fill(Number.NaN);
  for (let i = firstIndexAtOrAfter(candles, fromTime); i < candles.length; i++) {
    const c = candles[i]!;
    const offset = c.time - fromTime;
    const k = offset / stepMs;
    if (k >= count) break;
    if (Number.isInteger(k)) out[k] = c.close;
  }
  return out;
}

/**
 * Whether `older` candles can stand as the history of `newer` ones: they end
 * where the newer begin (or overlap) and the price carries on without a jump
 * larger than `maxJump` (fraction). A rename (RNDR → RENDER, 1:1) passes; a
 * merger at a swap ratio (AGIX → FET at 0.43) does not, and must not be
 * spliced in as if it were the same token.
 */
export function continuesSeries(older: readonly Candle[], newer: readonly Candle[], stepMs: number, maxJump = 0.2): boolean {
  const first = newer[0];
  if (first === undefined) return older.length > 0;
  // Compare at the last older candle at or before the first newer one.
  let i = older.length - 1;
  while (i >= 0 && older[i]!.time > first.time) i--;
  const last = older[i];
  if (last === undefined || first.time - last.time > stepMs) return false;
  const reference = last.time === first.time ? first.close : first.open;
  return Math.abs(reference / last.close - 1) <= maxJump;
}
