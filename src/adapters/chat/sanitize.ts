/**
 * Untrusted text → safe chat text. Feed titles and summaries are written by
 * strangers: they must not ping a server, format a message, smuggle a link, or
 * break the HTML a platform parses. Renderers call these helpers on every piece
 * of feed-derived text; the length helpers keep platform limits exact.
 *
 * Lengths are UTF-16 code units (`string.length`). Discord counts code points and
 * Telegram counts UTF-16 units, so code units are never an under-count for either.
 */

const ZERO_WIDTH_SPACE = '\u200B';
const ELLIPSIS = '…';

// ── Plain-text hygiene ───────────────────────────────────────────────────────

/**
 * C0/C1 controls (except tab and newline), DEL, and the bidi overrides/isolates
 * that can make "gro.live//:sptth" read as a trusted link ("Trojan Source").
 * ZWJ/ZWNJ stay: emoji sequences and several scripts need them.
 */
// Matching control characters is the point of this expression.
// eslint-disable-next-line no-control-regex
const UNSAFE_CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Remove control characters (including ANSI escape introducers) and bidi
 * overrides, normalise newlines, and replace lone surrogates with U+FFFD:
 * chat APIs reject text that is not valid UTF-8, and terminals obey escapes.
 */
export function stripControlChars(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNSAFE_CONTROLS, '').replace(LONE_SURROGATE, '\uFFFD');
}

// ── URLs ─────────────────────────────────────────────────────────────────────

/**
 * The URL in canonical form when it is an absolute http(s) URL without
 * credentials; otherwise undefined. `javascript:`, `data:`, relative paths and
 * `https://trusted.com@evil.example` style links never reach a message.
 */
export function safeUrl(url: string | undefined | null): string | undefined {
  if (typeof url !== 'string') return undefined;
  const trimmed = url.trim();
  if (trimmed === '' || !URL.canParse(trimmed)) return undefined;
  const parsed = new URL(trimmed);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  if (parsed.username !== '' || parsed.password !== '' || parsed.hostname === '') return undefined;
  return parsed.href;
}

// ── Mentions ─────────────────────────────────────────────────────────────────

/**
 * Defuse Discord mention syntax in untrusted text: `@everyone`, `@here`, and
 * `<@id>`, `<@!id>`, `<@&role>`, `<#channel>`, `</command:id>`, `<id:…>`.
 * A zero-width space keeps the text readable while Discord no longer parses
 * it. `allowed_mentions: { parse: [] }` already stops pings; this also stops
 * a feed from rendering a role pill that looks like an official announcement.
 */
export function neutralizeMentions(text: string): string {
  return text
    .replace(/@(everyone|here)\b/gi, `@${ZERO_WIDTH_SPACE}$1`)
    .replace(/<(?=[@#/]|id:)/g, `<${ZERO_WIDTH_SPACE}`);
}

// ── Discord markdown ─────────────────────────────────────────────────────────

/** Characters Discord markdown gives meaning to anywhere in a line. */
const DISCORD_INLINE_SPECIAL = /[\\*_~|`>[\]()]/g;
/** Block syntax, only meaningful at the start of a line: headings, subtext, lists. */
const DISCORD_LINE_MARKER = /^([ \t]*)(#{1,3} |-# |[-+] |\d+\. )/;
/** Bare links, rendered as `<url>` so an escape right after a link cannot become part of it. */
const BARE_URL = /\bhttps?:\/\/[^\s<>]+/gi;
/** Trailing punctuation that ends a sentence rather than a URL. */
const URL_TRAILING_PUNCTUATION = /[.,:;!?'"…]+$/;

export interface DiscordEscapeOptions {
  /**
   * Render bare http(s) URLs as `<url>` autolinks (default; for descriptions
   * and field values, where Discord shows links). When false, URLs are escaped
   * like any other text (titles and field names, where links do not render).
   */
  links?: boolean;
}

/**
 * Make untrusted text display literally in Discord markdown: escapes
 * `\ * _ ~ | \` > [ ] ( )` everywhere, headings (`#`), subtext (`-#`) and list
 * markers at line starts, and neutralises mentions. `[text](javascript:…)` can
 * never become a masked link because its brackets are escaped.
 */
export function escapeDiscordMarkdown(text: string, options: DiscordEscapeOptions = {}): string {
  const links = options.links !== false;
  return stripControlChars(text)
    .split('\n')
    .map((line) => escapeDiscordLine(line, links))
    .join('\n');
}

function escapeDiscordLine(line: string, links: boolean): string {
  let head = '';
  let body = line;
  const marker = DISCORD_LINE_MARKER.exec(line);
  if (marker) {
    const [whole, indent = '', syntax = ''] = marker;
    head = indent + (/^\d/.test(syntax) ? syntax.replace('.', '\\.') : `\\${syntax}`);
    body = line.slice(whole.length);
  }
  if (!links) return head + escapeDiscordInline(body);

  let out = head;
  let last = 0;
  for (const match of body.matchAll(BARE_URL)) {
    const url = trimUrl(match[0]);
    if (safeUrl(url) === undefined) continue;
    out += escapeDiscordInline(body.slice(last, match.index)) + `<${url}>`;
    last = match.index + url.length;
  }
  return out + escapeDiscordInline(body.slice(last));
}

function escapeDiscordInline(text: string): string {
  return neutralizeMentions(text).replace(DISCORD_INLINE_SPECIAL, '\\$&');
}

/** Drop sentence punctuation and a closing bracket the URL did not open ("(see https://x.com/a)"). */
function trimUrl(raw: string): string {
  let url = raw.replace(URL_TRAILING_PUNCTUATION, '');
  for (;;) {
    const closer = url.at(-1);
    const opener = closer === ')' ? '(' : closer === ']' ? '[' : undefined;
    if (opener === undefined || countChar(url, opener) >= countChar(url, closer!)) return url;
    url = url.slice(0, -1).replace(URL_TRAILING_PUNCTUATION, '');
  }
}

function countChar(text: string, char: string): number {
  return text.split(char).length - 1;
}

// ── HTML (Telegram) ──────────────────────────────────────────────────────────

/** Escape text for an HTML text node: `& < >` (Telegram's required set). */
export function escapeHtml(text: string): string {
  return stripControlChars(text).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Escape text for a double-quoted HTML attribute value: `& < > "`. */
export function escapeHtmlAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

// ── Length ───────────────────────────────────────────────────────────────────

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
/** An HTML character reference, e.g. `&amp;`, `&#129302;`, `&#x1F916;`. */
const ENTITY_AT = /^&(?:#\d{1,8}|#x[\da-f]{1,8}|[a-z][a-z\d]{1,31});/i;
const MAX_ENTITY_LENGTH = 34;

/**
 * Shorten `text` to at most `max` UTF-16 units, ending with "…" when cut.
 * Cuts only between grapheme clusters (never inside a surrogate pair, an emoji
 * ZWJ sequence or a base + combining mark) and never inside an HTML character
 * reference; prefers the last word break when one is near the cut.
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  return cutAt(text, max, graphemeEnds(text, max - ELLIPSIS.length));
}

/**
 * End offsets of the grapheme clusters that end at or before `limit`, ascending.
 * Whether a boundary exists at p depends only on the text before p and the code
 * point after it, so segmenting a prefix slice gives the same boundaries as the
 * whole text while costing O(limit) instead of O(text).
 */
function graphemeEnds(text: string, limit: number): number[] {
  const ends: number[] = [];
  for (const { index, segment } of graphemes.segment(text.slice(0, limit + 2))) {
    const end = index + segment.length;
    if (end > limit) break;
    ends.push(end);
  }
  return ends;
}

/** `truncate` with precomputed boundaries, so a caller searching for a fit segments once. */
function cutAt(text: string, max: number, ends: readonly number[]): string {
  if (text.length <= max) return text;
  if (max < 1) return '';
  const budget = max - ELLIPSIS.length;
  let cut = lastAtMost(ends, budget);
  cut = outsideEntity(text, cut);
  cut = nearWordBreak(text, cut, budget);
  return text.slice(0, cut).trimEnd() + ELLIPSIS;
}

/** The largest value ≤ limit in an ascending array, or 0. */
function lastAtMost(sorted: readonly number[], limit: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const value = sorted[mid]!;
    if (value <= limit) {
      best = value;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return best;
}

/** Move the cut to before an HTML character reference that it would split. */
function outsideEntity(text: string, cut: number): number {
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp < 0 || cut - amp > MAX_ENTITY_LENGTH) return cut;
  const entity = ENTITY_AT.exec(text.slice(amp, amp + MAX_ENTITY_LENGTH));
  return entity && amp + entity[0].length > cut ? amp : cut;
}

/**
 * A cut mid-word reads as a typo; back up to the last whitespace when it is
 * close (a quarter of the budget, at most 80 units), else keep the hard cut.
 */
function nearWordBreak(text: string, cut: number, budget: number): number {
  if (cut === 0 || /\s/.test(text[cut] ?? ' ')) return cut;
  const window = Math.min(80, Math.floor(budget / 4));
  for (let i = cut - 1; i > 0 && i >= cut - window; i--) {
    if (/\s/.test(text[i]!)) return i;
  }
  return cut;
}

/**
 * The longest rendering of `raw` whose escaped form fits `budget` units:
 * truncates the raw text (so no escape sequence, tag or entity is ever cut)
 * and re-escapes until it fits.
 * A last line that is a lone URL is kept whole when it fits, so a long
 * description does not cost the reader its link.
 */
export function fitEscaped(raw: string, budget: number, escape: (text: string) => string): string {
  if (budget <= 0) return '';
  const whole = escape(raw);
  if (whole.length <= budget) return whole;

  const newline = raw.lastIndexOf('\n');
  const lastLine = raw.slice(newline + 1);
  if (newline > 0 && safeUrl(lastLine) !== undefined) {
    const tail = escape(lastLine);
    if (tail.length + 2 <= budget / 2) {
      const head = fitPlain(raw.slice(0, newline), budget - tail.length - 1, escape);
      return head === '' ? tail : `${head}\n${tail}`;
    }
  }
  return fitPlain(raw, budget, escape);
}

/**
 * Binary search on the raw length: escaping can expand text up to 6× (`"` → `&quot;`)
 * and unevenly, so no single estimate works; only candidates that fit are kept.
 */
function fitPlain(raw: string, budget: number, escape: (text: string) => string): string {
  let best = '';
  let lo = 1;
  let hi = Math.min(budget, raw.length);
  const ends = graphemeEnds(raw, hi);
  while (lo <= hi) {
    const keep = (lo + hi) >> 1;
    const candidate = escape(cutAt(raw, keep, ends));
    if (candidate.length <= budget) {
      best = candidate;
      lo = keep + 1;
    } else {
      hi = keep - 1;
    }
  }
  return best;
}

// ── Secrets ──────────────────────────────────────────────────────────────────

const REDACTED = '[REDACTED]';

/** Replace every occurrence of each secret in `text` (secrets shorter than 6 chars are ignored as unsafe to match). */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  return out;
}

/**
 * Scrub secrets from an error in place before it is kept as a `cause` or logged:
 * message, stack, string properties such as `url`, and nested causes. SDK errors
 * carry request URLs, and Telegram and Discord webhook URLs contain the token.
 */
export function redactError<T>(error: T, secrets: readonly string[], depth = 0): T {
  if (typeof error !== 'object' || error === null || depth > 4) return error;
  const record = error as Record<string, unknown>;
  for (const key of ['message', 'stack', ...Object.keys(record)]) {
    const value = record[key];
    if (typeof value !== 'string') continue;
    const clean = redactSecrets(value, secrets);
    if (clean === value) continue;
    try {
      record[key] = clean;
    } catch {
      // Read-only (e.g. a DOMException's message): such values never carried our secret.
    }
  }
  if ('cause' in record) redactError(record.cause, secrets, depth + 1);
  return error;
}

/**
 * As many of `lines` as fit `budget` characters (newlines included), then
 * "…and N more" for the rest; room for that last line is always kept.
 */
export function fitLines(lines: readonly string[], budget: number): string {
  const kept: string[] = [];
  let used = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const rest = lines.length - i - 1;
    const reserve = rest > 0 ? `\n…and ${rest} more`.length : 0;
    if (used + line.length + 1 + reserve > budget) {
      const more = `…and ${lines.length - i} more`;
      if (used + more.length + 1 <= budget) kept.push(more);
      break;
    }
    kept.push(line);
    used += line.length + 1;
  }
  return kept.join('\n');
}
