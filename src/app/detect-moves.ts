/**
 * The move cycle: detect moves from stored candles, attribute catalysts from
 * stored posts, apply the alert policy, and queue move alerts.
 */
import { decideMove, strongestMove } from '../domain/alert-policy.ts';
import type { MoveAlert } from '../domain/alert.ts';
import { timeframeMs } from '../domain/candles.ts';
import { findCatalysts, type AnalyzedPost, type ThemeLinks } from '../domain/correlation.ts';
import { detectMoves, hasRearmed, type Move } from '../domain/moves.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../domain/time.ts';
import { queueAlert, type Runtime } from './runtime.ts';

export interface MoveCycleResult {
  moves: Move[];
  alertsQueued: number;
  skipped: { symbol: string; reason: string; detail: string }[];
}

/**
 * One alert per symbol, direction, window and start hour: re-detecting the same move is a duplicate.
 * An escalation is a new alert, keyed by the size it reached.
 */
function moveAlertKey(move: Move, escalation: boolean): string {
  const base = `move:${move.symbol}:${move.direction}:${move.windowMinutes}:${Math.floor(move.startedAt / HOUR_MS)}`;
  return escalation ? `${base}:x${Math.round(Math.abs(move.return) * 100)}` : base;
}

export function themeLinks(rt: Runtime): ThemeLinks {
  return new Map(rt.config.themes.themes.map((t) => [t.id, t.tokens]));
}

/** Detect and alert on moves for every tracked (non-benchmark) token as of now. */
export function detectAndAlertMoves(rt: Runtime): MoveCycleResult {
  const now = rt.clock.now();
  const market = rt.config.alerts.market;
  const step = timeframeMs(market.timeframe);
  const longest = Math.max(...market.windows.map((w) => w.minutes)) * MINUTE_MS;
  const since = now - market.volatilityDays * DAY_MS - longest - step;
  const benchmark = rt.store.candles(market.benchmark, market.timeframe, since);
  const thresholds = new Map(market.windows.map((w) => [w.minutes, w.threshold]));
  const rules = { windows: market.windows, abnormalThreshold: market.abnormalThreshold, minZ: market.minZ, volatilityDays: market.volatilityDays };
  const corr = rt.config.alerts.correlation;

  let posts: AnalyzedPost[] | undefined;
  const result: MoveCycleResult = { moves: [], alertsQueued: 0, skipped: [] };
  for (const token of rt.config.tokens.tokens) {
    if (token.benchmark) continue;
    const candles = rt.store.candles(token.symbol, market.timeframe, since);
    const moves = detectMoves({ symbol: token.symbol, candles, benchmark, timeframeMs: step }, rules, now);
    const move = strongestMove(moves, thresholds);
    if (!move) continue;
    result.moves.push(move);
    const threshold = thresholds.get(move.windowMinutes) ?? 0;
    const policy = { ...rt.config.alerts.moves, mutedTokens: rt.config.alerts.moves.muted };
    const sameWindow = rt.store.lastMoveAlert(move.symbol, move.direction, move.windowMinutes);
    const history = {
      last: rt.store.lastMoveAlert(move.symbol, move.direction),
      sameWindow,
      rearmed: sameWindow ? hasRearmed({ candles, timeframeMs: step }, move.windowMinutes, move.direction, sameWindow.at, policy.rearmFraction * threshold, now) : true,
    };
    const decision = decideMove(move, threshold, history, policy, now);
    if (!decision.send) {
      result.skipped.push({ symbol: move.symbol, reason: decision.reason, detail: decision.detail });
      rt.log.debug({ symbol: move.symbol, decision }, 'move not alerted');
      continue;
    }
    posts ??= rt.store.analyzedPostsSince(now - (corr.lookbackHours + longest / HOUR_MS) * HOUR_MS);
    const catalysts = findCatalysts(move, posts, themeLinks(rt), corr);
    const alert: MoveAlert = {
      kind: 'move',
      // One alert per symbol, direction and window start hour: re-detections of the same move are duplicates.
      key: moveAlertKey(move, decision.escalation),
      createdAt: now,
      severity: decision.severity,
      reason: decision.reason,
      move,
      catalysts,
    };
    if (queueAlert(rt, alert)) result.alertsQueued++;
  }
  if (result.alertsQueued > 0) rt.onAlertsQueued?.();
  return result;
}
