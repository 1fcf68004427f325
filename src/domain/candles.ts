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
