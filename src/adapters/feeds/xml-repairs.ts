/**
 * Narrow repairs for the two well-formedness errors real feeds make most,
 * applied only after the strict parse failed: an "&" that starts no valid
 * reference (`?a=1&b=2`, `AT&T`, `&doesnotexist;`) and a final end tag cut
 * short (`</rss` at the end of the file). Each repair changes one thing the
 * parser pointed at, so a feed that parses strictly is never touched, and
 * anything else (unbalanced tags, truncated bodies) is still rejected.
 */

/** A SAX error as rss-parser/xml2js reports it: reason, 0-based line, column. */
export interface SaxErrorPosition {
  reason: string;
  line: number;
  column: number;
}

// An "&" not followed by a syntactically valid entity or character reference.
const BARE_AMPERSAND = /&(?![A-Za-z_:][\w.:-]*;|#[0-9]+;|#x[0-9A-Fa-f]+;)/g;

/** A repaired text and what was changed, in words for the feed's publisher. */
export interface XmlRepair {
  text: string;
  description: string;
}

/** The repaired text for this error, or undefined when it is not one we repair. */
export function repairXml(text: string, error: SaxErrorPosition): XmlRepair | undefined {
  if (/entity/i.test(error.reason)) return escapeBareAmpersands(text) ?? escapeAmpersandAt(text, error);
  if (/^Unclosed root tag/i.test(error.reason)) return closeTruncatedEndTag(text);
  return undefined;
}

function escapeBareAmpersands(text: string): XmlRepair | undefined {
  let count = 0;
  const repaired = text.replace(BARE_AMPERSAND, () => (count++, '&amp;'));
  return count === 0 ? undefined : { text: repaired, description: `escaped ${count} bare "&" (write &amp;)` };
}

/**
 * A reference that is well-formed but unknown (`&doesnotexist;`) or names a
 * character XML forbids (`&#26;`): escape the "&" the parser stopped at so the
 * reference reads as literal text, as browsers show it.
 */
function escapeAmpersandAt(text: string, { line, column }: SaxErrorPosition): XmlRepair | undefined {
  let lineStart = 0;
  for (let n = 0; n < line; n++) {
    const next = text.indexOf('\n', lineStart);
    if (next < 0) return undefined;
    lineStart = next + 1;
  }
  const at = text.lastIndexOf('&', lineStart + column);
  if (at < lineStart) return undefined;
  const reference = /^&[^;\s<]{0,40};?/.exec(text.slice(at))?.[0] ?? '&';
  return { text: `${text.slice(0, at)}&amp;${text.slice(at + 1)}`, description: `read the undefined reference ${JSON.stringify(reference)} on line ${line + 1} as text` };
}

/** `…</rss` or `…</feed` at the very end: only the ">" is missing. */
function closeTruncatedEndTag(text: string): XmlRepair | undefined {
  const match = /<\/[A-Za-z_][\w.:-]*\s*$/.exec(text);
  if (!match) return undefined;
  const tag = match[0].trimEnd();
  return { text: `${text.slice(0, match.index)}${tag}>`, description: `closed the final end tag ${tag} (its ">" was missing)` };
}
