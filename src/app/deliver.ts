/**
 * The delivery worker: sends queued alerts from the SQLite outbox to their
 * destinations and records each outcome. At-least-once: a delivery is marked
 * sent only after the platform accepted it, so a crash in between re-sends it.
 * Each send is recorded as in flight (durably) before the platform can see it;
 * the restarted process re-sends such a delivery flagged `resent`, so the sink
 * says "you may already have this alert", unless the platform drops the repeat
 * itself (a Discord bot's nonce, within its window). Destinations fail independently.
 *
 * Per destination, in order:
 * - pacing: the rate limiter says when the next send may happen; the worker waits
 *   for that (through the injected `sleep`) or leaves the rest to a later run,
 *   so it never sends faster than the platform allows;
 * - flood control: a backlog above `delivery.digestAfter` is coalesced into one
 *   digest message; the coalesced deliveries are recorded as sent through it;
 * - failures by the action they call for: `wait` as told (every destination of a
 *   shared scope when the limit is bot-wide), `retry` with capped, jittered backoff
 *   that holds the whole destination (alerts queued meanwhile do not probe a platform
 *   that is down) and stays within the platform's duplicate window after an attempt
 *   that may have posted, `disable` deactivates the destination (persisted until an admin
 *   re-activates it), keeps its alerts, and tells the other destinations, `skip` (the
 *   platform refused this alert, not the destination) sets that alert aside on its own
 *   backoff while the rest of the queue goes on, and after a few refusals marks it dead
 *   (kept in the outbox) and tells the admins which alert and why;
 * - silence: the subscription's `silent` (quiet hours, a kind set to silent) reaches
 *   the sink, which posts without a notification.
 */
import { shouldDeliver } from './commands/subscription.ts';
import { themeLinks } from './detect-moves.ts';
import { viewAlert, type NoticeAlert } from '../domain/alert.ts';
import { buildFloodDigest, canCoalesce } from '../domain/flood-digest.ts';
import { routeAlert } from '../domain/routing.ts';
import { MINUTE_MS } from '../domain/time.ts';
import { PARKED_UNTIL_MS } from './chat-store.ts';
import { mapLimit } from './concurrency.ts';
import { SharedRateLimitError, UncertainDeliveryError, type DeliverySink } from './delivery-sink.ts';
import { DeliveryError } from './ports.ts';
import { createRateLimiter, type RateLimiter } from './rate-limiter.ts';
import type { Runtime } from './runtime.ts';
import type { Delivery } from './store.ts';

/** Wait `ms` on the runtime's clock, returning early when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface DeliveryDeps {
  sinks: ReadonlyMap<string, DeliverySink>;
  batchSize?: number;
  /**
   * Pacing memory. Share one across runs (main.ts does) so limits hold from one
   * run to the next; without it each run starts with a fresh one.
   */
  limiter?: RateLimiter;
  /**
   * How to wait for a rate-limit slot: real timers in production, the virtual
   * clock in tests and the benchmark. Without it a run never waits: the rest of
   * a destination's queue is postponed to its next slot.
   */
  sleep?: Sleep;
  /** Aborted at shutdown: waits end at once and no new send starts. */
  signal?: AbortSignal;
  /** Jitter for retry backoff, in [0, 1). Default Math.random. */
  random?: () => number;
}

export interface DeliveryResult {
  sent: number;
  failed: number;
  dead: number;
  /** Destinations deactivated in this run after a permanent refusal. */
  deactivated: string[];
  /** Deliveries folded into digests by flood control in this run. */
  coalesced: number;
  /** Time spent waiting for rate-limit slots, ms on the runtime's clock. */
  waitedMs: number;
}

const NO_SINK_PAUSE_MS = 60 * MINUTE_MS;
/** 429s in a row for one destination within one run before the rest is left to the next run. */
const MAX_RATE_LIMITS_PER_RUN = 3;
/** Most alerts one digest stands for; a larger backlog becomes several digests over several runs. */
const MAX_DIGEST_ITEMS = 500;
/** Oldest pending deliveries of a destination looked at for its failure streak (the oldest carry it). */
const STREAK_SAMPLE = 50;
/** Backoff before the first retry, doubled per attempt up to the configured cap. */
const FIRST_RETRY_MS = 5_000;
/**
 * Sends of an alert the platform refuses outright (`skip`) before it is marked dead (never
 * more than `maxAttempts`): a refusal seldom goes away, but a transient one should not cost the alert.
 */
const MAX_REFUSALS = 3;
/** Backoff before an alert refused outright is tried again, doubled per refusal up to the configured cap. */
const FIRST_REFUSAL_RETRY_MS = 60_000;
/** Characters of an alert's title quoted in the notice that says it was not delivered. */
const NOTICE_TITLE_CHARS = 200;

/** Real timers, for the system clock. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Capped exponential backoff with jitter for retryable failures; `attempts`
 * includes the one that just failed. "Equal jitter": between half and all of
 * the capped delay, so retries of many deliveries spread out but never come early.
 */
export function retryDelayMs(attempts: number, maxBackoffMinutes: number, random: () => number = Math.random, firstMs = FIRST_RETRY_MS): number {
  const capped = Math.min(maxBackoffMinutes * MINUTE_MS, firstMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(capped / 2 + (capped / 2) * Math.min(1, Math.max(0, random())));
}

/**
 * Consecutive retryable failures per destination, kept beside the limiter because that
 * is the pacing memory callers share across runs (a fresh limiter, a fresh memory).
 */
const failureStreaks = new WeakMap<RateLimiter, Map<string, number>>();

function streaksOf(limiter: RateLimiter): Map<string, number> {
  let streaks = failureStreaks.get(limiter);
  if (!streaks) failureStreaks.set(limiter, (streaks = new Map()));
  return streaks;
}

interface Run {
  rt: Runtime;
  deps: DeliveryDeps;
  limiter: RateLimiter;
  deactivated: ReadonlyMap<string, { at: number; reason: string }>;
  result: DeliveryResult;
}

function groupByDestination(deliveries: readonly Delivery[]): Map<string, Delivery[]> {
  const groups = new Map<string, Delivery[]>();
  for (const d of deliveries) {
    const list = groups.get(d.destination);
    if (list) list.push(d);
    else groups.set(d.destination, [d]);
  }
  return groups;
}

/**
 * Flood control: a destination with more pending alerts than `digestAfter` gets
 * digests (one per {@link MAX_DIGEST_ITEMS} alerts) instead of a burst; the
 * coalesced deliveries are marked sent through their digest in the transaction
 * that queues it, so a crash can neither lose nor double them. Admin notices are
 * never folded in.
 */
function coalesceBacklogs(run: Run): void {
  const { rt, deps, deactivated, result } = run;
  const threshold = rt.config.alerts.delivery.digestAfter;
  if (threshold <= 0) return;
  for (const [destination, backlog] of rt.store.pendingCounts()) {
    if (backlog <= threshold || !deps.sinks.has(destination) || deactivated.has(destination)) continue;
    // Oldest first, in digests of up to MAX_DIGEST_ITEMS, until what is left to send one by one is small.
    let left = backlog;
    while (left > threshold) {
      const candidates = rt.store
        .pendingDeliveriesFor(destination, MAX_DIGEST_ITEMS + left)
        .filter((d) => canCoalesce(d.alert))
        .slice(0, MAX_DIGEST_ITEMS);
      if (candidates.length < 2) break;
      const now = rt.clock.now();
      const digest = buildFloodDigest({
        id: `${candidates[0]!.id}-${candidates.at(-1)!.id}:${candidates.length}`,
        destination,
        alerts: candidates.map((d) => d.alert).filter(canCoalesce),
        backlog,
        threshold,
        now,
      });
      if (!rt.store.coalesceDeliveries(destination, candidates.map((d) => d.id), digest, now)) break;
      result.coalesced += candidates.length;
      // The digest itself is one more pending delivery.
      left -= candidates.length - 1;
      rt.log.warn({ destination, backlog, coalesced: candidates.length, threshold }, 'backlog above the flood threshold; pending alerts coalesced into one digest');
    }
  }
}

async function deliverToDestination(run: Run, destination: string, queue: Delivery[]): Promise<void> {
  const { rt, deps, limiter, result } = run;
  const log = rt.log.child({ destination });
  const sink = deps.sinks.get(destination);
  if (!sink) {
    // Keep the alerts: the destination may come back when its token is set again.
    log.warn({ pending: queue.length }, 'no sink for destination (missing token or removed from alerts.yaml); alerts kept for later');
    rt.store.postponeDestination(destination, rt.clock.now() + NO_SINK_PAUSE_MS);
    return;
  }
  if (run.deactivated.has(destination)) {
    // Alerts queued since the deactivation: park them with the rest until an admin re-activates it.
    rt.store.postponeDestination(destination, PARKED_UNTIL_MS);
    return;
  }
  if (sink.pacing) limiter.setRules(destination, sink.pacing.rules);
  const subscription = rt.store.getSubscription(destination);
  const links = themeLinks(rt);
  const { maxAttempts, maxBackoffMinutes, maxWaitSeconds } = rt.config.alerts.delivery;
  let rateLimits = 0;

  for (let i = 0; i < queue.length; ) {
    if (deps.signal?.aborted) return;
    const delivery = queue[i]!;
    const wanted = shouldDeliver(delivery.alert, subscription, rt.clock.now(), links);
    if (!wanted.deliver) {
      // Filtered by the channel's own subscription: settled, not lost, and the reason is on record.
      log.debug({ alert: delivery.alert.key, reason: wanted.reason, detail: wanted.detail }, 'not delivered: outside this destination\'s subscription');
      rt.store.markDelivered(delivery.id, rt.clock.now());
      i++;
      continue;
    }
    const cost = sink.pacing?.cost?.(delivery.alert) ?? 1;
    const now = rt.clock.now();
    const slot = limiter.nextSendAt(destination, cost);
    if (slot > now) {
      if (!deps.sleep || slot - now > maxWaitSeconds * 1000) {
        // Persisted, so neither the next run nor a restarted process sends early.
        rt.store.postponeDestination(destination, slot);
        log.debug({ nextSendAt: slot, left: queue.length - i }, 'rate limit reached; the rest waits for its slot');
        return;
      }
      await deps.sleep(slot - now, deps.signal);
      const waited = rt.clock.now() - now;
      result.waitedMs += waited;
      // A clock that did not move would spin here forever.
      if (waited <= 0 && !deps.signal?.aborted) {
        rt.store.postponeDestination(destination, slot);
        return;
      }
      continue;
    }

    // Durable before the platform can show it: if the process dies during the send, the next one knows.
    rt.store.markDeliveryAttempting(delivery.id, now);
    // Counted from before it starts (destinations sharing a scope run in parallel) to when it ends.
    const ended = limiter.beginSend(destination, cost);
    try {
      await sink.send(delivery.alert, `${delivery.alertId}:${destination}`, { silent: wanted.silent, resent: mayShowTwice(delivery, sink, now) });
      ended();
      rt.store.markDelivered(delivery.id, rt.clock.now());
      streaksOf(limiter).delete(destination);
      result.sent++;
      rateLimits = 0;
      i++;
      continue;
    } catch (err) {
      ended();
      const error = err instanceof DeliveryError ? err : new DeliveryError('retry', err instanceof Error ? err.message : String(err), { destination, cause: err });
      if (!(err instanceof DeliveryError)) log.error({ err }, 'unexpected error while sending (bug?)');
      result.failed++;
      const at = rt.clock.now();

      if (error.action === 'wait') {
        // The platform's word beats our model of its limits; it is not the alert's fault, so no attempt is counted.
        rt.store.clearDeliveryAttempt(delivery.id);
        const waitMs = error.details.retryAfterMs ?? FIRST_RETRY_MS;
        limiter.pause(destination, at + waitMs);
        // A bot-wide limit: the destinations sharing the scope wait too (their loops ask the limiter before each send).
        if (error instanceof SharedRateLimitError) limiter.pauseScope(error.scope, at + waitMs);
        rt.store.postponeDestination(destination, at + waitMs);
        log.warn(
          { retryAfterMs: waitMs, alert: delivery.alert.key, ...(error instanceof SharedRateLimitError ? { scope: error.scope } : {}) },
          'rate limited by the chat API; waiting as told',
        );
        if (++rateLimits >= MAX_RATE_LIMITS_PER_RUN) return;
        continue;
      }

      if (error.action === 'disable') {
        rt.store.clearDeliveryAttempt(delivery.id);
        rt.store.deactivateDestination(destination, error.message, at);
        result.deactivated.push(destination);
        log.error(
          { error: error.message, status: error.details.status, pending: queue.length - i },
          'destination refused delivery; deactivated it, kept its alerts and told the other destinations (re-activate: radar destinations enable ID)',
        );
        notifyAdmins(run, destination, error.message, at);
        return;
      }

      if (error.action === 'skip') {
        setAsideRefusedAlert(run, delivery, error, at);
        // The platform answered, so it is up: no destination backoff, and the rest of the queue goes on.
        streaksOf(limiter).delete(destination);
        rateLimits = 0;
        i++;
        continue;
      }

      const attempts = delivery.attempts + 1;
      const dead = attempts >= maxAttempts;
      if (dead) {
        result.dead++;
        log.error({ alert: delivery.alert.key, attempts, error: error.message }, 'giving up on delivery after max attempts; it stays in the outbox as dead');
      } else log.warn({ alert: delivery.alert.key, attempts, error: error.message }, 'delivery failed; will retry');
      // The destination's failure streak, not this alert's: an alert queued during an outage (or a
      // digest that coalesced the backlog) starts no fresh ladder of quick probes while the
      // destination is well into its backoff. Attempts in the outbox carry it across restarts.
      const streaks = streaksOf(limiter);
      const streak = Math.max(
        attempts - delivery.refusals,
        (streaks.get(destination) ?? 0) + 1,
        // Refusals were single alerts' faults, not the destination's.
        1 + Math.max(0, ...rt.store.pendingDeliveriesFor(destination, STREAK_SAMPLE).map((d) => d.attempts - d.refusals)),
      );
      streaks.set(destination, streak);
      const backoffMs = retryDelayMs(streak, maxBackoffMinutes, deps.random);
      // The platform may hold the message already and drops a repeat only for a while: retry before that ends.
      const next = at + (error instanceof UncertainDeliveryError ? Math.min(backoffMs, error.retryWithinMs) : backoffMs);
      rt.store.markDeliveryFailed(delivery.id, error.message, next, dead);
      // The platform is probably down: hold the rest of this destination's queue too, and
      // (through the shared limiter) the alerts queued before the backoff ends, which would
      // otherwise each probe the platform as soon as they arrive.
      rt.store.postponeDestination(destination, next);
      limiter.pause(destination, next);
      return;
    }
  }
}

/**
 * Whether this send may show the alert a second time: an earlier send of it was in flight when
 * the process died, and the platform will not drop the repeat (no idempotency key, or its window is over).
 */
function mayShowTwice(delivery: Delivery, sink: DeliverySink, now: number): boolean {
  if (delivery.interruptedAt === undefined) return false;
  return sink.idempotencyWindowMs === undefined || now - delivery.interruptedAt >= sink.idempotencyWindowMs;
}

/**
 * The platform refused this alert itself (a 400: too long, markup it cannot parse, even in
 * the sink's plain form). Only this alert waits, on its own backoff; after
 * {@link MAX_REFUSALS} it is marked dead (it stays in the outbox) and the admins are told.
 */
function setAsideRefusedAlert(run: Run, delivery: Delivery, error: DeliveryError, at: number): void {
  const { rt, deps, result } = run;
  const { maxAttempts, maxBackoffMinutes } = rt.config.alerts.delivery;
  const log = rt.log.child({ destination: delivery.destination });
  // Its own refusals decide, not failures met during an outage (those were the destination's).
  const refusals = delivery.refusals + 1;
  const dead = refusals >= MAX_REFUSALS || delivery.attempts + 1 >= maxAttempts;
  const next = at + retryDelayMs(refusals, maxBackoffMinutes, deps.random, FIRST_REFUSAL_RETRY_MS);
  rt.store.markDeliveryRefused(delivery.id, error.message, next, dead);
  if (!dead) {
    log.warn({ alert: delivery.alert.key, refusals, nextAttemptAt: next, error: error.message }, 'the chat platform refused this alert; the others go on, and it is retried on its own');
    return;
  }
  result.dead++;
  log.error({ alert: delivery.alert.key, refusals, error: error.message }, 'the chat platform refused this alert every time; it stays in the outbox as dead and the admins are told');
  notifyRefusedAlert(run, delivery, error.message, refusals, at);
}

/** Tell the admins (the refusing destination included: it still takes other alerts) which alert was not delivered, and why. */
function notifyRefusedAlert(run: Run, delivery: Delivery, error: string, attempts: number, now: number): void {
  const { rt } = run;
  const { destination } = delivery;
  const key = `delivery-refused:${destination}:${delivery.alertId}`;
  if (delivery.alert.key.startsWith('delivery-refused:')) {
    // A refused notice about a refused alert would beget another: the log is where this one ends.
    rt.log.error({ destination, alert: delivery.alert.key }, 'the notice about a refused alert was refused too; only this log says it');
    return;
  }
  const title = viewAlert(delivery.alert).title;
  const quoted = title.length > NOTICE_TITLE_CHARS ? `${title.slice(0, NOTICE_TITLE_CHARS - 1)}…` : title;
  const notice: NoticeAlert = {
    kind: 'notice',
    key,
    createdAt: now,
    severity: 'high',
    reason: 'alert refused by the chat platform',
    title: `Alert not delivered to ${destination}`,
    text:
      `${destination} refused the alert "${quoted}" (${delivery.alert.key}) ${attempts} time${attempts === 1 ? '' : 's'}: ${error}. ` +
      `The destination still gets the other alerts; this one stays in the outbox as dead (radar destinations list counts them).`,
  };
  const to = routeAlert(notice, rt.destinations).filter((d) => !run.deactivated.has(d));
  if (to.length === 0) {
    rt.log.error({ destination, alert: delivery.alert.key }, 'no destination takes the notice about a refused alert; only this log says it');
    return;
  }
  if (rt.store.enqueueAlert(notice, to)) {
    rt.log.info({ key, destinations: to }, 'admin notice queued');
    rt.onAlertsQueued?.();
  }
}

/** A high-severity notice to every other destination that takes notices (not to the one that refused). */
function notifyAdmins(run: Run, destination: string, message: string, now: number): void {
  const { rt } = run;
  const notice: NoticeAlert = {
    kind: 'notice',
    key: `destination-deactivated:${destination}:${now}`,
    createdAt: now,
    severity: 'high',
    reason: 'destination refused delivery',
    title: `Destination deactivated: ${destination}`,
    text:
      `${destination} refused an alert: ${message}. Nothing more is sent there until an admin re-activates it; ` +
      `its alerts are kept. Fix the bot's access to that channel or chat, then run: radar destinations enable ${destination}`,
  };
  const others = routeAlert(notice, rt.destinations).filter((d) => d !== destination && !run.deactivated.has(d));
  if (others.length === 0) {
    rt.log.error({ destination }, 'no other destination to tell about the deactivation; only this log says it');
    return;
  }
  if (rt.store.enqueueAlert(notice, others)) {
    rt.log.info({ key: notice.key, destinations: others }, 'admin notice queued');
    rt.onAlertsQueued?.();
  }
}

/** Send every due delivery once; destinations are served in parallel, each in order and at its platform's pace. */
export async function deliverDue(rt: Runtime, deps: DeliveryDeps): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, failed: 0, dead: 0, deactivated: [], coalesced: 0, waitedMs: 0 };
  const run: Run = { rt, deps, limiter: deps.limiter ?? createRateLimiter(rt.clock), deactivated: rt.store.deactivatedDestinations(), result };
  coalesceBacklogs(run);
  const due = rt.store.dueDeliveries(rt.clock.now(), deps.batchSize ?? 500);
  const groups = groupByDestination(due);
  await mapLimit([...groups], 8, ([destination, queue]) => deliverToDestination(run, destination, queue));
  return result;
}
