/**
 * Returns over windows of candles, their usual size (rolling volatility) and
 * how unusual one is (z-score). Pure; candles are sorted by open time.
 */
import { simpleReturn, type Candle } from './candles.ts';
import { MINUTE_MS } from './time.ts';

/** Candles in a window: "240 minutes of 1h candles" → 4. Never less than one. */
export function windowSteps(windowMinutes: number, stepMs: number): number {
  return Math.max(1, Math.round((windowMinutes * MINUTE_MS) / stepMs));
}

/**
 * Return (fraction) from the close `steps` candles before index `end` to the
 * close at `end`; undefined when the series does not reach that far back.
 */
export function windowReturn(candles: readonly Candle[], end: number, steps: number): number | undefined {
  const start = end - steps;
  if (start < 0 || end >= candles.length) return undefined;
  return simpleReturn(candles[start]!.close, candles[end]!.close);
}

/**
 * Fewest window returns behind a volatility: below this a z-score would be
 * noise. Three windows' worth at least, so one past spike cannot dominate.
 */
export function minVolatilitySamples(steps: number): number {
  return Math.max(24, 3 * steps);
}

/**
 * Rolling volatility of `steps`-candle returns: the sample standard deviation
 * of the overlapping window returns ending at each candle of the
 * `historyCandles` before the current window (which is left out, so a move
 * does not dampen its own z-score). Overlapping windows use every candle,
 * which for a 24h window over 30 days means ~700 samples instead of 30.
 *
 * @returns undefined when there are fewer than {@link minVolatilitySamples} samples.
 */
export function rollingVolatility(candles: readonly Candle[], end: number, steps: number, historyCandles: number): number | undefined {
  const last = end - steps;
  const first = Math.max(steps, end - historyCandles);
  const n = last - first + 1;
  if (n < minVolatilitySamples(steps)) return undefined;
  // One pass (Welford): this runs for every token, window and step of a replay.
  let mean = 0;
  let m2 = 0;
  let k = 0;
  for (let i = first; i <= last; i++) {
    const r = candles[i]!.close / candles[i - steps]!.close - 1;
    k++;
    const d = r - mean;
    mean += d / k;
    m2 += d * (r - mean);
  }
  return Math.sqrt(m2 / (k - 1));
}

/**
 * A return in units of its usual volatility. Not de-meaned: over hours and
 * days the drift of a token is noise next to its swings, and a trend should
 * not make its own continuation look ordinary.
 */
export function zScore(r: number, volatility: number | undefined): number | undefined {
  return volatility !== undefined && volatility > 0 ? r / volatility : undefined;
}
