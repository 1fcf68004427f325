/**
 * A loopback feed host built to stay out of the measurement: every body is
 * rendered, gzip-compressed and given its validators once, when published;
 * a request is a map lookup, a header comparison and one socket write.
 * Conditional GETs are answered like a CDN does (RFC 9110 §13.1):
 * If-None-Match first, else If-Modified-Since.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

interface Rendered {
  identity: Buffer;
  gzip: Buffer;
  etag: string;
  lastModified: string;
  lastModifiedMs: number;
  contentType: string;
}

export interface StaticFeedServer {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  url(path: string): string;
  /** Replace the document at `path`; a new ETag and Last-Modified go with it. */
  publish(path: string, body: string, options?: { lastModified?: Date; contentType?: string }): void;
  /**
   * While on, a 200 carries an empty channel instead of the document, with the
   * document's real validators: a cheap first poll that leaves a reader with
   * exactly the ETag and Last-Modified it would store after reading the items.
   */
  validatorsOnly: boolean;
  /** Delay before each answer, ms: stands in for the round trip to a real host (loopback has none). */
  latencyMs: number;
  /** Responses served since the last {@link resetStats}. */
  readonly stats: { ok: number; notModified: number; notFound: number; bytesSent: number };
  resetStats(): void;
  close(): Promise<void>;
}

const RSS_TYPE = 'application/rss+xml; charset=utf-8';
const EMPTY_RSS = Buffer.from('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>feed</title></channel></rss>');

export async function startStaticFeedServer(): Promise<StaticFeedServer> {
  const documents = new Map<string, Rendered>();
  const stats = { ok: 0, notModified: 0, notFound: 0, bytesSent: 0 };
  const host = { validatorsOnly: false, latencyMs: 0 };

  const server = http.createServer((req, res) => {
    if (host.latencyMs > 0) setTimeout(() => answer(req, res), host.latencyMs);
    else answer(req, res);
  });
  const answer = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const doc = documents.get(req.url ?? '');
    if (!doc || req.method !== 'GET') {
      stats.notFound++;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such feed');
      return;
    }
    const validators = { etag: doc.etag, 'last-modified': doc.lastModified, 'cache-control': 'max-age=60' };
    if (notModified(req, doc)) {
      stats.notModified++;
      res.writeHead(304, validators).end();
      return;
    }
    const gzip = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '') && !host.validatorsOnly;
    const body = host.validatorsOnly ? EMPTY_RSS : gzip ? doc.gzip : doc.identity;
    stats.ok++;
    stats.bytesSent += body.byteLength;
    res.writeHead(200, {
      ...validators,
      'content-type': doc.contentType,
      'content-length': String(body.byteLength),
      ...(gzip ? { 'content-encoding': 'gzip', vary: 'accept-encoding' } : {}),
    });
    res.end(body);
  };
  // Many keep-alive sockets from one client: do not let Node's defaults close them mid-benchmark.
  server.keepAliveTimeout = 60_000;
  server.maxRequestsPerSocket = 0;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', 511, resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    get validatorsOnly() {
      return host.validatorsOnly;
    },
    set validatorsOnly(on: boolean) {
      host.validatorsOnly = on;
    },
    get latencyMs() {
      return host.latencyMs;
    },
    set latencyMs(ms: number) {
      host.latencyMs = ms;
    },
    url: (path) => `${origin}${path}`,
    publish(path, body, options = {}) {
      const identity = Buffer.from(body, 'utf8');
      // HTTP dates have one-second resolution; keep the stored value equal to what is sent.
      const date = new Date(Math.floor((options.lastModified ?? new Date()).getTime() / 1000) * 1000);
      documents.set(path, {
        identity,
        gzip: gzipSync(identity),
        etag: `"${createHash('sha1').update(identity).digest('hex').slice(0, 20)}"`,
        lastModified: date.toUTCString(),
        lastModifiedMs: date.getTime(),
        contentType: options.contentType ?? RSS_TYPE,
      });
    },
    stats,
    resetStats() {
      Object.assign(stats, { ok: 0, notModified: 0, notFound: 0, bytesSent: 0 });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function notModified(req: http.IncomingMessage, doc: Rendered): boolean {
  const ifNoneMatch = req.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    // Weak comparison, as for GET: W/"x" matches "x"; "*" matches any current document.
    return ifNoneMatch
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''))
      .some((tag) => tag === '*' || tag === doc.etag);
  }
  const ifModifiedSince = req.headers['if-modified-since'];
  if (ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    return !Number.isNaN(since) && doc.lastModifiedMs <= since;
  }
  return false;
}
