/**
 * Feed text → {@link ParsedFeed}: RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom through
 * rss-parser, JSON Feed 1.x through zod. Every rejection says why, in words an
 * operator can act on.
 */
import Parser from 'rss-parser';
import { z } from 'zod';
import { FeedError } from '../../app/ports.ts';
import type { FeedParser, ParsedFeed, RawItem } from '../../app/ports.ts';
import { checkDoctype, checkDocumentSize, checkNestingDepth, XML_LIMITS } from './xml-guards.ts';
import { repairXml, type SaxErrorPosition } from './xml-repairs.ts';

type XmlNode = Record<string, unknown>;

export interface FeedParserOptions {
  /** Documents longer than this are refused before any parsing (default {@link XML_LIMITS}.maxChars). */
  maxChars?: number;
  /** Deeper element nesting is refused before parsing (default {@link XML_LIMITS}.maxDepth). */
  maxDepth?: number;
}

/** Create a parser for RSS, RDF, Atom and JSON Feed documents. */
export function createFeedParser(options: FeedParserOptions = {}): FeedParser {
  const limits = { maxChars: options.maxChars ?? XML_LIMITS.maxChars, maxDepth: options.maxDepth ?? XML_LIMITS.maxDepth };
  return { parse: (input) => parseFeed(input, limits) };
}

interface Limits {
  maxChars: number;
  maxDepth: number;
}

async function parseFeed(input: string, limits: Limits): Promise<ParsedFeed> {
  // Before anything else: every later step is at least linear in the length.
  checkDocumentSize(input, limits.maxChars);
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const start = firstNonSpace(text);
  if (start < 0) throw notAFeed('the document is empty');
  const first = text[start];
  if (first === '{') return parseJsonFeed(text);
  if (first === '[') throw notAFeed('it is a JSON array, not a JSON Feed object');
  if (looksLikeHtmlPage(text)) throw notAFeed(describeHtmlPage(text));
  if (first !== '<') {
    throw notAFeed(`it starts with ${JSON.stringify(text.slice(start, start + 40))}, not with "<" (XML) or "{" (JSON Feed)`);
  }
  return parseXmlFeed(text, start, limits);
}

// ── XML (RSS / RDF / Atom) ──────────────────────────────────────────────────

type XmlFormat = 'rss' | 'rdf' | 'atom';

async function parseXmlFeed(text: string, start: number, limits: Limits): Promise<ParsedFeed> {
  const prolog = scanProlog(text, start);
  // If the scan lost its way before the root, look for a DOCTYPE anywhere near the top instead.
  checkDoctype(prolog.doctype ?? (prolog.rootName === undefined ? /<!DOCTYPE[\s\S]*?(?:\]\s*>|>)/i.exec(text.slice(0, 65_536))?.[0] : undefined));
  checkNestingDepth(text, start, limits.maxDepth);
  const root = prolog.rootName === undefined ? undefined : classifyRoot(prolog.rootName, prolog.rootTag ?? '');
  const format = root?.format;
  const channel = new RegExp(`<${root?.prefix ? `${root.prefix}:` : ''}channel[\\s>/]`);
  if ((format === 'rss' || format === 'rdf') && !channel.test(text)) {
    throw new FeedError('parse', `the <${prolog.rootName}> element has no <channel>: the feed is empty or broken`, { retryable: false });
  }

  const { output, repairs } = await parseXmlRepairing(text, root?.prefix, prolog.rootName);
  const detected = format ?? formatOfOutput(text);
  const language = (firstText(output.language, output['dc:language']) ?? xmlLangOf(prolog.rootTag))?.replace(/_/g, '-');
  const rawItems = Array.isArray(output.items) ? (output.items as XmlNode[]) : [];
  return {
    format: detected,
    title: xmlText(output.title),
    link: xmlText(output.link),
    language,
    items: rawItems.map((item) => mapXmlItem(item, detected)),
    ...(repairs.length > 0 ? { repairs } : {}),
  };
}

/** Repairs tried on one document before giving up (each is a full re-parse). */
const MAX_REPAIRS = 16;

/**
 * Parse strictly; when the XML is not well-formed in a way {@link repairXml}
 * fixes, repair and parse again. A feed that still fails is rejected with the
 * first error, which is the one its publisher has to fix.
 */
async function parseXmlRepairing(text: string, prefix: string | undefined, rootName: string | undefined): Promise<{ output: XmlNode; repairs: string[] }> {
  let firstError: unknown;
  let current = text;
  const repairs: string[] = [];
  for (let attempt = 0; attempt <= MAX_REPAIRS; attempt++) {
    try {
      return { output: (await new TolerantRssParser(parserOptions(prefix)).parseString(current)) as unknown as XmlNode, repairs };
    } catch (error) {
      firstError ??= error;
      const position = saxErrorPosition(error);
      const repaired = position && attempt < MAX_REPAIRS ? repairXml(current, position) : undefined;
      if (repaired === undefined) break;
      current = repaired.text;
      repairs.push(repaired.description);
    }
  }
  throw translateParserError(firstError, text, rootName);
}

interface RootKind {
  format: XmlFormat;
  /** Namespace prefix of the feed's own elements (`<atom:feed>`), stripped before rss-parser reads them. */
  prefix?: string;
}

const RSS1_NAMESPACE = 'http://purl.org/rss/1.0/';

function classifyRoot(rootName: string, rootTag: string): RootKind {
  const colon = rootName.indexOf(':');
  const prefix = colon < 0 ? undefined : rootName.slice(0, colon);
  const local = rootName.slice(colon + 1);
  // rss-parser looks these roots up by exact (prefixed) name.
  if (rootName === 'rss') return { format: 'rss' };
  if (rootName === 'feed') return { format: 'atom' };
  if (rootName === 'rdf:RDF') {
    // RSS 1.0 elements may carry a prefix too (<rss:channel>) when it is not the default namespace.
    const rssPrefix = namespacePrefixes(rootTag).get(RSS1_NAMESPACE);
    return rssPrefix ? { format: 'rdf', prefix: rssPrefix } : { format: 'rdf' };
  }
  if (prefix !== undefined && (local === 'rss' || local === 'feed')) return { format: local === 'rss' ? 'rss' : 'atom', prefix };
  const lower = local.toLowerCase();
  if (lower === 'html') throw notAFeed('it is an HTML page (root element <html>)');
  if (lower === 'opml') throw notAFeed('it is an OPML subscription list; add the feeds it lists instead');
  if (local === 'entry') throw notAFeed(`it is a single Atom entry document (root element <${rootName}>), not a feed of entries`);
  if (local === 'service' || local === 'categories') {
    throw notAFeed(`it is an Atom Publishing Protocol ${local} document (root element <${rootName}>), not a feed`);
  }
  if (local === 'Channel' && /purl\.org\/net\/rss1\.1/.test(rootTag)) {
    throw new FeedError('parse', `unsupported feed: RSS 1.1 (root element <${rootName}>) is not read; use the site's RSS 2.0 or Atom feed`, {
      retryable: false,
    });
  }
  if (rootName === 'CHANNEL') {
    throw new FeedError('parse', "unsupported feed: Microsoft Channel Definition Format (root element <CHANNEL>, 1997) is not read; use the site's RSS or Atom feed", {
      retryable: false,
    });
  }
  if (lower === 'rss' || lower === 'rdf' || lower === 'feed') {
    throw new FeedError('parse', `unsupported feed: the root element <${rootName}> is not <rss>, <rdf:RDF> or <feed> (element names are case-sensitive)`, {
      retryable: false,
    });
  }
  throw notAFeed(`the root element is <${rootName}>, not <rss>, <rdf:RDF> or <feed>`);
}

/** `xmlns:p="uri"` declarations of a start tag, keyed by namespace URI. */
function namespacePrefixes(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const [, prefix, uri] of tag.matchAll(/\bxmlns:([\w.-]+)\s*=\s*["']([^"']*)["']/g)) found.set(uri!, prefix!);
  return found;
}

function saxErrorPosition(error: unknown): SaxErrorPosition | undefined {
  const message = error instanceof Error ? error.message : '';
  const sax = /^([^\n]*)\nLine: (\d+)\nColumn: (\d+)/.exec(message);
  return sax ? { reason: sax[1]!, line: Number(sax[2]), column: Number(sax[3]) } : undefined;
}

function formatOfOutput(text: string): XmlFormat {
  // Only reached when the prolog scan could not see the root (e.g. an odd comment); rss-parser accepted it.
  if (/<feed[\s>]/.test(text)) return 'atom';
  if (/<rdf:RDF[\s>]/.test(text)) return 'rdf';
  return 'rss';
}

function mapXmlItem(item: XmlNode, format: XmlFormat): RawItem {
  const guid = firstText(item.guid, item.id, item['rdf:about']);
  const link = xmlText(item.link) ?? (guid !== undefined && /^https?:\/\//i.test(guid) ? guid : undefined);
  const mediaGroup = item['media:group'];
  const html =
    firstText(item['content:encoded'], item.content, item.summary) ??
    (isNode(mediaGroup) ? escapeText(xmlText(mediaGroup['media:description'])) : undefined);
  const published =
    format === 'atom'
      ? firstText(item.rawPublished, item.rawUpdated, item.isoDate)
      : firstText(item.pubDate, item.date, item['dc:date'], item.isoDate);
  return {
    guid,
    link,
    title: xmlText(item.title),
    html,
    published,
    author: firstText(item.creator, item.author, item['dc:creator']),
    categories: collectCategories(item, format),
    // Only an item's own language: the feed's is on ParsedFeed, and the caller decides how it ranks against config.
    language: xmlText(item.language),
  };
}

function collectCategories(item: XmlNode, format: XmlFormat): string[] {
  const found: string[] = [];
  const add = (value: string | undefined) => {
    if (value !== undefined && !found.includes(value)) found.push(value);
  };
  if (format === 'atom') {
    // Atom puts the category in attributes: <category term="ai" label="AI"/>.
    for (const node of asArray(item.allCategories)) {
      const attrs = isNode(node) && isNode(node.$) ? node.$ : undefined;
      add(attrs ? (xmlText(attrs.term) ?? xmlText(attrs.label)) : xmlText(node));
    }
  } else {
    for (const node of asArray(item.categories)) add(xmlText(node));
  }
  for (const node of asArray(item.dcSubjects)) add(xmlText(node));
  return found;
}

type Loose = Record<string, unknown>;

function parserOptions(prefix?: string): Parser.ParserOptions<Loose, Loose> {
  // A fresh object each time: rss-parser writes defaults into the options it is given.
  const strip = prefix === undefined ? undefined : `${prefix}:`;
  return {
    defaultRSS: 2, // <rss> without a version attribute is RSS 2.0 in practice.
    xml2js: strip ? { tagNameProcessors: [(name: string) => (name.startsWith(strip) ? name.slice(strip.length) : name)] } : {},
    customFields: {
      feed: ['dc:language'],
      item: [
        ['category', 'allCategories', { keepArray: true }],
        ['dc:subject', 'dcSubjects', { keepArray: true }],
        'media:group',
      ],
    },
  };
}

/**
 * rss-parser with two Atom crashes removed: `new Date(x).toISOString()` on an
 * unparseable <published>/<updated> throws and rejects the whole feed, and a
 * <link> without attributes dereferences `undefined`. The raw date strings are
 * kept for the domain's own date parser.
 */
class TolerantRssParser extends Parser<Loose, Loose> {
  parseItemAtom(input: unknown): XmlNode {
    // An empty <entry></entry> arrives as a whitespace string, and 'x'.link is String.prototype.link.
    const entry = isNode(input) ? input : {};
    const safe: XmlNode = { ...entry, link: repairAtomLinks(entry.link), title: atomTitle(entry.title) };
    for (const key of ['published', 'updated']) {
      // rss-parser dates the untrimmed text; V8 rejects an ISO date with surrounding whitespace.
      const raw = collectText(entry[key], 0);
      if (raw !== '' && Number.isNaN(new Date(raw).getTime())) delete safe[key];
    }
    const item = rssParserInternals.parseItemAtom!.call(this, safe);
    item.rawPublished = xmlText(entry.published);
    item.rawUpdated = xmlText(entry.updated);
    if (item.author === undefined) {
      const [author] = asArray(entry.author);
      item.author = typeof author === 'string' ? author : undefined;
    }
    return item;
  }

  buildAtomFeed(xmlObj: { feed: XmlNode }): XmlNode {
    const feed = isNode(xmlObj.feed) ? xmlObj.feed : {};
    return rssParserInternals.buildAtomFeed!.call(this, { feed: { ...feed, link: repairAtomLinks(feed.link), title: atomTitle(feed.title) } });
  }
}

/**
 * rss-parser takes a title's text node and drops its child elements ("Example
 * <b>Atom</b>" → "Example") and ignores Atom 0.3 mode="base64"; read it ourselves.
 */
function atomTitle(titles: unknown): string[] | undefined {
  const title = xmlText(asArray(titles)[0]);
  return title === undefined ? undefined : [title];
}

/** Methods of rss-parser 3.x that its typings do not declare; overridden above. */
interface RssParserInternals {
  parseItemAtom?(this: unknown, entry: unknown): XmlNode;
  buildAtomFeed?(this: unknown, xmlObj: { feed: XmlNode }): XmlNode;
}
const rssParserInternals = Parser.prototype as unknown as RssParserInternals;

function repairAtomLinks(links: unknown): unknown {
  if (!Array.isArray(links)) return links;
  return links.map((link: unknown) => {
    const attrs = isNode(link) && isNode(link.$) ? link.$ : undefined;
    // <link>https://…</link> is invalid Atom but common; treat its text as the href.
    if (!attrs) return { $: { href: xmlText(link), rel: 'alternate' } };
    // A link without rel is an alternate (RFC 4287 §4.2.7.2); rss-parser only finds explicit ones.
    return attrs.rel === undefined ? { ...link as XmlNode, $: { ...attrs, rel: 'alternate' } } : link;
  });
}

function translateParserError(error: unknown, text: string, rootName: string | undefined): FeedError {
  const message = error instanceof Error ? error.message : String(error);
  const sax = /^([^\n]*)\nLine: (\d+)\nColumn: (\d+)/.exec(message);
  if (sax) {
    const [, reason = 'malformed XML', line0 = '0', column = '0'] = sax;
    const line = Number(line0) + 1;
    return new FeedError('parse', `not XML: ${reason.replace(/\.$/, '')} at line ${line}, column ${column}${saxHint(reason)}${nearText(text, line, Number(column))}`, {
      retryable: false,
      cause: error,
    });
  }
  if (/not recognized as RSS/i.test(message)) {
    return notAFeed(`the root element${rootName ? ` <${rootName}>` : ''} is not <rss>, <rdf:RDF> or <feed>`, error);
  }
  if (/Unable to parse XML/i.test(message)) return notAFeed('the document has no XML content', error);
  const hint = rootName !== 'feed' && !/<channel[\s>/]/.test(text) ? ' (it has no <channel> element)' : '';
  return new FeedError('parse', `could not read the feed structure${hint}: ${message}`, { retryable: false, cause: error });
}

function saxHint(reason: string): string {
  if (/entity/i.test(reason)) return ' (an unescaped "&" or an entity XML does not define)';
  if (/close tag|Unclosed/i.test(reason)) return ' (the XML is truncated or its tags are not balanced)';
  return '';
}

/** The text around a parser error position (1-based line, sax column), quoted for the message. */
function nearText(text: string, line: number, column: number): string {
  let from = 0;
  for (let i = 1; i < line; i++) {
    const next = text.indexOf('\n', from);
    if (next < 0) return '';
    from = next + 1;
  }
  const end = text.indexOf('\n', from);
  const content = text.slice(from, end < 0 ? text.length : end);
  const around = content.slice(Math.max(0, column - 40), column + 20).trim();
  return around ? `, near ${JSON.stringify(around)}` : '';
}

// ── Prolog scan: root element, DOCTYPE ──────────────────────────────────────

interface Prolog {
  rootName?: string;
  /** The root start tag, e.g. `<feed xmlns="…" xml:lang="pt">`. */
  rootTag?: string;
  doctype?: string;
}

/** Walk the prolog (XML declaration, comments, PIs, DOCTYPE) up to the root start tag. */
function scanProlog(text: string, from: number): Prolog {
  let doctype: string | undefined;
  let i = from;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) {
      i++;
    } else if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) break;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) break;
      i = end + 3;
    } else if (/^<!DOCTYPE/i.test(text.slice(i, i + 9))) {
      const end = doctypeEnd(text, i + 9);
      doctype = text.slice(i, end);
      i = end;
    } else {
      const match = /^<([A-Za-z_][\w.:-]*)/.exec(text.slice(i, i + 256));
      if (!match) break;
      const tagEnd = text.indexOf('>', i);
      const rootTag = text.slice(i, tagEnd < 0 ? Math.min(text.length, i + 4096) : tagEnd + 1);
      return { rootName: match[1], rootTag, doctype };
    }
  }
  return { doctype };
}

/** End of `<!DOCTYPE …>`, skipping an internal subset `[…]` and quoted strings. */
function doctypeEnd(text: string, from: number): number {
  let quote = 0;
  let inSubset = false;
  for (let j = from; j < text.length; j++) {
    const code = text.charCodeAt(j);
    if (quote !== 0) {
      if (code === quote) quote = 0;
    } else if (code === 0x22 || code === 0x27) {
      quote = code;
    } else if (code === 0x5b) {
      inSubset = true;
    } else if (code === 0x5d) {
      inSubset = false;
    } else if (code === 0x3e && !inSubset) {
      return j + 1;
    }
  }
  return text.length;
}

function xmlLangOf(rootTag: string | undefined): string | undefined {
  if (!rootTag) return undefined;
  return /\bxml:lang\s*=\s*["']([^"']+)["']/.exec(rootTag)?.[1]?.trim() || undefined;
}

// ── HTML pages ───────────────────────────────────────────────────────────────

/** True when the text is an HTML page (`<!doctype html` or `<html` after optional whitespace and comments). */
export function looksLikeHtmlPage(text: string): boolean {
  let i = firstNonSpace(text);
  // Skip leading comments (common on generated pages) without scanning far.
  for (let guard = 0; i >= 0 && guard < 8 && text.startsWith('<!--', i); guard++) {
    const end = text.indexOf('-->', i + 4);
    if (end < 0) return false;
    i = firstNonSpace(text, end + 3);
  }
  if (i < 0) return false;
  const head = text.slice(i, i + 15).toLowerCase();
  return head.startsWith('<!doctype html') || /^<html[\s>]/.test(head);
}

/** Feed URLs an HTML page advertises with `<link rel="alternate" type="application/rss+xml" href="…">`. */
export function findAdvertisedFeeds(html: string): string[] {
  const found: string[] = [];
  const head = html.slice(0, 256 * 1024);
  for (const [tag] of head.matchAll(/<link\b[^>]*>/gi)) {
    const attr = (name: string) => new RegExp(`\\b${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
    const pick = (m: RegExpExecArray | null) => (m ? (m[1] ?? m[2] ?? m[3] ?? '').trim() : '');
    const rel = pick(attr('rel')).toLowerCase();
    const type = pick(attr('type')).toLowerCase();
    const href = pick(attr('href'));
    if (rel.split(/\s+/).includes('alternate') && /(rss|atom|rdf)\+xml|feed\+json/.test(type) && href && !found.includes(href)) {
      found.push(href);
    }
  }
  return found;
}

function describeHtmlPage(text: string): string {
  const feeds = findAdvertisedFeeds(text);
  if (feeds.length === 0) return 'it is an HTML page, not a feed; find the feed URL (often /feed, /rss or /atom.xml) and use that';
  return `it is an HTML page, not a feed; the page advertises ${feeds.length === 1 ? 'a feed' : 'feeds'} at ${feeds.slice(0, 3).join(', ')}`;
}

// ── JSON Feed ────────────────────────────────────────────────────────────────

const optionalString = z.string().optional().catch(undefined);
const jsonFeedAuthor = z.looseObject({ name: optionalString });
const jsonFeedItem = z.looseObject({
  id: z
    .union([z.string(), z.number()])
    .transform((id) => String(id))
    .optional()
    .catch(undefined),
  url: optionalString,
  external_url: optionalString,
  title: optionalString,
  content_html: optionalString,
  content_text: optionalString,
  summary: optionalString,
  date_published: optionalString,
  date_modified: optionalString,
  author: jsonFeedAuthor.optional().catch(undefined),
  authors: z.array(jsonFeedAuthor.catch({})).optional().catch(undefined),
  tags: z.array(z.unknown()).optional().catch(undefined),
  language: optionalString,
});
const jsonFeed = z.looseObject({
  version: z.string().regex(/^https?:\/\/jsonfeed\.org\/version\/1(\.\d+)?\/?$/, 'version must be https://jsonfeed.org/version/1 or /1.1'),
  title: optionalString,
  home_page_url: optionalString,
  language: optionalString,
  items: z.array(z.unknown()),
});

function parseJsonFeed(text: string): ParsedFeed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FeedError('parse', `not JSON: ${(error as Error).message}`, { retryable: false, cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw notAFeed('it is JSON but not a JSON Feed object');
  if (!('version' in json)) throw notAFeed('it is JSON but not a JSON Feed (no "version": "https://jsonfeed.org/version/1.1")');
  const feed = jsonFeed.safeParse(json);
  if (!feed.success) {
    const issue = feed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw notAFeed(`it is JSON but not a JSON Feed (${where}${issue?.message ?? 'invalid'})`, feed.error);
  }
  const language = nonEmpty(feed.data.language);
  const items: RawItem[] = [];
  for (const candidate of feed.data.items) {
    const parsed = jsonFeedItem.safeParse(candidate);
    if (!parsed.success) continue; // not an object: nothing to salvage
    const item = parsed.data;
    const authors = [item.author, ...(item.authors ?? [])];
    items.push({
      guid: nonEmpty(item.id),
      link: nonEmpty(item.url) ?? nonEmpty(item.external_url),
      title: nonEmpty(item.title),
      html: nonEmpty(item.content_html) ?? escapeText(nonEmpty(item.content_text) ?? nonEmpty(item.summary)),
      published: nonEmpty(item.date_published) ?? nonEmpty(item.date_modified),
      author: authors.map((a) => nonEmpty(a?.name)).find((name) => name !== undefined),
      categories: [...new Set((item.tags ?? []).filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim()))],
      language: nonEmpty(item.language),
    });
  }
  return { format: 'json', title: nonEmpty(feed.data.title), link: nonEmpty(feed.data.home_page_url), language, items };
}

// ── Helpers ──────────────────────────────────────────────────────────────────

function notAFeed(reason: string, cause?: unknown): FeedError {
  return new FeedError('not-a-feed', `not a feed: ${reason}`, { retryable: false, cause });
}

function firstNonSpace(text: string, from = 0): number {
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0xfeff) return i;
  }
  return -1;
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The text of an xml2js value: a string, `{ _: text, $: attrs }`, or nested
 * elements (Atom type="xhtml"), whose text is concatenated. Trimmed; empty → undefined.
 */
function xmlText(value: unknown): string | undefined {
  return nonEmpty(collectText(value, 0));
}

function collectText(value: unknown, depth: number): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (depth > 16 || typeof value !== 'object' || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => collectText(v, depth + 1)).join(' ');
  const node = value as XmlNode;
  const attrs = isNode(node.$) ? node.$ : undefined;
  // Atom 0.3 mode="base64".
  if (typeof node._ === 'string' && attrs?.mode === 'base64') return Buffer.from(node._, 'base64').toString('utf8');
  // Mixed content (Atom type="xhtml": <div>Example <b>Atom</b></div>) arrives as the element's
  // own text in `_` plus its children; xml2js keeps no order between them, so text comes
  // first, then each child's, space-separated, rather than dropping the children.
  const parts = typeof node._ === 'string' ? [node._] : [];
  for (const [key, child] of Object.entries(node)) if (key !== '$' && key !== '_') parts.push(collectText(child, depth + 1));
  return parts
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join(' ');
}

function firstText(...values: unknown[]): string | undefined {
  for (const value of values) {
    const text = xmlText(value);
    if (text !== undefined) return text;
  }
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/** Plain text → HTML that renders the same (RawItem.html is HTML). */
function escapeText(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>');
}
