/**
 * What the delivery worker may know about a sink beyond {@link AlertSink}:
 * the platform's rate limits for that destination, and refusals that bind more
 * destinations than the one that met them. Optional, so any AlertSink
 * (console, test fakes) is a delivery sink that is never paced.
 */
import type { Alert } from '../domain/alert.ts';
import { DeliveryError, type AlertSink } from './ports.ts';
import type { RateRule } from './rate-limiter.ts';

export interface SinkPacing {
  /** Limits every send to this destination counts against (platform facts, declared by the adapter). */
  rules: readonly RateRule[];
  /** Platform messages one alert costs, when it can be more than one (a chart sent apart from long text). Default 1. */
  cost?(alert: Alert): number;
}

export interface DeliverySink extends AlertSink {
  readonly pacing?: SinkPacing;
  /**
   * How long the platform drops a repeated send of the same `deliveryId` (a Discord bot's
   * nonce), ms. Absent when it never does (Telegram, Discord webhooks): then any re-send of
   * an interrupted delivery may show the alert twice, and is flagged `resent`.
   */
  readonly idempotencyWindowMs?: number;
}

/**
 * A rate limit the platform applies to a whole pacing scope rather than to one
 * destination: Discord's global limit holds for every channel of the bot. The
 * worker pauses every destination whose rules name `scope` until the wait is over,
 * so a second channel does not walk into the same 429 (and the invalid-request count).
 */
export class SharedRateLimitError extends DeliveryError {
  constructor(
    message: string,
    details: DeliveryError['details'],
    /** A {@link RateRule} scope, e.g. "discord:bot:ab12…". */
    readonly scope: string,
  ) {
    super('wait', message, details);
  }
}

/**
 * A retryable failure after which the platform may already show the message: a
 * timeout or a connection lost after the request went out. The platform drops a
 * repeat for a while only (Discord's nonce: a few minutes), so the worker retries
 * within `retryWithinMs` however long the backoff would otherwise be; later, a
 * retry could post the alert twice.
 */
export class UncertainDeliveryError extends DeliveryError {
  constructor(
    message: string,
    details: DeliveryError['details'],
    readonly retryWithinMs: number,
  ) {
    super('retry', message, details);
  }
}
