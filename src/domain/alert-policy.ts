/**
 * Alert policy: decides whether a detected move or story becomes an alert.
 * Decisions are data with reasons so admins can see why something was or
 * was not sent.
 */
import type { AnalyzedPost } from './correlation.ts';
import type { Severity } from './alert.ts';
import type { Move } from './moves.ts';
import { MINUTE_MS } from './time.ts';

export type SkipReason = 'cooldown' | 'not-rearmed' | 'below-threshold' | 'duplicate-story' | 'muted' | 'too-old';

export type Decision =
  | { send: true; severity: Severity; reason: string; escalation: boolean }
  | { send: false; reason: SkipReason; detail: string };

export interface MovePolicy {
  cooldownMinutes: number;
  /** A move this many times bigger than the last alerted one breaks the cooldown. */
  escalationFactor: number;
  /**
   * After an alert, the same window re-alerts only once its return has fallen
   * below this fraction of the threshold (hysteresis), or on escalation.
   */
  rearmFraction: number;
  mutedTokens: readonly string[];
}

export interface StoryPolicy {
  /** A story is worth an alert when one of its themes scores at least this. */
  minThemeScore: number;
  /** Or when it mentions a tracked token together with any theme. */
  alertOnTokenWithTheme: boolean;
  /** Posts older than this when first seen (backfills) are stored but not alerted. */
  maxAgeHours: number;
  mutedThemes: readonly string[];
}

export interface PriorMoveAlert {
  at: number;
  windowMinutes: number;
  return: number;
}

/** Of several windows firing at once, the one most unusual for the token. */
export function strongestMove(moves: readonly Move[], thresholds: ReadonlyMap<number, number>): Move | undefined {
  const strength = (m: Move) => Math.abs(m.z ?? 0) + Math.abs(m.return) / (thresholds.get(m.windowMinutes) ?? 1);
  return [...moves].sort((a, b) => strength(b) - strength(a))[0];
}

function moveSeverity(move: Move, threshold: number): Severity {
  const ratio = Math.abs(move.return) / threshold;
  const z = Math.abs(move.z ?? 0);
  if (ratio >= 2 || z >= 4) return 'high';
  if (ratio >= 1.4 || z >= 3) return 'medium';
  return 'low';
}

/** What the policy needs to know about earlier alerts for the same token and direction. */
export interface MoveHistory {
  /** The latest alert, any window. */
  last?: PriorMoveAlert;
  /** The latest alert over the same window as the move. */
  sameWindow?: PriorMoveAlert;
  /** Whether the window's return fell back below the re-arm level since `sameWindow`. */
  rearmed: boolean;
}

/** Decide on a move given earlier alerts for the same token and direction. Pure. */
export function decideMove(move: Move, threshold: number, history: MoveHistory, policy: MovePolicy, now: number): Decision {
  if (policy.mutedTokens.includes(move.symbol)) return { send: false, reason: 'muted', detail: `${move.symbol} is muted` };
  const severity = moveSeverity(move, threshold);
  const { last, sameWindow } = history;
  // Returns over different windows are not comparable: only a bigger move over the same window escalates.
  const escalated = sameWindow !== undefined && Math.abs(move.return) >= Math.abs(sameWindow.return) * policy.escalationFactor;
  if (escalated) return { send: true, severity, reason: `escalation: ${move.reasons.join(', ')}`, escalation: true };
  if (last && now - last.at < policy.cooldownMinutes * MINUTE_MS) {
    return { send: false, reason: 'cooldown', detail: `${move.symbol} alerted ${Math.round((now - last.at) / MINUTE_MS)} min ago` };
  }
  if (sameWindow && !history.rearmed) {
    return { send: false, reason: 'not-rearmed', detail: `${move.symbol} has not fallen back below ${Math.round(policy.rearmFraction * threshold * 1000) / 10}% since its last alert` };
  }
  return { send: true, severity, reason: move.reasons.join(', '), escalation: false };
}

/** Decide on a newly seen post; `storyAlerted` says whether its story was already announced. Pure. */
export function decideStory(post: AnalyzedPost, storyAlerted: boolean, policy: StoryPolicy, now: number): Decision {
  if (storyAlerted) return { send: false, reason: 'duplicate-story', detail: `story ${post.storyId} already announced` };
  if (now - post.publishedAt > policy.maxAgeHours * 60 * MINUTE_MS) {
    return { send: false, reason: 'too-old', detail: `published ${Math.round((now - post.publishedAt) / 3_600_000)}h ago` };
  }
  const themes = post.themes.filter((t) => !policy.mutedThemes.includes(t.id));
  if (themes.length === 0) {
    return { send: false, reason: post.themes.length > 0 ? 'muted' : 'below-threshold', detail: 'no (unmuted) theme' };
  }
  const top = Math.max(...themes.map((t) => t.score));
  const strongTheme = top >= policy.minThemeScore;
  const tokenWithTheme = policy.alertOnTokenWithTheme && post.tokens.length > 0;
  if (!strongTheme && !tokenWithTheme) {
    return { send: false, reason: 'below-threshold', detail: `top theme score ${top} < ${policy.minThemeScore}` };
  }
  const severity: Severity = top >= 2 * policy.minThemeScore && post.tokens.length > 0 ? 'high' : strongTheme ? 'medium' : 'low';
  const reason = strongTheme ? `theme score ${top} ≥ ${policy.minThemeScore}` : `mentions ${post.tokens.map((t) => t.symbol).join(', ')} with a theme`;
  return { send: true, severity, reason, escalation: false };
}
