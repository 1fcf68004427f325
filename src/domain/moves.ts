/**
 * Move detection: has a token moved more than its threshold over a window,
 * on its own and against the market (BTC)? Pure; `now` is an input.
 */
import { lastClosedIndex, simpleReturn, stdev, type Candle } from './candles.ts';

export interface MoveWindow {
  minutes: number;
  /** Absolute return (fraction) that counts as a move, e.g. 0.08 for 8%. */
  threshold: number;
}

export interface MoveRules {
  windows: MoveWindow[];
  /** Abnormal return vs the benchmark that counts as a move on its own (fraction). */
  abnormalThreshold: number;
  /** Minimum |z| for a move to count; 0 disables the z filter. */
  minZ: number;
  /** Days of history used for the volatility behind the z-score. */
  volatilityDays: number;
}

export interface Move {
  symbol: string;
  windowMinutes: number;
  direction: 'up' | 'down';
  /** When the move began: the extreme opposite to its direction within the window, epoch ms. */
  startedAt: number;
  /** Close time of the last candle, epoch ms. */
  endedAt: number;
  fromPrice: number;
  toPrice: number;
  /** Fractions: 0.25 = +25%. */
  return: number;
  benchmarkReturn?: number;
  /** Return minus the benchmark's over the same window. */
  abnormalVsBtc?: number;
  /** Return in units of the token's usual volatility for this window length. */
  z?: number;
  /** Which rule fired, for the alert footer and /why. */
  reasons: string[];
}

export interface MoveInput {
  symbol: string;
  candles: readonly Candle[];
  benchmark?: readonly Candle[];
  timeframeMs: number;
}

function windowReturnAt(candles: readonly Candle[], end: number, steps: number): number | undefined {
  const start = end - steps;
  if (start < 0) return undefined;
  return simpleReturn(candles[start]!.close, candles[end]!.close);
}

/** Volatility of `steps`-candle returns over the history before `end`, non-overlapping samples. */
function windowVolatility(candles: readonly Candle[], end: number, steps: number, historyCandles: number): number {
  const samples: number[] = [];
  const first = Math.max(steps, end - historyCandles);
  for (let i = end - steps; i >= first; i -= steps) {
    const r = windowReturnAt(candles, i, steps);
    if (r !== undefined) samples.push(r);
  }
  return samples.length >= 5 ? stdev(samples) : 0;
}

/** Return the moves that cross a rule at `now`, at most one per window. */
export function detectMoves(input: MoveInput, rules: MoveRules, now: number): Move[] {
  const { candles, benchmark, timeframeMs: step } = input;
  const end = lastClosedIndex(candles, now, step);
  if (end < 1) return [];
  // Stale data must not produce "live" moves.
  if (now - (candles[end]!.time + step) > 2 * step) return [];
  const benchEnd = benchmark ? lastClosedIndex(benchmark, now, step) : -1;
  const moves: Move[] = [];
  for (const window of rules.windows) {
    const steps = Math.max(1, Math.round((window.minutes * 60_000) / step));
    const r = windowReturnAt(candles, end, steps);
    if (r === undefined) continue;
    let benchmarkReturn: number | undefined;
    if (benchmark && benchEnd >= steps && benchmark[benchEnd]!.time === candles[end]!.time) {
      benchmarkReturn = windowReturnAt(benchmark, benchEnd, steps);
    }
    const abnormal = benchmarkReturn === undefined ? undefined : r - benchmarkReturn;
    const vol = windowVolatility(candles, end, steps, Math.round((rules.volatilityDays * 86_400_000) / step));
    const z = vol > 0 ? r / vol : undefined;

    const reasons: string[] = [];
    if (Math.abs(r) >= window.threshold) reasons.push(`|return| ≥ ${pct(window.threshold)}`);
    if (abnormal !== undefined && rules.abnormalThreshold > 0 && Math.abs(abnormal) >= rules.abnormalThreshold) {
      reasons.push(`|abnormal vs BTC| ≥ ${pct(rules.abnormalThreshold)}`);
    }
    if (reasons.length === 0) continue;
    if (rules.minZ > 0 && z !== undefined && Math.abs(z) < rules.minZ) continue;

    const direction = r >= 0 ? 'up' : 'down';
    moves.push({
      symbol: input.symbol,
      windowMinutes: window.minutes,
      direction,
      startedAt: moveStart(candles, end, steps, direction, step),
      endedAt: candles[end]!.time + step,
      fromPrice: candles[end - steps]!.close,
      toPrice: candles[end]!.close,
      return: r,
      benchmarkReturn,
      abnormalVsBtc: abnormal,
      z,
      reasons,
    });
  }
  return moves;
}

/** The close time of the lowest (up move) or highest (down move) close in the window. */
function moveStart(candles: readonly Candle[], end: number, steps: number, direction: 'up' | 'down', step: number): number {
  let best = end - steps;
  for (let i = end - steps; i < end; i++) {
    const c = candles[i]!.close;
    const b = candles[best]!.close;
    if (direction === 'up' ? c < b : c > b) best = i;
  }
  return candles[best]!.time + step;
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/** "+25.1%", "−3.4%": signed percentage for people. */
export function formatPercent(fraction: number, digits = 1): string {
  const value = (fraction * 100).toFixed(digits);
  return fraction >= 0 ? `+${value}%` : `−${value.slice(1)}%`;
}

/**
 * Hysteresis: whether, at some candle closed after `sinceMs`, the token's
 * return over the window fell back below `level` (a fraction, in the move's
 * direction). Until it has, the same move is still running and re-alerting it
 * would be noise.
 */
export function hasRearmed(
  input: Pick<MoveInput, 'candles' | 'timeframeMs'>,
  windowMinutes: number,
  direction: 'up' | 'down',
  sinceMs: number,
  level: number,
  now: number,
): boolean {
  const { candles, timeframeMs: step } = input;
  const steps = Math.max(1, Math.round((windowMinutes * 60_000) / step));
  const end = lastClosedIndex(candles, now, step);
  const sign = direction === 'up' ? 1 : -1;
  for (let i = end; i >= steps && candles[i]!.time + step > sinceMs; i--) {
    const r = windowReturnAt(candles, i, steps);
    if (r !== undefined && sign * r < level) return true;
  }
  return false;
}
