/**
 * Tagging: which themes and tokens a post is about, with the spans that
 * matched as the explanation.
 *
 * One pass over the words of the text serves every keyword and name: each
 * phrase is indexed by one anchor word, its longest (exact words in a hash
 * map, `*` stems by their first three letters, Indonesian words by their
 * affix-stripped key), each word of the post is looked up once, and only the
 * few phrases found are checked against the words around it. Cheap filters on
 * a word's length and letters skip the lookup for most words without even
 * making their strings. Cost grows with the text, not with the taxonomy.
 * Admin regular expressions run on RE2, which is linear too, and only on
 * posts containing a literal they require (admin-patterns.ts).
 */
import { compilePatternSet, MAX_PATTERN_TEXT_CHARS, type PatternSet } from './admin-patterns.ts';
import type { Taxonomy, TokenDef } from './taxonomy.ts';
import { foldedInPlace, foldTerm, indonesianStem, keepsIndonesianForm, preparePost, scanWords, splitCamelCase, WordFlag, wordOf, wordScanOf, type LazyWordScan, type PreparedPost, type PreparedText, type WordScan } from './text.ts';
import { createSliceMemo, createSliceTable, lowerAsciiHash, rememberSlice, type SliceMemo, type SliceTable } from './slice-table.ts';

export type Field = 'title' | 'text';

export interface Match {
  /** The configured term that matched: a keyword or name, `$TICKER` for a cashtag, `/regex/` for a pattern. */
  term: string;
  /** The words as they appear in the post. */
  text: string;
  field: Field;
  /** Offsets in the field text (its NFC form, which is the text itself for almost every feed). */
  start: number;
  end: number;
  /** Language of the keyword that matched ("any" for names, tickers and language-neutral terms). */
  lang: string;
  /** For a bare ticker that is also a word: the market context that made it count ("rose", "+5%"). */
  context?: string;
}

export interface ThemeTag {
  id: string;
  name: string;
  score: number;
  matches: Match[];
}

export interface TokenTag {
  symbol: string;
  score: number;
  matches: Match[];
}

export interface Tags {
  themes: ThemeTag[];
  tokens: TokenTag[];
}

export interface TagOptions {
  /**
   * The post's language. When one span matches keywords of several languages
   * ("IA descentralizada" is Portuguese and Spanish), the match is reported in
   * this language. Indonesian affixes are stripped only in Indonesian, Malay
   * or undetermined ("und") posts, or when no language is given.
   */
  language?: string;
}

type Target =
  | { kind: 'theme'; themeId: string; weight: number }
  | { kind: 'exclude'; themeId: string }
  | { kind: 'token'; symbol: string; weight: number };

const EXACT = 0;
const PREFIX = 1;
const ID_STEM = 2;

interface WordPattern {
  /** Folded word, `*` stem, or Indonesian key, by `mode`. */
  word: string;
  mode: typeof EXACT | typeof PREFIX | typeof ID_STEM;
  /** Written with a capital in the config and must be capitalised in the post. */
  capital: boolean;
  /** The folded word as written (for Indonesian keywords matched without affix stripping). */
  plain: string;
}

interface PhrasePattern {
  term: string;
  words: WordPattern[];
  /**
   * The word the phrase is indexed by: its longest (so usually rarest) word, not its first, so that
   * "the" in "The Graph Network" or "de" in "de l'entraînement à l'inférence" trigger no lookups.
   */
  anchor: number;
  /**
   * A word next to the anchor (its offset from the anchor) and the unit its folded form starts with
   * (-1: none to test, a one-word phrase or an Indonesian key): tested first, it rules out most phrases
   * found by their anchor ("AI" anchors a score of Chinese, Japanese and Korean phrases).
   */
  probe: number;
  probeUnit: number;
  target: Target;
  lang: string;
}

interface Ticker {
  token: TokenDef;
  /** Upper-case spelling that counts as the ticker in prose. */
  upper: string;
}

interface WordEntry {
  /** Phrases anchored on this word. */
  phrases?: PhrasePattern[];
  /** Indonesian phrases whose anchor word has this affix-stripped key. */
  idPhrases?: PhrasePattern[];
  /** Indonesian phrases whose anchor word is written so, for posts in which affixes are not stripped. */
  idPlain?: PhrasePattern[];
  ticker?: Ticker;
}

interface RegexPattern {
  source: string;
  target: Target;
  lang: string;
}

/** A taxonomy compiled for fast matching; build once per config change with {@link compileTagger}. */
export interface Tagger {
  readonly taxonomy: Taxonomy;
  /** Parts of the taxonomy that could not be used (invalid patterns), for logs and `config check`. */
  readonly problems: readonly string[];
  /** @internal word → phrases starting with it, Indonesian phrases keyed by it, ticker. */
  readonly entries: ReadonlyMap<string, WordEntry>;
  /** @internal `entries` whose key is plain ASCII, looked up by the words' letters in the text (see asciiEntryAt). */
  readonly asciiEntries: SliceTable<WordEntry>;
  /** @internal `*` stems keyed by their first three letters packed into a number (see stemKey). */
  readonly stems: ReadonlyMap<number, PhrasePattern[]>;
  /** @internal Shape filter of `entries` keys (see shapeKey): most words of a post are in no phrase and skip the lookup. */
  readonly shapes: Uint32Array;
  /**
   * @internal The one-unit `entries` keys, by unit: one-letter words (every character of Chinese, Japanese,
   * Korean text) have only 32 shapes, nearly all taken, so the shape filter would let them all through.
   */
  readonly singleUnitKeys: Uint32Array;
  /** @internal Whether some `*` stem starts with three letters (see stemPrefixKey): most words skip the stem lookup. */
  readonly stemFirst: Uint32Array;
  /** @internal admin patterns. */
  readonly patterns: PatternSet;
  readonly patternTargets: readonly RegexPattern[];
  /** @internal words of the taxonomy, to split hashtags written without capitals (#decentralizedai). */
  readonly vocabulary: ReadonlySet<string>;
  readonly hasIndonesian: boolean;
  /**
   * @internal Letter trigrams of the Indonesian anchor keys (see idTrigramKey), or undefined to test every word.
   * A word can only reduce to a key if it contains the key's letters 2–4 (only the first letter is recoded,
   * as in menyensor → sensor), so a word without any of these trigrams is not stemmed at all.
   */
  readonly idTrigrams: Uint32Array | undefined;
  /**
   * @internal Indonesian phrases anchored on the affix-stripped key of a lower-case ASCII word (null: none),
   * memoized by the word: a post repeats its words, and feeds repeat each other's.
   */
  readonly idAnchors: SliceMemo<PhrasePattern[] | null>;
}

const STEM_KEY_LENGTH = 3;
/** Words whose Indonesian key a tagger remembers (see Tagger.idAnchors): a few MB at most. */
const MAX_MEMOIZED_WORDS = 50_000;
/** Languages whose keywords match with affixes stripped (Indonesian, Malay). */
const AFFIXING_LANGUAGES = new Set(['id', 'ms']);
/**
 * Post languages in which affixes are stripped while scanning: Indonesian and
 * Malay, and posts whose language is unknown. A post known to be in another
 * language still matches Indonesian keywords written in their plain form.
 */
const AFFIX_LANGUAGE_HINTS = new Set(['id', 'ms', 'und']);

/** Length, first two and last letters of a word, packed into 19 bits: a cheap "could this word be a key?" filter. */
function shapeKey(word: string): number {
  return ((word.length & 0xf) << 15) | ((word.charCodeAt(0) & 0x1f) << 10) | ((word.charCodeAt(1) & 0x1f) << 5) | (word.charCodeAt(word.length - 1) & 0x1f);
}

/**
 * First three letters of a word, 5 bits each: exact for ASCII letters in
 * either case, a filter for other characters. The 4 KB set it indexes stays
 * in the fastest cache for the lookup made for every word.
 */
function stemPrefixKey(word: string): number {
  return ((word.charCodeAt(0) & 0x1f) << 10) | ((word.charCodeAt(1) & 0x1f) << 5) | (word.charCodeAt(2) & 0x1f);
}

const newBits = (size: number) => new Uint32Array(size >>> 5);
const setBit = (bits: Uint32Array, i: number) => {
  bits[i >>> 5]! |= 1 << (i & 31);
};
const hasBit = (bits: Uint32Array, i: number) => (bits[i >>> 5]! & (1 << (i & 31))) !== 0;

/** Three ASCII letters from `at`, 5 bits each (case-insensitive). */
function idTrigramKey(s: string, at: number): number {
  return ((s.charCodeAt(at) & 0x1f) << 10) | ((s.charCodeAt(at + 1) & 0x1f) << 5) | (s.charCodeAt(at + 2) & 0x1f);
}

/** Whether an ASCII word of the text contains a trigram of an Indonesian anchor key. */
function mayBeIndonesianAnchor(trigrams: Uint32Array | undefined, text: string, start: number, end: number): boolean {
  if (!trigrams) return true;
  if (end - start < 3) return false;
  // idTrigramKey at each position, rolled: each letter is read once.
  let key = idTrigramKey(text, start);
  if (hasBit(trigrams, key)) return true;
  for (let k = start + 3; k < end; k++) {
    key = ((key << 5) | (text.charCodeAt(k) & 0x1f)) & 0x7fff;
    if (hasBit(trigrams, key)) return true;
  }
  return false;
}

/** {@link shapeKey} of an ASCII word read from the text: `& 0x1f` ignores ASCII case, so no lower-casing is needed. */
function shapeKeyAt(text: string, start: number, end: number): number {
  return (((end - start) & 0xf) << 15) | ((text.charCodeAt(start) & 0x1f) << 10) | ((end - start > 1 ? text.charCodeAt(start + 1) & 0x1f : 0) << 5) | (text.charCodeAt(end - 1) & 0x1f);
}

/** {@link stemPrefixKey} of a word read from the text. */
function stemPrefixKeyAt(text: string, start: number): number {
  return ((text.charCodeAt(start) & 0x1f) << 10) | ((text.charCodeAt(start + 1) & 0x1f) << 5) | (text.charCodeAt(start + 2) & 0x1f);
}

/**
 * The first three letters of a word packed into a small integer (10 bits each), so the lookup
 * allocates nothing. Different letters may share a key (é and ũ, say): candidates are verified.
 */
function stemKey(word: string): number {
  return ((word.charCodeAt(0) & 0x3ff) << 20) | ((word.charCodeAt(1) & 0x3ff) << 10) | (word.charCodeAt(2) & 0x3ff);
}

/** {@link stemKey} of an ASCII word read from the text (letters and digits: `| 0x20` lower-cases). */
function stemKeyAt(text: string, start: number): number {
  return (((text.charCodeAt(start) | 0x20) & 0x3ff) << 20) | (((text.charCodeAt(start + 1) | 0x20) & 0x3ff) << 10) | ((text.charCodeAt(start + 2) | 0x20) & 0x3ff);
}

/**
 * Lower-case ASCII keys looked up by a word's letters in the text: a word that
 * is no key, even one that passed the shape filter, never becomes a string.
 */
function createAsciiTable<V>(entries: ReadonlyMap<string, V>): SliceTable<V> {
  return createSliceTable([...entries].filter(([key]) => /^[a-z0-9]+$/.test(key)));
}

/** The value whose key is the ASCII word text[start, end) lower-cased, if any. */
function lookupAscii<V>(table: SliceTable<V>, text: string, start: number, end: number): V | undefined {
  const length = end - start;
  for (let slot = lowerAsciiHash(text, start, end) & table.mask; ; slot = (slot + 1) & table.mask) {
    const k = table.slots[slot]! - 1;
    if (k < 0) return undefined;
    const key = table.keys[k]!;
    if (key.length !== length) continue;
    let same = true;
    for (let j = 0; j < length && same; j++) same = (text.charCodeAt(start + j) | 0x20) === key.charCodeAt(j);
    if (same) return table.values[k];
  }
}

/**
 * Words that make a bare ambiguous ticker ("NEAR", "RENDER") read as the asset,
 * in every language the taxonomy covers, folded (lower case, no accents).
 */
const MARKET_CONTEXT = new Set(
  `price prices priced token tokens coin coins rose rises rise rising fell falls fall falling jumped jumps surged surges surge
   soared soars rallied rallies rally dropped drops plunged plunges slid slides slumped slumps gained gains lost loses up down
   usd usdt usdc trading traded trades pump pumps dump dumps crypto market markets cap holders staking staked listing listed
   delisted airdrop ecosystem protocol network chain mainnet foundation bullish bearish buy sell exchange exchanges etf futures
   perp perps ath
   preco precos cotacao sobe subiu sobem cai caiu caem alta queda disparou dispara despencou despenca valorizou valoriza
   desvaloriza moeda moedas criptomoeda cripto mercado corretora
   prezzo prezzi quotazione sale salito salita scende sceso scesa rialzo ribasso moneta criptovaluta mercato balzo crollo crolla
   prix cours hausse baisse bondit grimpe chute recule progresse jeton jetons cryptomonnaie marche envole
   precio precios cotizacion sube subio suben cae cayo caen alza baja desploma criptomoneda
   kurs kurse preis steigt stieg steigen fallt fiel verliert verlor gewinnt kryptowahrung markt handel
   harga naik turun melonjak anjlok koin kripto pasar menguat melemah
   fiyat fiyati yukseldi dustu artti geriledi yukselis dusus kripto piyasa yuzde deger
   цена цены курс вырос выросла выросли упал упала упали рост падение токен токены монета монеты крипто рынок подорожал подешевел`
    .split(/\s+/)
    .filter(Boolean),
);
/** The same for scripts without spaces, matched as substrings near the ticker. */
const CJK_MARKET_CONTEXT = /价格|价|涨|跌|币|市值|交易|行情|価格|急騰|上昇|下落|急落|高騰|暴落|トークン|コイン|相場|가격|상승|하락|급등|급락|폭등|폭락|토큰|코인|시세/;
/** Right after a ticker: "+5%", "5 %", "%5" (Turkish), "$3.20", "at $3", "3 USDT". */
const AFTER_TICKER_CONTEXT =
  /^[\s:,]*(?:[+\-−±]\s*\d|\d+(?:[.,]\d+)?\s*%|%\s*\d|(?:at|@|a|à|em|di|bei|auf|en)?\s*(?:US)?\$\s*\d|\d+(?:[.,]\d+)?\s*(?:\$|usd|usdt|dollars?|d[oó]lares|dolar))/iu;
const CONTEXT_WINDOW_WORDS = 3;

function addTo<K, V>(index: Map<K, V[]>, key: K, value: V): void {
  const list = index.get(key);
  if (list) list.push(value);
  else index.set(key, [value]);
}

/** Compile a taxonomy into a {@link Tagger}. Pure; invalid patterns are skipped and listed in `problems`. */
export function compileTagger(taxonomy: Taxonomy): Tagger {
  const entries = new Map<string, WordEntry>();
  const stems = new Map<number, PhrasePattern[]>();
  const vocabulary = new Set<string>();
  let hasIndonesian = false;
  const entry = (word: string) => {
    let e = entries.get(word);
    if (!e) entries.set(word, (e = {}));
    return e;
  };

  const add = (term: string, target: Target, lang: string, capitals: boolean) => {
    const scan = scanWords(term.trim());
    if (scan.words.length === 0) return;
    const affixing = AFFIXING_LANGUAGES.has(lang);
    const words: WordPattern[] = scan.words.map((word, k) => {
      const starred = scan.text.charCodeAt(scan.ends[k]!) === 42; // "word*"
      const capital = capitals && (scan.flags[k]! & WordFlag.Capital) !== 0;
      if (starred && word.length >= STEM_KEY_LENGTH) return { word, mode: PREFIX, capital, plain: word };
      if (affixing && (scan.flags[k]! & WordFlag.AsciiLetters) !== 0) return { word: indonesianStem(word), mode: ID_STEM, capital, plain: word };
      if ((scan.flags[k]! & WordFlag.Unspaced) === 0 && word.length >= 2) vocabulary.add(word);
      return { word, mode: EXACT, capital, plain: word };
    });
    // Anchor on the longest exact word, else the longest Indonesian word, else the longest `*` stem.
    const longest = (mode: WordPattern['mode']) =>
      words.reduce((best, w, k) => (w.mode === mode && (best < 0 || w.plain.length > words[best]!.plain.length) ? k : best), -1);
    const exact = longest(EXACT);
    const affixed = longest(ID_STEM);
    const anchor = exact >= 0 ? exact : affixed >= 0 ? affixed : longest(PREFIX);
    // The word before the anchor, or after it when the anchor comes first; none in a one-word phrase.
    const probe = anchor > 0 ? -1 : 1;
    const probed = words[anchor + probe];
    const probeUnit = probed === undefined || probed.mode === ID_STEM ? -1 : probed.word.charCodeAt(0);
    const pattern: PhrasePattern = { term, words, anchor, probe, probeUnit, target, lang };
    const word = words[anchor]!;
    if (word.mode === PREFIX) addTo(stems, stemKey(word.word), pattern);
    else if (word.mode === ID_STEM) {
      (entry(word.word).idPhrases ??= []).push(pattern);
      (entry(word.plain).idPlain ??= []).push(pattern);
    } else (entry(word.word).phrases ??= []).push(pattern);
    if (words.some((w) => w.mode === ID_STEM)) hasIndonesian = true;
  };

  const regexes: RegexPattern[] = [];
  for (const theme of taxonomy.themes) {
    for (const k of theme.keywords) add(k.term, { kind: 'theme', themeId: theme.id, weight: k.weight }, k.lang, false);
    for (const term of theme.exclude) add(term, { kind: 'exclude', themeId: theme.id }, 'any', false);
    for (const p of theme.patterns ?? []) regexes.push({ source: p.regex, target: { kind: 'theme', themeId: theme.id, weight: p.weight }, lang: p.lang });
  }
  for (const token of taxonomy.tokens) {
    for (const name of token.names) {
      // Names made of ordinary words ("Render Network", "World ID") count only when capitalised as written.
      const capitals = token.ambiguous || scanWords(name).words.length > 1;
      add(name, { kind: 'token', symbol: token.symbol, weight: 1 }, 'any', capitals);
    }
    for (const ticker of [token.symbol, ...token.tickers]) {
      entry(ticker.toLowerCase()).ticker = { token, upper: ticker.toUpperCase() };
    }
  }
  const { set, problems } = compilePatternSet(regexes.map((r) => r.source));
  // Bit sets, small enough to stay in cache: one lookup per word must not cost a memory round trip.
  const shapes = newBits(1 << 19);
  const singleUnitKeys = newBits(1 << 16);
  for (const key of entries.keys()) {
    setBit(shapes, shapeKey(key));
    if (key.length === 1) setBit(singleUnitKeys, key.charCodeAt(0));
  }
  let idTrigrams: Uint32Array | undefined = newBits(1 << 15);
  for (const [key, e] of entries) {
    if (!e.idPhrases) continue;
    if (key.length < 4) idTrigrams = undefined;
    else if (idTrigrams) setBit(idTrigrams, idTrigramKey(key, 1));
  }
  const stemFirst = newBits(1 << 15);
  for (const list of stems.values()) for (const p of list) setBit(stemFirst, stemPrefixKey(p.words[p.anchor]!.word));
  const asciiEntries = createAsciiTable(entries);
  const idAnchors = createSliceMemo<PhrasePattern[] | null>(MAX_MEMOIZED_WORDS);
  return { taxonomy, problems, entries, asciiEntries, shapes, singleUnitKeys, stems, stemFirst, patterns: set, patternTargets: regexes, vocabulary, hasIndonesian, idTrigrams, idAnchors };
}

// ── Scanning ─────────────────────────────────────────────────────────────────

interface Hit {
  target: Target;
  match: Match;
}

interface FieldState {
  field: Field;
  scan: LazyWordScan;
  /** Match Indonesian keywords with affixes stripped (the post may be Indonesian or Malay). */
  affixes: boolean;
  shouting?: boolean;
}

function wordMatches(p: WordPattern, state: FieldState, i: number): boolean {
  const { scan } = state;
  if (p.capital && (scan.flags[i]! & WordFlag.Capital) === 0) return false;
  // An ASCII word not made yet is compared on the text: most candidates fail, and need no string.
  if (scan.words[i] === undefined && p.mode !== ID_STEM) {
    const start = scan.starts[i]!;
    const length = scan.ends[i]! - start;
    return (p.mode === EXACT ? length === p.word.length : length >= p.word.length) && startsWithLowerAscii(scan.text, start, p.word);
  }
  const got = wordOf(scan, i);
  if (p.mode === EXACT) return got === p.word;
  if (p.mode === PREFIX) return got.startsWith(p.word);
  if (!state.affixes || (scan.flags[i]! & WordFlag.AsciiLetters) === 0) return got === p.plain;
  return indonesianStem(got) === p.word;
}

/** Whether the ASCII letters and digits at text[start…] are `word` once lower-cased (`| 0x20`). */
function startsWithLowerAscii(text: string, start: number, word: string): boolean {
  for (let j = 0; j < word.length; j++) if ((text.charCodeAt(start + j) | 0x20) !== word.charCodeAt(j)) return false;
  return true;
}

/** Whether the phrase matches with its anchor word at `i`; returns the index of its first word, or -1. */
function phraseMatchesAt(pattern: PhrasePattern, state: FieldState, i: number): number {
  const { scan } = state;
  const n = pattern.words.length;
  const start = i - pattern.anchor;
  if (start < 0 || start + n > scan.words.length) return -1;
  if (pattern.probeUnit >= 0 && firstUnitOf(scan, i + pattern.probe) !== pattern.probeUnit) return -1;
  // The index found the anchor by its exact form or Indonesian key; a `*` stem only by its first letters.
  const anchor = pattern.words[pattern.anchor]!;
  if (anchor.mode === PREFIX ? !wordMatches(anchor, state, i) : anchor.capital && (scan.flags[i]! & WordFlag.Capital) === 0) return -1;
  for (let k = 0; k < n; k++) if (k !== pattern.anchor && !wordMatches(pattern.words[k]!, state, start + k)) return -1;
  return start;
}

/** The first unit of word `i`'s folded form (`| 0x20` lower-cases the first letter of an ASCII word not made yet). */
function firstUnitOf(scan: LazyWordScan, i: number): number {
  const made = scan.words[i];
  return made === undefined ? scan.text.charCodeAt(scan.starts[i]!) | 0x20 : made.charCodeAt(0);
}

function spanOf(state: FieldState, from: number, to: number): { start: number; end: number; text: string } {
  const start = state.scan.starts[from]!;
  const end = state.scan.ends[to]!;
  return { start, end, text: state.scan.text.slice(start, end) };
}

function addPhraseHits(list: PhrasePattern[] | undefined, state: FieldState, i: number, hits: Hit[]): void {
  if (!list) return;
  for (const pattern of list) {
    const start = phraseMatchesAt(pattern, state, i);
    if (start < 0) continue;
    const span = spanOf(state, start, start + pattern.words.length - 1);
    hits.push({ target: pattern.target, match: { term: pattern.term, field: state.field, lang: pattern.lang, ...span } });
  }
}

/** An all-caps headline makes every word look like a ticker; demand context there. */
function isShouting(state: FieldState): boolean {
  if (state.shouting !== undefined) return state.shouting;
  let letters = 0;
  let upper = 0;
  const { starts, ends, flags } = state.scan;
  for (let i = 0; i < flags.length; i++) {
    if (flags[i]! & WordFlag.Unspaced) continue;
    const length = ends[i]! - starts[i]!;
    letters += length;
    if (flags[i]! & WordFlag.AllUpper) upper += length;
  }
  state.shouting = letters >= 12 && upper / letters > 0.7;
  return state.shouting;
}

/** The market word or figure next to word `i` that makes a bare ticker read as the asset, if any. */
function marketContext(state: FieldState, i: number): string | undefined {
  const { words, starts, ends, text } = state.scan;
  for (let k = Math.max(0, i - CONTEXT_WINDOW_WORDS); k <= Math.min(words.length - 1, i + CONTEXT_WINDOW_WORDS); k++) {
    if (k !== i && MARKET_CONTEXT.has(wordOf(state.scan, k))) return text.slice(starts[k]!, ends[k]!);
  }
  const start = starts[i]!;
  const end = ends[i]!;
  const after = text.slice(end, end + 24);
  const figure = AFTER_TICKER_CONTEXT.exec(after);
  if (figure) return figure[0].trim();
  // "Render (RENDER)": a ticker in parentheses right after a name.
  if (text[start - 1] === '(' && text[end] === ')') return `(${text.slice(start, end)})`;
  const around = text.slice(Math.max(0, start - 12), end + 12);
  const cjk = CJK_MARKET_CONTEXT.exec(around);
  return cjk ? cjk[0] : undefined;
}

function tickerHit(state: FieldState, i: number, ticker: Ticker): Hit | undefined {
  const { flags, starts, ends, text } = state.scan;
  const f = flags[i]!;
  const span = spanOf(state, i, i);
  const target: Target = { kind: 'token', symbol: ticker.token.symbol, weight: 1 };
  if (f & WordFlag.Cashtag) {
    const withSign = { ...span, start: span.start - 1, text: text.slice(starts[i]! - 1, ends[i]) };
    return { target: { ...target, weight: 1.5 }, match: { term: `$${ticker.upper}`, field: state.field, lang: 'any', ...withSign } };
  }
  // "near", "Render", "#near": ordinary words. Tickers count in upper case only.
  if (span.text !== ticker.upper) return undefined;
  if (ticker.token.ambiguous || isShouting(state)) {
    const context = marketContext(state, i);
    if (context === undefined) return undefined;
    return { target, match: { term: ticker.upper, field: state.field, lang: 'any', ...span, context } };
  }
  return { target, match: { term: ticker.upper, field: state.field, lang: 'any', ...span } };
}

/** Words of a hashtag: camel case split ("#DecentralizedAI"), or the taxonomy's words ("#decentralizedai"). */
function hashtagWords(state: FieldState, i: number, tagger: Tagger): WordScan | undefined {
  const { text, starts, ends, flags } = state.scan;
  const start = starts[i]!;
  const end = ends[i]!;
  let parts: string[] | undefined;
  if (flags[i]! & (WordFlag.Camel | WordFlag.Capital)) {
    const split = splitCamelCase(text.slice(start, end));
    if (split.length > 1) parts = split.map((p) => foldTerm(p.word));
  }
  if (!parts && (flags[i]! & WordFlag.AsciiLetters) !== 0) parts = segment(wordOf(state.scan, i), tagger.vocabulary);
  if (!parts || parts.length < 2) return undefined;
  // Every part points at the whole hashtag: that is what the admin should see.
  return {
    text,
    words: parts,
    starts: parts.map(() => start),
    ends: parts.map(() => end),
    flags: parts.map(() => WordFlag.Capital),
  };
}

const MAX_SEGMENTED_LENGTH = 40;

/** Split a word into the fewest vocabulary words, or undefined. Bounded: hashtags are short. */
function segment(word: string, vocabulary: ReadonlySet<string>): string[] | undefined {
  if (word.length < 5 || word.length > MAX_SEGMENTED_LENGTH || vocabulary.has(word)) return undefined;
  const best: (string[] | undefined)[] = [[]];
  for (let end = 1; end <= word.length; end++) {
    for (let start = Math.max(0, end - 20); start <= end - 2; start++) {
      const prev = best[start];
      if (!prev) continue;
      const piece = word.slice(start, end);
      if (!vocabulary.has(piece)) continue;
      const current = best[end];
      if (!current || prev.length + 1 < current.length) best[end] = [...prev, piece];
    }
  }
  return best[word.length];
}

function scanSequence(tagger: Tagger, state: FieldState, hits: Hit[], nested: boolean): void {
  const { scan } = state;
  const { words, flags, starts, ends, text } = scan;
  const { entries, asciiEntries, stems, stemFirst } = tagger;
  const affixes = tagger.hasIndonesian && state.affixes;
  const hasStems = stems.size > 0;
  for (let i = 0; i < words.length; i++) {
    const made = words[i];
    const f = flags[i]!;
    // ASCII words are tested by length and letters on the text itself; most never become strings.
    const entry = !mayBeKey(tagger, text, starts[i]!, ends[i]!, made) ? undefined : made === undefined ? lookupAscii(asciiEntries, text, starts[i]!, ends[i]!) : entries.get(made);
    if (entry) {
      addPhraseHits(entry.phrases, state, i, hits);
      if (!affixes) addPhraseHits(entry.idPlain, state, i, hits);
      if (entry.ticker) {
        // "#NEAR" in capitals reads like a cashtag; "#near" is a word.
        const hit = f & WordFlag.Hashtag ? hashtagTickerHit(state, i, entry.ticker) : tickerHit(state, i, entry.ticker);
        if (hit) hits.push(hit);
      }
    }
    if (hasStems && ends[i]! - starts[i]! >= STEM_KEY_LENGTH) {
      const prefix = made === undefined ? stemPrefixKeyAt(text, starts[i]!) : stemPrefixKey(made);
      if (hasBit(stemFirst, prefix)) addPhraseHits(stems.get(made === undefined ? stemKeyAt(text, starts[i]!) : stemKey(made)), state, i, hits);
    }
    if (affixes && (f & WordFlag.AsciiLetters) !== 0) {
      // Most words cannot carry an affix: they are their own key, and `entry` already says whether it is one.
      if (keepsIndonesianForm(text, starts[i]!, ends[i]!)) addPhraseHits(entry?.idPhrases, state, i, hits);
      else if (mayBeIndonesianAnchor(tagger.idTrigrams, text, starts[i]!, ends[i]!)) addPhraseHits(indonesianAnchorPhrases(tagger, scan, i), state, i, hits);
    }
    if (!nested && (f & WordFlag.Hashtag) !== 0) {
      const expanded = hashtagWords(state, i, tagger);
      if (expanded) scanSequence(tagger, { field: state.field, scan: expanded, affixes: state.affixes }, hits, true);
    }
  }
}

/** The Indonesian phrases anchored on the affix-stripped key of ASCII word `i`, if any. */
function indonesianAnchorPhrases(tagger: Tagger, scan: LazyWordScan, i: number): PhrasePattern[] | undefined {
  const memoized = lookupAscii(tagger.idAnchors, scan.text, scan.starts[i]!, scan.ends[i]!);
  if (memoized !== undefined) return memoized ?? undefined;
  const word = wordOf(scan, i);
  const phrases = tagger.entries.get(indonesianStem(word))?.idPhrases;
  rememberSlice(tagger.idAnchors, word, phrases ?? null);
  return phrases;
}

/** Whether a word of the text (its string `made`, or ASCII text[start, end) when not made) may be an `entries` key. */
function mayBeKey(tagger: Tagger, text: string, start: number, end: number, made: string | undefined): boolean {
  if (made === undefined) return end - start === 1 ? hasBit(tagger.singleUnitKeys, text.charCodeAt(start) | 0x20) : hasBit(tagger.shapes, shapeKeyAt(text, start, end));
  return made.length === 1 ? hasBit(tagger.singleUnitKeys, made.charCodeAt(0)) : hasBit(tagger.shapes, shapeKey(made));
}

function hashtagTickerHit(state: FieldState, i: number, ticker: Ticker): Hit | undefined {
  const { starts, ends, text } = state.scan;
  if (text.slice(starts[i], ends[i]) !== ticker.upper) return undefined;
  const start = starts[i]! - 1;
  return {
    target: { kind: 'token', symbol: ticker.token.symbol, weight: 1.5 },
    match: { term: `#${ticker.upper}`, field: state.field, lang: 'any', start, end: ends[i]!, text: text.slice(start, ends[i]) },
  };
}

/**
 * The text admin patterns see: the field's folded words separated by single
 * spaces (characters of unspaced scripts stay together).
 */
function patternText(scan: LazyWordScan): string {
  // ASCII: the words are exactly the runs of letters and digits, so native string functions build it.
  if (scan.ascii) return scan.text.toLowerCase().replace(NOT_WORD_ASCII, ' ').trim();
  if (!scan.unspaced) return scan.words.map((_, i) => wordOf(scan, i)).join(' ');
  const { words, starts, ends, flags } = scan;
  let text = '';
  for (let i = 0; i < words.length; i++) {
    const glued = i > 0 && flags[i]! & WordFlag.Unspaced && flags[i - 1]! & WordFlag.Unspaced && starts[i] === ends[i - 1];
    text += i > 0 && !glued ? ` ${wordOf(scan, i)}` : wordOf(scan, i);
  }
  return text;
}

const NOT_WORD_ASCII = /[^a-z0-9]+/g;

/** Where each word starts in {@link patternText}; computed only for fields where a pattern matched. */
function patternOffsets(scan: LazyWordScan): Int32Array {
  const { words, starts, ends, flags } = scan;
  const offsets = new Int32Array(words.length);
  let length = 0;
  for (let i = 0; i < words.length; i++) {
    const glued = i > 0 && flags[i]! & WordFlag.Unspaced && flags[i - 1]! & WordFlag.Unspaced && starts[i] === ends[i - 1];
    if (i > 0 && !glued) length++;
    offsets[i] = length;
    length += wordOf(scan, i).length;
  }
  return offsets;
}

/** Index of the last word starting at or before `at`. */
function wordAt(offsets: Int32Array, at: number): number {
  let lo = 0;
  let hi = offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (offsets[mid]! <= at) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function scanPatterns(tagger: Tagger, state: FieldState, prepared: PreparedText, hits: Hit[]): void {
  if (tagger.patterns.size === 0 || state.scan.words.length === 0 || !mayMatchPatterns(tagger.patterns, state.scan, prepared)) return;
  const spans = tagger.patterns.find(patternText(state.scan));
  if (spans.length === 0) return;
  const offsets = patternOffsets(state.scan);
  for (const span of spans) {
    const def = tagger.patternTargets[span.pattern];
    if (!def) continue;
    const match = spanOf(state, wordAt(offsets, span.start), wordAt(offsets, span.end - 1));
    hits.push({ target: def.target, match: { term: `/${def.source}/`, field: state.field, lang: def.lang, ...match } });
  }
}

/**
 * The admin patterns' literal prefilter, on the field folded in place when it
 * folds so (sentiment reuses that fold), else on its text and folded words.
 */
function mayMatchPatterns(patterns: PatternSet, scan: LazyWordScan, prepared: PreparedText): boolean {
  const folded = foldedInPlace(prepared);
  // Past the head mayMatchFolded reads, mayMatchWords still sees the folded words: keep its answer for such texts.
  // (An ASCII text always folds in place.)
  if (folded !== undefined && (scan.ascii || folded.length <= MAX_PATTERN_TEXT_CHARS)) return patterns.mayMatchFolded(folded);
  return patterns.mayMatchWords(scan.text, scan.words.filter((w) => w !== undefined));
}

function scanField(tagger: Tagger, field: Field, prepared: PreparedText, affixes: boolean, hits: Hit[]): void {
  if (!prepared.text) return;
  const state: FieldState = { field, scan: wordScanOf(prepared), affixes };
  scanSequence(tagger, state, hits, false);
  scanPatterns(tagger, state, prepared, hits);
}

// ── Scoring ──────────────────────────────────────────────────────────────────

const TITLE_BOOST = 1.5;
/** Repeats of an already-matched term add a little: a long essay that keeps returning to a theme is about it. */
const REPEAT_BONUS = 0.1;
const MAX_REPEATS_COUNTED = 10;
/** Matches kept per tag for explanations; all of them count for the score. */
const MAX_MATCHES_REPORTED = 25;

/** Tag a post's title and text with themes and tokens. Pure. */
export function tagPost(tagger: Tagger, post: { title: string; text: string }, options: TagOptions = {}): Tags {
  return tagPreparedPost(tagger, preparePost(post), options);
}

/**
 * {@link tagPost} of a prepared post, whose word scans sentiment then reuses
 * (see scorePreparedSentiment). Pure.
 */
export function tagPreparedPost(tagger: Tagger, post: PreparedPost, options: TagOptions = {}): Tags {
  const hits: Hit[] = [];
  const affixes = options.language === undefined || AFFIX_LANGUAGE_HINTS.has(options.language);
  scanField(tagger, 'title', post.title, affixes, hits);
  scanField(tagger, 'text', post.text, affixes, hits);
  if (hits.length === 0) return { themes: [], tokens: [] };

  const excluded = new Set<string>();
  const themeHits = new Map<string, Hit[]>();
  const tokenHits = new Map<string, Hit[]>();
  for (const hit of hits) {
    const t = hit.target;
    if (t.kind === 'exclude') excluded.add(t.themeId);
    else if (t.kind === 'theme') addTo(themeHits, t.themeId, hit);
    else addTo(tokenHits, t.symbol, hit);
  }

  const themes: ThemeTag[] = [];
  for (const theme of tagger.taxonomy.themes) {
    const list = themeHits.get(theme.id);
    if (!list || excluded.has(theme.id)) continue;
    const tag = orderSpans(list, options.language);
    const score = scoreHits(tag);
    if (score >= theme.minScore) themes.push({ id: theme.id, name: theme.name, score, matches: report(tag, false) });
  }
  const tokens: TokenTag[] = [];
  for (const token of tagger.taxonomy.tokens) {
    const list = tokenHits.get(token.symbol);
    if (!list) continue;
    const tag = orderSpans(list, options.language);
    // "NEAR" inside "NEAR Protocol" explains nothing the name does not.
    tokens.push({ symbol: token.symbol, score: scoreHits(tag), matches: report(tag, true) });
  }
  themes.sort((a, b) => b.score - a.score);
  tokens.sort((a, b) => b.score - a.score);
  return { themes, tokens };
}

/**
 * One tag's hits, one per span (see preferLanguage), with their spans in order
 * (by field, then start, longest first; ties keep their order) and which lie
 * inside another's: sorted once, for the score and the report alike.
 */
interface OrderedHits {
  hits: Hit[];
  order: number[];
  inside: Uint8Array;
}

const compareSpans = (a: Hit, b: Hit) => fieldOrder(a) - fieldOrder(b) || a.match.start - b.match.start || b.match.end - a.match.end;
const fieldOrder = (h: Hit) => (h.match.field === 'title' ? 0 : 1);

function orderSpans(list: Hit[], language: string | undefined): OrderedHits {
  let hits = list;
  let order = spanOrder(hits);
  if (sharesSpan(hits, order)) {
    hits = preferLanguage(hits, language);
    order = spanOrder(hits);
  }
  return { hits, order, inside: containedHits(hits, order) };
}

function spanOrder(hits: readonly Hit[]): number[] {
  const order = hits.map((_, i) => i);
  // Hits arrive in reading order, so most lists are in order already and need no sort.
  if (!inSpanOrder(hits)) order.sort((a, b) => compareSpans(hits[a]!, hits[b]!));
  return order;
}

function inSpanOrder(hits: readonly Hit[]): boolean {
  for (let i = 1; i < hits.length; i++) if (compareSpans(hits[i - 1]!, hits[i]!) > 0) return false;
  return true;
}

/** The matches to show, in span order, without those inside another match when `skipInside`. */
function report({ hits, order, inside }: OrderedHits, skipInside: boolean): Match[] {
  const matches: Match[] = [];
  for (const idx of order) {
    if (matches.length === MAX_MATCHES_REPORTED) break;
    if (!skipInside || inside[idx] === 0) matches.push(hits[idx]!.match);
  }
  return matches;
}

/** One span matched by keywords of several languages is reported once, in the post's language when possible. */
function preferLanguage(hits: Hit[], language: string | undefined): Hit[] {
  const bySpan = new Map<string, Hit>();
  const rank = (h: Hit) => (h.match.lang === language ? 0 : h.match.lang === 'any' ? 1 : 2);
  for (const hit of hits) {
    const key = `${hit.match.field}:${hit.match.start}:${hit.match.end}`;
    const prev = bySpan.get(key);
    if (!prev || rank(hit) < rank(prev)) bySpan.set(key, hit);
  }
  return bySpan.size === hits.length ? hits : [...bySpan.values()];
}

/** Whether two hits have the same span (rare: then preferLanguage keys them); such hits are next to each other in span order. */
function sharesSpan(hits: readonly Hit[], order: readonly number[]): boolean {
  for (let k = 1; k < order.length; k++) if (compareSpans(hits[order[k - 1]!]!, hits[order[k]!]!) === 0) return true;
  return false;
}

/**
 * Each distinct term counts its best weight (×1.5 in the title) once, repeats
 * add a small bonus, and a match inside a longer match of the same tag adds
 * nothing ("descentraliz*" inside "inferência descentralizada").
 */
function scoreHits({ hits, inside }: OrderedHits): number {
  const best = new Map<string, number>();
  let repeats = 0;
  for (let idx = 0; idx < hits.length; idx++) {
    if (inside[idx] === 1) continue;
    const hit = hits[idx]!;
    const weight = hit.target.kind === 'exclude' ? 0 : hit.target.weight;
    const w = weight * (hit.match.field === 'title' ? TITLE_BOOST : 1);
    const prev = best.get(hit.match.term);
    if (prev === undefined) best.set(hit.match.term, w);
    else {
      repeats++;
      if (w > prev) best.set(hit.match.term, w);
    }
  }
  let score = 0;
  for (const w of best.values()) score += w;
  return round2(score + REPEAT_BONUS * Math.min(repeats, MAX_REPEATS_COUNTED));
}

/** For each hit (1), whether its span lies inside another hit's longer span in the same field. */
function containedHits(hits: readonly Hit[], order: readonly number[]): Uint8Array {
  const inside = new Uint8Array(hits.length);
  // Sweep by start: a span ending before the furthest end seen in its field is inside an earlier one.
  let field: Field | undefined;
  let maxEnd = -1;
  for (const idx of order) {
    const m = hits[idx]!.match;
    if (m.field !== field) {
      field = m.field;
      maxEnd = -1;
    }
    if (m.end <= maxEnd) inside[idx] = 1;
    else maxEnd = m.end;
  }
  return inside;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
