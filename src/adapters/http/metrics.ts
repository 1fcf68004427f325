/**
 * The bot's Prometheus metrics, on a private prom-client registry (never the
 * global one: tests and several bots in one process must not share counters).
 *
 * Two kinds: state read from the store at scrape time (feeds by status, the
 * outbox per destination, stage freshness), so the numbers survive restarts
 * and never drift from the database; and events counted as they happen (items
 * ingested, latencies), recorded through the decorators below.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliverySink } from '../../app/delivery-sink.ts';
import type { StageHealth, StageName } from '../../app/health.ts';
import type { FeedFetcher } from '../../app/ports.ts';
import type { Store } from '../../app/store.ts';
import type { FeedConfig } from '../../config/schema.ts';

export type FeedStatus = 'ok' | 'failing' | 'disabled' | 'pending';

export interface RadarMetricsOptions {
  store: Pick<Store, 'getFeedState' | 'destinationStates'>;
  /** The live feed list (admins change it from chat), read at scrape time. */
  feeds: () => readonly FeedConfig[];
  health?: StageHealth;
  /** Monotonic milliseconds for latencies; default performance.now. Tests pass a fake. */
  monotonicMs?: () => number;
  /** Process metrics (CPU, memory, event loop lag, handles). Default true. */
  defaultMetrics?: boolean;
}

export interface RadarMetrics {
  readonly registry: Registry;
  /** Start timing one run of a stage; call the returned function when it ends (either way). */
  timeCycle(stage: StageName): () => void;
  /** New posts stored by a feed cycle. */
  itemsIngested(count: number): void;
  /** The same fetcher, timing each request. */
  instrumentFetcher(fetcher: FeedFetcher): FeedFetcher;
  /** The same sinks, timing each send per destination. */
  instrumentSinks(sinks: ReadonlyMap<string, DeliverySink>): Map<string, DeliverySink>;
}

/** Seconds. Feed fetches and chat sends take ~0.1–2 s, with timeouts at 10–30 s. */
const REQUEST_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];
/** Seconds. A cycle polls many feeds or tokens, or waits for rate-limit slots. */
const CYCLE_BUCKETS = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/** Which of the metric's statuses a feed is in; undefined state means never polled. */
export function feedStatus(state: { failures: number; disabledAt?: number; lastSuccessAt?: number } | undefined): FeedStatus {
  if (state?.disabledAt !== undefined) return 'disabled';
  if (state && state.failures > 0) return 'failing';
  return state?.lastSuccessAt !== undefined ? 'ok' : 'pending';
}

export function createRadarMetrics(options: RadarMetricsOptions): RadarMetrics {
  const { store, health } = options;
  const now = options.monotonicMs ?? (() => performance.now());
  const registry = new Registry();
  const registers = [registry];
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });

  new Gauge({
    name: 'radar_feeds',
    help: 'Enabled feeds by status: ok, failing (backing off), disabled (after repeated failures), pending (not polled yet)',
    labelNames: ['status'],
    registers,
    collect() {
      const counts: Record<FeedStatus, number> = { ok: 0, failing: 0, disabled: 0, pending: 0 };
      for (const feed of options.feeds()) if (feed.enabled) counts[feedStatus(store.getFeedState(feed.id))]++;
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  const ingested = new Counter({ name: 'radar_feed_items_ingested_total', help: 'New posts stored from feeds since start', registers });
  const fetches = new Histogram({
    name: 'radar_feed_fetch_duration_seconds',
    help: 'Feed HTTP requests by outcome (ok, not_modified, error)',
    labelNames: ['outcome'],
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const cycles = new Histogram({
    name: 'radar_cycle_duration_seconds',
    help: 'Runs of each stage (feeds, prices, delivery), including failed runs',
    labelNames: ['stage'],
    buckets: CYCLE_BUCKETS,
    registers,
  });
  const sends = new Histogram({
    name: 'radar_delivery_send_duration_seconds',
    help: 'Alert sends per destination by outcome (ok, error)',
    labelNames: ['destination', 'outcome'],
    buckets: REQUEST_BUCKETS,
    registers,
  });
  new Gauge({
    name: 'radar_deliveries',
    help: 'Alerts in the outbox per destination and status: pending (queued), sent, dead (failed for good)',
    labelNames: ['destination', 'status'],
    registers,
    collect() {
      // Reset first: a destination removed from the config must not linger with its last values.
      this.reset();
      for (const d of store.destinationStates()) {
        this.set({ destination: d.destination, status: 'pending' }, d.pending);
        this.set({ destination: d.destination, status: 'sent' }, d.sent);
        this.set({ destination: d.destination, status: 'dead' }, d.dead);
      }
    },
  });
  new Gauge({
    name: 'radar_destination_deactivated',
    help: '1 while a destination is deactivated after the platform refused it (an admin must re-activate it)',
    labelNames: ['destination'],
    registers,
    collect() {
      this.reset();
      for (const d of store.destinationStates()) this.set({ destination: d.destination }, d.deactivatedAt === undefined ? 0 : 1);
    },
  });
  if (health) {
    new Gauge({
      name: 'radar_stage_last_success_timestamp_seconds',
      help: 'When each stage last did its job (Unix seconds); absent before the first success',
      labelNames: ['stage'],
      registers,
      collect() {
        this.reset();
        for (const [stage, r] of Object.entries(health.report().stages)) if (r.lastSuccessAt !== undefined) this.set({ stage }, r.lastSuccessAt / 1000);
      },
    });
    new Gauge({
      name: 'radar_stage_stale',
      help: '1 when a stage has not succeeded within its limit (what makes /healthz answer 503)',
      labelNames: ['stage'],
      registers,
      collect() {
        this.reset();
        for (const [stage, r] of Object.entries(health.report().stages)) this.set({ stage }, r.stale ? 1 : 0);
      },
    });
  }

  const seconds = (startMs: number) => Math.max(0, now() - startMs) / 1000;

  return {
    registry,
    timeCycle(stage) {
      const started = now();
      return () => cycles.observe({ stage }, seconds(started));
    },
    itemsIngested(count) {
      if (count > 0) ingested.inc(count);
    },
    instrumentFetcher(fetcher) {
      return {
        async fetch(request) {
          const started = now();
          try {
            const result = await fetcher.fetch(request);
            fetches.observe({ outcome: result.status === 'ok' ? 'ok' : 'not_modified' }, seconds(started));
            return result;
          } catch (err) {
            fetches.observe({ outcome: 'error' }, seconds(started));
            throw err;
          }
        },
      };
    },
    instrumentSinks(sinks) {
      const out = new Map<string, DeliverySink>();
      for (const [id, sink] of sinks) {
        // Inherit from the sink rather than copy it: pacing, close and whatever a sink
        // declares later stay the sink's own; only send is timed.
        const send: DeliverySink['send'] = async (...args) => {
          const started = now();
          try {
            await sink.send(...args);
            sends.observe({ destination: id, outcome: 'ok' }, seconds(started));
          } catch (err) {
            sends.observe({ destination: id, outcome: 'error' }, seconds(started));
            throw err;
          }
        };
        // defineProperty, not assignment: a frozen sink's send would refuse to be shadowed.
        out.set(id, Object.defineProperty(Object.create(sink) as DeliverySink, 'send', { value: send }));
      }
      return out;
    },
  };
}
