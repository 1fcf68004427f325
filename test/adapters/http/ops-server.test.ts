/**
 * /healthz and /metrics served by the real node:http server on 127.0.0.1 (port 0),
 * read with fetch; metrics come from a real SQLite store and a fake monotonic clock.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createRadarMetrics } from '../../../src/adapters/http/metrics.ts';
import { startOpsServer, type OpsServer } from '../../../src/adapters/http/ops-server.ts';
import type { DatabaseCheck } from '../../../src/adapters/sqlite/database-probe.ts';
import { openSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import type { DeliverySink } from '../../../src/app/delivery-sink.ts';
import { createStageHealth } from '../../../src/app/health.ts';
import { DeliveryError, FeedError, type FeedFetcher } from '../../../src/app/ports.ts';
import type { Store } from '../../../src/app/store.ts';
import type { FeedConfig } from '../../../src/config/schema.ts';
import { MINUTE_MS } from '../../../src/domain/time.ts';
import { FixedClock } from '../../fakes/clock.ts';
import { RecordingSink } from '../../fakes/recording-sink.ts';
import { SAMPLE_NOW, sampleNoticeAlert, sampleStoryAlert } from '../../fakes/sample-alerts.ts';
import { recordingLogger } from '../../fakes/silent-logger.ts';

const feed = (id: string, enabled = true) => ({ id, name: id, url: `https://example.com/${id}.xml`, enabled }) as FeedConfig;

interface Harness {
  server: OpsServer;
  store: Store;
  clock: FixedClock;
  monotonic: { ms: number };
  db: DatabaseCheck;
  metrics: ReturnType<typeof createRadarMetrics>;
  health: ReturnType<typeof createStageHealth>;
}

const open: { server: OpsServer; store: Store }[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.server.close();
    h.store.close();
  }
});

async function start(feeds: FeedConfig[] = []): Promise<Harness> {
  const store = openSqliteStore(':memory:');
  const clock = new FixedClock(SAMPLE_NOW);
  const monotonic = { ms: 1_000 };
  const health = createStageHealth({ feeds: { staleAfterMs: 30 * MINUTE_MS }, delivery: { staleAfterMs: 10 * MINUTE_MS } }, clock);
  const metrics = createRadarMetrics({ store, feeds: () => feeds, health, monotonicMs: () => monotonic.ms, defaultMetrics: false });
  const h = { store, clock, monotonic, db: { writable: true } as DatabaseCheck, metrics, health } as Harness;
  h.server = await startOpsServer({ port: 0, health: () => health.report(), database: () => h.db, registry: metrics.registry, log: recordingLogger() });
  open.push(h);
  return h;
}

async function get(h: Harness, path: string, init?: RequestInit) {
  const res = await fetch(`${h.server.url}${path}`, init);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The sample lines of one metric, "name{labels} value", without comments. */
const samples = (text: string, name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));

describe('GET /healthz', () => {
  it('GIVEN a writable database and fresh stages THEN 200 with each stage and no problems', async () => {
    const h = await start();
    h.clock.advance(MINUTE_MS);
    h.health.recordSuccess('feeds');
    h.health.recordSuccess('delivery');
    const r = await get(h, '/healthz');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(JSON.parse(r.text)).toEqual({
      status: 'ok',
      db: { writable: true },
      stages: {
        feeds: { lastSuccessAt: new Date(SAMPLE_NOW + MINUTE_MS).toISOString(), staleAfterSeconds: 1800, stale: false },
        delivery: { lastSuccessAt: new Date(SAMPLE_NOW + MINUTE_MS).toISOString(), staleAfterSeconds: 600, stale: false },
      },
      problems: [],
    });
  });

  it('GIVEN a stage quiet past its limit THEN 503 naming it, with its last error', async () => {
    const h = await start();
    h.health.recordSuccess('feeds');
    h.health.recordSuccess('delivery');
    h.clock.advance(20 * MINUTE_MS);
    h.health.recordFailure('delivery', 'discord-main: 503 Service Unavailable');
    h.health.recordSuccess('feeds');
    const r = await get(h, '/healthz');
    expect(r.status).toBe(503);
    const body = JSON.parse(r.text);
    expect(body.status).toBe('unhealthy');
    expect(body.stages.delivery).toEqual({
      lastSuccessAt: new Date(SAMPLE_NOW).toISOString(),
      lastFailureAt: new Date(SAMPLE_NOW + 20 * MINUTE_MS).toISOString(),
      lastError: 'discord-main: 503 Service Unavailable',
      staleAfterSeconds: 600,
      stale: true,
    });
    expect(body.problems).toEqual(['delivery: no successful run for 20 min (limit 10 min); last error: discord-main: 503 Service Unavailable']);
  });

  it('GIVEN the database refuses writes THEN 503 with its reason, and 200 again once it recovers', async () => {
    const h = await start();
    h.health.recordSuccess('feeds');
    h.health.recordSuccess('delivery');
    h.db = { writable: false, error: 'attempt to write a readonly database' };
    const bad = await get(h, '/healthz');
    expect(bad.status).toBe(503);
    expect(JSON.parse(bad.text)).toMatchObject({ status: 'unhealthy', db: h.db, problems: ['database not writable: attempt to write a readonly database'] });
    h.db = { writable: true };
    expect((await get(h, '/healthz')).status).toBe(200);
  });

  it('GIVEN HEAD, another method or another path THEN no body, 405 with Allow, 404', async () => {
    const h = await start();
    const head = await fetch(`${h.server.url}/healthz`, { method: 'HEAD' });
    expect([head.status, await head.text()]).toEqual([200, '']);
    const post = await fetch(`${h.server.url}/metrics`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect((await get(h, '/')).status).toBe(404);
  });
});

describe('GET /metrics', () => {
  it('GIVEN feed states in the store THEN enabled feeds are counted by status at scrape time', async () => {
    const feeds = [feed('fresh'), feed('flaky'), feed('dead'), feed('new'), feed('off', false)];
    const h = await start(feeds);
    h.store.saveFeedState({ feedId: 'fresh', failures: 0, nextPollAt: 0, itemsSeen: 3, lastSuccessAt: SAMPLE_NOW });
    h.store.saveFeedState({ feedId: 'flaky', failures: 2, nextPollAt: 0, itemsSeen: 3, lastSuccessAt: SAMPLE_NOW - MINUTE_MS });
    h.store.saveFeedState({ feedId: 'dead', failures: 12, nextPollAt: 0, itemsSeen: 0, disabledAt: SAMPLE_NOW, disabledReason: 'HTTP 410' });
    const r = await get(h, '/metrics');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(samples(r.text, 'radar_feeds')).toEqual(['radar_feeds{status="ok"} 1', 'radar_feeds{status="failing"} 1', 'radar_feeds{status="disabled"} 1', 'radar_feeds{status="pending"} 1']);

    h.store.saveFeedState({ feedId: 'flaky', failures: 0, nextPollAt: 0, itemsSeen: 4, lastSuccessAt: SAMPLE_NOW });
    expect(samples((await get(h, '/metrics')).text, 'radar_feeds')).toContain('radar_feeds{status="ok"} 2');
  });

  it('GIVEN alerts in the outbox THEN pending, sent and dead per destination, and deactivated destinations', async () => {
    const h = await start();
    h.store.enqueueAlert(sampleStoryAlert(), ['discord-main', 'telegram']);
    h.store.enqueueAlert(sampleNoticeAlert(), ['discord-main', 'telegram']);
    const due = h.store.dueDeliveries(SAMPLE_NOW, 10);
    const [toDiscord, toTelegram] = [due.filter((d) => d.destination === 'discord-main'), due.filter((d) => d.destination === 'telegram')];
    h.store.markDelivered(toDiscord[0]!.id, SAMPLE_NOW);
    h.store.markDelivered(toDiscord[1]!.id, SAMPLE_NOW);
    h.store.markDeliveryFailed(toTelegram[0]!.id, '403 bot was kicked', SAMPLE_NOW, true);
    h.store.deactivateDestination('telegram', 'bot was kicked', SAMPLE_NOW);
    const text = (await get(h, '/metrics')).text;
    expect(samples(text, 'radar_deliveries').sort()).toEqual([
      'radar_deliveries{destination="discord-main",status="dead"} 0',
      'radar_deliveries{destination="discord-main",status="pending"} 0',
      'radar_deliveries{destination="discord-main",status="sent"} 2',
      'radar_deliveries{destination="telegram",status="dead"} 1',
      'radar_deliveries{destination="telegram",status="pending"} 1',
      'radar_deliveries{destination="telegram",status="sent"} 0',
    ]);
    expect(samples(text, 'radar_destination_deactivated').sort()).toEqual([
      'radar_destination_deactivated{destination="discord-main"} 0',
      'radar_destination_deactivated{destination="telegram"} 1',
    ]);
  });

  it('GIVEN timed fetches, sends and cycles on the injected clock THEN latency histograms, ingested items and stage freshness', async () => {
    const h = await start();
    const fetcher = h.metrics.instrumentFetcher({
      async fetch(request) {
        h.monotonic.ms += 1_500;
        if (request.url.endsWith('/gone')) throw new FeedError('gone', 'HTTP 410', { url: request.url, status: 410, retryable: false });
        return { status: 'ok', finalUrl: request.url, body: '<rss/>' };
      },
    } satisfies FeedFetcher);
    await fetcher.fetch({ url: 'https://example.com/a', timeoutMs: 1, maxBytes: 1 });
    await expect(fetcher.fetch({ url: 'https://example.com/gone', timeoutMs: 1, maxBytes: 1 })).rejects.toThrow('HTTP 410');

    const recording = new RecordingSink('discord-main');
    const pacing = { rules: [{ scope: 'discord:channel', limit: 5, windowMs: 5_000 }] };
    const sinks = h.metrics.instrumentSinks(new Map<string, DeliverySink>([['discord-main', Object.assign(recording, { pacing })]]));
    const sink = sinks.get('discord-main')!;
    expect([sink.id, sink.pacing]).toEqual(['discord-main', pacing]);
    await sink.send(sampleStoryAlert(), 'd-1', { silent: true });
    recording.failNext('retry');
    await expect(sink.send(sampleStoryAlert(), 'd-2')).rejects.toBeInstanceOf(DeliveryError);
    expect(recording.sent.map((s) => [s.deliveryId, s.silent])).toEqual([['d-1', true]]);

    const done = h.metrics.timeCycle('feeds');
    h.monotonic.ms += 42_000;
    done();
    h.metrics.itemsIngested(7);
    h.metrics.itemsIngested(0);
    h.health.recordSuccess('feeds');

    const text = (await get(h, '/metrics')).text;
    expect(samples(text, 'radar_feed_fetch_duration_seconds_sum').sort()).toEqual([
      'radar_feed_fetch_duration_seconds_sum{outcome="error"} 1.5',
      'radar_feed_fetch_duration_seconds_sum{outcome="ok"} 1.5',
    ]);
    expect(samples(text, 'radar_feed_fetch_duration_seconds_bucket')).toContain('radar_feed_fetch_duration_seconds_bucket{le="1",outcome="ok"} 0');
    expect(samples(text, 'radar_feed_fetch_duration_seconds_bucket')).toContain('radar_feed_fetch_duration_seconds_bucket{le="2.5",outcome="ok"} 1');
    expect(samples(text, 'radar_delivery_send_duration_seconds_count').sort()).toEqual([
      'radar_delivery_send_duration_seconds_count{destination="discord-main",outcome="error"} 1',
      'radar_delivery_send_duration_seconds_count{destination="discord-main",outcome="ok"} 1',
    ]);
    expect(samples(text, 'radar_cycle_duration_seconds_sum')).toEqual(['radar_cycle_duration_seconds_sum{stage="feeds"} 42']);
    expect(samples(text, 'radar_feed_items_ingested_total')).toEqual(['radar_feed_items_ingested_total 7']);
    expect(samples(text, 'radar_stage_last_success_timestamp_seconds')).toEqual([`radar_stage_last_success_timestamp_seconds{stage="feeds"} ${SAMPLE_NOW / 1000}`]);
    expect(samples(text, 'radar_stage_stale').sort()).toEqual(['radar_stage_stale{stage="delivery"} 0', 'radar_stage_stale{stage="feeds"} 0']);
  });

  it('GIVEN default metrics on THEN process metrics are served from the private registry', async () => {
    const store = openSqliteStore(':memory:');
    const metrics = createRadarMetrics({ store, feeds: () => [] });
    try {
      const text = await metrics.registry.metrics();
      expect(text).toContain('process_cpu_user_seconds_total');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
    } finally {
      store.close();
    }
  });
});

describe('startOpsServer lifecycle', () => {
  it('GIVEN close() THEN the port stops answering, and a second close() is harmless', async () => {
    const h = await start();
    await fetch(`${h.server.url}/healthz`); // leaves a keep-alive connection behind
    await h.server.close();
    await h.server.close();
    await expect(fetch(`${h.server.url}/healthz`)).rejects.toThrow();
  });

  it('GIVEN the port is taken THEN start fails naming the port and what to do', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    try {
      const store = openSqliteStore(':memory:');
      const metrics = createRadarMetrics({ store, feeds: () => [], defaultMetrics: false });
      await expect(
        startOpsServer({ port, health: () => ({ stages: {}, problems: [] }), database: () => ({ writable: true }), registry: metrics.registry, log: recordingLogger() }),
      ).rejects.toThrow(`cannot serve /healthz and /metrics on 127.0.0.1:${port}: EADDRINUSE; another process uses it: pick another HTTP_PORT or stop that process`);
      store.close();
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});

describe('HTTP_PORT and HTTP_HOST', () => {
  it('GIVEN nothing set THEN no server and loopback; GIVEN a port THEN a number; GIVEN a bad port THEN the variable is named', async () => {
    const { parseEnv } = await import('../../../src/config/env.ts');
    expect([parseEnv({}).HTTP_PORT, parseEnv({}).HTTP_HOST]).toEqual([undefined, '127.0.0.1']);
    expect(parseEnv({ HTTP_PORT: ' 9464 ', HTTP_HOST: '0.0.0.0' })).toMatchObject({ HTTP_PORT: 9464, HTTP_HOST: '0.0.0.0' });
    const blank = parseEnv({ HTTP_PORT: '', HTTP_HOST: '' }); // as an env file with empty lines gives them
    expect([blank.HTTP_PORT, blank.HTTP_HOST]).toEqual([undefined, '127.0.0.1']);
    expect(() => parseEnv({ HTTP_PORT: '70000' })).toThrow('HTTP_PORT: a TCP port number such as 9464 (unset it to turn the HTTP server off)');
    expect(() => parseEnv({ HTTP_PORT: 'metrics' })).toThrow('HTTP_PORT:');
  });
});
