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
  /** NFC leaves any text of such characters and ASCII as it is (see nfcStable). */
  nfcStable: boolean;
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
    info = { folded: VOICING[cp] ?? stripDiacritics(ch), kind: MARK, upper: false, lower: false, nfcStable: false };
  } else if (LETTER_OR_DIGIT.test(ch)) {
    let folded = stripDiacritics(ch.normalize('NFKD')).normalize('NFC').toLowerCase();
    let spelled = '';
    for (const part of folded) spelled += SPELLED_OUT[part] ?? part;
    folded = spelled;
    info = { folded, kind: UNSPACED.test(ch) ? UNSPACED_CHAR : WORD, upper: IS_UPPER.test(ch), lower: IS_LOWER.test(ch), nfcStable: nfcStable(cp, ch) };
  } else {
    // Punctuation and symbols stay as they are: "™" must not become the letters "tm" glued to a name.
    info = { folded: ch, kind: SEPARATOR, upper: false, lower: false, nfcStable: nfcStable(cp, ch) };
  }
  if (cp < 0x10000) bmpCache[cp] = info;
  else if (astralCache.size < MAX_CACHED_ASTRAL) astralCache.set(cp, info);
  return info;
}

/**
 * Whether NFC leaves any text made of this character (not a mark: marks never
 * are), other such characters and ASCII as it is: NFC alone leaves it, and it
 * is not one that composes with the character before it (Hangul vowel and
 * final jamo) nor half of a surrogate pair.
 */
function nfcStable(cp: number, ch: string): boolean {
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  if ((cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0xa960 && cp <= 0xa97f) || (cp >= 0xd7b0 && cp <= 0xd7ff)) return false;
  return ch.normalize('NFC') === ch;
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
  // Most feed text is plain ASCII: one tight loop reads it, up to the first other character.
  const scan: LazyWordScan = { text: input, ascii: true, unspaced: false, words: [], starts: [], ends: [], flags: [] };
  const resumeAt = scanAsciiWords(input, scan);
  scan.words = new Array<string | undefined>(scan.starts.length).fill(undefined);
  if (resumeAt < 0) return scan;
  // NFC leaves the ASCII text before the first other character alone, except the character right before
  // it, which a combining mark may compose with ("<" + U+0338 is "≮"): the words read before that stand.
  // The rest is read as it is, as nearly all text is NFC already (normalize() would copy it to find that
  // out), and normalized and read again only if a character that NFC may change turns up.
  scan.ascii = false;
  const asciiWords = scan.starts.length;
  if (!scanMixedWords(scan, resumeAt, true)) {
    for (const list of [scan.words, scan.starts, scan.ends, scan.flags]) list.length = asciiWords;
    scan.unspaced = false;
    scan.text = input.normalize('NFC');
    scanMixedWords(scan, resumeAt, false);
  }
  return scan;
}

/**
 * Word flags of an ASCII word from the letters seen in it (a {@link ASCII_BITS}
 * union) and its first character.
 */
function asciiWordFlags(seen: number, first: number, camel: boolean): number {
  let f = 0;
  if (ASCII_CLASS[first] === UPPER) f |= WordFlag.Capital;
  if ((seen & (UPPER_BIT | LOWER_BIT)) === UPPER_BIT) f |= WordFlag.AllUpper;
  if (camel) f |= WordFlag.Camel;
  return f | (seen & DIGIT_BIT ? WordFlag.Digit : WordFlag.AsciiLetters);
}

/** `$` or `#` right before a word, itself not preceded by a word character: a cashtag or hashtag. */
function tagFlag(text: string, from: number): number {
  const before = from > 0 ? text.charCodeAt(from - 1) : 0;
  if ((before !== 36 && before !== 35) || isWordCharAt(text, from - 2)) return 0;
  return before === 36 ? WordFlag.Cashtag : WordFlag.Hashtag;
}

/**
 * Read the words of a text while it is plain ASCII into `scan`'s offsets and
 * flags (not its words). Returns -1 when all of it is ASCII, else where
 * {@link scanMixedWords} must go on: the start of the word that the first
 * other character interrupted, or the character before that character. No
 * closures: the loop's state stays in registers.
 */
function scanAsciiWords(text: string, scan: LazyWordScan): number {
  const n = text.length;
  const { starts, ends, flags } = scan;
  let i = 0;
  while (i < n) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return Math.max(0, i - 1);
    if (ASCII_CLASS[code] === 0) {
      i++;
      continue;
    }
    const from = i;
    let seen = 0;
    let prev = 0;
    let camel = false;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 0x80) return from;
      const bit = ASCII_CLASS_BIT[c]!;
      if (bit === 0) break;
      if (bit === UPPER_BIT && prev === LOWER_BIT) camel = true;
      seen |= bit;
      prev = bit;
    }
    starts.push(from);
    ends.push(i);
    flags.push(asciiWordFlags(seen, code, camel) | tagFlag(text, from));
  }
  return -1;
}

/** Flags of a word with non-ASCII letters, from what the scan saw of its letters. */
function mixedWordFlags(text: string, start: number, hasUpper: boolean, hasLower: boolean, camel: boolean): number {
  let f = 0;
  if (startsUpper(text, start)) f |= WordFlag.Capital;
  if (hasUpper && !hasLower) f |= WordFlag.AllUpper;
  if (camel) f |= WordFlag.Camel;
  return f;
}

/** Append a word to a scan's parallel arrays. */
function pushWord(scan: LazyWordScan, word: string | undefined, from: number, to: number, f: number): void {
  scan.words.push(word);
  scan.starts.push(from);
  scan.ends.push(to);
  scan.flags.push(f);
}

/**
 * Read the words of `scan.text` (NFC, with non-ASCII characters) from `i` on,
 * a word boundary, into `scan`. When `untilNotNfc`, `scan.text` is the input
 * as it came: stops, returning false, at a character NFC may change.
 */
function scanMixedWords(scan: LazyWordScan, i: number, untilNotNfc: boolean): boolean {
  const { text, words, ends, flags } = scan;
  const n = text.length;
  // The word being read, when it has non-ASCII letters (ASCII words are read in one inner loop).
  let start = -1;
  let folded = '';
  let hasUpper = false;
  let hasLower = false;
  let camel = false;

  while (i < n) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      const cls = ASCII_CLASS[code]!;
      if (cls === 0) {
        if (start >= 0 && folded.length > 0) pushWord(scan, folded, start, i, mixedWordFlags(text, start, hasUpper, hasLower, camel) | tagFlag(text, start));
        start = -1;
        i++;
        continue;
      }
      if (start >= 0) {
        // ASCII letters inside a word that already has non-ASCII letters ("lançamento"): appended as one
        // slice, not one string per letter.
        const from = i;
        let upper = false;
        for (; i < n; i++) {
          const c = text.charCodeAt(i);
          const k = c < 0x80 ? ASCII_CLASS[c]! : 0;
          if (k === 0) break;
          if (k === UPPER) {
            if (hasLower) camel = true;
            hasUpper = upper = true;
          } else if (k === LOWER) hasLower = true;
        }
        folded += upper ? text.slice(from, i).toLowerCase() : text.slice(from, i);
        continue;
      }
      // Fast path: read a run of ASCII letters and digits in one loop.
      const from = i;
      let seen = 0;
      let prev = 0;
      let isCamel = false;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        const k = c < 0x80 ? ASCII_CLASS[c]! : 0;
        if (k === 0) break;
        if (k === UPPER && prev === LOWER) isCamel = true;
        seen |= ASCII_BITS[k]!;
        prev = k;
      }
      if (i < n && text.charCodeAt(i) >= 0x80 && continuesWord(text, i)) {
        // The word goes on with non-ASCII letters ("Straße", "zkML中"): continue it on the slow path.
        start = from;
        folded = seen & UPPER_BIT ? text.slice(from, i).toLowerCase() : text.slice(from, i);
        hasUpper = (seen & UPPER_BIT) !== 0;
        hasLower = (seen & LOWER_BIT) !== 0;
        camel = isCamel;
        continue;
      }
      pushWord(scan, undefined, from, i, asciiWordFlags(seen, code, isCamel) | tagFlag(text, from));
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const info = charInfo(cp);
    if (untilNotNfc && !info.nfcStable) return false;
    const last = words.length - 1;
    if (info.kind === MARK && start < 0 && last >= 0 && ends[last] === i && flags[last]! & WordFlag.Unspaced) {
      // A voicing mark after a kana (half-width "ｶﾞ"): part of that character.
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
      if (start >= 0 && folded.length > 0) pushWord(scan, folded, start, i, mixedWordFlags(text, start, hasUpper, hasLower, camel) | tagFlag(text, start));
      start = -1;
      if (info.kind === UNSPACED_CHAR) {
        scan.unspaced = true;
        pushWord(scan, info.folded, i, i + width, WordFlag.Unspaced);
      }
    }
    i += width;
  }
  if (start >= 0 && folded.length > 0) pushWord(scan, folded, start, n, mixedWordFlags(text, start, hasUpper, hasLower, camel) | tagFlag(text, start));
  return true;
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
  /** @internal see {@link foldedInPlace}; null when the text does not fold in place. */
  folded?: string | null;
}

/** A post's title and text, prepared; see {@link PreparedText}. */
export interface PreparedPost {
  readonly title: PreparedText;
  readonly text: PreparedText;
}

export function prepareText(text: string): PreparedText {
  // Every field present from the start: one object shape for all prepared texts.
  return { text, scan: undefined, ascii: undefined, folded: undefined };
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

/**
 * The folded form of a prepared text when folding moves no offset and joins or
 * splits no word: then the text's word scan ({@link wordScanOf}) also gives the
 * words of the folded text, exactly as {@link tokenOffsets} would, and
 * `foldText(text).origin` is the identity. Undefined otherwise (combining marks,
 * ligatures, "ß", astral characters, text that is not NFC…): fold and split it
 * with {@link foldText} and {@link tokenOffsets} instead.
 */
export function foldedInPlace(prepared: PreparedText): string | undefined {
  // Tagging (its pattern prefilter) and sentiment both ask: fold once.
  if (prepared.folded === undefined) prepared.folded = isAsciiText(prepared) ? prepared.text.toLowerCase() : (foldNonAsciiInPlace(prepared) ?? null);
  return prepared.folded ?? undefined;
}

function foldNonAsciiInPlace(prepared: PreparedText): string | undefined {
  const { text } = prepared;
  if (wordScanOf(prepared).text !== text) return undefined;
  if (foldBuffer.length < text.length) foldBuffer = new Uint16Array(Math.max(text.length, 2 * foldBuffer.length));
  const units = foldBuffer;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      units[i] = code >= 65 && code <= 90 ? code + 32 : code;
      continue;
    }
    const unit = inPlaceFoldUnit(code);
    if (unit === NO_IN_PLACE_FOLD) return undefined;
    units[i] = unit;
  }
  // No surrogates here (they take the slow path), so decoding cannot replace any unit; a leading BOM is kept.
  return UTF16_DECODER.decode(units.subarray(0, text.length));
}

/** Several times faster than `String.fromCharCode` over chunks for whole texts. */
const UTF16_DECODER = new TextDecoder('utf-16le', { ignoreBOM: true });

/** Scratch for {@link foldedInPlace}, grown to the longest text seen. */
let foldBuffer = new Uint16Array(1024);

/** In {@link inPlaceFolds}: not computed yet, or no single-unit fold (a U+FFFF separator merely takes the slow path). */
const UNKNOWN_FOLD = 0;
const NO_IN_PLACE_FOLD = 0xffff;
/** For each BMP unit, its fold when that is one unit of the same word class, else NO_IN_PLACE_FOLD. */
const inPlaceFolds = new Uint16Array(0x10000);

/** The single unit a non-ASCII BMP unit folds to, keeping its word class, or NO_IN_PLACE_FOLD. */
function inPlaceFoldUnit(code: number): number {
  const known = inPlaceFolds[code]!;
  if (known !== UNKNOWN_FOLD) return known;
  let unit = NO_IN_PLACE_FOLD;
  // Surrogates are halves of astral characters; marks fold to nothing or compose with the letter before.
  if (code < 0xd800 || code > 0xdfff) {
    const info = charInfo(code);
    if (info.kind !== MARK && info.folded.length === 1 && wordClass(info.folded.charCodeAt(0)) === info.kind) unit = info.folded.charCodeAt(0);
  }
  inPlaceFolds[code] = unit;
  return unit;
}

/** How {@link tokenOffsets} treats a folded unit: SEPARATOR, WORD, UNSPACED_CHAR or MARK. */
function wordClass(unit: number): number {
  if (unit < 0x80) return ASCII_CLASS[unit] === 0 ? SEPARATOR : WORD;
  if (unit >= 0xd800 && unit <= 0xdfff) return -1;
  return charInfo(unit).kind;
}

/** ASCII character classes for the scanner: 0 separator, then LOWER, UPPER, DIGIT. */
const LOWER = 1;
const UPPER = 2;
const DIGIT = 3;
const ASCII_CLASS = new Uint8Array(128);
for (let c = 97; c <= 122; c++) ASCII_CLASS[c] = LOWER;
for (let c = 65; c <= 90; c++) ASCII_CLASS[c] = UPPER;
for (let c = 48; c <= 57; c++) ASCII_CLASS[c] = DIGIT;
/** One bit per class, to collect in one integer which classes a word has. */
const LOWER_BIT = 1;
const UPPER_BIT = 2;
const DIGIT_BIT = 4;
const ASCII_BITS = Uint8Array.of(0, LOWER_BIT, UPPER_BIT, DIGIT_BIT);
/** The class bit of each ASCII character (0 for a separator): one lookup per character in the ASCII scan. */
const ASCII_CLASS_BIT = Uint8Array.from(ASCII_CLASS, (k) => ASCII_BITS[k]!);

/** Whether the non-ASCII character at `i` continues a word (a letter, digit or combining mark, not an unspaced-script character). */
function continuesWord(text: string, i: number): boolean {
  const kind = charInfo(text.codePointAt(i)!).kind;
  return kind === WORD || kind === MARK;
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
  return mayHaveAffixLetters(word.charCodeAt(0), word.charCodeAt(word.length - 1));
}

function mayHaveAffixLetters(first: number, last: number): boolean {
  // b d k m p s t: first letters of every prefix.
  if (first === 98 || first === 100 || first === 107 || first === 109 || first === 112 || first === 115 || first === 116) return true;
  // a h i n u: last letters of every suffix (-nya, -lah, -i, -an, -ku).
  return last === 97 || last === 104 || last === 105 || last === 110 || last === 117;
}

/**
 * Whether {@link indonesianStem} returns the ASCII word text[start, end)
 * (lower-cased) unchanged, told from its length and letters without making
 * its string: true for most words, which the tagger then need not stem.
 */
export function keepsIndonesianForm(text: string, start: number, end: number): boolean {
  // `| 0x20` lower-cases ASCII letters.
  return end - start <= MIN_ROOT || !mayHaveAffixLetters(text.charCodeAt(start) | 0x20, text.charCodeAt(end - 1) | 0x20);
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
