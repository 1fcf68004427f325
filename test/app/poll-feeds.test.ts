/**
 * The feed cycle end to end on the real fetcher and parser, against a
 * loopback feed host: storing, analysis and story alerts, conditional GET,
 * scheduling, isolation of failures, backoff, disabling and deduplication.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFeedParser } from '../../src/adapters/feeds/feed-parser.ts';
import { createHttpFeedFetcher } from '../../src/adapters/feeds/http-feed-fetcher.ts';
import { pollFeeds, type FeedPollDeps } from '../../src/app/poll-feeds.ts';
import type { AppConfig } from '../../src/config/load-config.ts';
import type { FeedConfig } from '../../src/config/schema.ts';
import { startFeedServer, type FeedRoute, type FeedServer } from '../fakes/feed-server.ts';
import { testRuntime, type TestRuntime } from '../fakes/runtime.ts';

const NOW = Date.UTC(2025, 3, 10, 12);
const MIN = 60_000;
const H = 60 * MIN;

interface Item {
  title: string;
  link: string;
  guid?: string;
  publishedAt: number;
  html: string;
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function rss(items: readonly Item[], language = 'en'): string {
  const entries = items.map(
    (i) => `
    <item>
      <title>${escapeXml(i.title)}</title>
      <link>${escapeXml(i.link)}</link>
      ${i.guid ? `<guid isPermaLink="false">${escapeXml(i.guid)}</guid>` : ''}
      <pubDate>${new Date(i.publishedAt).toUTCString()}</pubDate>
      <description><![CDATA[${i.html}]]></description>
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
  <title>Test feed</title><link>https://news.example.com/</link><language>${language}</language>
  ${entries.join('')}
</channel></rss>`;
}

const feedRoute = (items: readonly Item[], extra: FeedRoute = {}): FeedRoute => ({
  body: rss(items),
  headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
  ...extra,
});

const ZKML_POST: Item = {
  title: 'Decentralized inference and zkML on Bittensor',
  link: 'https://news.example.com/2025/04/zkml-bittensor',
  guid: 'zkml-1',
  publishedAt: NOW - H,
  html: '<p>Subnets now serve <strong>decentralized inference</strong> with zkML proofs of every answer.</p>',
};
const WRAP_POST: Item = {
  title: 'Weekly market wrap',
  link: 'https://news.example.com/2025/04/wrap',
  guid: 'wrap-1',
  publishedAt: NOW - 2 * H,
  html: '<p>Markets moved sideways this week.</p>',
};

function feed(id: string, url: string, extra: Partial<FeedConfig> = {}): FeedConfig {
  return { id, name: `Feed ${id}`, url, language: 'en', enabled: true, weight: 1, ...extra };
}

function feedRuntime(feeds: FeedConfig[], edit?: (c: AppConfig) => void): Promise<TestRuntime> {
  return testRuntime({
    now: NOW,
    edit: (c) => {
      c.feeds.feeds = feeds;
      c.feeds.defaults = { pollMinutes: 10, timeoutSeconds: 20, maxBytes: 5_000_000, disableAfterFailures: 12, maxBackoffMinutes: 360 };
      edit?.(c);
    },
  });
}

const deps: FeedPollDeps = { fetcher: createHttpFeedFetcher(), parser: createFeedParser() };

/** Poll `times` times, each time at the moment the feed is next due. */
async function pollWhenDue(rt: TestRuntime, feedId: string, times: number) {
  const results = [];
  for (let i = 0; i < times; i++) {
    rt.clock.set(Math.max(rt.clock.now(), rt.store.getFeedState(feedId)?.nextPollAt ?? 0));
    results.push(await pollFeeds(rt, deps));
  }
  return results;
}

const pollLogs = (rt: TestRuntime, feedId: string) =>
  rt.log.records.filter((r) => (r.obj as { feed?: string }).feed === feedId && r.msg?.startsWith('feed poll failed'));

let server: FeedServer;
beforeEach(async () => {
  server = await startFeedServer();
});
afterEach(async () => {
  await server.close();
});

describe('pollFeeds: new items', () => {
  it('GIVEN a feed with a strongly themed post THEN stores and analyzes both items and queues one story alert', async () => {
    server.route('/a.xml', feedRoute([ZKML_POST, WRAP_POST]));
    const rt = await feedRuntime([feed('a', server.url('/a.xml'))]);

    const result = await pollFeeds(rt, deps);

    expect(result).toEqual({ polled: 1, newPosts: 2, failed: 0, alertsQueued: 1, outcomes: [{ feedId: 'a', status: 'new-items', newPosts: 2 }] });
    const analyzed = rt.store.analyzedPostsSince(0);
    expect(analyzed.map((p) => p.title)).toEqual([WRAP_POST.title, ZKML_POST.title]);
    const zkml = analyzed.find((p) => p.title === ZKML_POST.title)!;
    expect(zkml.themes.map((t) => t.id)).toEqual(expect.arrayContaining(['decentralized-inference', 'verifiable-inference']));
    expect(zkml.tokens.map((t) => t.symbol)).toEqual(['TAO']);

    const due = rt.store.dueDeliveries(NOW, 10);
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({
      destination: 'chat',
      attempts: 0,
      alert: {
        kind: 'story',
        key: `story:${zkml.storyId}`,
        createdAt: NOW,
        story: {
          id: zkml.storyId,
          title: ZKML_POST.title,
          url: ZKML_POST.link,
          source: 'Feed a',
          publishedAt: NOW - H,
          languages: ['en'],
          sources: 1,
        },
        tokens: ['TAO'],
      },
    });
    expect(rt.store.getFeedState('a')).toMatchObject({ failures: 0, itemsSeen: 2, lastSuccessAt: NOW, lastAttemptAt: NOW });
  });

  it('GIVEN a feed with an ETag polled again THEN sends If-None-Match, gets 304 and stores nothing new', async () => {
    server.route('/a.xml', feedRoute([ZKML_POST], { etag: '"v1"', lastModified: 'Thu, 10 Apr 2025 11:00:00 GMT' }));
    const rt = await feedRuntime([feed('a', server.url('/a.xml'))]);
    await pollFeeds(rt, deps);
    expect(rt.store.getFeedState('a')).toMatchObject({ etag: '"v1"', lastModified: 'Thu, 10 Apr 2025 11:00:00 GMT' });

    const [second] = await pollWhenDue(rt, 'a', 1);

    expect(second).toEqual({ polled: 1, newPosts: 0, failed: 0, alertsQueued: 0, outcomes: [{ feedId: 'a', status: 'not-modified', newPosts: 0 }] });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.headers['if-none-match']).toBeUndefined();
    expect(server.requests[1]!.headers).toMatchObject({ 'if-none-match': '"v1"', 'if-modified-since': 'Thu, 10 Apr 2025 11:00:00 GMT' });
    // The validators survive a 304 for the poll after it.
    expect(rt.store.getFeedState('a')).toMatchObject({ etag: '"v1"', failures: 0, itemsSeen: 1 });
    expect(rt.store.dueDeliveries(rt.clock.now(), 10)).toHaveLength(1);
  });

  it('GIVEN a feed without validators polled again THEN the same items are recognised and the outcome is unchanged', async () => {
    server.route('/a.xml', feedRoute([ZKML_POST, WRAP_POST]));
    const rt = await feedRuntime([feed('a', server.url('/a.xml'))]);
    await pollFeeds(rt, deps);

    const [second] = await pollWhenDue(rt, 'a', 1);

    expect(second).toEqual({ polled: 1, newPosts: 0, failed: 0, alertsQueued: 0, outcomes: [{ feedId: 'a', status: 'unchanged', newPosts: 0 }] });
    expect(rt.store.analyzedPostsSince(0)).toHaveLength(2);
  });
});

describe('pollFeeds: scheduling', () => {
  it('GIVEN a feed polled a moment ago THEN it is skipped until its interval has passed', async () => {
    server.route('/a.xml', feedRoute([WRAP_POST]));
    server.route('/slow.xml', feedRoute([]));
    const rt = await feedRuntime([feed('a', server.url('/a.xml')), feed('slow', server.url('/slow.xml'), { pollMinutes: 60 })]);
    await pollFeeds(rt, deps);
    expect(server.requests.map((r) => r.path)).toEqual(['/a.xml', '/slow.xml']);

    rt.clock.advance(5 * MIN);
    expect(await pollFeeds(rt, deps)).toEqual({ polled: 0, newPosts: 0, failed: 0, alertsQueued: 0, outcomes: [] });

    // Jitter makes a feed up to 10% early, never late: after the full interval only 'a' is due.
    rt.clock.set(NOW + 10 * MIN);
    const result = await pollFeeds(rt, deps);
    expect(result.outcomes.map((o) => o.feedId)).toEqual(['a']);
    expect(server.requests.map((r) => r.path)).toEqual(['/a.xml', '/slow.xml', '/a.xml']);
  });

  it('GIVEN a feed disabled in the config THEN it is never fetched', async () => {
    server.route('/a.xml', feedRoute([WRAP_POST]));
    const rt = await feedRuntime([feed('a', server.url('/a.xml'), { enabled: false })]);
    expect(await pollFeeds(rt, deps)).toMatchObject({ polled: 0, outcomes: [] });
    expect(server.requests).toEqual([]);
  });
});

describe('pollFeeds: failures', () => {
  it.each([
    { name: 'HTTP 500', route: { status: 500, body: 'oops' } as FeedRoute, timeoutSeconds: 20, kind: 'http', error: /HTTP 500 .*will be retried/ },
    { name: 'a server that never answers', route: { hang: true } as FeedRoute, timeoutSeconds: 1, kind: 'timeout', error: /timed out after 1000 ms/ },
    {
      name: 'an HTML page',
      route: { body: '<!doctype html><html><head><title>News</title></head><body><p>Hello</p></body></html>', headers: { 'content-type': 'text/html; charset=utf-8' } } as FeedRoute,
      timeoutSeconds: 20,
      kind: 'not-a-feed',
      error: /returned an HTML page/,
    },
  ])('GIVEN one feed failing with $name THEN the other feed is still polled and the failure is recorded', async ({ route, timeoutSeconds, kind, error }) => {
    server.route('/bad.xml', route);
    server.route('/good.xml', feedRoute([WRAP_POST]));
    const rt = await feedRuntime([feed('bad', server.url('/bad.xml')), feed('good', server.url('/good.xml'))], (c) => {
      c.feeds.defaults.timeoutSeconds = timeoutSeconds;
    });

    const result = await pollFeeds(rt, deps);

    expect(result).toEqual({
      polled: 2,
      newPosts: 1,
      failed: 1,
      alertsQueued: 0,
      outcomes: [
        { feedId: 'bad', status: 'failed', newPosts: 0, error: expect.stringMatching(error) },
        { feedId: 'good', status: 'new-items', newPosts: 1 },
      ],
    });
    const state = rt.store.getFeedState('bad')!;
    expect(state).toMatchObject({ failures: 1, lastAttemptAt: NOW, lastError: expect.stringMatching(error) });
    expect(state.lastSuccessAt).toBeUndefined();
    expect(state.disabledAt).toBeUndefined();
    expect(state.nextPollAt).toBeGreaterThan(NOW);
    expect(pollLogs(rt, 'bad')).toEqual([{ level: 'warn', msg: 'feed poll failed', obj: expect.objectContaining({ feed: 'bad', kind, failures: 1 }) }]);
  });

  it('GIVEN a feed failing again and again THEN the wait before the next poll doubles up to the cap', async () => {
    server.route('/bad.xml', { status: 503 });
    const rt = await feedRuntime([feed('bad', server.url('/bad.xml'))], (c) => (c.feeds.defaults.maxBackoffMinutes = 30));
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const [result] = await pollWhenDue(rt, 'bad', 1);
      expect(result!.outcomes).toMatchObject([{ feedId: 'bad', status: 'failed' }]);
      const state = rt.store.getFeedState('bad')!;
      expect(state.failures).toBe(i + 1);
      waits.push(state.nextPollAt - rt.clock.now());
    }
    // Base min(pollMinutes, 5) = 5 minutes, doubled per failure, capped at 30, times one per-feed jitter factor.
    const factor = waits[0]! / (5 * MIN);
    expect(factor).toBeGreaterThanOrEqual(0.9);
    expect(factor).toBeLessThanOrEqual(1.1);
    expect(waits.map((w) => Math.round((w / factor / MIN) * 1000) / 1000)).toEqual([5, 10, 20, 30, 30, 30]);
    expect(server.requests).toHaveLength(6);
  });

  it('GIVEN a failed feed polled before its backoff has passed THEN it is not fetched', async () => {
    server.route('/bad.xml', { status: 500 });
    const rt = await feedRuntime([feed('bad', server.url('/bad.xml'))]);
    await pollFeeds(rt, deps);
    rt.clock.set(rt.store.getFeedState('bad')!.nextPollAt - 1);
    expect(await pollFeeds(rt, deps)).toMatchObject({ polled: 0 });
    expect(server.requests).toHaveLength(1);
  });

  it('GIVEN a feed answering 410 THEN it is disabled at once and admins get a notice', async () => {
    const error = /HTTP 410 .*removed this feed/;
    server.route('/gone.xml', { status: 410 });
    server.route('/good.xml', feedRoute([WRAP_POST]));
    const rt = await feedRuntime([feed('gone', server.url('/gone.xml')), feed('good', server.url('/good.xml'))]);

    const result = await pollFeeds(rt, deps);

    expect(result.outcomes).toEqual([
      { feedId: 'gone', status: 'disabled', newPosts: 0, error: expect.stringMatching(error) },
      { feedId: 'good', status: 'new-items', newPosts: 1 },
    ]);
    expect(rt.store.getFeedState('gone')).toMatchObject({ failures: 1, disabledAt: NOW, disabledReason: expect.stringMatching(error) });
    expect(rt.store.dueDeliveries(NOW, 10).map((d) => d.alert)).toEqual([
      {
        kind: 'notice',
        key: `feed-disabled:gone:${NOW}`,
        createdAt: NOW,
        severity: 'medium',
        reason: 'feed is gone',
        title: 'Feed disabled: Feed gone',
        text: expect.stringMatching(new RegExp(`^${server.url('/gone.xml')} was disabled after 1 failed poll\\. Last error: .*radar feeds enable gone\\)\\.$`)),
      },
    ]);

    // A disabled feed stays quiet, however long we wait.
    rt.clock.advance(7 * 24 * H);
    const later = await pollFeeds(rt, deps);
    expect(later.outcomes.map((o) => o.feedId)).toEqual(['good']);
    expect(server.requests.filter((r) => r.path === '/gone.xml')).toHaveLength(1);
  });

  it('GIVEN a feed answering 404 THEN it backs off and is disabled only after disableAfterFailures polls', async () => {
    const rt = await feedRuntime([feed('missing', server.url('/missing.xml'))], (c) => (c.feeds.defaults.disableAfterFailures = 4));

    const results = await pollWhenDue(rt, 'missing', 5);

    expect(results.map((r) => r.outcomes.map((o) => o.status))).toEqual([['failed'], ['failed'], ['failed'], ['disabled'], []]);
    expect(rt.store.getFeedState('missing')).toMatchObject({ failures: 4, disabledReason: expect.stringMatching(/^4 consecutive failures; last: HTTP 404 Not Found/) });
    expect(rt.store.dueDeliveries(rt.clock.now(), 10).map((d) => d.alert)).toEqual([expect.objectContaining({ kind: 'notice', reason: '4 consecutive failures' })]);
    expect(server.requests).toHaveLength(4);
  });

  it('GIVEN a 503 with a Retry-After longer than the backoff THEN the next poll waits for Retry-After', async () => {
    server.route('/busy.xml', { status: 503, headers: { 'retry-after': '3600' } });
    const rt = await feedRuntime([feed('busy', server.url('/busy.xml'))]);

    await pollFeeds(rt, deps);

    // The first backoff would be about 5 minutes; the server asked for an hour.
    expect(rt.store.getFeedState('busy')).toMatchObject({ failures: 1, nextPollAt: NOW + H, lastError: expect.stringContaining('(Retry-After: 3600)') });
  });

  it('GIVEN disableAfterFailures consecutive failures THEN the feed is disabled on the last one with a notice', async () => {
    server.route('/bad.xml', { status: 502 });
    const rt = await feedRuntime([feed('bad', server.url('/bad.xml'))], (c) => (c.feeds.defaults.disableAfterFailures = 3));

    const results = await pollWhenDue(rt, 'bad', 4);

    expect(results.map((r) => r.outcomes.map((o) => o.status))).toEqual([['failed'], ['failed'], ['disabled'], []]);
    const disabledAt = rt.store.getFeedState('bad')!.disabledAt!;
    expect(rt.store.getFeedState('bad')).toMatchObject({ failures: 3, disabledReason: expect.stringMatching(/^3 consecutive failures; last: HTTP 502/) });
    expect(rt.store.dueDeliveries(rt.clock.now(), 10).map((d) => d.alert)).toEqual([
      expect.objectContaining({ kind: 'notice', key: `feed-disabled:bad:${disabledAt}`, reason: '3 consecutive failures', title: 'Feed disabled: Feed bad', text: expect.stringContaining('after 3 failed polls') }),
    ]);
    expect(server.requests).toHaveLength(3);
  });

  it('GIVEN a URL that serves an HTML page THEN the feed is disabled after 3 polls, not after disableAfterFailures', async () => {
    server.route('/page', { status: 200, headers: { 'content-type': 'text/html' }, body: '<!doctype html><html><body>Welcome</body></html>' });
    const rt = await feedRuntime([feed('page', server.url('/page'))]);

    const results = await pollWhenDue(rt, 'page', 4);

    expect(results.map((r) => r.outcomes.map((o) => o.status))).toEqual([['failed'], ['failed'], ['disabled'], []]);
    expect(rt.store.getFeedState('page')?.disabledReason).toMatch(/^3 consecutive failures/);
  });

  it('GIVEN a failing feed that comes back THEN failures reset and "feed recovered" is logged', async () => {
    server.route('/a.xml', { status: 500 });
    const rt = await feedRuntime([feed('a', server.url('/a.xml'))]);
    await pollWhenDue(rt, 'a', 2);
    server.route('/a.xml', feedRoute([WRAP_POST]));

    const [result] = await pollWhenDue(rt, 'a', 1);

    expect(result!.outcomes).toEqual([{ feedId: 'a', status: 'new-items', newPosts: 1 }]);
    const state = rt.store.getFeedState('a')!;
    expect(state).toMatchObject({ failures: 0, lastSuccessAt: rt.clock.now(), itemsSeen: 1 });
    expect(state.lastError).toBeUndefined();
    expect(rt.log.records.filter((r) => r.msg === 'feed recovered')).toEqual([
      { level: 'info', msg: 'feed recovered', obj: { feed: 'a', url: server.url('/a.xml'), failures: 2 } },
    ]);
  });

  it('GIVEN a feed that needs XML repairs THEN its items are kept and the repairs are warned about once, and again when they change', async () => {
    const broken = (title: string) => feedRoute([{ ...WRAP_POST, title }], { body: rss([{ ...WRAP_POST, title }]).replace('Test feed', 'AT&T feed') });
    server.route('/a.xml', broken('Weekly wrap'));
    const rt = await feedRuntime([feed('a', server.url('/a.xml'))]);
    const repairWarnings = () => rt.log.records.filter((r) => r.msg?.startsWith('feed is malformed XML'));

    const [first] = await pollWhenDue(rt, 'a', 1);
    await pollWhenDue(rt, 'a', 2); // the same repair: not repeated
    expect(first!.outcomes).toEqual([{ feedId: 'a', status: 'new-items', newPosts: 1 }]);
    expect(repairWarnings()).toEqual([
      {
        level: 'warn',
        msg: 'feed is malformed XML; read after repairs (ask its publisher to fix it)',
        obj: { feed: 'a', url: server.url('/a.xml'), repairs: ['escaped 1 bare "&" (write &amp;)'] },
      },
    ]);

    server.route('/a.xml', feedRoute([WRAP_POST])); // fixed: nothing to say
    await pollWhenDue(rt, 'a', 1);
    server.route('/a.xml', broken('Q&A & more'));
    await pollWhenDue(rt, 'a', 1);
    expect(repairWarnings()).toHaveLength(2);
  });

  it('GIVEN nine failures in a row THEN warns on the 1st, 2nd, 4th and 8th and logs the rest at debug', async () => {
    server.route('/bad.xml', { status: 500 });
    const rt = await feedRuntime([feed('bad', server.url('/bad.xml'))]);

    await pollWhenDue(rt, 'bad', 9);

    expect(pollLogs(rt, 'bad').map((r) => [r.level, (r.obj as { failures: number }).failures])).toEqual([
      ['warn', 1],
      ['warn', 2],
      ['debug', 3],
      ['warn', 4],
      ['debug', 5],
      ['debug', 6],
      ['debug', 7],
      ['warn', 8],
      ['debug', 9],
    ]);
  });
});

describe('pollFeeds: the same news twice', () => {
  const EN: Item = {
    title: 'Bittensor launches decentralized inference subnet with zkML proofs',
    link: 'https://news.example.com/2025/04/bittensor-subnet-64',
    guid: 'en-64',
    publishedAt: NOW - 3 * H,
    html: '<p>The Opentensor Foundation said Subnet 64 will serve 1,200 models to 350 validators, with TAO rewards of 7,200 per day.</p>',
  };
  const PT: Item = {
    title: 'Bittensor lança sub-rede de inferência descentralizada com provas zkML',
    link: 'https://cripto.example.com.br/2025/04/bittensor-sub-rede-64',
    guid: 'pt-64',
    publishedAt: NOW - 2 * H,
    html: '<p>A Opentensor Foundation disse que a Subnet 64 servirá 1.200 modelos para 350 validadores, com recompensas em TAO de 7.200 por dia.</p>',
  };

  it('GIVEN a Portuguese translation of an alerted post THEN it joins the same story and queues no second alert', async () => {
    server.route('/en.xml', feedRoute([EN]));
    server.route('/pt.xml', { body: rss([PT], 'pt-BR'), headers: { 'content-type': 'application/rss+xml' } });
    const rt = await feedRuntime([feed('en', server.url('/en.xml')), feed('pt', server.url('/pt.xml'), { language: 'pt' })]);

    // One feed at a time, so the English original lands first.
    const result = await pollFeeds(rt, { ...deps, concurrency: 1 });

    expect(result).toMatchObject({ polled: 2, newPosts: 2, failed: 0, alertsQueued: 1 });
    const [en, pt] = rt.store.analyzedPostsSince(0);
    expect(pt!.storyId).toBe(en!.storyId);
    expect(pt).toMatchObject({ title: PT.title, storyLanguages: ['en', 'pt'], storySources: 2 });
    expect(rt.store.dueDeliveries(NOW, 10).map((d) => d.alert)).toEqual([
      expect.objectContaining({ kind: 'story', key: `story:${en!.storyId}`, story: expect.objectContaining({ title: EN.title, languages: ['en'] }) }),
    ]);
    const decisions = rt.log.records.filter((r) => r.msg === 'post analyzed').map((r) => (r.obj as { decision: { send: boolean; reason: string } }).decision);
    expect(decisions).toEqual([expect.objectContaining({ send: true }), expect.objectContaining({ send: false, reason: 'duplicate-story' })]);
  });

  it('GIVEN the same item republished on a second feed with tracking parameters THEN it is a duplicate', async () => {
    const copy: Item = { ...EN, guid: 'syndicated-1', link: `${EN.link}?utm_source=rss&utm_medium=feed&utm_campaign=partner` };
    server.route('/en.xml', feedRoute([EN]));
    server.route('/copy.xml', feedRoute([copy]));
    const rt = await feedRuntime([feed('en', server.url('/en.xml')), feed('copy', server.url('/copy.xml'))]);

    const result = await pollFeeds(rt, { ...deps, concurrency: 1 });

    expect(result).toEqual({
      polled: 2,
      newPosts: 1,
      failed: 0,
      alertsQueued: 1,
      outcomes: [
        { feedId: 'en', status: 'new-items', newPosts: 1 },
        { feedId: 'copy', status: 'unchanged', newPosts: 0 },
      ],
    });
    expect(rt.store.analyzedPostsSince(0)).toMatchObject([{ url: EN.link, source: 'Feed en' }]);
    expect(rt.store.dueDeliveries(NOW, 10)).toHaveLength(1);
  });
});
