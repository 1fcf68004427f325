/**
 * The AI-sector basket: a weighted index of the sector's tokens, so a move can
 * be told apart from "the whole sector moved". Each candle's basket return is
 * the weighted mean of the members' returns over the members priced at both
 * ends of it (weights renormalised), and the index chains those returns. A
 * token's own move is compared with the basket *without* it, or a heavy member
 * would explain itself. Pure.
 */
import { alignCloses, type Candle } from './candles.ts';

export interface BasketWeight {
  symbol: string;
  /** Relative weight; normalised over the members priced at each candle. */
  weight: number;
}

export interface BasketMember extends BasketWeight {
  candles: readonly Candle[];
}

/** One index value: after the close of the candle opening at `time`. */
export interface SectorIndexPoint {
  /** Candle open time, epoch ms. */
  time: number;
  level: number;
  /** Basket return over this candle (fraction). */
  return: number;
  /** Members priced over this candle. */
  members: number;
}

/** Tokens as the basket needs them (tokens.yaml). */
export interface SectorToken {
  symbol: string;
  sector: boolean;
  benchmark: boolean;
}

/**
 * The basket's members: the configured list when there is one, else every
 * token marked `sector` (and not a benchmark) at equal weight. Weights are
 * scaled to sum to 1; non-positive weights drop a member.
 */
export function resolveBasket(tokens: readonly SectorToken[], configured?: readonly BasketWeight[]): BasketWeight[] {
  const chosen = configured && configured.length > 0 ? configured : tokens.filter((t) => t.sector && !t.benchmark).map((t) => ({ symbol: t.symbol, weight: 1 }));
  const kept = chosen.filter((m) => m.weight > 0);
  const total = kept.reduce((s, m) => s + m.weight, 0);
  return kept.map((m) => ({ symbol: m.symbol, weight: m.weight / total }));
}

/**
 * The members' closes on a common grid of candles with the weighted sums of
 * their returns precomputed, so the basket with any one member left out costs
 * O(1) per candle: (S − w_k·r_k) / (W − w_k).
 */
export interface SectorFrame {
  /** Open time of grid candle 0. */
  fromTime: number;
  stepMs: number;
  count: number;
  members: readonly BasketWeight[];
  /** Per member (same order), closes on the grid; NaN where missing. */
  closes: readonly Float64Array[];
  /** Per grid candle k ≥ 1: Σ w_i·r_i and Σ w_i over members priced at k − 1 and k. */
  weightedReturn: Float64Array;
  weight: Float64Array;
  priced: Int32Array;
}

/** Lay the members out on the grid of `count` candles opening at `fromTime`, `fromTime + stepMs`, … */
export function createSectorFrame(members: readonly BasketMember[], fromTime: number, count: number, stepMs: number): SectorFrame {
  const closes = members.map((m) => alignCloses(m.candles, fromTime, count, stepMs));
  const weightedReturn = new Float64Array(count);
  const weight = new Float64Array(count);
  const priced = new Int32Array(count);
  members.forEach((m, i) => {
    const c = closes[i]!;
    for (let k = 1; k < count; k++) {
      const prev = c[k - 1]!;
      const cur = c[k]!;
      // NaN fails every comparison: a missing candle at either end skips the member for this step.
      if (!(prev > 0) || !(cur > 0)) continue;
      weightedReturn[k]! += m.weight * (cur / prev - 1);
      weight[k]! += m.weight;
      priced[k]!++;
    }
  });
  return { fromTime, stepMs, count, members: members.map(({ symbol, weight: w }) => ({ symbol, weight: w })), closes, weightedReturn, weight, priced };
}

/** Grid index of the candle opening at `time`, or -1 when it is off the grid. */
export function frameIndex(frame: SectorFrame, time: number): number {
  const k = (time - frame.fromTime) / frame.stepMs;
  return Number.isInteger(k) && k >= 0 && k < frame.count ? k : -1;
}

/**
 * Basket return over grid candle `k` (k ≥ 1), without `exclude`; undefined when
 * fewer than `minMembers` members are priced over it.
 */
export function basketStepReturn(frame: SectorFrame, k: number, exclude = -1, minMembers = 1): number | undefined {
  let s = frame.weightedReturn[k]!;
  let w = frame.weight[k]!;
  let n = frame.priced[k]!;
  if (exclude >= 0) {
    const c = frame.closes[exclude]!;
    const prev = c[k - 1]!;
    const cur = c[k]!;
    if (prev > 0 && cur > 0) {
      const wk = frame.members[exclude]!.weight;
      s -= wk * (cur / prev - 1);
      w -= wk;
      n--;
    }
  }
  return n >= minMembers && w > 1e-12 ? s / w : undefined;
}

/**
 * Chained basket return over the `steps` candles ending with grid candle
 * `end` (inclusive), leaving out `excludeSymbol`. Undefined when any candle
 * of the window has fewer than `minMembers` priced members.
 */
export function basketWindowReturn(frame: SectorFrame, end: number, steps: number, excludeSymbol?: string, minMembers = 1): number | undefined {
  if (end - steps < 0 || end >= frame.count) return undefined;
  const exclude = excludeSymbol === undefined ? -1 : frame.members.findIndex((m) => m.symbol === excludeSymbol);
  let level = 1;
  for (let k = end - steps + 1; k <= end; k++) {
    const r = basketStepReturn(frame, k, exclude, minMembers);
    if (r === undefined) return undefined;
    level *= 1 + r;
  }
  return level - 1;
}

/**
 * The index over the whole grid, chained from `startLevel` (100 by default;
 * pass the last stored level to continue a stored series). Candles with too
 * few priced members are left out and the chain resumes after them.
 */
export function sectorIndexSeries(frame: SectorFrame, minMembers = 1, startLevel = 100): SectorIndexPoint[] {
  const out: SectorIndexPoint[] = [];
  let level = startLevel;
  for (let k = 1; k < frame.count; k++) {
    const r = basketStepReturn(frame, k, -1, minMembers);
    if (r === undefined) continue;
    level *= 1 + r;
    out.push({ time: frame.fromTime + k * frame.stepMs, level, return: r, members: frame.priced[k]! });
  }
  return out;
}

/** Each member's return over the `steps` candles ending at grid candle `end`, best first; members missing either end are left out. */
export function memberWindowReturns(frame: SectorFrame, end: number, steps: number): { symbol: string; return: number }[] {
  if (end - steps < 0 || end >= frame.count) return [];
  const out: { symbol: string; return: number }[] = [];
  frame.members.forEach((m, i) => {
    const c = frame.closes[i]!;
    const from = c[end - steps]!;
    const to = c[end]!;
    if (from > 0 && to > 0) out.push({ symbol: m.symbol, return: to / from - 1 });
  });
  return out.sort((a, b) => b.return - a.return);
}

/** Index points as candles (close = level), so the move arithmetic applies to the basket unchanged. */
export function indexAsCandles(points: readonly SectorIndexPoint[]): Candle[] {
  return points.map((p) => ({ time: p.time, open: p.level / (1 + p.return), high: p.level, low: p.level, close: p.level, volume: 0 }));
}
