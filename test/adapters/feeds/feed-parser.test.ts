import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src/adapters/feeds/decode.ts';
import { createFeedParser, findAdvertisedFeeds, looksLikeHtmlPage } from '../../../src/adapters/feeds/feed-parser.ts';
import { FeedError, type ParsedFeed } from '../../../src/app/ports.ts';

const FIXTURES = new URL('../../fixtures/feeds/', import.meta.url);
const readFixture = (path: string) => decodeBody(readFileSync(new URL(path, FIXTURES)));
const parser = createFeedParser();

async function parseError(text: string): Promise<FeedError> {
  const error = await parser.parse(text).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FeedError);
  return error as FeedError;
}

interface ExpectedItem {
  title?: unknown;
  link?: unknown;
  guid?: unknown;
  id?: unknown;
  'rdf:about'?: unknown;
}
const trimmed = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

describe('createFeedParser against rss-parser expected outputs', () => {
  it.each([
    { input: 'reddit.rss', format: 'rss' },
    { input: 'content-encoded.rss', format: 'rss' },
    { input: 'heraldsun.rss', format: 'rss' },
    { input: 'narro.rss', format: 'rss' },
    { input: 'rss-1.rss', format: 'rdf' },
    { input: 'craigslist.rss', format: 'rdf' },
    { input: 'heise.atom', format: 'atom' },
    { input: 'gulp-atom.atom', format: 'atom' },
  ])('GIVEN $input THEN format $format and the same title, item count, titles, links and ids', async ({ input, format }) => {
    const name = input.replace(/\.[a-z]+$/, '');
    const expected = JSON.parse(readFileSync(new URL(`rss-parser/output/${name}.json`, FIXTURES), 'utf8')).feed as {
      title?: string;
      items: ExpectedItem[];
    };
    const feed = await parser.parse(readFixture(`rss-parser/input/${input}`));

    expect(feed.format).toBe(format);
    expect(feed.title).toBe(trimmed(expected.title));
    expect(feed.items).toHaveLength(expected.items.length);
    expect(feed.items.map((i) => i.title)).toEqual(expected.items.map((i) => trimmed(i.title)));
    expect(feed.items.map((i) => i.link)).toEqual(expected.items.map((i) => trimmed(i.link)));
    expect(feed.items.map((i) => i.guid)).toEqual(expected.items.map((i) => trimmed(i.guid) ?? trimmed(i.id) ?? trimmed(i['rdf:about'])));
  });

  it('GIVEN reddit.rss (entity-escaped HTML descriptions) THEN item html is real markup', async () => {
    const feed = await parser.parse(readFixture('rss-parser/input/reddit.rss'));
    expect(feed.items[0]!.html).toMatch(/^<table> <tr><td> <a href="https:\/\/www\.reddit\.com\/r\//);
    expect(feed.items.every((i) => !i.html?.includes('&lt;'))).toBe(true);
  });

  it('GIVEN content-encoded.rss THEN html comes from content:encoded, not the description', async () => {
    const feed = await parser.parse(readFixture('rss-parser/input/content-encoded.rss'));
    const expected = JSON.parse(readFileSync(new URL('rss-parser/output/content-encoded.json', FIXTURES), 'utf8')).feed;
    expect(feed.items[0]!.html).toBe(expected.items[0]['content:encoded']);
    expect(feed.items[0]!.author).toBe(expected.items[0].creator);
  });
});

describe('createFeedParser on hand-made fixtures', () => {
  it('GIVEN an Atom feed THEN maps alternate links, html content over summary, categories, raw dates and xml:lang', async () => {
    const feed = await parser.parse(readFixture('hand-made/atom.atom'));
    expect(feed).toEqual<ParsedFeed>({
      format: 'atom',
      title: 'AI x Crypto Lab Notes',
      link: 'https://lab.example.net/',
      language: 'en-GB',
      items: [
        {
          guid: 'tag:lab.example.net,2024:agents',
          link: 'https://lab.example.net/posts/agents?ref=atom#comments',
          title: 'Agents <b>on-chain</b>: a review',
          html: '<p>Full <em>content</em> wins over the summary.</p><script>track()</script>',
          published: '2024-03-01T09:30:00-05:00',
          author: 'Dana Ng',
          categories: ['ai-agents', 'defi'],
          language: undefined,
        },
        {
          guid: 'https://lab.example.net/posts/zkml',
          link: '/posts/zkml',
          title: 'Zero-knowledge ML proofs',
          html: 'Only a summary here.',
          // rss-parser would throw on this date and reject the feed; the raw text is kept instead.
          published: 'not a date',
          author: undefined,
          categories: [],
          language: undefined,
        },
      ],
    });
  });

  it('GIVEN a JSON Feed 1.1 THEN maps items, escapes content_text, and skips entries that are not objects', async () => {
    const feed = await parser.parse(readFixture('hand-made/json-feed.json'));
    expect(feed).toEqual<ParsedFeed>({
      format: 'json',
      title: 'Radar Test JSON Feed',
      link: 'https://jsonfeed.example.org/',
      language: 'en-US',
      items: [
        {
          guid: '2024-render',
          link: 'https://jsonfeed.example.org/2024/render-gpu?utm_source=rss&page=2',
          title: 'Render Network expands its GPU marketplace',
          html: '<p>The <b>Render</b> network &amp; AI agents.</p>',
          published: '2024-03-01T12:00:00+01:00',
          author: 'Ana Lima',
          categories: ['AI', 'GPU'],
          language: undefined,
        },
        {
          guid: '1',
          link: 'https://elsewhere.example.com/story',
          title: undefined,
          html: 'Bittensor subnet launch.<br>Second line &lt;not html&gt;.',
          published: '2024-02-28T08:00:00Z',
          author: 'Bob',
          categories: [],
          language: 'pt-BR',
        },
        {
          guid: undefined,
          link: undefined,
          title: 'No id, summary only',
          html: 'Summary only',
          published: undefined,
          author: undefined,
          categories: [],
          language: undefined,
        },
      ],
    });
  });

  it('GIVEN a Portuguese RSS 2.0 feed THEN accents, dc:creator, categories and the raw pubDate survive', async () => {
    const feed = await parser.parse(readFixture('hand-made/portuguese.rss'));
    expect({ ...feed, items: feed.items.slice(0, 1) }).toEqual<ParsedFeed>({
      format: 'rss',
      title: 'Notícias Cripto & IA',
      link: 'https://cripto.example.com.br/',
      language: 'pt-BR',
      items: [
        {
          guid: 'cripto-42',
          link: '/2024/03/ia-tokens?utm_campaign=feed&id=42',
          title: 'Inteligência artificial impulsiona tokens de computação descentralizada',
          html: '<p>Os tokens <strong>FET</strong> e <strong>RNDR</strong> subiram após o anúncio.</p><p>Análise: “ação” &amp; reação.</p>',
          published: 'Qua, 06 Mar 2024 14:30:00 -0300',
          author: 'João Conceição',
          categories: ['Inteligência Artificial', 'Criptomoedas'],
          language: undefined,
        },
      ],
    });
    expect(feed.items[1]!.html).toBe('Mineradoras caem <em>após</em> o halving.');
  });

  it.each([
    { file: 'rss-parser/input/encoding.rss', format: 'rss', title: 'Jornal de Notícias - Últimas Notícias', firstItem: 'Mãe de utente é a nova presidente da Raríssimas' },
    { file: 'rss-parser/input/uolNoticias.rss', format: 'rss', title: 'UOL Noticias', firstItem: 'Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno' },
    { file: 'hand-made/gb2312.xml', format: 'rss', title: '加密货币与人工智能', firstItem: '人工智能代币上涨' },
    { file: 'feedparser/http_application_atom_xml_gb2312_encoding.xml', format: 'atom', title: undefined, firstItem: undefined },
    { file: 'feedparser/euc-kr.xml', format: 'rss', title: '년', firstItem: undefined },
    { file: 'feedparser/amp15.xml', format: 'atom', title: undefined, firstItem: '<b>&amp;</b>' },
  ])('GIVEN $file THEN decodes to "$title"', async ({ file, format, title, firstItem }) => {
    const feed = await parser.parse(readFixture(file));
    expect({ format: feed.format, title: feed.title, firstItem: feed.items[0]?.title }).toEqual({ format, title, firstItem });
  });
});

describe('createFeedParser rejections', () => {
  const billionLaughs =
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>' +
    '<rss version="2.0"><channel><title>&lol2;</title></channel></rss>';

  it.each([
    { name: 'an empty document', text: '', kind: 'not-a-feed', message: /^not a feed: the document is empty$/ },
    { name: 'only whitespace and a BOM', text: '\ufeff  \n\t', kind: 'not-a-feed', message: /the document is empty/ },
    { name: 'an HTML page', text: '<!DOCTYPE html><html><head><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head></html>', kind: 'not-a-feed', message: /HTML page, not a feed; the page advertises a feed at \/atom\.xml$/ },
    { name: 'an HTML page without feed links', text: '  <html><body>hello</body></html>', kind: 'not-a-feed', message: /HTML page, not a feed; find the feed URL/ },
    { name: 'plain text', text: 'Service Unavailable', kind: 'not-a-feed', message: /starts with "Service Unavailable", not with "<" \(XML\) or "\{" \(JSON Feed\)/ },
    { name: 'an OPML file', text: '<?xml version="1.0"?><opml version="2.0"><body/></opml>', kind: 'not-a-feed', message: /OPML subscription list/ },
    { name: 'an unknown XML root', text: '<sitemap><url/></sitemap>', kind: 'not-a-feed', message: /the root element is <sitemap>, not <rss>, <rdf:RDF> or <feed>/ },
    { name: 'a lower-case rdf:rdf root', text: '<rdf:rdf xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><channel/></rdf:rdf>', kind: 'parse', message: /^unsupported feed: the root element <rdf:rdf> is not .*case-sensitive/ },
    { name: 'an RSS 1.1 feed', text: '<Channel xmlns="http://purl.org/net/rss1.1#" rdf:about="x"><title>t</title></Channel>', kind: 'parse', message: /^unsupported feed: RSS 1\.1 \(root element <Channel>\)/ },
    { name: 'a Microsoft CDF channel', text: '<CHANNEL HREF="http://example.org/"><TITLE>t</TITLE></CHANNEL>', kind: 'parse', message: /^unsupported feed: Microsoft Channel Definition Format/ },
    { name: 'an Atom entry document', text: '<entry xmlns="http://www.w3.org/2005/Atom"><title>t</title></entry>', kind: 'not-a-feed', message: /single Atom entry document \(root element <entry>\)/ },
    { name: 'an AtomPub service document', text: '<service xmlns="http://www.w3.org/2007/app"/>', kind: 'not-a-feed', message: /Atom Publishing Protocol service document/ },
    { name: 'RSS without a channel', text: '<rss version="2.0"></rss>', kind: 'parse', message: /the <rss> element has no <channel>/ },
    { name: 'a billion-laughs DOCTYPE', text: billionLaughs, kind: 'parse', message: /^refused: the DOCTYPE declares entities .*billion laughs.*XXE/ },
    { name: 'an XXE SYSTEM entity', text: readFixture('w3c-feedvalidator/system_entity.xml'), kind: 'parse', message: /^refused: the DOCTYPE declares entities/ },
    { name: 'entities behind an unterminated comment', text: '<?xml version="1.0"?><!-- never closed <!DOCTYPE r [<!ENTITY x "y">]><rss/>', kind: 'parse', message: /^refused/ },
    { name: 'an internal entity (feedparser fixture)', text: readFixture('feedparser/entity_in_doctype.xml'), kind: 'parse', message: /^refused/ },
    { name: 'an unclosed channel', text: readFixture('w3c-feedvalidator/invalid_xml.xml'), kind: 'parse', message: /^not XML: Unexpected close tag at line 14, column 6 \(the XML is truncated or its tags are not balanced\), near "<\/rss>"$/ },
    { name: 'a document cut inside an element', text: '<rss version="2.0"><channel><title>T</title><item><title>cut', kind: 'parse', message: /^not XML: Unclosed root tag at line 1/ },
    { name: 'a bare ampersand and unbalanced tags', text: '<rss version="2.0"><channel>\n<title>AT&T news</b></title></channel></rss>', kind: 'parse', message: /^not XML: Invalid character in entity name at line 2, column \d+ \(an unescaped "&" or an entity XML does not define\), near "<title>AT&T news/ },
    { name: 'invalid JSON', text: '{"version": "https://jsonfeed.org/version/1.1", "items": [}', kind: 'parse', message: /^not JSON: / },
    { name: 'JSON that is not a JSON Feed', text: '{"data": []}', kind: 'not-a-feed', message: /JSON but not a JSON Feed \(no "version"/ },
    { name: 'a JSON Feed with a foreign version', text: '{"version": "https://example.com/v2", "items": []}', kind: 'not-a-feed', message: /JSON but not a JSON Feed \(version: version must be/ },
    { name: 'a JSON Feed without items', text: '{"version": "https://jsonfeed.org/version/1"}', kind: 'not-a-feed', message: /JSON but not a JSON Feed \(items: / },
    { name: 'a JSON array', text: '[1, 2]', kind: 'not-a-feed', message: /JSON array/ },
  ])('GIVEN $name THEN rejects as $kind saying why', async ({ text, kind, message }) => {
    const error = await parseError(text);
    expect(error.kind).toBe(kind);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(message);
  });
});

describe('createFeedParser tolerance', () => {
  const atom = (entry: string) => `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>${entry}</feed>`;

  it.each([
    {
      name: 'an Atom entry whose date has surrounding whitespace',
      text: atom('<entry><id>1</id><published>\n  2003-12-13T12:17:23Z\n</published></entry>'),
      item: { guid: '1', published: '2003-12-13T12:17:23Z' },
    },
    {
      name: 'an Atom <link> with text instead of href',
      text: atom('<entry><id>2</id><link>https://example.org/a</link></entry>'),
      item: { guid: '2', link: 'https://example.org/a' },
    },
    {
      name: 'an empty Atom entry',
      text: atom('<entry>\n</entry>'),
      item: {},
    },
    {
      name: 'an Atom author given as plain text',
      text: atom('<entry><id>3</id><author>Jo</author></entry>'),
      item: { guid: '3', author: 'Jo' },
    },
    {
      name: 'an RSS item whose permalink guid is the only URL',
      text: '<rss version="2.0"><channel><item><guid>https://example.org/p/1</guid><title>T</title></item></channel></rss>',
      item: { guid: 'https://example.org/p/1', link: 'https://example.org/p/1', title: 'T' },
    },
    {
      name: 'RSS categories with attributes and dc:subject',
      text: '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item><category domain="x">AI</category><category>AI</category><dc:subject>DePIN</dc:subject></item></channel></rss>',
      item: { categories: ['AI', 'DePIN'] },
    },
    {
      name: 'RSS without a version attribute and with a dc:date and an item dc:language',
      text: '<rss xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><item><title>x</title><dc:date>2024-01-02T03:04:05Z</dc:date><dc:language>it</dc:language></item></channel></rss>',
      item: { title: 'x', published: '2024-01-02T03:04:05Z', language: 'it' },
    },
    {
      name: 'an RSS 0.91 feed with the Netscape DOCTYPE (no entity declarations) and HTML entities',
      text: '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd"><rss version="0.91"><channel><item><title>caf&eacute;&nbsp;x</title></item></channel></rss>',
      item: { title: 'café\u00a0x' },
    },
  ])('GIVEN $name THEN still parses', async ({ text, item }) => {
    const feed = await parser.parse(text);
    expect(feed.items).toHaveLength(1);
    expect(feed.items[0]).toMatchObject(item);
  });

  it.each([
    {
      name: 'bare ampersands',
      text: '<rss version="2.0"><channel><title>AT&T & co</title><item><title>Q&A</title><link>http://x.example/?a=1&b=2</link></item></channel></rss>',
      repairs: ['escaped 4 bare "&" (write &amp;)'],
    },
    {
      name: 'undefined references',
      text: '<rss version="2.0"><channel><title>testing &doesnotexist; entity</title>\n<item><title>a &#26; b</title></item></channel></rss>',
      repairs: ['read the undefined reference "&doesnotexist;" on line 1 as text', 'read the undefined reference "&#26;" on line 2 as text'],
    },
    {
      name: 'a final end tag without ">"',
      text: '<rss version="2.0"><channel><title>T</title><item><title>x</title></item></channel></rss',
      repairs: ['closed the final end tag </rss (its ">" was missing)'],
    },
    { name: 'a well-formed feed', text: '<rss version="2.0"><channel><title>T</title><item><title>x</title></item></channel></rss>', repairs: undefined },
  ])('GIVEN $name THEN the repairs made are listed for the publisher', async ({ text, repairs }) => {
    const feed = await parser.parse(text);
    expect(feed.repairs).toEqual(repairs);
    expect(feed.items).toHaveLength(1);
  });

  it.each([
    {
      name: 'a bare ampersand in a title and a link',
      text: '<rss version="2.0"><channel><title>AT&T & co</title><item><title>Q&A</title><link>http://x.example/?a=1&b=2</link></item></channel></rss>',
      feed: { title: 'AT&T & co' },
      item: { title: 'Q&A', link: 'http://x.example/?a=1&b=2' },
    },
    {
      name: 'an undefined entity (kept as literal text)',
      text: '<rss version="2.0"><channel><title>testing &doesnotexist; entity</title><item><title>a &#26; b</title></item></channel></rss>',
      feed: { title: 'testing &doesnotexist; entity' },
      item: { title: 'a &#26; b' },
    },
    {
      name: 'a final end tag without ">" (feedparser entities/160.xml)',
      text: readFixture('feedparser/entities_160.xml'),
      feed: { title: 'testing \u00a0 entity' },
      item: undefined,
    },
    {
      name: 'a truncated "</rss" after an escaped link',
      text: readFixture('feedparser/rss_item_link_corrupted_ampersands.xml'),
      feed: {},
      item: { link: 'http://link/get?a=1&b=2' },
    },
    {
      name: 'a prefixed Atom root (<atom:feed>)',
      text: readFixture('w3c-feedvalidator/atom_1.2_prefixed-namespace.xml'),
      feed: { format: 'atom', title: 'Example Feed', link: 'http://example.org/' },
      item: { title: 'Atom-Powered Robots Run Amok', link: 'http://example.org/2003/12/13/atom03' },
    },
    {
      name: 'RSS 1.0 with the RSS namespace on a prefix (<rss:channel>)',
      text: readFixture('feedparser/wellformed_namespace_rss1.0withModulesNoDefNS.xml'),
      feed: { format: 'rdf' },
      item: { title: 'Test Item - RSS 1.0 no Default NS' },
    },
    {
      name: 'RSS 2.0 in a namespace on a prefix (<r:rss>)',
      text: readFixture('feedparser/wellformed_namespace_rss2.0NSwithModulesNoDefNS.xml'),
      feed: { format: 'rss' },
      item: { title: 'Test Item - - RSS2.0 w/ NS no default NS' },
    },
    {
      name: 'an Atom 0.3 base64 title',
      text: readFixture('feedparser/wellformed_atom_feed_title_base64.xml'),
      feed: { title: 'Example <b>Atom</b>' },
      item: undefined,
    },
    {
      name: 'an Atom 0.3 title with inline markup (children kept, not dropped)',
      text: readFixture('feedparser/wellformed_atom_entry_title_inline_markup.xml'),
      feed: {},
      item: { title: 'Example Atom' },
    },
    {
      name: 'an Atom 1.0 xhtml title',
      text: readFixture('feedparser/wellformed_atom10_entry_title_inline_markup.xml'),
      feed: {},
      item: { title: 'Example Atom' },
    },
    {
      name: 'xml:lang with an underscore',
      text: readFixture('feedparser/wellformed_lang_feed_xml_lang_underscore.xml'),
      feed: { language: 'en-US' },
      item: undefined,
    },
  ])('GIVEN $name THEN parses it sensibly', async ({ text, feed, item }) => {
    const parsed = await parser.parse(text);
    expect(parsed).toMatchObject(feed);
    if (item) expect(parsed.items[0]).toMatchObject(item);
  });

  it('GIVEN a comment and a processing instruction before the root THEN detects the format', async () => {
    const feed = await parser.parse('\ufeff<?xml version="1.0"?>\n<!-- generated -->\n<?xml-stylesheet href="s.xsl"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>R</title></channel></rdf:RDF>');
    expect(feed).toEqual({ format: 'rdf', title: 'R', link: undefined, language: undefined, items: [] });
  });

  it('GIVEN many parses in parallel THEN each gets its own result', async () => {
    const feeds = await Promise.all(
      Array.from({ length: 20 }, (_, i) => parser.parse(`<rss version="2.0"><channel><title>feed ${i}</title></channel></rss>`)),
    );
    expect(feeds.map((f) => f.title)).toEqual(Array.from({ length: 20 }, (_, i) => `feed ${i}`));
  });
});

describe('looksLikeHtmlPage / findAdvertisedFeeds', () => {
  it.each([
    ['<!DOCTYPE html><html>', true],
    ['\n  <!doctype HTML>', true],
    ['<!-- cms --><html lang="en">', true],
    ['<html>', true],
    ['<htmlfeed>', false],
    ['<?xml version="1.0"?><rss/>', false],
    ['', false],
  ])('GIVEN %j THEN %s', (text, expected) => {
    expect(looksLikeHtmlPage(text)).toBe(expected);
  });

  it('GIVEN alternate links of several kinds THEN returns only feed types, once each', () => {
    const html = `<head>
      <link rel="stylesheet" href="/s.css">
      <link rel="alternate" type="application/rss+xml" href="/rss">
      <link type='application/atom+xml' rel='alternate' href='/atom'>
      <link rel="alternate" type="application/feed+json" href=/feed.json>
      <link rel="alternate" hreflang="pt" href="/pt/">
      <link rel="alternate" type="application/rss+xml" href="/rss">`;
    expect(findAdvertisedFeeds(html)).toEqual(['/rss', '/atom', '/feed.json']);
  });
});
