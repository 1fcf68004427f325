import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src/adapters/feeds/decode.ts';
import { createFeedParser } from '../../../src/adapters/feeds/feed-parser.ts';
import { nestingDepthBeyond, XML_LIMITS } from '../../../src/adapters/feeds/xml-guards.ts';
import { FeedError, type FeedParser, type ParsedFeed } from '../../../src/app/ports.ts';

const FIXTURES = new URL('../../fixtures/feeds/', import.meta.url);
const readFixture = (path: string) => decodeBody(readFileSync(new URL(path, FIXTURES)));
const parser = createFeedParser();

async function outcome(p: FeedParser, text: string): Promise<ParsedFeed | FeedError> {
  return p.parse(text).catch((error: unknown) => {
    expect(error).toBeInstanceOf(FeedError);
    return error as FeedError;
  });
}

/** A loopback server that records every request: an XML parser that resolved anything would show up here. */
let server: Server;
let base: string;
const requests: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.end('<!ENTITY leak "LEAKED">');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('external entities (XXE)', () => {
  it.each([
    { name: 'a SYSTEM entity on file:///etc/passwd', doctype: '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' },
    { name: 'a SYSTEM entity over http', doctype: () => `<!DOCTYPE rss [<!ENTITY xxe SYSTEM "${base}/xxe">]>` },
    { name: 'a parameter entity over http', doctype: () => `<!DOCTYPE rss [<!ENTITY % p SYSTEM "${base}/param"> %p;]>` },
  ])('GIVEN $name THEN refuses the feed and reads nothing', async ({ doctype }) => {
    const dtd = typeof doctype === 'function' ? doctype() : doctype;
    const result = await outcome(parser, `<?xml version="1.0"?>${dtd}<rss version="2.0"><channel><title>&xxe;</title></channel></rss>`);
    expect(result).toBeInstanceOf(FeedError);
    expect((result as FeedError).message).toMatch(/^refused: the DOCTYPE declares entities .*external-entity \(XXE\)/);
    expect(requests).toEqual([]);
  });

  it('GIVEN the feedvalidator XXE fixtures THEN both are refused', async () => {
    for (const file of ['w3c-feedvalidator/system_entity.xml', 'w3c-feedvalidator/rss_should_system_entity_http.xml']) {
      expect(await outcome(parser, readFixture(file))).toMatchObject({ kind: 'parse', message: expect.stringMatching(/^refused: the DOCTYPE declares entities/) });
    }
  });

  it('GIVEN an external DTD without entity declarations THEN it is never fetched and its entities stay undefined', async () => {
    const result = await outcome(
      parser,
      `<?xml version="1.0"?><!DOCTYPE rss SYSTEM "${base}/evil.dtd"><rss version="2.0"><channel><title>a &leak; b</title></channel></rss>`,
    );
    // The reference is an undefined entity: kept as literal text, never expanded.
    expect(result).toMatchObject({ format: 'rss', title: 'a &leak; b' });
    expect(requests).toEqual([]);
  });
});

describe('entity expansion ("billion laughs")', () => {
  it('GIVEN the classic ten-level billion laughs THEN refuses it with the reason', async () => {
    const before = process.memoryUsage().heapUsed;
    const result = await outcome(parser, readFixture('hand-made/billion-laughs.xml'));
    expect(result).toMatchObject({ kind: 'parse', retryable: false, message: expect.stringMatching(/^refused: .*\("billion laughs"\)/) });
    // Expanded, &lol9; is 3 GB of text; refusing it must not allocate anything close to that.
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
  });

  it('GIVEN the DOCTYPE hidden behind a prolog the scanner cannot follow THEN still refuses it', async () => {
    const text = `<?xml version="1.0"?><!-- unterminated comment <!DOCTYPE rss [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><rss version="2.0"><channel><title>&b;</title></channel></rss>`;
    expect(await outcome(parser, text)).toMatchObject({ message: expect.stringMatching(/^refused/) });
  });

  it('GIVEN many references to the predefined entities THEN parses them linearly (no DTD needed)', async () => {
    const title = '&amp;&lt;&gt;&quot;&apos;'.repeat(20_000);
    const result = await outcome(parser, `<rss version="2.0"><channel><title>${title}</title></channel></rss>`);
    expect((result as ParsedFeed).title).toHaveLength(5 * 20_000);
  });
});

describe('size cap', () => {
  it('GIVEN a document over the cap THEN refuses it as too-large before any XML work', async () => {
    const small = createFeedParser({ maxChars: 1_000 });
    // Malformed and entity-laden on purpose: if any XML work ran first, the error would say so instead.
    const text = `<!DOCTYPE rss [<!ENTITY x "y">]><rss><channel><title>&x;</broken>${' '.repeat(1_000)}`;
    const result = await outcome(small, text);
    expect(result).toMatchObject({ kind: 'too-large', retryable: false });
    expect((result as FeedError).message).toMatch(/^refused: the document is 10\d\d characters, over the parser's 1000-character limit/);
  });

  it('GIVEN a JSON Feed over the cap THEN refuses it the same way', async () => {
    const small = createFeedParser({ maxChars: 100 });
    expect(await outcome(small, `{"version":"https://jsonfeed.org/version/1.1","items":[${'{},'.repeat(50)}{}]}`)).toMatchObject({ kind: 'too-large' });
  });

  it('GIVEN a document exactly at the cap THEN parses it', async () => {
    const text = '<rss version="2.0"><channel><title>t</title></channel></rss>';
    expect(await outcome(createFeedParser({ maxChars: text.length }), text)).toMatchObject({ title: 't' });
  });

  it('GIVEN the default cap THEN it is above the fetcher default of 5 MB', () => {
    expect(XML_LIMITS.maxChars).toBeGreaterThan(5_000_000);
  });
});

describe('deep nesting', () => {
  const nested = (depth: number) =>
    `<rss version="2.0"><channel><title>t</title><item><title>i</title><description>${'<div>'.repeat(depth)}x${'</div>'.repeat(depth)}</description></item></channel></rss>`;

  it.each([10_000, 200_000])('GIVEN %i nested elements THEN refuses them with the reason instead of overflowing the stack', async (depth) => {
    const result = await outcome(parser, nested(depth));
    expect(result).toMatchObject({ kind: 'parse', message: `refused: elements are nested more than ${XML_LIMITS.maxDepth} deep; no feed needs that, and parsing it could exhaust the stack` });
  });

  it('GIVEN the deep-nesting fixture (2,000 levels) THEN refuses it', async () => {
    expect(await outcome(parser, readFixture('hand-made/deep-nesting.xml'))).toMatchObject({ message: expect.stringMatching(/nested more than 256 deep/) });
  });

  it('GIVEN nesting just under the limit THEN parses it', async () => {
    // rss, channel, item, description: four levels above the divs.
    const result = await outcome(parser, nested(XML_LIMITS.maxDepth - 4));
    expect(result).toMatchObject({ format: 'rss', title: 't' });
  });

  it('GIVEN a deeply nested JSON Feed THEN parses it (JSON.parse does not recurse on the stack)', async () => {
    const result = await outcome(parser, `{"version":"https://jsonfeed.org/version/1.1","items":[{"title":"a","x":${'['.repeat(100_000)}${']'.repeat(100_000)}}]}`);
    expect(result).toMatchObject({ format: 'json', items: [{ title: 'a' }] });
  });
});

describe('nestingDepthBeyond', () => {
  it.each([
    { name: 'flat siblings', xml: '<a><b/><b></b><b>x</b></a>', depth: 2 },
    { name: 'markup inside CDATA and comments', xml: '<a><![CDATA[<b><c><d>]]><!-- <e><f> --></a>', depth: 1 },
    { name: 'a ">" inside a quoted attribute', xml: '<a title="x > y"><b/></a>', depth: 1 },
    { name: 'a prolog, PI and DOCTYPE', xml: '<?xml version="1.0"?><!DOCTYPE rss><?pi x?><rss><channel><item/></channel></rss>', depth: 2 },
    { name: 'an unterminated comment', xml: '<a><b><!-- <c><d><e>', depth: 2 },
    { name: 'an unclosed start tag at the end', xml: '<a><b', depth: 2 },
  ])('GIVEN $name THEN depth $depth', ({ xml, depth }) => {
    expect(nestingDepthBeyond(xml, 0, 100)).toBe(depth);
  });

  it('GIVEN a limit THEN stops counting just past it', () => {
    expect(nestingDepthBeyond('<a>'.repeat(1_000), 0, 10)).toBe(11);
  });
});
