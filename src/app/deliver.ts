/**
 * The delivery worker: sends queued alerts from the SQLite outbox to their
 * destinations and records each outcome. At-least-once: a delivery is marked
 * sent only after the platform accepted it, so a crash in between re-sends it
 * (Discord drops the duplicate by nonce). Destinations fail independently.
 */
import type { NoticeAlert } from '../domain/alert.ts';
import { MINUTE_MS } from '../domain/time.ts';
import { mapLimit } from './concurrency.ts';
import { DeliveryError, type AlertSink } from './ports.ts';
import { queueAlert, type Runtime } from './runtime.ts';
import type { Delivery } from './store.ts';

export interface DeliveryDeps {
  sinks: ReadonlyMap<string, AlertSink>;
  batchSize?: number;
}

export interface DeliveryResult {
  sent: number;
  failed: number;
  dead: number;
}

const DISABLE_PAUSE_MS = 60 * MINUTE_MS;

/** Capped exponential backoff for retryable failures; `attempts` includes the one that just failed. */
export function retryDelayMs(attempts: number, maxBackoffMinutes: number): number {
  return Math.min(maxBackoffMinutes * MINUTE_MS, 5_000 * 2 ** Math.max(0, attempts - 1));
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

async function deliverToDestination(rt: Runtime, sink: AlertSink | undefined, destination: string, queue: Delivery[], result: DeliveryResult): Promise<void> {
  const log = rt.log.child({ destination });
  const { maxAttempts, maxBackoffMinutes } = rt.config.alerts.delivery;
  for (const delivery of queue) {
    const now = rt.clock.now();
    if (!sink) {
      // Keep the alerts: the destination may come back when its token is set again.
      log.warn({ pending: queue.length }, 'no sink for destination (missing token or removed from alerts.yaml); alerts kept for later');
      rt.store.postponeDestination(destination, now + DISABLE_PAUSE_MS);
      return;
    }
    try {
      await sink.send(delivery.alert, `${delivery.alertId}:${destination}`);
      rt.store.markDelivered(delivery.id, rt.clock.now());
      result.sent++;
    } catch (err) {
      const error = err instanceof DeliveryError ? err : new DeliveryError('retry', err instanceof Error ? err.message : String(err), { destination, cause: err });
      if (!(err instanceof DeliveryError)) log.error({ err }, 'unexpected error while sending (bug?)');
      const attempts = delivery.attempts + 1;
      result.failed++;
      if (error.action === 'wait') {
        const waitMs = error.details.retryAfterMs ?? 5_000;
        log.warn({ retryAfterMs: waitMs }, 'rate limited by the chat API; waiting as told');
        rt.store.markDeliveryFailed(delivery.id, error.message, now + waitMs, false);
        rt.store.postponeDestination(destination, now + waitMs);
        return;
      }
      if (error.action === 'disable') {
        log.error({ error: error.message, status: error.details.status }, 'destination refused delivery; pausing it and keeping its alerts');
        // Queue the notice first so the pause below also covers its copy for this destination.
        notifyAdmins(rt, destination, error.message, now);
        rt.store.markDeliveryFailed(delivery.id, error.message, now + DISABLE_PAUSE_MS, false);
        rt.store.postponeDestination(destination, now + DISABLE_PAUSE_MS);
        return;
      }
      const dead = attempts >= maxAttempts;
      if (dead) {
        result.dead++;
        log.error({ alert: delivery.alert.key, attempts, error: error.message }, 'giving up on delivery after max attempts; it stays in the outbox as dead');
      } else log.warn({ alert: delivery.alert.key, attempts, error: error.message }, 'delivery failed; will retry');
      const next = now + retryDelayMs(attempts, maxBackoffMinutes);
      rt.store.markDeliveryFailed(delivery.id, error.message, next, dead);
      // The platform is probably down: hold the rest of this destination's queue too.
      rt.store.postponeDestination(destination, next);
      return;
    }
  }
}

function notifyAdmins(rt: Runtime, destination: string, message: string, now: number): void {
  const notice: NoticeAlert = {
    kind: 'notice',
    key: `destination-refused:${destination}:${Math.floor(now / DISABLE_PAUSE_MS)}`,
    createdAt: now,
    severity: 'high',
    reason: 'destination refused delivery',
    title: `Destination paused: ${destination}`,
    text: `${destination} refused an alert: ${message}. Its alerts are kept and retried hourly. Check the bot's access to that channel or chat.`,
  };
  queueAlert(rt, notice);
}

/** Send every due delivery once; destinations are served in parallel, each in order. */
export async function deliverDue(rt: Runtime, deps: DeliveryDeps): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, failed: 0, dead: 0 };
  const due = rt.store.dueDeliveries(rt.clock.now(), deps.batchSize ?? 500);
  const groups = groupByDestination(due);
  await mapLimit([...groups], 8, ([destination, queue]) => deliverToDestination(rt, deps.sinks.get(destination), destination, queue, result));
  return result;
}
