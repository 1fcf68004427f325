/**
 * What the delivery worker may know about a sink beyond {@link AlertSink}:
 * the platform's rate limits for that destination. Optional, so any AlertSink
 * (console, test fakes) is a delivery sink that is never paced.
 */
import type { Alert } from '../domain/alert.ts';
import type { AlertSink } from './ports.ts';
import type { RateRule } from './rate-limiter.ts';

export interface SinkPacing {
  /** Limits every send to this destination counts against (platform facts, declared by the adapter). */
  rules: readonly RateRule[];
  /** Platform messages one alert costs, when it can be more than one (a chart sent apart from long text). Default 1. */
  cost?(alert: Alert): number;
}

export interface DeliverySink extends AlertSink {
  readonly pacing?: SinkPacing;
}
