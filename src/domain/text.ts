/**
 * Text folding and word scanning for matching across languages.
 *
 * Folding: Unicode compatibility forms (full-width letters, ligatures,
 * half-width katakana) are unified, accents and other diacritics removed,
 * case folded, and a few letters that do not decompose (ß, ø, æ, œ, ł, ı…)
 * spelled out, so "INFERÊNCIA", "inferência" and "inferencia" are one word.
 * Kana voicing marks and Hangul syllables survive: they are letters, not accents.
 *
 * Scanning: letters and digits form words; scripts written without spaces
 * (Chinese, Japanese, Korean, Thai) give one word per character so phrases
 * match as character sequences; `#hashtags` and `$CASHTAGS` are flagged; every
 * word keeps its offsets in the original text so matches can be shown to
 * admins exactly as they appeared in the post.
 */

export interface FoldedText {
  /** Folded text: compatibility-normalized, diacritics removed, lower case. */
  text: string;
  /** For each UTF-16 unit of `text`, the offset of the original character it came from. */
  origin: Int32Array;
}

/** What a code point is for scanning, and how it folds. */
interface CharInfo {
  folded: string;
  /** 0 separator, 1 letter/digit, 2 letter of a script written without spaces, 3 combining mark. */
  kind: 0 | 1 | 2 | 3;
  upper: boolean;
  lower: boolean;
}

const SEPARATOR = 0;
const WORD = 1;
const UNSPACED_CHAR = 2;
const MARK = 3;

/** Combining diacritics (removed); other marks (kana voicing, Indic vowel signs) are kept. */
function isDiacritic(code: number): boolean {
  return (
    (code >= 0x0300 && code <= 0x036f) ||
    (code >= 0x1ab0 && code <= 0x1aff) ||
    (code >= 0x1dc0 && code <= 0x1dff) ||
    (code >= 0x20d0 && code <= 0x20ff) ||
    (code >= 0xfe20 && code <= 0xfe2f)
  );
}

function stripDiacritics(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) if (!isDiacritic(s.charCodeAt(i))) out += s[i];
  return out;
}
const UNSPACED = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]/u;
const IS_MARK = /^\p{M}/u;
const IS_UPPER = /^\p{Lu}/u;
const IS_LOWER = /^\p{Ll}/u;

/** Voiced sound marks written as separate characters, as the combining marks NFC composes with kana. */
const VOICING: Record<number, string> = { 0xff9e: '\u3099', 0xff9f: '\u309a', 0x309b: '\u3099', 0x309c: '\u309a' };

/** "カ" + combining "゙" → "ガ"; anything else is returned as is. */
function composeKana(base: string, mark: string): string | undefined {
  if (mark !== '\u3099' && mark !== '\u309a') return undefined;
  const composed = (base + mark).normalize('NFC');
  return composed.length === base.length ? composed : undefined;
}

/** Letters that compatibility decomposition leaves alone but readers treat as plain letters. */
const SPELLED_OUT: Record<string, string> = {
  ß: 'ss', ẞ: 'ss', ı: 'i', ø: 'o', æ: 'ae', œ: 'oe', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ħ: 'h', ŀ: 'l', ŧ: 't', ς: 'σ',
  // Katakana prolonged-sound marks in their half-width and full-width forms fold alike.
  'ｰ': 'ー',
};

/** Basic Multilingual Plane characters by code point: an array index is cheaper than a hash lookup per character. */
const bmpCache: (CharInfo | undefined)[] = new Array<CharInfo | undefined>(0x10000);
const astralCache = new Map<number, CharInfo>();
const MAX_CACHED_ASTRAL = 10_000;

function charInfo(cp: number): CharInfo {
  const cached = cp < 0x10000 ? bmpCache[cp] : astralCache.get(cp);
  if (cached) return cached;
  const ch = String.fromCodePoint(cp);
  let info: CharInfo;
  if (IS_MARK.test(ch) || (cp >= 0xff9e && cp <= 0xff9f) || (cp >= 0x309b && cp <= 0x309c)) {
    // Voiced sound marks, half-width (ﾞ) or spacing (゛), compose with the kana before them, as combining marks do.
    // A combining mark after a letter (decomposed input): part of the word, folds to nothing when it is an accent.
    info = { folded: VOICING[cp] ?? stripDiacritics(ch), kind: MARK, upper: false, lower: false };
  } else if (LETTER_OR_DIGIT.test(ch)) {
    let folded = stripDiacritics(ch.normalize('NFKD')).normalize('NFC').toLowerCase();
    let spelled = '';
    for (const part of folded) spelled += SPELLED_OUT[part] ?? part;
    folded = spelled;
    info = { folded, kind: UNSPACED.test(ch) ? UNSPACED_CHAR : WORD, upper: IS_UPPER.test(ch), lower: IS_LOWER.test(ch) };
  } else {
    // Punctuation and symbols stay as they are: "™" must not become the letters "tm" glued to a name.
    info = { folded: ch, kind: SEPARATOR, upper: false, lower: false };
  }
  if (cp < 0x10000) bmpCache[cp] = info;
  else if (astralCache.size < MAX_CACHED_ASTRAL) astralCache.set(cp, info);
  return info;
}

/** Fold a string for matching; see {@link FoldedText}. */
export function foldText(input: string): FoldedText {
  // Pure ASCII (most feed text) needs only lower-casing, and offsets do not move.
  if (isAscii(input)) {
    const origin = new Int32Array(input.length);
    for (let i = 0; i < input.length; i++) origin[i] = i;
    return { text: input.toLowerCase(), origin };
  }
  return foldNonAscii(input);
}

/** Units decoded per `String.fromCharCode` call: well under engines' argument limits. */
const DECODE_CHUNK = 4096;

/**
 * {@link foldText} for text with non-ASCII characters: folded units go into a
 * typed buffer, not one string per character, and become a string once.
 */
function foldNonAscii(input: string): FoldedText {
  let units = new Uint16Array(input.length + 16);
  let origin = new Int32Array(input.length + 16);
  let length = 0;
  // The previous code point's folded units (a voicing mark may compose with them); -1 before the first.
  let partStart = -1;
  const reserve = (extra: number) => {
    if (length + extra <= units.length) return;
    const size = Math.max(units.length * 2, length + extra);
    const grownUnits = new Uint16Array(size);
    grownUnits.set(units.subarray(0, length));
    units = grownUnits;
    const grownOrigin = new Int32Array(size);
    grownOrigin.set(origin.subarray(0, length));
    origin = grownOrigin;
  };
  for (let i = 0; i < input.length; i++) {
    const cp = input.codePointAt(i)!;
    if (cp < 0x80) {
      reserve(1);
      partStart = length;
      units[length] = cp >= 65 && cp <= 90 ? cp + 32 : cp;
      origin[length++] = i;
      continue;
    }
    const folded = charInfo(cp).folded;
    if (partStart >= 0 && (folded === '\u3099' || folded === '\u309a')) {
      const base = decodeUnits(units, partStart, length);
      const composed = composeKana(base, folded);
      if (composed !== undefined) {
        for (let k = 0; k < composed.length; k++) units[partStart + k] = composed.charCodeAt(k);
        continue;
      }
    }
    reserve(folded.length);
    partStart = length;
    for (let k = 0; k < folded.length; k++) {
      units[length] = folded.charCodeAt(k);
      origin[length++] = i;
    }
    if (cp > 0xffff) i++;
  }
  return { text: decodeUnits(units, 0, length), origin: origin.slice(0, length) };
}

function decodeUnits(units: Uint16Array, from: number, to: number): string {
  let out = '';
  for (let at = from; at < to; at += DECODE_CHUNK) {
    out += String.fromCharCode.apply(null, units.subarray(at, Math.min(to, at + DECODE_CHUNK)) as unknown as number[]);
  }
  return out;
}

/** Fold a short term (keyword, alias, name) the same way post text is folded. */
export function foldTerm(term: string): string {
  return foldText(term).text;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}

export interface WordToken {
  /** Folded form used for lookups. */
  word: string;
  /** Offsets in the folded text. */
  start: number;
  end: number;
}

/**
 * Split folded text into word tokens. Letters and digits join into words;
 * apostrophes, hyphens and dots split them ("zkML-based" yields "zkml",
 * "based"); scripts without spaces yield one token per character.
 */
export function tokenize(folded: string): WordToken[] {
  const { starts, ends } = tokenOffsets(folded);
  return starts.map((start, k) => ({ word: folded.slice(start, ends[k]), start, end: ends[k]! }));
}

/** Where the {@link tokenize} tokens of folded text start and end, without making their strings. */
export function tokenOffsets(folded: string): { starts: number[]; ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  let start = -1;
  for (let i = 0; i < folded.length; i++) {
    const code = folded.charCodeAt(i);
    if (code < 0x80) {
      if (ASCII_CLASS[code]! !== 0) {
        if (start < 0) start = i;
      } else if (start >= 0) {
        starts.push(start);
        ends.push(i);
        start = -1;
      }
      continue;
    }
    const cp = folded.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const kind = charInfo(cp).kind;
    if (kind === WORD || (kind === MARK && start >= 0)) {
      if (start < 0) start = i;
    } else {
      if (start >= 0) {
        starts.push(start);
        ends.push(i);
      }
      start = -1;
      if (kind === UNSPACED_CHAR) {
        starts.push(i);
        ends.push(i + width);
      }
    }
    if (width === 2) i++;
  }
  if (start >= 0) {
    starts.push(start);
    ends.push(folded.length);
  }
  return { starts, ends };
}

// ── Word scan on original text ───────────────────────────────────────────────

/** Word flags in {@link WordScan.flags}. */
export const WordFlag = {
  /** Written `$NEAR`. */
  Cashtag: 1,
  /** Written `#zkML`. */
  Hashtag: 2,
  /** Starts with an upper-case letter ("Render", "NEAR"). */
  Capital: 4,
  /** Has letters and none of them lower case ("NEAR", "RNDR"). */
  AllUpper: 8,
  /** One character of a script written without spaces. */
  Unspaced: 16,
  /** An upper-case letter follows a lower-case one ("zkML", "AkashML"): camel case. */
  Camel: 32,
  /** Only ASCII letters (candidates for Indonesian affix stripping). */
  AsciiLetters: 64,
  /** Contains a digit. */
  Digit: 128,
} as const;

/**
 * The words of a text in order, as parallel arrays (cheaper than one object
 * per word on multi-megabyte inputs): folded form, offsets in `text`, flags.
 */
export interface WordScan {
  /** The text the offsets refer to (the input, NFC-normalized when it was not already). */
  text: string;
  /** The text is plain ASCII (so its words are exactly its runs of ASCII letters and digits). */
  ascii?: boolean;
  /** Some word is a character of a script written without spaces. */
  unspaced?: boolean;
  words: string[];
  starts: number[];
  ends: number[];
  flags: number[];
}

/**
 * Scan a text into words with original offsets and flags; see {@link WordScan}.
 * One pass, no regular expressions on the ASCII path.
 */
export function scanWords(input: string): WordScan {
  const scan = scanWordsLazy(input);
  for (let i = 0; i < scan.words.length; i++) wordOf(scan, i);
  return scan as WordScan;
}

/**
 * A {@link WordScan} whose plain-ASCII words are left unmade (`undefined`)
 * until {@link wordOf} asks for them: the tagger looks most words up by their
 * length and letters first, and never needs the string for most of them.
 */
export interface LazyWordScan extends Omit<WordScan, 'words'> {
  words: (string | undefined)[];
}

/** Word `i` of a lazy scan, made (lower-cased) on first use. */
export function wordOf(scan: LazyWordScan, i: number): string {
  const made = scan.words[i];
  if (made !== undefined) return made;
  const word = scan.text.slice(scan.starts[i], scan.ends[i]).toLowerCase();
  scan.words[i] = word;
  return word;
}

/** {@link scanWords} without making the ASCII words' strings; see {@link LazyWordScan}. */
export function scanWordsLazy(input: string): LazyWordScan {
  const ascii = isAscii(input);
  const text = ascii ? input : toNfc(input);
  const n = text.length;
  const words: (string | undefined)[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const flags: number[] = [];
  let count = 0;
  // The word being read, when it has non-ASCII letters (ASCII words are read in one inner loop).
  let start = -1;
  let unspaced = false;
  let folded = '';
  let hasUpper = false;
  let hasLower = false;
  let camel = false;

  const push = (word: string | undefined, from: number, to: number, f: number) => {
    const before = from > 0 ? text.charCodeAt(from - 1) : 0;
    if ((before === 36 || before === 35) && !isWordCharAt(text, from - 2)) f |= before === 36 ? WordFlag.Cashtag : WordFlag.Hashtag;
    words.push(word);
    starts[count] = from;
    ends[count] = to;
    flags[count++] = f;
  };
  const flushSlow = (to: number) => {
    if (start < 0) return;
    if (folded.length > 0) {
      let f = 0;
      if (startsUpper(text, start)) f |= WordFlag.Capital;
      if (hasUpper && !hasLower) f |= WordFlag.AllUpper;
      if (camel) f |= WordFlag.Camel;
      push(folded, start, to, f);
    }
    start = -1;
  };

  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      const cls = ASCII_CLASS[code]!;
      if (cls === 0) {
        flushSlow(i);
        i++;
        continue;
      }
      if (start >= 0) {
        // An ASCII letter inside a word that already has non-ASCII letters.
        folded += cls === UPPER ? String.fromCharCode(code + 32) : text[i];
        if (cls === UPPER) {
          if (hasLower) camel = true;
          hasUpper = true;
        } else if (cls === LOWER) hasLower = true;
        i++;
        continue;
      }
      // Fast path: read a run of ASCII letters and digits in one loop.
      const from = i;
      let upper = 0;
      let lower = 0;
      let digits = 0;
      let isCamel = false;
      let prev = 0;
      while (i < n) {
        const c = text.charCodeAt(i);
        const k = c < 0x80 ? ASCII_CLASS[c]! : -1;
        if (k <= 0) break;
        if (k === UPPER) {
          if (prev === LOWER) isCamel = true;
          upper++;
        } else if (k === LOWER) lower++;
        else digits++;
        prev = k;
        i++;
      }
      if (i < n && text.charCodeAt(i) >= 0x80 && continuesWord(text, i)) {
        // The word goes on with non-ASCII letters ("Straße", "zkML中"): continue it on the slow path.
        start = from;
        folded = upper > 0 ? text.slice(from, i).toLowerCase() : text.slice(from, i);
        hasUpper = upper > 0;
        hasLower = lower > 0;
        camel = isCamel;
        continue;
      }
      let f = 0;
      const first = text.charCodeAt(from);
      if (first >= 65 && first <= 90) f |= WordFlag.Capital;
      if (upper > 0 && lower === 0) f |= WordFlag.AllUpper;
      if (isCamel) f |= WordFlag.Camel;
      if (digits > 0) f |= WordFlag.Digit;
      else f |= WordFlag.AsciiLetters;
      push(undefined, from, i, f);
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const info = charInfo(cp);
    if (info.kind === MARK && start < 0 && count > 0 && ends[count - 1] === i && flags[count - 1]! & WordFlag.Unspaced) {
      // A voicing mark after a kana (half-width "ｶﾞ"): part of that character.
      const last = count - 1;
      words[last] = composeKana(words[last]!, info.folded) ?? words[last]!;
      ends[last] = i + width;
    } else if (info.kind === WORD || (info.kind === MARK && start >= 0)) {
      if (start < 0) {
        start = i;
        folded = '';
        hasUpper = hasLower = camel = false;
      }
      folded += info.folded;
      if (info.upper) {
        if (hasLower) camel = true;
        hasUpper = true;
      } else if (info.lower) hasLower = true;
    } else {
      flushSlow(i);
      if (info.kind === UNSPACED_CHAR) {
        unspaced = true;
        words.push(info.folded);
        starts[count] = i;
        ends[count] = i + width;
        flags[count++] = WordFlag.Unspaced;
      }
    }
    i += width;
  }
  flushSlow(n);
  return { text, ascii, unspaced, words, starts, ends, flags };
}

// ── Prepared text ────────────────────────────────────────────────────────────

/**
 * A post field read once for every analysis of it: tagging and sentiment
 * share its word scan instead of each reading the text again. Build with
 * {@link prepareText}; the scan is made on first use.
 */
export interface PreparedText {
  readonly text: string;
  /** @internal see {@link wordScanOf} */
  scan?: LazyWordScan;
  /** @internal see {@link isAsciiText} */
  ascii?: boolean;
}

/** A post's title and text, prepared; see {@link PreparedText}. */
export interface PreparedPost {
  readonly title: PreparedText;
  readonly text: PreparedText;
}

export function prepareText(text: string): PreparedText {
  return { text };
}

export function preparePost(post: { title: string; text: string }): PreparedPost {
  return { title: prepareText(post.title), text: prepareText(post.text) };
}

/** The {@link scanWordsLazy} scan of a prepared text, made once. */
export function wordScanOf(prepared: PreparedText): LazyWordScan {
  return (prepared.scan ??= scanWordsLazy(prepared.text));
}

/** Whether a prepared text is plain ASCII (known from its scan when it has one). */
export function isAsciiText(prepared: PreparedText): boolean {
  return (prepared.ascii ??= prepared.scan ? prepared.scan.ascii === true : isAscii(prepared.text));
}

/** ASCII character classes for the scanner: 0 separator, then LOWER, UPPER, DIGIT. */
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 97; c <= 122; c++) ASCII_CLASS[c] = LOWER;
for (let c = 65; c <= 90; c++) ASCII_CLASS[c] = UPPER;
for (let c = 48; c <= 57; c++) ASCII_CLASS[c] = DIGIT;

/** Whether the non-ASCII character at `i` continues a word (a letter, digit or combining mark, not an unspaced-script character). */
function continuesWord(text: string, i: number): boolean {
  const kind = charInfo(text.codePointAt(i)!).kind;
  return kind === WORD || kind === MARK;
}

function toNfc(s: string): string {
  return s.normalize('NFC');
}

function isWordCharAt(text: string, i: number): boolean {
  if (i < 0) return false;
  const code = text.charCodeAt(i);
  if (code < 0x80) return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
  const kind = charInfo(text.codePointAt(i)!).kind;
  return kind === WORD || kind === UNSPACED_CHAR;
}

function startsUpper(text: string, i: number): boolean {
  const code = text.charCodeAt(i);
  if (code < 0x80) return code >= 65 && code <= 90;
  return charInfo(text.codePointAt(i)!).upper;
}

/** Split a folded term into the words a phrase pattern must match in order. */
export function termWords(term: string): string[] {
  return scanWords(term).words;
}

/**
 * Split a camel-case hashtag body into words: "DecentralizedAI" → "Decentralized", "AI";
 * "zkML" → "zk", "ML"; "AIAgents" → "AI", "Agents". Offsets are relative to `body`.
 */
export function splitCamelCase(body: string): { word: string; start: number; end: number }[] {
  const parts: { word: string; start: number; end: number }[] = [];
  let start = 0;
  const chars = [...body];
  let offset = 0;
  const offsets: number[] = [];
  for (const ch of chars) {
    offsets.push(offset);
    offset += ch.length;
  }
  offsets.push(offset);
  const isUp = (ch: string | undefined) => ch !== undefined && IS_UPPER.test(ch);
  const isLow = (ch: string | undefined) => ch !== undefined && IS_LOWER.test(ch);
  for (let k = 1; k < chars.length; k++) {
    const prev = chars[k - 1];
    const cur = chars[k];
    const next = chars[k + 1];
    // "aB" starts a word at B; "ABc" starts one at B (the end of an acronym).
    const boundary = (isLow(prev) && isUp(cur)) || (isUp(prev) && isUp(cur) && isLow(next));
    if (boundary) {
      const s = offsets[start]!;
      const e = offsets[k]!;
      parts.push({ word: body.slice(s, e), start: s, end: e });
      start = k;
    }
  }
  const s = offsets[start]!;
  parts.push({ word: body.slice(s), start: s, end: body.length });
  return parts;
}

// ── Indonesian / Malay affixes ───────────────────────────────────────────────

const idStemCache = new Map<string, string>();
const MIN_ROOT = 4;

/**
 * Reduce an Indonesian or Malay word to a matching key by removing particles
 * (-lah, -kah, -pun), possessives (-nya, -ku, -mu), derivational suffixes
 * (-kan, -an, -i) and up to two prefixes (meN-, peN-, ber-, ter-, di-, ke-,
 * se-, per-), with the usual nasal recoding (menyensor → sensor,
 * menokenisasi → tokenisasi). "terdesentralisasi", "desentralisasinya" and
 * "mendesentralisasikan" share one key.
 *
 * This is not a dictionary stemmer: it may over-strip, but it strips keywords
 * and post text the same way, which is what matching needs. Input: a folded,
 * lower-case ASCII word.
 */
export function indonesianStem(word: string): string {
  if (word.length <= MIN_ROOT || !mayHaveAffix(word)) return word;
  const cached = idStemCache.get(word);
  if (cached !== undefined) return cached;
  let w = word;
  w = stripSuffix(w, ['lah', 'kah', 'tah', 'pun']);
  w = stripSuffix(w, ['nya', 'ku', 'mu']);
  w = stripSuffix(w, ['kan', 'an', 'i']);
  for (let layer = 0; layer < 2; layer++) {
    const next = stripPrefix(w);
    if (next === w) break;
    w = next;
  }
  // "-i" is both a suffix and the last letter of many loanwords (desentralisasi, inferensi): drop it
  // after the prefixes too, so "mendesentralisasikan" and "terdesentralisasi" meet on one key.
  if (w.endsWith('i') && w.length - 1 >= MIN_ROOT) w = w.slice(0, -1);
  if (idStemCache.size < 100_000) idStemCache.set(word, w);
  return w;
}

/** Cheap test before the cached lookup: most words of other languages can have neither a prefix nor a suffix. */
function mayHaveAffix(word: string): boolean {
  const first = word.charCodeAt(0);
  // b d k m p s t: first letters of every prefix.
  if (first === 98 || first === 100 || first === 107 || first === 109 || first === 112 || first === 115 || first === 116) return true;
  const last = word.charCodeAt(word.length - 1);
  // a h i n u: last letters of every suffix (-nya, -lah, -i, -an, -ku).
  return last === 97 || last === 104 || last === 105 || last === 110 || last === 117;
}

function stripSuffix(w: string, suffixes: readonly string[]): string {
  for (const s of suffixes) {
    if (w.length - s.length >= MIN_ROOT && w.endsWith(s)) return w.slice(0, -s.length);
  }
  return w;
}

const VOWEL = /^[aeiou]/;

function stripPrefix(w: string): string {
  const rest = (n: number) => w.slice(n);
  const ok = (r: string) => r.length >= MIN_ROOT;
  for (const p of ['me', 'pe']) {
    if (!w.startsWith(p)) continue;
    const after = w.slice(2);
    if (after.startsWith('ny') && VOWEL.test(after.slice(2)) && ok(after.slice(1))) return `s${after.slice(2)}`;
    if (after.startsWith('ng') && ok(after.slice(2))) return after.slice(2);
    if (after.startsWith('m') && ok(after.slice(1))) {
      const r = after.slice(1);
      return VOWEL.test(r) ? `p${r}` : r;
    }
    if (after.startsWith('n') && ok(after.slice(1))) {
      const r = after.slice(1);
      return VOWEL.test(r) ? `t${r}` : r;
    }
    if (p === 'pe' && after.startsWith('r') && ok(after.slice(1))) return after.slice(1);
    if (/^[lrwy]/.test(after) && ok(after)) return after;
  }
  for (const p of ['ber', 'ter', 'per']) {
    if (w.startsWith(p) && ok(rest(3))) return rest(3);
  }
  if (w.startsWith('be') && w[2] === 'k' && ok(rest(2))) return rest(2); // bekerja
  for (const p of ['di', 'ke', 'se']) {
    if (w.startsWith(p) && ok(rest(2))) return rest(2);
  }
  return w;
}
