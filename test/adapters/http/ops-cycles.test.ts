/**
 * The cycles of main.ts record into stage health and metrics: real fetcher and
 * parser against a loopback feed host, a real SQLite store, a fixed clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCycles, createOps } from '../../../src/main.ts';
import type { DeliverySink } from '../../../src/app/delivery-sink.ts';
import { staleAfterMs } from '../../../src/app/health.ts';
import { MINUTE_MS } from '../../../src/domain/time.ts';
import { startFeedServer, type FeedServer } from '../../fakes/feed-server.ts';
import { RecordingSink } from '../../fakes/recording-sink.ts';
import { testRuntime } from '../../fakes/runtime.ts';

const NOW = Date.UTC(2025, 3, 10, 12);

const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Test feed</title><link>https://news.example.com/</link>
  <item><title>Decentralized inference and zkML on Bittensor</title><link>https://news.example.com/zkml</link>
    <guid isPermaLink="false">zkml-1</guid><pubDate>${new Date(NOW - 3_600_000).toUTCString()}</pubDate>
    <description>Subnets now serve decentralized inference with zkML proofs.</description></item>
  <item><title>Render Network adds GPU capacity</title><link>https://news.example.com/render</link>
    <guid isPermaLink="false">render-1</guid><pubDate>${new Date(NOW - 7_200_000).toUTCString()}</pubDate>
    <description>More GPUs for AI inference.</description></item>
</channel></rss>`;

let server: FeedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setup() {
  server = await startFeedServer({ '/a.xml': { body: RSS, headers: { 'content-type': 'application/rss+xml' } } });
  const url = server.url('/a.xml');
  const rt = await testRuntime({
    now: NOW,
    edit: (c) => {
      c.feeds.feeds = [{ ...c.feeds.feeds[0]!, id: 'a', url, enabled: true, pollMinutes: 10 }];
      c.tokens.tokens = [];
    },
  });
  const sink = new RecordingSink('chat');
  const monotonic = { ms: 0 };
  const ops = createOps(rt, () => monotonic.ms);
  const cycles = createCycles({ runtime: rt, destinations: { rules: rt.destinations, sinks: new Map<string, DeliverySink>([['chat', sink]]) }, prices: () => Promise.reject(new Error('no prices in this test')), ops });
  return { rt, sink, ops, cycles, monotonic };
}

const metricLine = async (ops: ReturnType<typeof createOps>, prefix: string) => (await ops.metrics.registry.metrics()).split('\n').filter((l) => l.startsWith(prefix));

describe('createCycles with ops', () => {
  it('GIVEN feeds and no tokens THEN feeds and delivery are tracked with limits from the schedule, prices not at all', async () => {
    const { ops } = await setup();
    const stages = ops.health.report().stages;
    expect(Object.keys(stages).sort()).toEqual(['delivery', 'feeds']);
    // The feed cycle runs every 5 min, but the feed is only due every 10 min.
    expect(stages.feeds?.staleAfterMs).toBe(staleAfterMs(10 * MINUTE_MS));
    expect(stages.delivery?.staleAfterMs).toBe(staleAfterMs(30_000));
  });

  it('GIVEN a feed cycle that stores posts, a quiet one, then one where every feed fails THEN success, nothing, then the failure', async () => {
    const { rt, ops, cycles } = await setup();
    await cycles.feeds();
    expect(ops.health.report().stages.feeds).toMatchObject({ lastSuccessAt: NOW, stale: false });
    expect(await metricLine(ops, 'radar_feed_items_ingested_total')).toEqual(['radar_feed_items_ingested_total 2']);
    expect(await metricLine(ops, 'radar_feed_fetch_duration_seconds_count')).toEqual(['radar_feed_fetch_duration_seconds_count{outcome="ok"} 1']);
    // Queued alerts also start a delivery run, timed under its own stage.
    expect(await metricLine(ops, 'radar_cycle_duration_seconds_count')).toContain('radar_cycle_duration_seconds_count{stage="feeds"} 1');

    rt.clock.advance(MINUTE_MS); // not due yet: nothing polled, nothing to judge
    await cycles.feeds();
    expect(ops.health.report().stages.feeds).toEqual({ lastSuccessAt: NOW, staleAfterMs: staleAfterMs(10 * MINUTE_MS), stale: false });

    server!.route('/a.xml', { status: 503, body: 'down for maintenance' });
    rt.clock.advance(10 * MINUTE_MS);
    await cycles.feeds();
    const feeds = ops.health.report().stages.feeds;
    expect(feeds).toMatchObject({ lastSuccessAt: NOW, lastFailureAt: NOW + 11 * MINUTE_MS, stale: false });
    expect(feeds?.lastError).toMatch(/^all 1 feeds polled failed, e\.g\. .*503/);
    expect(await metricLine(ops, 'radar_feed_fetch_duration_seconds_count')).toContain('radar_feed_fetch_duration_seconds_count{outcome="error"} 1');
  });

  it('GIVEN delivery runs THEN an empty outbox is healthy, and a run where every send fails is recorded as a failure', async () => {
    const { rt, sink, ops, cycles } = await setup();
    await cycles.deliver();
    expect(ops.health.report().stages.delivery).toMatchObject({ lastSuccessAt: NOW });

    rt.store.enqueueAlert({ kind: 'notice', key: 'notice:test', createdAt: NOW, severity: 'low', reason: 'test', title: 'Test', text: 'hello' }, ['chat']);
    sink.failNext('retry');
    rt.clock.advance(MINUTE_MS);
    await cycles.deliver();
    expect(ops.health.report().stages.delivery).toMatchObject({ lastSuccessAt: NOW, lastFailureAt: NOW + MINUTE_MS, lastError: '1 sends failed, none succeeded' });
    expect(await metricLine(ops, 'radar_delivery_send_duration_seconds_count')).toEqual(['radar_delivery_send_duration_seconds_count{destination="chat",outcome="error"} 1']);
  });
});
