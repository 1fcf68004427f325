/**
 * Checks that run on feed text before any XML parser sees it, so a hostile
 * document is refused cheaply and with a reason: too large, entity
 * declarations (billion laughs, XXE), nesting deep enough to exhaust the stack.
 * Each check is one linear pass at most and allocates nothing per element.
 */
import { FeedError } from '../../app/ports.ts';

/** Limits applied before parsing; units in the names. */
export const XML_LIMITS = {
  // Above the fetcher's default 5 MB body cap; the parsed tree costs ~10× the text.
  maxChars: 16 * 1024 * 1024,
  // Real feeds nest < 40 deep (XHTML content included); rss-parser's tree walk overflows
  // the stack somewhere past ~5,000 levels.
  maxDepth: 256,
} as const satisfies Record<string, number>;

/** Refuse a document longer than `maxChars` characters (kind 'too-large'). */
export function checkDocumentSize(text: string, maxChars: number): void {
  if (text.length > maxChars) {
    throw new FeedError(
      'too-large',
      `refused: the document is ${text.length} characters, over the parser's ${maxChars}-character limit; ` +
        'a feed this large is almost certainly not a feed (or needs a larger limit for this source)',
      { retryable: false },
    );
  }
}

/** Refuse a DOCTYPE that declares entities: feeds never need them, attacks always do. */
export function checkDoctype(doctype: string | undefined): void {
  if (doctype !== undefined && /<!ENTITY/i.test(doctype)) {
    throw new FeedError(
      'parse',
      'refused: the DOCTYPE declares entities (<!ENTITY …>). Feeds never need them and they are the vehicle of ' +
        'entity-expansion ("billion laughs") and external-entity (XXE) attacks; ask the publisher to drop the DOCTYPE',
      { retryable: false },
    );
  }
}

/** Refuse elements nested deeper than `maxDepth`, before a recursive tree walk overflows the stack. */
export function checkNestingDepth(text: string, from: number, maxDepth: number): void {
  const depth = nestingDepthBeyond(text, from, maxDepth);
  if (depth > maxDepth) {
    throw new FeedError('parse', `refused: elements are nested more than ${maxDepth} deep; no feed needs that, and parsing it could exhaust the stack`, {
      retryable: false,
    });
  }
}

/**
 * The deepest element nesting, scanning tags only (comments, CDATA, PIs and
 * declarations are skipped, quoted attribute values may hold ">"). Stops as
 * soon as `limit` is exceeded. Ill-formed input just yields a rough count:
 * the parser reports what is wrong with it.
 */
export function nestingDepthBeyond(text: string, from: number, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let i = text.indexOf('<', from);
  while (i >= 0) {
    const next = text.charCodeAt(i + 1);
    if (next === 0x2f /* / */) {
      depth = Math.max(0, depth - 1);
      i = text.indexOf('<', i + 2);
      continue;
    }
    if (next === 0x21 /* ! */ || next === 0x3f /* ? */) {
      const close = text.startsWith('<!--', i) ? '-->' : text.startsWith('<![CDATA[', i) ? ']]>' : next === 0x3f ? '?>' : '>';
      const end = text.indexOf(close, i + 2);
      if (end < 0) break;
      i = text.indexOf('<', end + close.length);
      continue;
    }
    let j = i + 1;
    let quote = 0;
    for (; j < text.length; j++) {
      const code = text.charCodeAt(j);
      if (quote !== 0) {
        if (code === quote) quote = 0;
      } else if (code === 0x22 || code === 0x27) {
        quote = code;
      } else if (code === 0x3e /* > */ || code === 0x3c /* < */) {
        break;
      }
    }
    if (text.charCodeAt(j - 1) !== 0x2f /* self-closing */) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    }
    i = text.indexOf('<', j + (text.charCodeAt(j) === 0x3c ? 0 : 1));
  }
  return deepest;
}
