/**
 * Send pacing per destination: sliding-window limits fed an injected clock.
 * The delivery worker asks when the next send to a destination may happen and
 * waits (or leaves it to a later run) instead of learning the limits from 429s.
 * No timers and no IO: the same module paces real sends, tests and the
 * benchmark's virtual hours.
 *
 * A rule caps sends under a scope in any window of `windowMs`. Scopes are shared
 * across destinations where the platform shares the limit (one Telegram bot's
 * 30 messages/s over all chats; one Discord bot's 50 requests/s), so two
 * destinations on the same bot never add up past it.
 *
 * A send reaches the platform at some moment between its start and its end, so
 * it counts as happening "now" while in flight and is recorded at its end: then
 * no window of arrivals, wherever they fell, holds more than the limit.
 */
import type { Clock } from '../domain/time.ts';

export interface RateRule {
  /** What the limit counts, e.g. "discord:channel:123" or "telegram:bot:ab12": shared by every destination that names it. */
  scope: string;
  /** Sends allowed in any window of `windowMs`. */
  limit: number;
  windowMs: number;
}

export interface RateLimiter {
  /** Register (or replace) the rules a destination's sends count against. */
  setRules(destination: string, rules: readonly RateRule[]): void;
  /**
   * The earliest time, at or after now, at which `cost` more sends to `destination`
   * keep every one of its rules within limits and respect any pause.
   */
  nextSendAt(destination: string, cost?: number): number;
  /**
   * Count `cost` sends to `destination` starting now. They count as in flight (never
   * expiring) until the returned function is called when they ended, successfully or not.
   */
  beginSend(destination: string, cost?: number): () => void;
  /** Count `cost` sends that started and ended now. */
  recordSend(destination: string, cost?: number): void;
  /** Nothing to `destination` before `untilMs` (the platform said so: a 429's retry-after). */
  pause(destination: string, untilMs: number): void;
  /** Nothing to any destination with a rule under `scope` before `untilMs` (a bot-wide 429). */
  pauseScope(scope: string, untilMs: number): void;
}

interface Window {
  scope: string;
  limit: number;
  windowMs: number;
  /** End times of finished sends within the last window, ascending. */
  sends: number[];
  /** Sends started and not yet ended: they may reach the platform at any moment. */
  inFlight: number;
}

/** A sliding-window limiter over `clock`. Pure apart from its own memory. */
export function createRateLimiter(clock: Clock): RateLimiter {
  const windows = new Map<string, Window>();
  const rulesOf = new Map<string, Window[]>();
  const pausedUntil = new Map<string, number>();
  const scopePausedUntil = new Map<string, number>();

  const windowFor = (rule: RateRule): Window => {
    const key = `${rule.scope}|${rule.limit}|${rule.windowMs}`;
    let w = windows.get(key);
    if (!w) windows.set(key, (w = { scope: rule.scope, limit: Math.max(1, Math.floor(rule.limit)), windowMs: Math.max(0, rule.windowMs), sends: [], inFlight: 0 }));
    return w;
  };

  /** Drop sends that no longer count: only those in (now − window, now] do. */
  const prune = (w: Window, now: number): void => {
    let expired = 0;
    while (expired < w.sends.length && w.sends[expired]! <= now - w.windowMs) expired++;
    if (expired > 0) w.sends.splice(0, expired);
  };

  const insertSorted = (sends: number[], t: number): void => {
    let i = sends.length;
    while (i > 0 && sends[i - 1]! > t) i--;
    sends.splice(i, 0, t);
  };

  const beginSend = (destination: string, cost = 1): (() => void) => {
    const counted = [...(rulesOf.get(destination) ?? [])];
    for (const w of counted) w.inFlight += cost;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const now = clock.now();
      for (const w of counted) {
        w.inFlight -= cost;
        for (let i = 0; i < cost; i++) insertSorted(w.sends, now);
      }
    };
  };

  return {
    setRules(destination, rules) {
      rulesOf.set(destination, rules.map(windowFor));
    },
    nextSendAt(destination, cost = 1) {
      const now = clock.now();
      let at = Math.max(now, pausedUntil.get(destination) ?? now);
      for (const w of rulesOf.get(destination) ?? []) {
        at = Math.max(at, scopePausedUntil.get(w.scope) ?? at);
        prune(w, now);
        // A cost above the limit could never fit; it is paced as a full window instead.
        const need = Math.min(cost, w.limit);
        const excess = w.inFlight + w.sends.length + need - w.limit;
        if (excess <= 0) continue;
        // The `excess`-th oldest finished send must leave the window first; when sends
        // still in flight are in the way, a window from now is an estimate the caller re-checks.
        at = Math.max(at, excess <= w.sends.length ? w.sends[excess - 1]! + w.windowMs : now + w.windowMs);
      }
      return at;
    },
    beginSend,
    recordSend(destination, cost = 1) {
      beginSend(destination, cost)();
    },
    pause(destination, untilMs) {
      pausedUntil.set(destination, Math.max(untilMs, pausedUntil.get(destination) ?? 0));
    },
    pauseScope(scope, untilMs) {
      scopePausedUntil.set(scope, Math.max(untilMs, scopePausedUntil.get(scope) ?? 0));
    },
  };
}
