/**
 * What every cycle needs: the live config (swappable on hot reload), the
 * compiled tagger, the store, the clock and a logger.
 */
import type { AppConfig } from '../config/load-config.ts';
import type { Alert } from '../domain/alert.ts';
import type { DestinationRule } from '../domain/routing.ts';
import { routeAlert } from '../domain/routing.ts';
import { compileTagger, type Tagger } from '../domain/tagging.ts';
import type { SeriesPost } from '../domain/narrative-series.ts';
import type { Clock } from '../domain/time.ts';
import type { Logger } from './ports.ts';
import type { Store } from './store.ts';

export interface Runtime {
  config: AppConfig;
  tagger: Tagger;
  store: Store;
  clock: Clock;
  log: Logger;
  /** Destinations that are wired to a sink (configured and with credentials). */
  destinations: DestinationRule[];
  /** Called after alerts are queued so delivery can start at once instead of waiting for its schedule. */
  onAlertsQueued?: () => void;
  /**
   * Analyzed posts of recently touched hours, as the narrative series need them:
   * loaded from the store once per hour bucket, then kept in step by recordNarrativeSeries.
   */
  seriesBuckets?: Map<number, Map<string, SeriesPost>>;
  /** The XML repairs each feed last needed, so a feed that keeps needing the same ones is reported once. */
  feedRepairs?: Map<string, string>;
}

export function createRuntime(options: Omit<Runtime, 'tagger'>): Runtime {
  return { ...options, tagger: compileTagger(options.config.taxonomy) };
}

/**
 * Swap in a new validated config (hot reload, admin changes). The routing
 * filters (`kinds`, `minSeverity`) of wired destinations follow it; which
 * destinations are wired, and to what, is decided once at startup.
 */
export function applyConfig(runtime: Runtime, config: AppConfig): void {
  runtime.config = config;
  runtime.tagger = compileTagger(config.taxonomy);
  const configured = new Map(config.alerts.destinations.map((d) => [d.id, d]));
  runtime.destinations = runtime.destinations.map((rule) => {
    const d = configured.get(rule.id);
    return d ? { id: rule.id, kinds: d.kinds, minSeverity: d.minSeverity } : rule;
  });
}

/** Queue an alert for every destination that takes it; false when it was a duplicate. */
export function queueAlert(runtime: Runtime, alert: Alert): boolean {
  const destinations = routeAlert(alert, runtime.destinations);
  if (destinations.length === 0) {
    runtime.log.warn({ key: alert.key, kind: alert.kind }, 'alert has no destination; check destinations in alerts.yaml');
  }
  const queued = runtime.store.enqueueAlert(alert, destinations);
  if (queued) runtime.log.info({ key: alert.key, kind: alert.kind, severity: alert.severity, destinations }, 'alert queued');
  return queued;
}
