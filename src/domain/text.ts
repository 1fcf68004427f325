/**
 * Text folding for matching across languages: case, accents and Unicode
 * compatibility forms are folded while keeping a map back to the original
 * offsets, so every match can be shown to admins as it appeared in the post.
 */

export interface FoldedText {
  /** Folded text: NFKD, combining marks removed, lower case. */
  text: string;
  /** For each UTF-16 unit of `text`, the offset of the original character it came from. */
  origin: Int32Array;
}

const COMBINING_MARK = /\p{M}/u;
const foldCache = new Map<string, string>();

function foldChar(ch: string): string {
  const cached = foldCache.get(ch);
  if (cached !== undefined) return cached;
  let out = '';
  for (const part of ch.normalize('NFKD')) {
    if (!COMBINING_MARK.test(part)) out += part;
  }
  out = out.toLowerCase();
  // Characters that fold to nothing (lone marks) keep one unit so offsets stay aligned with words.
  if (foldCache.size < 50_000) foldCache.set(ch, out);
  return out;
}

/** Fold a string for matching; see {@link FoldedText}. */
export function foldText(input: string): FoldedText {
  const origin = new Int32Array(input.length * 2 + 4);
  let text = '';
  let i = 0;
  for (const ch of input) {
    // ASCII fast path: most feed text is ASCII and needs no normalization.
    const code = ch.charCodeAt(0);
    const folded = code < 0x80 ? (code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : ch) : foldChar(ch);
    for (let k = 0; k < folded.length; k++) {
      if (text.length + k >= origin.length) break;
      origin[text.length + k] = i;
    }
    text += folded;
    i += ch.length;
  }
  return { text, origin: origin.subarray(0, text.length) };
}

/** Fold a short term (keyword, alias) the same way post text is folded. */
export function foldTerm(term: string): string {
  return foldText(term).text;
}

export interface WordToken {
  /** Folded form used for lookups. */
  word: string;
  /** Offsets in the folded text. */
  start: number;
  end: number;
}

/**
 * Scripts written without spaces between words. Each of their characters is
 * its own token, so a phrase of them matches as a character sequence.
 */
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * Split folded text into word tokens. Letters and digits join into words;
 * apostrophes and hyphens inside a word split it (so "zkML-based" yields
 * "zkml", "based"); unspaced scripts yield one token per character.
 */
export function tokenize(folded: string): WordToken[] {
  const tokens: WordToken[] = [];
  let start = -1;
  const flush = (end: number) => {
    if (start >= 0) tokens.push({ word: folded.slice(start, end), start, end });
    start = -1;
  };
  for (let i = 0; i < folded.length; i++) {
    const code = folded.charCodeAt(i);
    // ASCII fast path.
    if (code < 0x80) {
      const isWord = (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || (code >= 65 && code <= 90);
      if (isWord) {
        if (start < 0) start = i;
      } else flush(i);
      continue;
    }
    // Surrogate pairs: take the whole code point.
    const isHigh = code >= 0xd800 && code <= 0xdbff;
    const ch = isHigh ? folded.slice(i, i + 2) : folded[i]!;
    if (UNSPACED.test(ch)) {
      flush(i);
      tokens.push({ word: ch, start: i, end: i + ch.length });
    } else if (WORD_CHAR.test(ch)) {
      if (start < 0) start = i;
    } else {
      flush(i);
    }
    if (isHigh) i++;
  }
  flush(folded.length);
  return tokens;
}

/** Split a folded term into the words a phrase pattern must match in order. */
export function termWords(term: string): string[] {
  return tokenize(foldTerm(term)).map((t) => t.word);
}
