/**
 * Move detection: has a token moved more than its threshold over a window,
 * on its own, against the market (BTC, through the market model) and against
 * its sector (the AI basket without it)? Pure; `now` is an input.
 */
import { abnormalReturn, estimateBeta } from './beta.ts';
import { lastClosedIndex, type Candle } from './candles.ts';
import { rollingVolatility, windowReturn, windowSteps, zScore } from './returns.ts';
import { basketWindowReturn, frameIndex, type SectorFrame } from './sector-index.ts';
import { DAY_MS } from './time.ts';

export interface MoveWindow {
  minutes: number;
  /** Absolute return (fraction) that counts as a move, e.g. 0.08 for 8%. */
  threshold: number;
}

export interface MoveRules {
  windows: MoveWindow[];
  /** Abnormal return vs the benchmark (r − β·r_BTC) that counts as a move on its own (fraction); 0 disables. */
  abnormalThreshold: number;
  /** Minimum |z| for a move to count; 0 disables the z filter. */
  minZ: number;
  /** Days of history used for the volatility behind the z-score. */
  volatilityDays: number;
  /** Days of per-candle returns behind the β vs the benchmark; 0 uses β = 1 (plain excess return). */
  betaDays?: number;
  /** Return vs the sector basket (without the token) that counts as a move on its own (fraction); 0 or absent disables. */
  sectorAbnormalThreshold?: number;
  /** |z| that counts as a move on its own, however small the return; 0 or absent disables. */
  zThreshold?: number;
  /** Fewest basket members priced for a sector comparison. */
  sectorMinMembers?: number;
}

export interface Move {
  symbol: string;
  windowMinutes: number;
  direction: 'up' | 'down';
  /** When the move took off: the last close near the window's opposite extreme (see moveStart), epoch ms. */
  startedAt: number;
  /** Close time of the last candle, epoch ms. */
  endedAt: number;
  fromPrice: number;
  toPrice: number;
  /** Fractions: 0.25 = +25%. */
  return: number;
  benchmarkReturn?: number;
  /** β of the token on the benchmark over the estimation window (1 when history was too short). */
  beta?: number;
  /** Market-model abnormal return: return − β × benchmark return. */
  abnormalVsBtc?: number;
  /** Return of the sector basket without this token over the same window. */
  sectorReturn?: number;
  /** Return minus the sector basket's (without this token). */
  abnormalVsSector?: number;
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
  /** The sector basket on a grid of candles; the token itself is left out of it. */
  sector?: SectorFrame;
  /**
   * The β for an estimation window closing at `endTime`, when the caller keeps
   * rolling sums (see betaSums); estimated from the candles otherwise.
   */
  betaFor?: (endTime: number, samples: number) => number;
}

/** Return the moves that cross a rule at `now`, at most one per window. */
export function detectMoves(input: MoveInput, rules: MoveRules, now: number): Move[] {
  const { candles, benchmark, timeframeMs: step, sector } = input;
  const end = lastClosedIndex(candles, now, step);
  if (end < 1) return [];
  // Stale data must not produce "live" moves.
  if (now - (candles[end]!.time + step) > 2 * step) return [];
  const endTime = candles[end]!.time;
  const benchEnd = benchmark ? lastClosedIndex(benchmark, now, step) : -1;
  const benchAligned = benchmark !== undefined && benchEnd >= 0 && benchmark[benchEnd]!.time === endTime;
  const sectorEnd = sector ? frameIndex(sector, endTime) : -1;
  const historyCandles = Math.round((rules.volatilityDays * DAY_MS) / step);
  const longest = Math.max(...rules.windows.map((w) => windowSteps(w.minutes, step)));
  // One β for every window, estimated before the longest window so the move itself does not inflate it.
  const betaEnd = endTime + step - longest * step;
  const betaSamples = Math.round(((rules.betaDays ?? 0) * DAY_MS) / step);
  const beta = benchAligned && benchmark ? (input.betaFor?.(betaEnd, betaSamples) ?? estimateBeta(candles, benchmark, betaEnd, betaSamples, step).beta) : 1;

  const moves: Move[] = [];
  for (const window of rules.windows) {
    const steps = windowSteps(window.minutes, step);
    const r = windowReturn(candles, end, steps);
    if (r === undefined) continue;
    const benchmarkReturn = benchAligned && benchmark ? windowReturn(benchmark, benchEnd, steps) : undefined;
    const abnormal = benchmarkReturn === undefined ? undefined : abnormalReturn(r, benchmarkReturn, beta);
    const sectorReturn = sector && sectorEnd >= 0 ? basketWindowReturn(sector, sectorEnd, steps, input.symbol, rules.sectorMinMembers ?? 1) : undefined;
    const vsSector = sectorReturn === undefined ? undefined : r - sectorReturn;
    const z = zScore(r, rollingVolatility(candles, end, steps, historyCandles));

    const reasons: string[] = [];
    if (Math.abs(r) >= window.threshold) reasons.push(`|return| ≥ ${pct(window.threshold)}`);
    if (abnormal !== undefined && rules.abnormalThreshold > 0 && Math.abs(abnormal) >= rules.abnormalThreshold) {
      reasons.push(`|abnormal vs BTC| ≥ ${pct(rules.abnormalThreshold)}`);
    }
    const sectorThreshold = rules.sectorAbnormalThreshold ?? 0;
    if (vsSector !== undefined && sectorThreshold > 0 && Math.abs(vsSector) >= sectorThreshold) reasons.push(`|vs sector| ≥ ${pct(sectorThreshold)}`);
    const zThreshold = rules.zThreshold ?? 0;
    if (z !== undefined && zThreshold > 0 && Math.abs(z) >= zThreshold) reasons.push(`|z| ≥ ${zThreshold}`);
    if (reasons.length === 0) continue;
    // Too little history for a z-score is not a reason to stay silent about a big move.
    if (rules.minZ > 0 && z !== undefined && Math.abs(z) < rules.minZ) continue;

    const direction = r >= 0 ? 'up' : 'down';
    moves.push({
      symbol: input.symbol,
      windowMinutes: window.minutes,
      direction,
      startedAt: moveStart(candles, end, steps, direction, step),
      endedAt: endTime + step,
      fromPrice: candles[end - steps]!.close,
      toPrice: candles[end]!.close,
      return: r,
      benchmarkReturn,
      ...(benchmarkReturn === undefined ? {} : { beta }),
      abnormalVsBtc: abnormal,
      ...(sectorReturn === undefined ? {} : { sectorReturn, abnormalVsSector: vsSector }),
      z,
      reasons,
    });
  }
  return moves;
}

/**
 * How far from its extreme the price may still be when a move "takes off":
 * the start is the last close within this share of the move's range from the
 * window's extreme. A 24h window often holds hours of drift before the jump;
 * the news that explains the jump comes before the jump, not before the drift.
 */
const TAKE_OFF_FRACTION = 0.25;

/**
 * When the move took off: the close time of the last candle, from the window's
 * lowest close (up moves; highest for down moves) on, that was still within
 * {@link TAKE_OFF_FRACTION} of the way from that extreme to the last close.
 */
function moveStart(candles: readonly Candle[], end: number, steps: number, direction: 'up' | 'down', step: number): number {
  const sign = direction === 'up' ? 1 : -1;
  let extreme = end - steps;
  for (let i = end - steps; i < end; i++) if (sign * candles[i]!.close < sign * candles[extreme]!.close) extreme = i;
  const from = candles[extreme]!.close;
  const level = from + TAKE_OFF_FRACTION * (candles[end]!.close - from);
  let start = extreme;
  for (let i = extreme + 1; i < end; i++) if (sign * candles[i]!.close <= sign * level) start = i;
  return candles[start]!.time + step;
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
  const steps = windowSteps(windowMinutes, step);
  const end = lastClosedIndex(candles, now, step);
  const sign = direction === 'up' ? 1 : -1;
  for (let i = end; i >= steps && candles[i]!.time + step > sinceMs; i--) {
    const r = windowReturn(candles, i, steps);
    if (r !== undefined && sign * r < level) return true;
  }
  return false;
}
