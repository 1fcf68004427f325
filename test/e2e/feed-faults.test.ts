/**
 * Fault injection for the feed cycle: one pollFeeds cycle over healthy feeds
 * and one feed per fault a real feed host can throw at us (timeouts, resets,
 * 5xx with Retry-After, 404 vs 410, a body dripped forever, an endless body, a
 * gzip bomb, a redirect loop, an HTML page, a wrong content type, a 5 MB item),
 * on the real fetcher and parser against a loopback host. Each fault must fail
 * its own feed only, with a message naming the URL and the fault, back off,
 * and never hold the cycle longer than one per-feed timeout.
 *
 * Deadlines are injected: the test fires them once only the stalled hosts are
 * left in flight, so the assertions do not depend on how busy the machine is.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFeedParser } from '../../src/adapters/feeds/feed-parser.ts';
import { createHttpFeedFetcher } from '../../src/adapters/feeds/http-feed-fetcher.ts';
import { pollFeeds, type FeedCycleResult, type FeedPollDeps } from '../../src/app/poll-feeds.ts';
import { FeedError, type FeedFetcher } from '../../src/app/ports.ts';
import type { FeedConfig } from '../../src/config/schema.ts';
import { startFeedServer, type FeedRoute, type FeedServer } from '../fakes/feed-server.ts';
import { testRuntime, type TestRuntime } from '../fakes/runtime.ts';

const NOW = Date.UTC(2025, 3, 10, 12);
const MIN = 60_000;
const H = 60 * MIN;
const TIMEOUT_MS = 10_000;
const MAX_BYTES = 8_000_000;
const DISABLE_AFTER = 4;
const MAX_BACKOFF_MIN = 20;
const RETRY_AFTER_S = 900;

interface Item {
  title: string;
  guid: string;
  html: string;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function rss(feedId: string, items: readonly Item[]): string {
  const entries = items.map(
    (i, n) => `<item><title>${escapeXml(i.title)}</title><link>https://${feedId}.example.com/${i.guid}</link>` +
      `<guid isPermaLink="false">${i.guid}</guid><pubDate>${new Date(NOW - (n + 1) * H).toUTCString()}</pubDate>` +
      `<description><![CDATA[${i.html}]]></description></item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>${feedId}</title>` +
    `<link>https://${feedId}.example.com/</link><language>en</language>${entries.join('')}</channel></rss>`;
}

const RSS_TYPE = { 'content-type': 'application/rss+xml; charset=utf-8' };
const item = (guid: string, title: string, html = `<p>${title}.</p>`): Item => ({ guid, title, html });
const HUGE_HTML = `<p>${'Decentralized inference keeps growing. '.repeat(135_000)}</p>`; // ≈ 5.3 MB

/** The feeds of the cycle: the healthy ones and one per fault, each at its own path. */
function routes(server: FeedServer): Record<string, FeedRoute> {
  return {
    healthy: { body: rss('healthy', [item('h-1', 'Decentralized inference and zkML on Bittensor', '<p>Subnets serve <b>decentralized inference</b> with zkML proofs.</p>'), item('h-2', 'Weekly market wrap')]), headers: RSS_TYPE },
    'healthy-gzip': { body: rss('healthy-gzip', [item('g-1', 'Exchange reserves fall for a third week')]), headers: RSS_TYPE, encoding: 'gzip' },
    'wrong-type': { body: rss('wrong-type', [item('w-1', 'Stablecoin supply reaches a new high')]), headers: { 'content-type': 'application/octet-stream' } },
    'huge-item': { body: rss('huge-item', [item('big-1', 'A very long essay on decentralized inference', HUGE_HTML)]), headers: RSS_TYPE },
    flaky: { status: 500 },
    timeout: { hang: true },
    drip: { body: rss('drip', [item('d-1', 'Never arrives')]), drip: { bytes: 3, everyMs: 25 }, headers: RSS_TYPE },
    'reset-headers': { resetMidHeaders: true },
    'reset-body': { body: rss('reset-body', [item('r-1', 'Cut off')]), resetAfterBytes: 40, headers: RSS_TYPE },
    'server-error': { status: 500, body: 'oops' },
    'retry-after': { status: 503, headers: { 'retry-after': String(RETRY_AFTER_S) }, body: 'busy' },
    'not-found': { status: 404, body: 'no such page' },
    gone: { status: 410, body: 'gone' },
    endless: { body: rss('endless', [item('e-1', 'Again and again')]), endless: true, headers: RSS_TYPE },
    'gzip-bomb': { gzipBomb: { expandsToBytes: 8 * 2 ** 30 }, headers: RSS_TYPE },
    'redirect-loop': { redirectTo: server.url('/redirect-loop-b') },
    'redirect-loop-b': { status: 302, redirectTo: server.url('/redirect-loop') },
    'html-page': { body: '<!DOCTYPE html><html><head><title>News</title></head><body><p>Latest news</p></body></html>', headers: { 'content-type': 'text/html; charset=utf-8' } },
  };
}

const FEED_IDS = Object.keys(routes({ url: () => '' } as unknown as FeedServer)).filter((id) => id !== 'redirect-loop-b');
const HEALTHY = ['healthy', 'healthy-gzip', 'wrong-type', 'huge-item'];

/** The failure message per faulty feed: it must name the URL and the fault. */
function expectedErrors(url: (id: string) => string): Record<string, string> {
  return {
    flaky: `HTTP 500 Internal Server Error from ${url('flaky')} — the server failed; it will be retried`,
    timeout: `timed out after ${TIMEOUT_MS} ms fetching ${url('timeout')} — the server is slow or unreachable; it will be retried`,
    drip: `timed out after ${TIMEOUT_MS} ms fetching ${url('drip')} — the server is slow or unreachable; it will be retried`,
    'reset-headers': `network error fetching ${url('reset-headers')}: the connection was dropped (UND_ERR_SOCKET): other side closed — usually transient`,
    'reset-body': `network error fetching ${url('reset-body')}: the connection was dropped`,
    'server-error': `HTTP 500 Internal Server Error from ${url('server-error')} — the server failed; it will be retried`,
    'retry-after': `HTTP 503 Service Unavailable from ${url('retry-after')} — the server failed (Retry-After: ${RETRY_AFTER_S}); it will be retried`,
    'not-found': `HTTP 404 Not Found from ${url('not-found')} — no feed at this URL; check it`,
    gone: `HTTP 410 Gone from ${url('gone')} — the publisher removed this feed; remove it or find its new URL`,
    endless: `feed at ${url('endless')} exceeds the ${MAX_BYTES}-byte limit (the body is larger)`,
    'gzip-bomb': `feed at ${url('gzip-bomb')} exceeds the ${MAX_BYTES}-byte limit (the gzip body expands past that)`,
    'redirect-loop': `redirect loop: ${url('redirect-loop-b')} redirects back to ${url('redirect-loop')} (from ${url('redirect-loop')})`,
    'html-page': `${url('html-page')} returned an HTML page (Content-Type: text/html; charset=utf-8), not a feed`,
  };
}

/** Failures that waiting may fix: they back off up to the cap and are disabled after DISABLE_AFTER. */
const RETRYABLE = ['flaky', 'timeout', 'drip', 'reset-headers', 'reset-body', 'server-error', 'retry-after', 'not-found'];
/** Failures that waiting will not fix: disabled after 3. */
const NOT_RETRYABLE = ['endless', 'gzip-bomb', 'redirect-loop', 'html-page'];

/** Hosts that never finish on their own: only their deadline ends them. */
const STALLED = ['timeout', 'drip'];

/** Deadlines the test fires by hand, as `AbortSignal.timeout` would when the time is up. */
class ManualDeadlines {
  readonly requested: number[] = [];
  readonly fired: number[] = [];
  private pending: { timeoutMs: number; controller: AbortController }[] = [];

  readonly create = (timeoutMs: number): AbortSignal => {
    const controller = new AbortController();
    this.requested.push(timeoutMs);
    this.pending.push({ timeoutMs, controller });
    return controller.signal;
  };

  /** Takes every deadline not yet fired; calling the result fires them. */
  takePending(): (() => void) | undefined {
    const due = this.pending;
    this.pending = [];
    if (due.length === 0) return undefined;
    return () => {
      for (const { timeoutMs, controller } of due) {
        this.fired.push(timeoutMs);
        controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      }
    };
  }
}

interface FetchEvent {
  feedUrl: string;
  event: 'start' | 'end' | 'deadlines fired';
  kind?: string;
}

/**
 * The real fetcher, recording when each fetch starts and ends. Once every fetch still in flight
 * is a stalled host, their time is up: it fires the deadlines, as the clock would.
 */
function observedFetcher(inner: FeedFetcher, deadlines: ManualDeadlines, stalledUrls: ReadonlySet<string>): FeedFetcher & { events: FetchEvent[] } {
  const events: FetchEvent[] = [];
  const inFlight = new Set<string>();
  const ended = (feedUrl: string, kind: string) => {
    inFlight.delete(feedUrl);
    events.push({ feedUrl, event: 'end', kind });
    const fire = inFlight.size > 0 && [...inFlight].every((u) => stalledUrls.has(u)) ? deadlines.takePending() : undefined;
    if (fire) {
      events.push({ feedUrl: '', event: 'deadlines fired' });
      // On a later turn, so the stalled fetches are inside their body reads when it fires.
      setImmediate(fire);
    }
  };
  return {
    events,
    async fetch(request) {
      inFlight.add(request.url);
      events.push({ feedUrl: request.url, event: 'start' });
      try {
        const result = await inner.fetch(request);
        ended(request.url, 'ok');
        return result;
      } catch (error) {
        ended(request.url, error instanceof FeedError ? error.kind : 'bug');
        throw error;
      }
    },
  };
}

let server: FeedServer;
let rt: TestRuntime;
let fetcher: ReturnType<typeof observedFetcher>;
let deadlines: ManualDeadlines;
let deps: FeedPollDeps;
const url = (id: string) => server.url(`/${id}`);

beforeEach(async () => {
  server = await startFeedServer();
  for (const [id, route] of Object.entries(routes(server))) server.route(`/${id}`, route);
  const feeds: FeedConfig[] = FEED_IDS.map((id) => ({ id, name: `Feed ${id}`, url: url(id), language: 'en', enabled: true, weight: 1 }));
  rt = await testRuntime({
    now: NOW,
    edit: (c) => {
      c.feeds.feeds = feeds;
      c.feeds.defaults = { pollMinutes: 10, timeoutSeconds: TIMEOUT_MS / 1000, maxBytes: MAX_BYTES, disableAfterFailures: DISABLE_AFTER, maxBackoffMinutes: MAX_BACKOFF_MIN };
    },
  });
  deadlines = new ManualDeadlines();
  fetcher = observedFetcher(createHttpFeedFetcher({ deadline: deadlines.create }), deadlines, new Set(STALLED.map(url)));
  deps = { fetcher, parser: createFeedParser(), concurrency: 32 };
});
afterEach(async () => {
  await server.close();
});

const outcomeOf = (result: FeedCycleResult, id: string) => result.outcomes.find((o) => o.feedId === id);
const requestsTo = (id: string) => server.requests.filter((r) => r.path === `/${id}`).length;

/** Next cycle at the moment every still-enabled feed is due again. */
async function nextCycle(): Promise<FeedCycleResult> {
  const due = FEED_IDS.map((id) => rt.store.getFeedState(id)!).filter((s) => s.disabledAt === undefined).map((s) => s.nextPollAt);
  rt.clock.set(Math.max(rt.clock.now(), ...due));
  return pollFeeds(rt, deps);
}

describe('feed faults: one cycle', () => {
  it('GIVEN one fault per feed next to healthy feeds THEN healthy posts are stored and analysed, each fault fails its feed alone and precisely', async () => {
    const result = await pollFeeds(rt, deps);

    expect(result.polled).toBe(FEED_IDS.length);
    for (const id of HEALTHY) expect(outcomeOf(result, id)).toEqual({ feedId: id, status: 'new-items', newPosts: id === 'healthy' ? 2 : 1 });
    const errors = expectedErrors(url);
    for (const [id, message] of Object.entries(errors)) {
      expect({ id, status: outcomeOf(result, id)?.status, error: outcomeOf(result, id)?.error?.slice(0, message.length) }).toEqual({
        id,
        status: id === 'gone' ? 'disabled' : 'failed',
        error: message,
      });
      expect(rt.store.getFeedState(id)).toMatchObject({ failures: 1, lastAttemptAt: NOW, lastError: expect.stringContaining(message) });
    }
    expect(result).toMatchObject({ newPosts: 5, failed: Object.keys(errors).length });

    // Healthy posts (including the octet-stream feed and the 5 MB item) are stored and analysed.
    const analyzed = rt.store.analyzedPostsSince(0);
    expect(analyzed.map((p) => p.source).sort()).toEqual(['Feed healthy', 'Feed healthy', 'Feed healthy-gzip', 'Feed huge-item', 'Feed wrong-type']);
    const huge = analyzed.find((p) => p.source === 'Feed huge-item')!;
    expect(huge.themes.map((t) => t.id)).toContain('decentralized-inference');
    // One story alert for the themed post, and the 410 notice: nothing for the other faults yet.
    expect(rt.store.dueDeliveries(NOW, 50).map((d) => [d.alert.kind, d.alert.kind === 'notice' ? d.alert.title : undefined])).toEqual(
      expect.arrayContaining([
        ['story', undefined],
        ['notice', 'Feed disabled: Feed gone'],
      ]),
    );
    expect(rt.store.dueDeliveries(NOW, 50).filter((d) => d.alert.kind === 'notice')).toHaveLength(1);

    // One request per feed (two hops for the loop): nothing retried inside the cycle.
    for (const id of FEED_IDS) expect({ id, requests: requestsTo(id) }).toEqual({ id, requests: 1 });
    expect(requestsTo('redirect-loop-b')).toBe(1);
  });

  it('GIVEN stalled and dripping hosts THEN the cycle ends when their one deadline each fires: it costs one timeout, not their sum', async () => {
    await pollFeeds(rt, deps);

    const { events } = fetcher;
    // Every feed was in flight at once, each with one deadline of the configured timeout for all hops and the body.
    expect(events.findIndex((e) => e.event === 'end')).toBe(FEED_IDS.length);
    expect(deadlines.requested).toEqual(FEED_IDS.map(() => TIMEOUT_MS));
    // The deadlines fired once, when only the stalled hosts were left, and that ended the cycle.
    const fired = events.findIndex((e) => e.event === 'deadlines fired');
    expect(events.filter((e) => e.event === 'deadlines fired')).toHaveLength(1);
    expect(events.slice(fired + 1).map((e) => [e.feedUrl, e.kind]).sort()).toEqual(STALLED.map((id) => [url(id), 'timeout']).sort());
    // Fired for every feed (a fetch that already ended ignores it); only the stalled ones were still listening.
    expect(deadlines.fired).toEqual(FEED_IDS.map(() => TIMEOUT_MS));
    // The drip kept sending bytes (a per-read idle timeout would never fire); the one deadline did.
    expect(server.streamed.get('/drip')!.plain).toBeGreaterThan(0);
  });

  it('GIVEN an endless body and a gzip bomb THEN the byte cap stops both after about maxBytes, not gigabytes', async () => {
    await pollFeeds(rt, deps);

    // Generated server-side before the client hung up: socket and zlib buffers past the cap, nothing more.
    const bomb = server.streamed.get('/gzip-bomb')!;
    const endless = server.streamed.get('/endless')!;
    expect(bomb.plain).toBeLessThan(20 * MAX_BYTES);
    expect(bomb.wire).toBeLessThan(MAX_BYTES / 50);
    expect(endless.plain).toBeLessThan(4 * MAX_BYTES);
    expect(rt.store.getFeedState('gzip-bomb')?.lastError).toContain('raise feeds.defaults.maxBytes in feeds.yaml');
  });
});

describe('feed faults: over several cycles', () => {
  it('GIVEN the faults persist THEN backoff grows and caps, 410 went at once, 404 after disableAfterFailures, the rest by kind; a feed that recovers resets', async () => {
    const waits = new Map<string, number[]>();
    const record = () => {
      for (const id of [...RETRYABLE, ...NOT_RETRYABLE]) {
        const state = rt.store.getFeedState(id)!;
        if (state.lastAttemptAt !== rt.clock.now()) continue;
        waits.set(id, [...(waits.get(id) ?? []), state.nextPollAt - state.lastAttemptAt]);
      }
    };
    const statuses: Record<string, string | undefined>[] = [];
    for (let cycle = 1; cycle <= 5; cycle++) {
      // The flaky host recovers after two failures.
      if (cycle === 3) server.route('/flaky', { body: rss('flaky', [item('f-1', 'Back online')]), headers: RSS_TYPE });
      const result = cycle === 1 ? await pollFeeds(rt, deps) : await nextCycle();
      statuses.push(Object.fromEntries(['flaky', 'not-found', 'gone', 'server-error', 'html-page'].map((id) => [id, outcomeOf(result, id)?.status])));
      record();
    }

    expect(statuses).toEqual([
      { flaky: 'failed', 'not-found': 'failed', gone: 'disabled', 'server-error': 'failed', 'html-page': 'failed' },
      { flaky: 'failed', 'not-found': 'failed', gone: undefined, 'server-error': 'failed', 'html-page': 'failed' },
      { flaky: 'new-items', 'not-found': 'failed', gone: undefined, 'server-error': 'failed', 'html-page': 'disabled' },
      { flaky: 'unchanged', 'not-found': 'disabled', gone: undefined, 'server-error': 'disabled', 'html-page': undefined },
      { flaky: 'unchanged', 'not-found': undefined, gone: undefined, 'server-error': undefined, 'html-page': undefined },
    ]);

    // Backoff: 5, 10, 20 minutes, then the 20-minute cap, times one jitter factor per feed.
    for (const id of RETRYABLE.filter((i) => i !== 'flaky' && i !== 'retry-after')) {
      const w = waits.get(id)!;
      const factor = w[0]! / (5 * MIN);
      expect(factor).toBeGreaterThanOrEqual(0.9);
      expect(factor).toBeLessThanOrEqual(1.1);
      expect({ id, minutes: w.map((x) => Math.round((x / factor / MIN) * 1000) / 1000) }).toEqual({ id, minutes: [5, 10, 20, 20] });
    }
    // Retry-After is a floor under the backoff: 15 minutes while the backoff is shorter.
    const retryAfter = waits.get('retry-after')!;
    expect(retryAfter.slice(0, 2)).toEqual([RETRY_AFTER_S * 1000, RETRY_AFTER_S * 1000]);
    expect(retryAfter.slice(2).every((w) => w >= RETRY_AFTER_S * 1000 && w <= MAX_BACKOFF_MIN * MIN * 1.1)).toBe(true);

    // Disabled: 410 at once; not-a-feed, too-large and redirect loops after 3; 404 and transient faults after DISABLE_AFTER.
    const disabled: Record<string, number> = {};
    for (const id of FEED_IDS) {
      const state = rt.store.getFeedState(id)!;
      if (state.disabledAt !== undefined) disabled[id] = state.failures;
    }
    expect(disabled).toEqual({
      gone: 1,
      ...Object.fromEntries(NOT_RETRYABLE.map((id) => [id, 3])),
      ...Object.fromEntries(RETRYABLE.filter((id) => id !== 'flaky').map((id) => [id, DISABLE_AFTER])),
    });
    expect(rt.store.getFeedState('not-found')?.disabledReason).toMatch(new RegExp(`^${DISABLE_AFTER} consecutive failures; last: HTTP 404 Not Found`));
    const notices = rt.store.dueDeliveries(rt.clock.now(), 100).flatMap((d) => (d.alert.kind === 'notice' ? [d.alert.title] : []));
    expect(notices.sort()).toEqual(Object.keys(disabled).map((id) => `Feed disabled: Feed ${id}`).sort());
    // A disabled feed is not fetched again: the 410 feed saw one request in five cycles.
    expect(requestsTo('gone')).toBe(1);

    // The recovered feed: failures and error cleared, back on its normal interval (not the backoff).
    const flaky = rt.store.getFeedState('flaky')!;
    expect(flaky).toMatchObject({ failures: 0, itemsSeen: 1 });
    expect(flaky.lastError).toBeUndefined();
    expect(flaky.nextPollAt - flaky.lastAttemptAt!).toBeGreaterThanOrEqual(9 * MIN);
    expect(flaky.nextPollAt - flaky.lastAttemptAt!).toBeLessThanOrEqual(10 * MIN);
    expect(rt.log.records.filter((r) => r.msg === 'feed recovered').map((r) => r.obj)).toEqual([{ feed: 'flaky', url: url('flaky'), failures: 2 }]);
    // Healthy feeds kept working through it all.
    for (const id of HEALTHY) expect(rt.store.getFeedState(id)).toMatchObject({ failures: 0 });
  });
});
