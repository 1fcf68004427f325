/**
 * Loopback RSS feeds whose items the test publishes while the bot runs. Each
 * feed answers If-None-Match with 304 while nothing changed, like a real
 * host; a full (200) answer is reported to `onFullResponse` once it has been
 * written, so a test can kill the bot while it parses, stores and analyses it.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NewsItem {
  guid: string;
  title: string;
  html: string;
  link: string;
  publishedAt: number;
}

export interface FeedRequest {
  feedId: string;
  status: 200 | 304 | 404;
  at: number;
}

export interface NewsFeedHost {
  urlOf(feedId: string): string;
  publish(feedId: string, item: NewsItem): void;
  /** Every item published, by feed. */
  readonly items: ReadonlyMap<string, readonly NewsItem[]>;
  readonly requests: readonly FeedRequest[];
  /** Called after a 200 answer has been handed to the socket. */
  onFullResponse?: (feedId: string) => void;
  close(): Promise<void>;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function renderRss(feedId: string, items: readonly NewsItem[], base: string): string {
  const entries = [...items]
    .reverse()
    .map((i) => `<item><title>${xml(i.title)}</title><link>${xml(i.link)}</link><guid isPermaLink="false">${xml(i.guid)}</guid><pubDate>${new Date(i.publishedAt).toUTCString()}</pubDate><description>${xml(i.html)}</description></item>`)
    .join('');
  return `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${feedId}</title><link>${base}</link><language>en</language>${entries}</channel></rss>`;
}

export async function startNewsFeedHost(feedIds: readonly string[]): Promise<NewsFeedHost> {
  const items = new Map<string, NewsItem[]>(feedIds.map((id) => [id, []]));
  const requests: FeedRequest[] = [];
  let base = '';
  const host: NewsFeedHost = {
    urlOf: (feedId) => `${base}/feeds/${feedId}.xml`,
    publish(feedId, item) {
      const list = items.get(feedId);
      if (!list) throw new Error(`no feed "${feedId}" on this host (feeds: ${feedIds.join(', ')})`);
      list.push(item);
    },
    items,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = http.createServer((req, res) => {
    const feedId = /^\/feeds\/([\w-]+)\.xml$/.exec(req.url ?? '')?.[1] ?? '';
    const list = items.get(feedId);
    if (!list) {
      requests.push({ feedId, status: 404, at: Date.now() });
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such feed');
      return;
    }
    const etag = `"${createHash('sha1').update(list.map((i) => i.guid).join('\n')).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      requests.push({ feedId, status: 304, at: Date.now() });
      res.writeHead(304, { etag }).end();
      return;
    }
    requests.push({ feedId, status: 200, at: Date.now() });
    res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag }).end(renderRss(feedId, list, base), () => host.onFullResponse?.(feedId));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return host;
}
