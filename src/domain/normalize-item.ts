/**
 * Feed item → {@link Post}: plain text from HTML, a canonical URL, a trusted
 * date and identity keys that stay stable across polls and restarts.
 *
 * Pure: no IO and no clock; the fetch time is an input.
 */
import { createHash } from 'node:crypto';
import { Parser } from 'htmlparser2';
import type { Post } from './post.ts';
import { foldTerm } from './text.ts';
import { DAY_MS, MINUTE_MS } from './time.ts';

/**
 * A feed item as parsed, before normalization (the app's `RawItem` has this
 * shape; it is restated here so the domain imports nothing from the app).
 */
export interface RawFeedItem {
  guid?: string;
  link?: string;
  title?: string;
  html?: string;
  published?: string;
  author?: string;
  categories: string[];
  language?: string;
}

/** The feed an item came from. `link` (the feed's site) resolves relative item links. */
export interface ItemSource {
  id: string;
  name: string;
  /** Configured (or feed-declared) language; an item's own language tag wins over it. */
  language?: string;
  weight: number;
  link?: string;
}

const LIMITS = {
  /** Characters of body text kept: enough for tagging, bounded for pathological feeds. */
  textChars: 20_000,
  titleChars: 300,
  /** A missing title is replaced by this much of the text. */
  fallbackTitleChars: 120,
  authorChars: 200,
  categoryChars: 100,
  categories: 50,
} as const satisfies Record<string, number>;

/**
 * Normalize one feed item. Returns `{ skipped }` with a reason when the item
 * has nothing to show (no title, text or link). `fetchedAt` (epoch ms) stands
 * in for a missing, unparseable or far-future publication date.
 */
export function normalizeItem(raw: RawFeedItem, feed: ItemSource, fetchedAt: number): Post | { skipped: string } {
  const text = truncate(htmlToText(raw.html ?? ''), LIMITS.textChars);
  const url = canonicalUrl(raw.link, feed.link) ?? '';
  let title = truncate(inlineText(raw.title ?? ''), LIMITS.titleChars);
  if (!title && !text && !url) return { skipped: 'item has no title, text or link' };
  if (!title) title = text ? excerpt(text, LIMITS.fallbackTitleChars) : url;

  const published = raw.published?.trim() ?? '';
  const parsedAt = published ? parseFeedDate(published) : undefined;
  // Far-future dates are typos or time-zone bugs; trusting them would pin the post to the top.
  const publishedAt = parsedAt === undefined || parsedAt > fetchedAt + DAY_MS ? fetchedAt : parsedAt;

  const guid = raw.guid?.trim() || undefined;
  // The identity must not depend on fetchedAt, or an undated item would look new on every poll.
  const identity = guid ? `guid:${guid}` : url ? `url:${url}` : `title:${title}\n${published}`;
  const author = cleanAuthor(raw.author);
  const lang = primaryLanguage(raw.language) ?? primaryLanguage(feed.language);

  return {
    id: sha1(`${feed.id}\n${identity}`),
    feedId: feed.id,
    source: feed.name,
    url,
    title,
    text,
    publishedAt,
    fetchedAt,
    ...(author ? { author } : {}),
    categories: cleanCategories(raw.categories),
    ...(lang ? { lang } : {}),
    sourceWeight: feed.weight,
    ...(guid ? { guid } : {}),
    titleHash: sha1(foldTerm(title).replace(/\s+/g, ' ').trim()),
  };
}

// ── HTML → text ──────────────────────────────────────────────────────────────

/** Elements whose content is never text a reader sees. */
const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'head', 'svg', 'math', 'iframe', 'object', 'canvas', 'select']);
/** Elements that end a line. */
const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'br', 'dd', 'details', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer',
  'form', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'summary',
  'table', 'tr', 'ul',
]);
/** Elements that separate words but not lines. */
const CELL = new Set(['td', 'th', 'img']);

/**
 * Plain text of an HTML fragment: script/style dropped, block elements become
 * line breaks, entities decoded, runs of whitespace collapsed, blank lines removed.
 */
export function htmlToText(html: string): string {
  if (!html) return '';
  // Most titles and many summaries are plain text: skip the tokenizer for them.
  if (!html.includes('<') && !html.includes('&')) return collapseWhitespace(html);
  const parts: string[] = [];
  let hiddenDepth = 0;
  const parser = new Parser(
    {
      onopentagname(name) {
        if (HIDDEN.has(name)) hiddenDepth++;
        else if (hiddenDepth === 0 && BLOCK.has(name)) parts.push('\n');
        else if (hiddenDepth === 0 && CELL.has(name)) parts.push(' ');
      },
      ontext(data) {
        if (hiddenDepth === 0) parts.push(data);
      },
      onclosetag(name) {
        if (HIDDEN.has(name)) hiddenDepth = Math.max(0, hiddenDepth - 1);
        else if (hiddenDepth === 0 && BLOCK.has(name)) parts.push('\n');
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return collapseWhitespace(parts.join(''));
}

/** Tags that make a title "markup" rather than text that happens to contain '<'. */
const INLINE_MARKUP = /<\/?(?:a|abbr|b|big|br|cite|code|del|em|font|i|img|ins|mark|p|q|s|small|span|strong|sub|sup|u|div)\b[^<>]*>/i;

/**
 * One line of text from a title-like field: entities decoded, markup removed
 * only when it really is markup (so "x < y" and "Use <T> generics" survive).
 */
function inlineText(value: string): string {
  if (!value) return '';
  const html = INLINE_MARKUP.test(value) ? value : value.replace(/</g, '&lt;');
  return htmlToText(html).replace(/\n+/g, ' ');
}

// Soft hyphen, zero-width space, word joiner and BOM split words invisibly; C0 controls are noise.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u00ad\u200b\u2060\ufeff\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/**
 * C1 control characters in text are windows-1252 bytes decoded as Latin-1
 * somewhere upstream ("don\u0092t"); map them to what the author typed.
 */
const C1_AS_WINDOWS_1252 = '€\u0000‚ƒ„…†‡ˆ‰Š‹Œ\u0000Ž\u0000\u0000‘’“”•–—˜™š›œ\u0000žŸ';
const C1 = /[\u0080-\u009f]/g;

function collapseWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(C1, (c) => C1_AS_WINDOWS_1252[c.charCodeAt(0) - 0x80]!)
    .replace(INVISIBLE, '')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ ?\n[\s]*/g, '\n')
    .trim();
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  // Do not cut a surrogate pair in half.
  const cut = text.charCodeAt(max - 1) >= 0xd800 && text.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
  return text.slice(0, cut);
}

/** The first `max` characters of text on one line, cut at a word boundary when one is near. */
function excerpt(text: string, max: number): string {
  const line = text.replace(/\n+/g, ' ');
  if (line.length <= max) return line;
  const cut = truncate(line, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

// ── URLs ─────────────────────────────────────────────────────────────────────

const TRACKING_PARAMS = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'msclkid', 'yclid', 'twclid', 'igshid', 'mc_cid', 'mc_eid', '_hsenc', '_hsmi',
  'ref', 'ref_src', 'ref_url', 'cmpid', 'ncid',
]);
/** `source=rss`-style markers feed generators append; other `source` values can be meaningful. */
const FEED_SOURCE_VALUES = /^(rss|feed|atom|rss_?feed|feedburner|twitterfeed)/i;

/**
 * Canonical form of a link for display and deduplication: resolved against
 * `base`, http(s) only, host lower-cased, fragment and tracking parameters
 * (utm_*, fbclid, gclid, mc_cid, ref, source=rss…) removed, remaining query
 * parameters sorted. Returns undefined for anything that is not a usable web URL.
 */
export function canonicalUrl(url: string | undefined, base?: string): string | undefined {
  const trimmed = url?.trim();
  if (!trimmed) return undefined;
  const parsed = parseUrl(trimmed, base);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname) return undefined;
  parsed.hash = '';
  if (parsed.search) {
    const kept = new URLSearchParams();
    for (const [key, value] of parsed.searchParams) {
      const name = key.toLowerCase();
      if (name.startsWith('utm_') || TRACKING_PARAMS.has(name)) continue;
      if (name === 'source' && FEED_SOURCE_VALUES.test(value)) continue;
      kept.append(key, value);
    }
    kept.sort();
    parsed.search = kept.toString();
  }
  return parsed.href;
}

function parseUrl(url: string, base: string | undefined): URL | undefined {
  try {
    return new URL(url, base);
  } catch {
    // An unusable base must not sink an absolute link.
    if (base === undefined) return undefined;
    try {
      return new URL(url);
    } catch {
      return undefined;
    }
  }
}

// ── Dates ────────────────────────────────────────────────────────────────────

/**
 * Month names by their first three folded letters: English plus the
 * abbreviations Portuguese, Spanish, French, Italian, German, Dutch and
 * Indonesian feeds put in (non-conforming) RFC 822 dates, e.g. "Seg, 24 Set 2018".
 */
const MONTHS: Readonly<Record<string, number>> = {
  jan: 1, ene: 1, gen: 1,
  feb: 2, fev: 2,
  mar: 3, mrz: 3, mrt: 3,
  apr: 4, abr: 4, avr: 4,
  may: 5, mai: 5, mag: 5, mei: 5,
  jun: 6, giu: 6,
  jul: 7, lug: 7,
  aug: 8, ago: 8, agu: 8, agt: 8, aou: 8,
  sep: 9, set: 9,
  oct: 10, okt: 10, ott: 10, out: 10,
  nov: 11,
  dec: 12, dez: 12, dic: 12, des: 12,
};

/**
 * Zone abbreviations, in minutes east of UTC. RFC 822 defines the US ones;
 * the rest are what feeds use in practice. Ambiguous names take their most
 * common meaning in feeds (CST = US Central as RFC 822 says, IST = India).
 */
const ZONES: Readonly<Record<string, number>> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0, WET: 0,
  BST: 60, CET: 60, MET: 60, MEZ: 60, WEST: 60,
  CEST: 120, MEST: 120, MESZ: 120, EET: 120, SAST: 120,
  EEST: 180, MSK: 180,
  IST: 330, ICT: 420, WIB: 420, WITA: 480, WIT: 540,
  HKT: 480, SGT: 480, PHT: 480, AWST: 480,
  JST: 540, KST: 540, ACST: 570, ACDT: 630, AEST: 600, AEDT: 660, NZST: 720, NZDT: 780,
  NDT: -150, NST: -210, ADT: -180, BRT: -180, ART: -180, AST: -240,
  EDT: -240, EST: -300, CDT: -300, CST: -360, MDT: -360, MST: -420, PDT: -420, PST: -480,
  AKDT: -480, AKST: -540, HST: -600,
};

const TIME = String.raw`(?:[\sT,]+(?:at\s+|um\s+|às\s+|as\s+)?(\d{1,2})[:.h](\d{2})(?:[:.](\d{2})(?:[.,](\d+))?)?\s*([ap]\.?m\.?)?)?`;
const ZONE = String.raw`\s*(?:(?:GMT|UTC|UT)?\s*([+-])(\d{1,2}):?(\d{2})?\b|\(?([A-Za-z]{1,5})\)?(?![A-Za-z]))?`;
const ISO_ZONE = String.raw`\s*(Z|[+-]\d{2}(?::?\d{2})?|[A-Za-z]{2,5}(?![A-Za-z]))?`;
/** ISO 8601 / RFC 3339 extended format, also with "/" or a space: "2024-03-01T09:30:00+01:00". */
const ISO_DATE = new RegExp(String.raw`^(\d{4})([-/])(\d{1,2})\2(\d{1,2})${TIME}${ISO_ZONE}`, 'i');
/** ISO 8601 basic date: "20240301T093000Z", "20021231T19:20:30.45+01:00". */
const ISO_BASIC_DATE = new RegExp(String.raw`^(\d{4})(\d{2})(\d{2})(?:T(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?${ISO_ZONE}`, 'i');
/** W3C-DTF reduced precision (dc:date): "2024" or "2024-03". */
const YEAR_MONTH = /^(\d{4})(?:-(\d{2}))?$/;
/** RFC 822 / 1123 / 850 style: "Tue, 10 Jun 2003 04:00:00 GMT", "10-Jun-03 04:00 +0200". */
const DAY_MONTH_YEAR = new RegExp(String.raw`^(?:[^\d\s,]+\s?,?\s*)?(\d{1,2})(?:\.|º|ª)?[\s\-/]+(?:de\s+)?([^\d\s\-.,/]{3,})\.?,?[\s\-/]+(?:de\s+)?(\d{4}|\d{2})${TIME}${ZONE}`, 'i');
/** "January 5, 2024 10:00 AM EST", "Mon Jan 01 2024 10:00:00 GMT+0000" (JavaScript's Date#toString). */
const MONTH_DAY_YEAR = new RegExp(String.raw`^(?:[^\d\s,]+,?\s+)?([^\d\s\-.,/]{3,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})${TIME}${ZONE}`, 'i');
/** asctime: "Sun Nov  6 08:49:37 1994". */
const ASCTIME = /^[^\d\s,]+,?\s+([^\d\s]{3,})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})/i;

/**
 * Parse a feed date: ISO 8601 / RFC 3339, RFC 822 and its variants (named
 * zones, two-digit years, localized month names), "Month D, YYYY" and asctime.
 * A date without a zone is taken as UTC. Returns epoch ms, or undefined when
 * the text is not a recognisable date.
 */
export function parseFeedDate(text: string): number | undefined {
  const value = text.trim().replace(/\s+/g, ' ');
  if (!value) return undefined;

  let m = ISO_DATE.exec(value);
  if (m) {
    const [, y, , mo, d, h, mi, s, frac, ampm, zone] = m;
    return build(+y!, +mo!, +d!, h, mi, s, frac, ampm, isoZoneMinutes(zone));
  }
  m = ISO_BASIC_DATE.exec(value);
  if (m) {
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    return build(+y!, +mo!, +d!, h, mi, s, frac, undefined, isoZoneMinutes(zone));
  }
  m = YEAR_MONTH.exec(value);
  if (m) return build(+m[1]!, m[2] === undefined ? 1 : +m[2], 1, undefined, undefined, undefined, undefined, undefined, 0);
  m = DAY_MONTH_YEAR.exec(value);
  if (m) {
    const [, d, month, y, h, mi, s, frac, ampm, sign, zh, zm, zname] = m;
    return build(fullYear(y!), monthNumber(month!), +d!, h, mi, s, frac, ampm, zoneMinutes(sign, zh, zm, zname));
  }
  m = MONTH_DAY_YEAR.exec(value);
  if (m) {
    const [, month, d, y, h, mi, s, frac, ampm, sign, zh, zm, zname] = m;
    return build(+y!, monthNumber(month!), +d!, h, mi, s, frac, ampm, zoneMinutes(sign, zh, zm, zname));
  }
  m = ASCTIME.exec(value);
  if (m) {
    const [, month, d, h, mi, s, y] = m;
    return build(+y!, monthNumber(month!), +d!, h, mi, s, undefined, undefined, 0);
  }
  return undefined;
}

function build(
  year: number,
  month: number | undefined,
  day: number,
  hour: string | undefined,
  minute: string | undefined,
  second: string | undefined,
  fraction: string | undefined,
  ampm: string | undefined,
  offsetMinutes: number | undefined,
): number | undefined {
  if (month === undefined || offsetMinutes === undefined) return undefined;
  let h = hour === undefined ? 0 : +hour;
  const mi = minute === undefined ? 0 : +minute;
  const s = second === undefined ? 0 : Math.min(+second, 59); // leap second 60 → 59
  const ms = fraction === undefined ? 0 : Math.floor(+`0.${fraction}` * 1000);
  if (ampm) {
    if (h < 1 || h > 12) return undefined;
    const pm = ampm.toLowerCase().startsWith('p');
    h = (h % 12) + (pm ? 12 : 0);
  }
  if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1 || day > 31 || h > 24 || mi > 59) return undefined;
  if (h === 24 && (mi > 0 || s > 0)) return undefined;
  const local = Date.UTC(year, month - 1, day, h, mi, s, ms);
  // Date.UTC rolls 31 June over into July; a date that does not exist is not a date.
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  return local - offsetMinutes * MINUTE_MS;
}

function fullYear(year: string): number {
  const y = +year;
  if (year.length === 4) return y;
  return y < 50 ? 2000 + y : 1900 + y;
}

function monthNumber(name: string): number | undefined {
  const folded = foldTerm(name).replace(/[^a-z]/g, '');
  // French "juin"/"juillet" share a prefix; everything else is unique in three letters.
  if (folded.startsWith('juin')) return 6;
  if (folded.startsWith('juil')) return 7;
  return MONTHS[folded.slice(0, 3)];
}

function isoZoneMinutes(zone: string | undefined): number | undefined {
  if (!zone) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone);
  return m ? zoneMinutes(m[1], m[2], m[3], undefined) : zoneMinutes(undefined, undefined, undefined, zone);
}

/** Offset in minutes; undefined when the offset is impossible. Unknown zone names count as UTC. */
function zoneMinutes(sign: string | undefined, hours: string | undefined, minutes: string | undefined, name: string | undefined): number | undefined {
  if (sign) {
    const h = +(hours ?? 0);
    const m = +(minutes ?? 0);
    if (h > 14 || m > 59) return undefined;
    return (sign === '-' ? -1 : 1) * (h * 60 + m);
  }
  return name ? (ZONES[name.toUpperCase()] ?? 0) : 0;
}

// ── Small fields ─────────────────────────────────────────────────────────────

function cleanAuthor(author: string | undefined): string | undefined {
  if (!author) return undefined;
  let name = inlineText(author);
  // RSS <author> is "email (Name)"; the name is what people recognise.
  const emailWithName = /^\S+@\S+\s*\((.+)\)$/.exec(name);
  if (emailWithName) name = emailWithName[1]!.trim();
  return truncate(name, LIMITS.authorChars) || undefined;
}

function cleanCategories(categories: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of categories) {
    const category = truncate(inlineText(raw), LIMITS.categoryChars);
    const key = category.toLowerCase();
    if (!category || seen.has(key)) continue;
    seen.add(key);
    out.push(category);
    if (out.length === LIMITS.categories) break;
  }
  return out;
}

/** BCP 47 primary subtag, lower case: "pt-BR" → "pt", "en_US" → "en"; junk → undefined. */
function primaryLanguage(tag: string | undefined): string | undefined {
  const m = tag ? /^\s*([a-z]{2,3})(?:[-_][a-z0-9-]*)?\s*$/i.exec(tag) : null;
  return m ? m[1]!.toLowerCase() : undefined;
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
