/**
 * Replay: the live pipeline over history on a virtual clock. Each step moves
 * the clock one candle, stores and analyzes the posts published by then, runs
 * the move cycle (moves, sector, catalysts, policy, event studies) against the
 * candles closed by then, and collects what the outbox would have delivered.
 * No sleeping, no network, no chat: the same app and domain code as the bot,
 * with an in-memory candle reader so no step reloads candles from SQLite.
 */
import type { Alert } from '../domain/alert.ts';
import { firstIndexAtOrAfter, timeframeMs, type Candle } from '../domain/candles.ts';
import type { Post } from '../domain/post.ts';
import type { Clock } from '../domain/time.ts';
import { analyzeNewPosts } from './analyze-posts.ts';
import { createMoveCycleState, detectAndAlertMoves, type CandleReader } from './detect-moves.ts';
import type { Runtime } from './runtime.ts';

/** A clock the replay can move (the demo's VirtualClock is one). */
export interface SettableClock extends Clock {
  set(ms: number): void;
}

/**
 * Candles held in memory, served as the store would serve them at the clock's
 * time: only candles already closed, so a replay cannot see the future.
 */
export function createReplayCandleReader(series: ReadonlyMap<string, readonly Candle[]>, timeframe: string, clock: Clock): CandleReader {
  const step = timeframeMs(timeframe);
  return {
    candles(symbol, tf, sinceMs) {
      const candles = series.get(symbol);
      if (!candles || tf !== timeframe) return [];
      const start = firstIndexAtOrAfter(candles, sinceMs);
      const end = firstIndexAtOrAfter(candles, clock.now() - step + 1);
      return candles.slice(start, Math.max(start, end));
    },
  };
}

export interface ReplayInput {
  posts: readonly Post[];
  /** Candles per symbol in the market timeframe, oldest first. */
  candles: ReadonlyMap<string, readonly Candle[]>;
  /** First and last step, epoch ms (aligned down to the timeframe). */
  from: number;
  to: number;
}

/** An alert as the replay saw it go out. */
export interface ReplayedAlert {
  /** When the bot would have sent it: the step's time. */
  at: number;
  alert: Alert;
}

export interface ReplayResult {
  alerts: ReplayedAlert[];
  steps: number;
  /** Posts fed to the pipeline and how many were new (the rest were duplicates: syndicated copies, repeats). */
  posts: { fed: number; stored: number };
  /** Event studies stored (post × token × horizon). */
  eventStudies: number;
  /** Time spent in each stage, in the units of the `timer` given (zero without one). */
  timings: { analysis: number; market: number; outbox: number };
}

export interface ReplayOptions {
  /** Sees each alert as it goes out. */
  onAlert?: (a: ReplayedAlert) => void;
  /** A monotonic clock (performance.now) to split the run's cost by stage; for benchmarks. */
  timer?: () => number;
}

/**
 * Run the pipeline from `input.from` to `input.to`, one candle per step.
 * `rt.store` should be a fresh store (an in-memory SQLite one does) and
 * `rt.destinations` one destination: its outbox is what the replay reports.
 */
export function runReplay(rt: Runtime & { clock: SettableClock }, input: ReplayInput, options: ReplayOptions = {}): ReplayResult {
  const timer = options.timer ?? (() => 0);
  const step = timeframeMs(rt.config.alerts.market.timeframe);
  const reader = createReplayCandleReader(input.candles, rt.config.alerts.market.timeframe, rt.clock);
  const posts = [...input.posts].filter((p) => p.publishedAt <= input.to).sort((a, b) => a.publishedAt - b.publishedAt);
  const state = createMoveCycleState();
  const result: ReplayResult = { alerts: [], steps: 0, posts: { fed: 0, stored: 0 }, eventStudies: 0, timings: { analysis: 0, market: 0, outbox: 0 } };
  let next = 0;
  for (let t = Math.floor(input.from / step) * step; t <= input.to; t += step) {
    rt.clock.set(t);
    result.steps++;
    const batch: Post[] = [];
    // The bot sees a post at the first step after it is published: that is when it was "fetched".
    while (next < posts.length && posts[next]!.publishedAt <= t) batch.push({ ...posts[next++]!, fetchedAt: t });
    const t0 = timer();
    if (batch.length > 0) {
      const fresh = rt.store.insertNewPosts(batch);
      result.posts.fed += batch.length;
      result.posts.stored += fresh.length;
      if (fresh.length > 0) analyzeNewPosts(rt, fresh);
    }
    const t1 = timer();
    result.eventStudies += detectAndAlertMoves(rt, { candles: reader, state }).eventStudies.stored;
    const t2 = timer();
    for (const delivery of rt.store.dueDeliveries(t, 10_000)) {
      rt.store.markDelivered(delivery.id, t);
      const replayed = { at: t, alert: delivery.alert };
      result.alerts.push(replayed);
      options.onAlert?.(replayed);
    }
    const t3 = timer();
    result.timings.analysis += t1 - t0;
    result.timings.market += t2 - t1;
    result.timings.outbox += t3 - t2;
  }
  return result;
}
