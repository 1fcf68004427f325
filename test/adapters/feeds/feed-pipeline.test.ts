/**
 * The feed modules together, as the poll cycle uses them: bytes → text →
 * ParsedFeed → Posts, from fixtures and over a loopback server.
 */
import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src/adapters/feeds/decode.ts';
import { createFeedParser } from '../../../src/adapters/feeds/feed-parser.ts';
import { createHttpFeedFetcher } from '../../../src/adapters/feeds/http-feed-fetcher.ts';
import type { ParsedFeed } from '../../../src/app/ports.ts';
import { normalizeItem } from '../../../src/domain/normalize-item.ts';
import type { Post } from '../../../src/domain/post.ts';
import { startFeedServer, type FeedServer } from '../../fakes/feed-server.ts';

const FIXTURES = new URL('../../fixtures/feeds/', import.meta.url);
const FETCHED_AT = Date.UTC(2024, 2, 10, 12);
const parser = createFeedParser();

function toPosts(feed: ParsedFeed, feedId = 'f'): Post[] {
  return feed.items.flatMap((raw) => {
    const result = normalizeItem(raw, { id: feedId, name: feedId, weight: 1, language: feed.language, link: feed.link }, FETCHED_AT);
    return 'skipped' in result ? [] : [result];
  });
}

async function postsFromFixture(path: string): Promise<Post[]> {
  return toPosts(await parser.parse(decodeBody(readFileSync(new URL(path, FIXTURES)))));
}

describe('fixtures through decode → parse → normalize', () => {
  it.each([
    { file: 'feedparser/item_description_script.xml', field: 'text', value: 'safe description' },
    { file: 'feedparser/demoronize-1.xml', field: 'text', value: 'don’t' },
    { file: 'feedparser/amp15.xml', field: 'title', value: '&' },
    { file: 'rss-parser/input/uolNoticias.rss', field: 'title', value: 'Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno' },
    { file: 'hand-made/gb2312.xml', field: 'text', value: '比特币和以太坊价格波动。' },
  ] as const)('GIVEN $file THEN the first post has $field $value', async ({ file, field, value }) => {
    const [first] = await postsFromFixture(file);
    expect(first?.[field]).toBe(value);
  });

  it('GIVEN UOL Notícias (Portuguese day and month names) THEN dates are parsed, not replaced by the fetch time', async () => {
    const posts = await postsFromFixture('rss-parser/input/uolNoticias.rss');
    expect(posts).toHaveLength(15);
    expect(new Date(posts[0]!.publishedAt).toISOString()).toBe('2018-09-24T22:42:40.000Z');
    expect(posts.filter((p) => p.publishedAt === FETCHED_AT)).toEqual([]);
  });

  it('GIVEN the Portuguese hand-made feed THEN relative links resolve against the feed link and lose tracking', async () => {
    const [first] = await postsFromFixture('hand-made/portuguese.rss');
    expect(first).toMatchObject({
      url: 'https://cripto.example.com.br/2024/03/ia-tokens?id=42',
      text: 'Os tokens FET e RNDR subiram após o anúncio.\nAnálise: “ação” & reação.',
      lang: 'pt',
      author: 'João Conceição',
      publishedAt: Date.UTC(2024, 2, 6, 17, 30),
    });
  });

  it('GIVEN reddit.rss THEN every post has a unique id and an http(s) url', async () => {
    const posts = await postsFromFixture('rss-parser/input/reddit.rss');
    expect(posts).toHaveLength(24);
    expect(new Set(posts.map((p) => p.id)).size).toBe(24);
    expect(posts.every((p) => /^https:\/\//.test(p.url) && p.text.length > 0 && !p.text.includes('<'))).toBe(true);
  });
});

describe('over HTTP', () => {
  let server: FeedServer;
  beforeAll(async () => {
    const xml = readFileSync(new URL('hand-made/portuguese.rss', FIXTURES), 'utf8').replace('encoding="UTF-8"', 'encoding="windows-1252"');
    server = await startFeedServer({
      '/feed': { redirectTo: '/rss/latest' },
      '/rss/latest': {
        body: iconv.encode(xml, 'windows-1252'),
        encoding: 'gzip',
        etag: 'W/"42"',
        headers: { 'content-type': 'application/rss+xml' },
      },
    });
  });
  afterAll(() => server.close());

  it('GIVEN a redirected, gzipped windows-1252 feed THEN posts come out right, and the next poll is not-modified', async () => {
    const fetcher = createHttpFeedFetcher();
    const first = await fetcher.fetch({ url: server.url('/feed'), timeoutMs: 5_000, maxBytes: 100_000 });
    if (first.status !== 'ok') throw new Error('expected a body');
    expect({ finalUrl: first.finalUrl, etag: first.etag }).toEqual({ finalUrl: server.url('/rss/latest'), etag: 'W/"42"' });

    const posts = toPosts(await parser.parse(first.body));
    expect(posts.map((p) => p.title)).toEqual([
      'Inteligência artificial impulsiona tokens de computação descentralizada',
      'Ações de mineração de bitcoin recuam',
    ]);

    const second = await fetcher.fetch({ url: server.url('/feed'), etag: first.etag, timeoutMs: 5_000, maxBytes: 100_000 });
    expect(second).toEqual({ status: 'not-modified', finalUrl: server.url('/rss/latest') });
  });
});
