/** When to poll a feed next, after a success or a failure. Pure. */
import { DAY_MS, MINUTE_MS } from './time.ts';

export interface FeedScheduleRules {
  pollMinutes: number;
  maxBackoffMinutes: number;
  disableAfterFailures: number;
}

/** Spread feeds over the interval so 1,000 feeds do not all fire in the same second. */
function jitterFraction(feedId: string): number {
  let h = 2166136261;
  for (let i = 0; i < feedId.length; i++) h = Math.imul(h ^ feedId.charCodeAt(i), 16777619);
  return ((h >>> 0) % 1000) / 1000;
}

export function nextPollAfterSuccess(feedId: string, now: number, rules: FeedScheduleRules): number {
  // Up to 10% early so feeds drift apart; never later than the configured interval.
  return now + rules.pollMinutes * MINUTE_MS * (1 - 0.1 * jitterFraction(feedId));
}

/** A server's Retry-After is honoured up to this long; past it the value is more likely a misconfiguration. */
const MAX_RETRY_AFTER_MS = 7 * DAY_MS;

/**
 * Exponential backoff from the poll interval, capped. `failures` counts this failure.
 * A `retryAfterMs` the server asked for (429/503 Retry-After) is a floor: never poll before it.
 */
export function nextPollAfterFailure(feedId: string, failures: number, now: number, rules: FeedScheduleRules, retryAfterMs?: number): number {
  const base = Math.min(rules.pollMinutes, 5) * MINUTE_MS;
  const backoff = Math.min(rules.maxBackoffMinutes * MINUTE_MS, base * 2 ** Math.max(0, failures - 1));
  const jittered = now + backoff * (0.9 + 0.2 * jitterFraction(feedId));
  return retryAfterMs === undefined ? jittered : Math.max(jittered, now + Math.min(retryAfterMs, MAX_RETRY_AFTER_MS));
}

/** Warn on the 1st, 2nd, 4th, 8th… consecutive failure; quieter in between, so a dead feed does not flood logs. */
export function shouldWarnAboutFailure(failures: number): boolean {
  return failures > 0 && (failures & (failures - 1)) === 0;
}
