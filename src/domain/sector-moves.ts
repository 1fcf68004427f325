/**
 * Sector-wide moves: the AI basket moving against the market ("AI basket +6%
 * vs BTC in 4h; RENDER leading, TAO lagging"). Its own alert type, because
 * when the whole sector moves no single token's news explains it. Pure.
 */
import { abnormalReturn, estimateBeta } from './beta.ts';
import { lastClosedIndex, type Candle } from './candles.ts';
import type { Move, MoveWindow } from './moves.ts';
import { rollingVolatility, windowReturn, windowSteps, zScore } from './returns.ts';
import { basketWindowReturn, frameIndex, indexAsCandles, memberWindowReturns, type SectorFrame, type SectorIndexPoint } from './sector-index.ts';
import { DAY_MS } from './time.ts';

export interface SectorRules {
  /** How the basket is named in alerts, e.g. "AI basket". */
  name: string;
  /** A sector move is |basket return − β·BTC return| ≥ threshold over the window. */
  windows: MoveWindow[];
  /** Fewest members priced for the basket to count. */
  minMembers: number;
  volatilityDays: number;
  betaDays: number;
}

export interface MemberReturn {
  symbol: string;
  return: number;
}

/** A basket move: a {@link Move} whose symbol is the basket's name, with its members' returns. */
export interface SectorMove extends Move {
  /** Members' own returns over the window, best first (leaders first, laggards last). */
  members: MemberReturn[];
  /** The basket's abnormal return without its strongest member in the move's direction: the breadth check. */
  abnormalWithoutLeader: number;
}

/**
 * Share of the threshold the basket must move by itself (its own return, in
 * the direction of the move) and still move against BTC without its strongest
 * member. One token's +40% lifts an equal-weight basket of five by 8%: that is
 * the token's move (alerted as such), not the sector's.
 */
export const WITHOUT_LEADER_FRACTION = 0.5;

/**
 * Detect basket moves against the benchmark at `now`, at most one per window.
 * `points` is the index series (history for β and volatility included);
 * `frame` must cover the longest window, for the members' own returns.
 */
export function detectSectorMoves(points: readonly SectorIndexPoint[], frame: SectorFrame, benchmark: readonly Candle[], rules: SectorRules, now: number): SectorMove[] {
  const step = frame.stepMs;
  const index = indexAsCandles(points);
  const end = lastClosedIndex(index, now, step);
  if (end < 1 || now - (index[end]!.time + step) > 2 * step) return [];
  const endTime = index[end]!.time;
  const benchEnd = lastClosedIndex(benchmark, now, step);
  if (benchEnd < 0 || benchmark[benchEnd]!.time !== endTime) return [];
  const longest = Math.max(...rules.windows.map((w) => windowSteps(w.minutes, step)));
  const beta = estimateBeta(index, benchmark, endTime + step - longest * step, Math.round((rules.betaDays * DAY_MS) / step), step).beta;
  const gridEnd = frameIndex(frame, endTime);

  const moves: SectorMove[] = [];
  for (const window of rules.windows) {
    const steps = windowSteps(window.minutes, step);
    // Index points are skipped where too few members were priced: the window must be whole.
    if (end - steps < 0 || index[end - steps]!.time !== endTime - steps * step) continue;
    const r = windowReturn(index, end, steps);
    const rb = windowReturn(benchmark, benchEnd, steps);
    if (r === undefined || rb === undefined) continue;
    const abnormal = abnormalReturn(r, rb, beta);
    if (Math.abs(abnormal) < window.threshold) continue;
    const direction = abnormal >= 0 ? 'up' : 'down';
    const sign = direction === 'up' ? 1 : -1;
    // The basket itself must move: AI tokens down 1% while a high β expected −9% is BTC's story, not the sector's.
    if (sign * r < WITHOUT_LEADER_FRACTION * window.threshold) continue;
    const members = memberWindowReturns(frame, gridEnd, steps);
    const leader = direction === 'up' ? members[0] : members.at(-1);
    const rest = leader ? basketWindowReturn(frame, gridEnd, steps, leader.symbol, Math.max(1, rules.minMembers - 1)) : undefined;
    if (!leader || rest === undefined) continue;
    const withoutLeader = abnormalReturn(rest, rb, beta);
    if (sign * withoutLeader < WITHOUT_LEADER_FRACTION * window.threshold) continue;
    moves.push({
      symbol: rules.name,
      windowMinutes: window.minutes,
      direction,
      startedAt: endTime + step - steps * step,
      endedAt: endTime + step,
      fromPrice: index[end - steps]!.close,
      toPrice: index[end]!.close,
      return: r,
      benchmarkReturn: rb,
      beta,
      abnormalVsBtc: abnormal,
      z: zScore(r, rollingVolatility(index, end, steps, Math.round((rules.volatilityDays * DAY_MS) / step))),
      reasons: [`|${rules.name} − β·BTC| ≥ ${pct(window.threshold)}`, `${pct(sign * withoutLeader)} without ${leader.symbol}`],
      members,
      abnormalWithoutLeader: withoutLeader,
    });
  }
  return moves;
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

/**
 * The basket relative to the benchmark (index ÷ BTC, on candles both have) as
 * candles, for hysteresis: a sector move re-arms once the basket's return
 * against BTC has fallen back, whatever BTC did meanwhile.
 */
export function relativeStrengthCandles(points: readonly SectorIndexPoint[], benchmark: readonly Candle[]): Candle[] {
  const index = indexAsCandles(points);
  const out: Candle[] = [];
  let b = 0;
  for (const c of index) {
    while (b < benchmark.length && benchmark[b]!.time < c.time) b++;
    const bc = benchmark[b];
    if (bc === undefined) break;
    if (bc.time !== c.time) continue;
    const rs = c.close / bc.close;
    out.push({ time: c.time, open: rs, high: rs, low: rs, close: rs, volume: 0 });
  }
  return out;
}
