/**
 * The soak's news: `feeds` loopback RSS feeds of realistic multilingual posts
 * (bench/corpus.ts) that keep changing — every {@link SoakFeeds.tick} a share of
 * them publish new items — behind a fault layer that makes some feeds fail:
 * intermittent 5xx, answers slower than the bot's timeout, and a few feeds whose
 * XML is broken for good (the bot disables those and tells the admins).
 */
import type http from 'node:http';
import type { AppConfig } from '../src/config/load-config.ts';
import type { FeedConfig } from '../src/config/schema.ts';
import { corpusSource, createEvent, generatePost, pickLanguage, type CorpusSource, type Language, type NewsEvent } from './corpus.ts';
import { startFaultProxy, type FaultProxy, type ProxyFault } from './fault-proxy.ts';
import { paragraphsToHtml, renderRss, type RssItem } from './rss.ts';
import { startStaticFeedServer, type StaticFeedServer } from './static-feed-server.ts';
import { pick, seededRandom } from './support.ts';

export interface SoakFeedOptions {
  feeds: number;
  itemsPerFeed: number;
  /** New posts published per minute over all feeds (spread over the ticks). */
  postsPerMinute: number;
  /** Share of requests answered 503 / delayed past the bot's timeout (0–1 each). */
  serverErrorRate: number;
  timeoutRate: number;
  /** How long a "slow" answer takes, ms: more than the bot's feed timeout. */
  slowMs: number;
  /** Feeds whose XML is malformed from the start. */
  brokenFeeds: number;
  seed: number;
}

export interface SoakFeeds {
  /** The feeds, pointing at the fault layer, for feeds.yaml. */
  readonly feeds: FeedConfig[];
  readonly proxy: FaultProxy;
  /** Publish the new items due after `elapsedMs` more milliseconds. */
  tick(elapsedMs: number, now: number): void;
  /** Items published since start, initial ones included. */
  readonly published: number;
  close(): Promise<void>;
}

const MALFORMED_XML = '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Broken & unescaped</title><item><title>cut off';
/** Initial items are older than the stories' maxAgeHours: a first poll stores them but alerts on none, as in production. */
const INITIAL_AGE_MS = 72 * 3_600_000;
/** Share of new posts that cover an event already in the news (syndication, translations). */
const FOLLOW_UP_SHARE = 0.5;
/** Events followed up are drawn from the most recent ones. */
const RECENT_EVENTS = 200;

interface FeedDoc {
  id: string;
  path: string;
  title: string;
  host: string;
  lang: Language;
  items: RssItem[];
  serial: number;
}

export async function startSoakFeeds(config: AppConfig, options: SoakFeedOptions): Promise<SoakFeeds> {
  const random = seededRandom(options.seed);
  const source: CorpusSource = corpusSource(config.taxonomy);
  const server: StaticFeedServer = await startStaticFeedServer();
  const recent: NewsEvent[] = [];
  const docs: FeedDoc[] = [];
  const broken = new Set<string>();
  let published = 0;
  let carry = 0;

  const event = (): NewsEvent => {
    if (recent.length > 0 && random() < FOLLOW_UP_SHARE) return pick(random, recent);
    const e = createEvent(random, source);
    recent.push(e);
    if (recent.length > RECENT_EVENTS) recent.shift();
    return e;
  };
  const item = (doc: FeedDoc, at: number): RssItem => {
    const post = generatePost(random, source, event(), doc.lang, 1 + Math.floor(random() * 2));
    const n = doc.serial++;
    published++;
    return {
      title: post.title,
      link: `${doc.host}/news/${n}`,
      guid: `${doc.id}-${n}`,
      published: new Date(at),
      html: paragraphsToHtml(post.paragraphs),
      author: `Reporter ${1 + (n % 7)}`,
      categories: ['Crypto', post.phrases.length > 0 ? 'AI' : 'Markets'],
    };
  };
  const publish = (doc: FeedDoc, now: number) => {
    server.publish(doc.path, renderRss({ title: doc.title, link: doc.host, language: doc.lang }, doc.items), { lastModified: new Date(now) });
  };

  const start = Date.now();
  for (let f = 0; f < options.feeds; f++) {
    const id = `soak-${String(f).padStart(4, '0')}`;
    const doc: FeedDoc = { id, path: `/feeds/${id}.xml`, title: `Soak News ${f}`, host: `https://soak${f}.example.com`, lang: pickLanguage(random), items: [], serial: 0 };
    for (let i = 0; i < options.itemsPerFeed; i++) doc.items.push(item(doc, start - INITIAL_AGE_MS - i * 600_000));
    publish(doc, start - INITIAL_AGE_MS);
    docs.push(doc);
    if (f % Math.max(1, Math.floor(options.feeds / Math.max(1, options.brokenFeeds))) === 0 && broken.size < options.brokenFeeds) broken.add(doc.path);
  }

  const policy = (req: http.IncomingMessage): ProxyFault | undefined => {
    if (broken.has(req.url ?? '')) return { kind: 'status', status: 200, body: MALFORMED_XML, headers: { 'content-type': 'application/rss+xml; charset=utf-8' } };
    const r = random();
    if (r < options.serverErrorRate) return { kind: 'status', status: 503, body: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>', headers: { 'content-type': 'text/html' } };
    if (r < options.serverErrorRate + options.timeoutRate) return { kind: 'delay', ms: options.slowMs };
    return undefined;
  };
  const proxy = await startFaultProxy(server.origin, policy);
  const feeds: FeedConfig[] = docs.map((d) => ({ id: d.id, name: d.title, url: `${proxy.origin}${d.path}`, language: d.lang, enabled: true, weight: 1 }));

  return {
    feeds,
    proxy,
    get published() {
      return published;
    },
    tick(elapsedMs, now) {
      // Fractional posts carry over, so a low rate still publishes on average what it says.
      carry += (options.postsPerMinute * elapsedMs) / 60_000;
      const touched = new Set<FeedDoc>();
      for (; carry >= 1; carry--) {
        const doc = pick(random, docs);
        doc.items.unshift(item(doc, now));
        doc.items.length = Math.min(doc.items.length, options.itemsPerFeed);
        touched.add(doc);
      }
      for (const doc of touched) publish(doc, now);
    },
    async close() {
      await proxy.close();
      await server.close();
    },
  };
}
