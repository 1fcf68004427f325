/**
 * A loopback web server that publishes the demo feeds as RSS 2.0, Atom 1.0
 * or JSON Feed, showing each post only once the (virtual) clock reaches its
 * time. It honours If-None-Match like a real feed host, so the bot's
 * conditional GETs get 304s between posts.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../domain/time.ts';
import type { DemoFeed, DemoPost } from './demo-script.ts';

export interface FeedHost {
  /** URL of a feed by id. */
  urlOf(feedId: string): string;
  /** Requests served, by status. */
  readonly stats: { ok: number; notModified: number };
  close(): Promise<void>;
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function render(feed: DemoFeed, posts: DemoPost[], base: string): { body: string; type: string } {
  const self = `${base}/feeds/${feed.id}`;
  if (feed.format === 'json') {
    return {
      type: 'application/feed+json',
      body: JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: feed.name,
        home_page_url: base,
        feed_url: self,
        language: feed.language,
        items: posts.map((p) => ({ id: p.link, url: p.link, title: p.title, content_html: p.html, date_published: new Date(p.at).toISOString() })),
      }),
    };
  }
  if (feed.format === 'atom') {
    const entries = posts
      .map((p) => `<entry><id>${xml(p.link)}</id><title>${xml(p.title)}</title><link href="${xml(p.link)}"/><updated>${new Date(p.at).toISOString()}</updated><content type="html">${xml(p.html)}</content></entry>`)
      .join('');
    return {
      type: 'application/atom+xml; charset=utf-8',
      body: `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${feed.language}"><title>${xml(feed.name)}</title><id>${self}</id><link href="${base}"/><updated>${new Date(posts[0]?.at ?? 0).toISOString()}</updated>${entries}</feed>`,
    };
  }
  const items = posts
    .map((p) => `<item><title>${xml(p.title)}</title><link>${xml(p.link)}</link><guid isPermaLink="true">${xml(p.link)}</guid><pubDate>${new Date(p.at).toUTCString()}</pubDate><description>${xml(p.html)}</description></item>`)
    .join('');
  return {
    type: 'application/rss+xml; charset=utf-8',
    body: `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>${xml(feed.name)}</title><link>${base}</link><language>${feed.language}</language>${items}</channel></rss>`,
  };
}

export async function startFeedHost(feeds: readonly DemoFeed[], posts: readonly DemoPost[], clock: Clock): Promise<FeedHost> {
  const stats = { ok: 0, notModified: 0 };
  let base = '';
  const server = http.createServer((req, res) => {
    const id = /^\/feeds\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    const feed = feeds.find((f) => f.id === id);
    if (!feed) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const visible = posts.filter((p) => p.feed === feed.id && p.at <= clock.now()).sort((a, b) => b.at - a.at);
    const etag = `"${createHash('sha1').update(visible.map((p) => p.link).join('\n')).digest('hex').slice(0, 16)}"`;
    if (req.headers['if-none-match'] === etag) {
      stats.notModified++;
      res.writeHead(304, { etag }).end();
      return;
    }
    const { body, type } = render(feed, visible, base);
    stats.ok++;
    res.writeHead(200, { 'content-type': type, etag }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    urlOf: (feedId) => `${base}/feeds/${feedId}`,
    stats,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
