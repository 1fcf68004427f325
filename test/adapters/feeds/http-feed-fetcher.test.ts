import { createServer as createNetServer, type AddressInfo } from 'node:net';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpFeedFetcher } from '../../../src/adapters/feeds/http-feed-fetcher.ts';
import { FeedError, type FeedRequest, type FetchResult } from '../../../src/app/ports.ts';
import { startFeedServer, type FeedServer } from '../../fakes/feed-server.ts';

const RSS = '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>';
const fetcher = createHttpFeedFetcher({ userAgent: 'radar-test/1.0' });

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer();
});
afterAll(async () => {
  await server.close();
});

function request(path: string, extra: Partial<FeedRequest> = {}): FeedRequest {
  return { url: server.url(path), timeoutMs: 5_000, maxBytes: 1_000_000, ...extra };
}

async function fetchError(req: FeedRequest, using = fetcher): Promise<FeedError> {
  const error = await using.fetch(req).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FeedError);
  return error as FeedError;
}

function okBody(result: FetchResult): string {
  if (result.status !== 'ok') throw new Error(`expected ok, got ${result.status}`);
  return result.body;
}

describe('createHttpFeedFetcher: success', () => {
  it('GIVEN a 200 feed THEN returns the body, validators, content type and final URL', async () => {
    server.route('/ok.xml', {
      body: RSS,
      etag: '"v1"',
      lastModified: 'Wed, 06 Mar 2024 10:00:00 GMT',
      headers: { 'content-type': 'application/rss+xml; charset=utf-8' },
    });
    const result = await fetcher.fetch(request('/ok.xml'));
    expect(result).toEqual({
      status: 'ok',
      finalUrl: server.url('/ok.xml'),
      etag: '"v1"',
      lastModified: 'Wed, 06 Mar 2024 10:00:00 GMT',
      contentType: 'application/rss+xml; charset=utf-8',
      body: RSS,
    });
  });

  it('GIVEN any fetch THEN sends a feed Accept header, the configured User-Agent and br in Accept-Encoding', async () => {
    server.route('/headers.xml', { body: RSS });
    await fetcher.fetch(request('/headers.xml'));
    const sent = server.requests.findLast((r) => r.path === '/headers.xml')!.headers;
    expect(sent['user-agent']).toBe('radar-test/1.0');
    expect(sent.accept).toMatch(/^application\/rss\+xml, application\/atom\+xml/);
    expect(sent['accept-encoding']).toBe('gzip, deflate, br');
    expect(sent['if-none-match']).toBeUndefined();
    expect(sent['if-modified-since']).toBeUndefined();
  });

  it.each(['gzip', 'br', 'deflate'] as const)('GIVEN a %s-encoded body THEN returns it decompressed', async (encoding) => {
    server.route(`/compressed-${encoding}`, { body: RSS, encoding });
    expect(okBody(await fetcher.fetch(request(`/compressed-${encoding}`)))).toBe(RSS);
  });

  it('GIVEN a windows-1252 charset header THEN decodes the body with it', async () => {
    const xml = '<rss version="2.0"><channel><title>“Notícias” — €</title></channel></rss>';
    server.route('/cp1252.xml', { body: iconv.encode(xml, 'windows-1252'), headers: { 'content-type': 'text/xml; charset=windows-1252' } });
    expect(okBody(await fetcher.fetch(request('/cp1252.xml')))).toBe(xml);
  });

  it('GIVEN application/octet-stream with an RSS body THEN returns the feed', async () => {
    server.route('/octet.xml', { body: RSS, headers: { 'content-type': 'application/octet-stream' } });
    expect(okBody(await fetcher.fetch(request('/octet.xml')))).toBe(RSS);
  });

  it('GIVEN a text/html content type but an RSS body THEN returns the feed (misconfigured servers are common)', async () => {
    server.route('/html-typed.xml', { body: RSS, headers: { 'content-type': 'text/html' } });
    expect(okBody(await fetcher.fetch(request('/html-typed.xml')))).toBe(RSS);
  });
});

describe('createHttpFeedFetcher: conditional GET', () => {
  it.each([
    { name: 'a matching ETag', validators: { etag: '"abc"' }, route: { etag: '"abc"' } },
    { name: 'a matching Last-Modified', validators: { lastModified: 'Tue, 05 Mar 2024 09:00:00 GMT' }, route: { lastModified: 'Tue, 05 Mar 2024 09:00:00 GMT' } },
  ])('GIVEN $name THEN sends it and reports not-modified on 304', async ({ validators, route }) => {
    const path = `/conditional-${Object.keys(validators)[0]}`;
    server.route(path, { body: RSS, ...route });
    const result = await fetcher.fetch(request(path, validators));
    expect(result).toEqual({ status: 'not-modified', finalUrl: server.url(path) });
    const sent = server.requests.findLast((r) => r.path === path)!.headers;
    if (validators.etag) expect(sent['if-none-match']).toBe(validators.etag);
    if (validators.lastModified) expect(sent['if-modified-since']).toBe(validators.lastModified);
  });

  it('GIVEN a stale ETag THEN the server answers 200 and the new ETag is returned', async () => {
    server.route('/changed.xml', { body: RSS, etag: '"v2"' });
    const result = await fetcher.fetch(request('/changed.xml', { etag: '"v1"' }));
    expect(result.status).toBe('ok');
    expect(result.status === 'ok' && result.etag).toBe('"v2"');
  });
});

describe('createHttpFeedFetcher: redirects', () => {
  it('GIVEN a relative 301 THEN follows it and reports the final URL', async () => {
    server.route('/old', { redirectTo: '/new.xml' });
    server.route('/new.xml', { body: RSS });
    const result = await fetcher.fetch(request('/old'));
    expect(result.finalUrl).toBe(server.url('/new.xml'));
    expect(okBody(result)).toBe(RSS);
  });

  it('GIVEN a 302 → 307 → 308 chain with validators THEN follows it and keeps the conditional headers', async () => {
    server.route('/hop1', { status: 302, redirectTo: '/hop2' });
    server.route('/hop2', { status: 307, redirectTo: server.url('/hop3') });
    server.route('/hop3', { status: 308, redirectTo: '/final.xml' });
    server.route('/final.xml', { body: RSS, etag: '"same"' });
    const result = await fetcher.fetch(request('/hop1', { etag: '"same"' }));
    expect(result).toEqual({ status: 'not-modified', finalUrl: server.url('/final.xml') });
  });

  it('GIVEN a redirect loop THEN fails as http, not retryable, naming the loop', async () => {
    server.route('/loop-a', { redirectTo: '/loop-b' });
    server.route('/loop-b', { redirectTo: '/loop-a' });
    const error = await fetchError(request('/loop-a'));
    expect(error.kind).toBe('http');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`redirect loop: ${server.url('/loop-b')} redirects back to ${server.url('/loop-a')}`);
  });

  it('GIVEN more redirects than allowed THEN fails with the limit in the message', async () => {
    for (let i = 0; i < 4; i++) server.route(`/chain${i}`, { redirectTo: `/chain${i + 1}` });
    server.route('/chain4', { body: RSS });
    const strict = createHttpFeedFetcher({ maxRedirects: 2 });
    const error = await fetchError(request('/chain0'), strict);
    expect(error.kind).toBe('http');
    expect(error.message).toMatch(/too many redirects \(more than 2\)/);
    // The same chain is fine under the default limit.
    expect((await fetcher.fetch(request('/chain0'))).finalUrl).toBe(server.url('/chain4'));
  });

  it('GIVEN a redirect to a non-http scheme THEN refuses to follow it', async () => {
    server.route('/to-file', { redirectTo: 'file:///etc/passwd' });
    const error = await fetchError(request('/to-file'));
    expect(error.kind).toBe('http');
    expect(error.message).toContain('which is not http(s)');
  });

  it('GIVEN checkRedirect refuses a hop THEN fails as http, not retryable, with its reason, and the target is never requested', async () => {
    server.route('/to-metadata', { redirectTo: '/latest/meta-data' });
    server.route('/latest/meta-data', { body: RSS });
    const asked: [string, string][] = [];
    const guarded = createHttpFeedFetcher({
      checkRedirect: async (from, to) => {
        asked.push([from.href, to.href]);
        return to.pathname.startsWith('/latest') ? 'it points to 169.254.169.254' : undefined;
      },
    });
    const error = await fetchError(request('/to-metadata'), guarded);
    expect(error.kind).toBe('http');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`${server.url('/to-metadata')} redirects to ${server.url('/latest/meta-data')}, which is refused: it points to 169.254.169.254`);
    expect(asked).toEqual([[server.url('/to-metadata'), server.url('/latest/meta-data')]]);
    expect(server.requests.some((r) => r.path === '/latest/meta-data')).toBe(false);
  });

  it('GIVEN checkRedirect allows every hop THEN it is asked once per hop and the chain is followed', async () => {
    server.route('/allowed1', { redirectTo: '/allowed2' });
    server.route('/allowed2', { redirectTo: '/allowed.xml' });
    server.route('/allowed.xml', { body: RSS });
    const asked: string[] = [];
    const guarded = createHttpFeedFetcher({ checkRedirect: async (_, to) => void asked.push(to.pathname) });
    expect(okBody(await guarded.fetch(request('/allowed1')))).toBe(RSS);
    expect(asked).toEqual(['/allowed2', '/allowed.xml']);
  });

  it('GIVEN a redirect without Location THEN fails naming the misconfiguration', async () => {
    server.route('/no-location', { status: 302 });
    const error = await fetchError(request('/no-location'));
    expect(error.message).toContain('HTTP 302 redirect without a Location header');
  });
});

describe('createHttpFeedFetcher: HTTP status errors', () => {
  it.each([
    { status: 404, kind: 'http', retryable: true, text: 'HTTP 404 Not Found from URL — no feed at this URL; check it (retried with backoff, disabled if it persists)' },
    { status: 410, kind: 'gone', retryable: false, text: 'HTTP 410 Gone from URL — the publisher removed this feed' },
    { status: 500, kind: 'http', retryable: true, text: 'HTTP 500 Internal Server Error from URL — the server failed' },
    { status: 503, kind: 'http', retryable: true, text: 'HTTP 503 Service Unavailable from URL' },
    { status: 429, kind: 'http', retryable: true, text: 'HTTP 429 Too Many Requests from URL — rate limited (Retry-After: 120)' },
    { status: 408, kind: 'http', retryable: true, text: 'HTTP 408 Request Timeout from URL' },
    { status: 403, kind: 'http', retryable: false, text: 'HTTP 403 Forbidden from URL — access denied' },
    { status: 400, kind: 'http', retryable: false, text: 'HTTP 400 Bad Request from URL — the server refused the request' },
  ])('GIVEN HTTP $status THEN $kind error, retryable=$retryable', async ({ status, kind, retryable, text }) => {
    const path = `/status-${status}`;
    server.route(path, { status, body: 'nope', headers: status === 429 ? { 'retry-after': '120' } : {} });
    const error = await fetchError(request(path));
    expect({ kind: error.kind, retryable: error.retryable, status: error.details.status, url: error.details.url }).toEqual({
      kind,
      retryable,
      status,
      url: server.url(path),
    });
    expect(error.message).toContain(text.replace('URL', server.url(path)));
  });

  it('GIVEN an unknown path on the fake THEN 404, retryable (the default route)', async () => {
    expect(await fetchError(request('/missing'))).toMatchObject({ kind: 'http', retryable: true, details: { status: 404 } });
  });

  it.each([
    { status: 503, retryAfter: '120', text: 'HTTP 503 Service Unavailable from URL — the server failed (Retry-After: 120); it will be retried' },
    { status: 429, retryAfter: '90', text: 'HTTP 429 Too Many Requests from URL — rate limited (Retry-After: 90); poll this feed less often' },
  ])('GIVEN HTTP $status with Retry-After $retryAfter THEN the delay is in the message and in details.retryAfterMs', async ({ status, retryAfter, text }) => {
    const path = `/retry-after-${status}`;
    server.route(path, { status, headers: { 'retry-after': retryAfter } });
    const error = await fetchError(request(path));
    expect(error.message).toBe(text.replace('URL', server.url(path)));
    expect(error.details).toMatchObject({ retryable: true, retryAfterMs: Number(retryAfter) * 1000 });
  });

  it('GIVEN Retry-After as an HTTP date THEN the delay is measured from the response Date header', async () => {
    server.route('/retry-after-date', {
      status: 503,
      headers: { date: 'Wed, 09 Apr 2025 10:00:00 GMT', 'retry-after': 'Wed, 09 Apr 2025 10:30:00 GMT' },
    });
    expect((await fetchError(request('/retry-after-date'))).details).toMatchObject({ retryAfterMs: 30 * 60_000 });
  });

  it('GIVEN a 5xx without Retry-After THEN details carry no retryAfterMs', async () => {
    server.route('/plain-502', { status: 502 });
    expect('retryAfterMs' in (await fetchError(request('/plain-502'))).details).toBe(false);
  });
});

describe('createHttpFeedFetcher: size cap', () => {
  const big = `<rss version="2.0"><channel>${'<item><title>x</title></item>'.repeat(2_000)}</channel></rss>`;

  it.each([
    { name: 'a Content-Length above the cap', route: { body: big } },
    { name: 'a chunked body past the cap', route: { body: big, chunked: true } },
    { name: 'a gzip body that expands past the cap', route: { body: big, encoding: 'gzip' as const } },
  ])('GIVEN $name THEN fails too-large', async ({ route }) => {
    const path = `/big-${route.chunked ? 'chunked' : (route.encoding ?? 'plain')}`;
    server.route(path, route);
    const error = await fetchError(request(path, { maxBytes: 10_000 }));
    expect(error.kind).toBe('too-large');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`feed at ${server.url(path)} exceeds the 10000-byte limit`);
  });

  it('GIVEN an endless body THEN fails too-large once the cap is reached, and the server stops soon after', async () => {
    server.route('/endless', { body: RSS, endless: true });
    const error = await fetchError(request('/endless', { maxBytes: 200_000 }));
    expect(error.kind).toBe('too-large');
    expect(error.message).toContain(`feed at ${server.url('/endless')} exceeds the 200000-byte limit (the body is larger)`);
    // Socket buffers hold a few hundred kB at most: nothing like an unbounded download happened.
    expect(server.streamed.get('/endless')!.plain).toBeLessThan(20_000_000);
  });

  it('GIVEN a gzip bomb expanding to 10 GiB THEN fails too-large having inflated only about the cap', async () => {
    server.route('/bomb', { gzipBomb: { expandsToBytes: 10 * 2 ** 30 }, headers: { 'content-type': 'application/rss+xml' } });
    const error = await fetchError(request('/bomb', { maxBytes: 1_000_000 }));
    expect(error.kind).toBe('too-large');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`feed at ${server.url('/bomb')} exceeds the 1000000-byte limit (the gzip body expands past that)`);
    const { plain, wire } = server.streamed.get('/bomb')!;
    expect(plain).toBeLessThan(200_000_000);
    expect(wire).toBeLessThan(plain / 100);
  });

  it('GIVEN a body exactly at the cap THEN accepts it', async () => {
    server.route('/exact', { body: 'x'.repeat(500), chunked: true });
    expect(okBody(await fetcher.fetch(request('/exact', { maxBytes: 500 })))).toHaveLength(500);
  });
});

describe('createHttpFeedFetcher: timeouts and network failures', () => {
  it('GIVEN a server that never answers THEN fails with timeout, retryable', async () => {
    server.route('/hang', { hang: true });
    const error = await fetchError(request('/hang', { timeoutMs: 150 }));
    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`timed out after 150 ms fetching ${server.url('/hang')} — the server is slow or unreachable; it will be retried`);
  });

  it('GIVEN a body that stalls midway THEN the timeout still fires (it covers the body read)', async () => {
    server.route('/stall', { body: RSS, stallAfterBytes: 10, headers: { 'content-type': 'application/rss+xml' } });
    const error = await fetchError(request('/stall', { timeoutMs: 150 }));
    expect(error.kind).toBe('timeout');
  });

  it('GIVEN a body dripping a few bytes at a time forever THEN the one deadline still fires', async () => {
    server.route('/drip', { body: RSS, drip: { bytes: 4, everyMs: 20 }, headers: { 'content-type': 'application/rss+xml' } });
    const error = await fetchError(request('/drip', { timeoutMs: 200 }));
    expect(error.kind).toBe('timeout');
    expect(error.message).toBe(`timed out after 200 ms fetching ${server.url('/drip')} — the server is slow or unreachable; it will be retried`);
    expect(server.streamed.get('/drip')!.plain).toBeGreaterThan(0);
  });

  it('GIVEN the connection is dropped inside the response headers THEN fails as network, retryable', async () => {
    server.route('/reset-headers', { resetMidHeaders: true });
    const error = await fetchError(request('/reset-headers'));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toMatch(new RegExp(`^network error fetching ${server.url('/reset-headers')}: `));
    expect(error.message).toContain('the connection was dropped');
  });

  it('GIVEN the connection is dropped after part of a declared body THEN fails as network', async () => {
    server.route('/reset-body', { body: RSS, resetAfterBytes: 20 });
    const error = await fetchError(request('/reset-body'));
    expect(error).toMatchObject({ kind: 'network', retryable: true });
    expect(error.message).toContain('the connection was dropped');
  });

  it('GIVEN a closed port THEN fails as network with ECONNREFUSED in the message', async () => {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const error = await fetchError({ url: `http://127.0.0.1:${port}/feed`, timeoutMs: 5_000, maxBytes: 1_000 });
    expect(error.kind).toBe('network');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`network error fetching http://127.0.0.1:${port}/feed: connection refused (ECONNREFUSED)`);
  });

  it('GIVEN the server drops the connection mid-body THEN fails as network', async () => {
    server.route('/drop', {
      handler: (_req, res) => {
        res.writeHead(200, { 'content-length': '1000' });
        res.write('<rss>');
        setImmediate(() => res.socket?.destroy());
      },
    });
    const error = await fetchError(request('/drop'));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('the connection was dropped');
  });

  it('GIVEN a corrupt gzip body THEN fails as network naming the corruption', async () => {
    server.route('/bad-gzip', { body: 'definitely not gzip', headers: { 'content-encoding': 'gzip' } });
    const error = await fetchError(request('/bad-gzip'));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('the compressed response is corrupt (Z_DATA_ERROR)');
  });

  it.each([
    { url: 'ftp://example.org/feed', text: 'unsupported URL scheme "ftp:"' },
    { url: 'not a url', text: 'invalid feed URL "not a url"' },
  ])('GIVEN $url THEN fails without any request', async ({ url, text }) => {
    const error = await fetchError({ url, timeoutMs: 1_000, maxBytes: 1_000 });
    expect(error.kind).toBe('http');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(text);
  });
});

describe('createHttpFeedFetcher: not a feed', () => {
  it('GIVEN an HTML page THEN fails not-a-feed and names the feed the page advertises', async () => {
    const html =
      '<!DOCTYPE html><html><head><title>Blog</title>' +
      '<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.xml"></head><body>hi</body></html>';
    server.route('/blog', { body: html, headers: { 'content-type': 'text/html; charset=utf-8' } });
    const error = await fetchError(request('/blog'));
    expect(error.kind).toBe('not-a-feed');
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `${server.url('/blog')} returned an HTML page (Content-Type: text/html; charset=utf-8), not a feed — ` +
        `the page advertises ${server.url('/feed.xml')}; use that URL`,
    );
  });
});
