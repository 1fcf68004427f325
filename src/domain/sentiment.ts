/**
 * Market tone of a post: bullish / neutral / bearish for the assets and the
 * sector it is about, not the emotional colour of its prose. A calm report of
 * an exploit is bearish; an essay that warns about AI monopolies while noting
 * that TAO rallied is bullish.
 *
 * A lexicon per language (see sentiment-lexicon.ts) finds market cues (price
 * action, listings, hacks, lawsuits, approvals…) and the words around them that
 * change their meaning: negation ("not approved"), intensity ("sharply"),
 * hedges ("could"), and clauses that are background rather than news ("rebounds
 * after hack", "falls despite ETF approval"). Headlines weigh more than bodies
 * because they state the news; bodies count with diminishing returns.
 */
import { LEXICONS, SENTIMENT_LANGUAGES, UNIVERSAL_LEXICON, type SentimentLanguage } from './sentiment-lexicon.ts';
import { foldedInPlace, foldTerm, foldText, preparePost, prepareText, tokenize, tokenOffsets, wordScanOf, type PreparedPost, type PreparedText } from './text.ts';
import { createSliceTable, hashSlice, type SliceTable } from './slice-table.ts';

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface Sentiment {
  /** In [-1, 1]. */
  score: number;
  label: SentimentLabel;
  /** The words that carried the score, as written in the post ("not approved", "rallied"), for explanations. */
  cues: string[];
}

/** How much each modifier changes a cue; tuned on the development half of the crypto headline set only. */
const WEIGHTS = {
  /** A body counts this much of a title, after dividing by √(market cues in the body). */
  body: 0.6,
  bodyChars: 4000,
  /** Prose tone next to market cues barely counts: the market is what the label is about. */
  toneWithMarket: 0.25,
  toneAlone: 0.4,
  /** "not approved" is clearly bearish; "not appealing" is only mildly good news. */
  negatedPositive: -0.8,
  negatedNegative: -0.6,
  intensify: 1.5,
  soften: 0.6,
  hedge: 0.7,
  despite: 0.25,
  but: 0.5,
  after: 0.5,
  question: 0.6,
  /** Explainers and lists ("how to protect your wallet from phishing") mention events without reporting them. */
  frame: 0.15,
  /** score = tanh(raw / scale) */
  scale: 2,
  /** |score| below this is neutral: one weak cue ("partners", "raises") must not make news bullish. */
  neutralBand: 0.25,
} as const;

/** Tokens between a modifier and its cue, for spaced words and for scripts written without spaces. */
const WINDOW = {
  negation: { spaced: 2, unspaced: 4 },
  intensity: { spaced: 2, unspaced: 3 },
  /** Adverbs that follow the verb: "turun tajam", "erholt sich kräftig". */
  intensityAfter: { spaced: 3, unspaced: 3 },
  hedge: { spaced: 4, unspaced: 6 },
  gapWords: 2,
  longGapWords: 4,
} as const;

type Role = 'cue' | 'neg' | 'neg-post' | 'int' | 'int-post' | 'soft' | 'hedge' | 'despite' | 'despite-post' | 'but' | 'after' | 'after-post' | 'frame';
const ROLES = new Set<string>(['neg', 'neg-post', 'int', 'int-post', 'soft', 'hedge', 'despite', 'despite-post', 'but', 'after', 'after-post', 'frame']);

type Elem = { kind: 'word'; word: string; stem: boolean } | { kind: 'gap'; max: number } | { kind: 'num'; percent: boolean; currency: boolean; sign: -1 | 0 | 1 };

interface Rule {
  role: Role;
  /** Cue value, or for a negator the value it scores when it negates nothing. */
  value: number;
  tone: boolean;
  elems: Elem[];
  /** Only for posts known to be in `lang`. */
  strict: boolean;
  lang: string;
  /** Folded characters of literal words: the tie-break between matches of equal length. */
  literal: number;
  /** The last word is exact: "fall" beats "fall*" for German "Fall". */
  exactEnd: boolean;
}

function expandBraces(pattern: string): string[] {
  const m = /\{([^}]*)\}/.exec(pattern);
  if (!m) return [pattern];
  return m[1]!.split(',').flatMap((alt) => expandBraces(pattern.slice(0, m.index) + alt.trim() + pattern.slice(m.index + m[0].length)));
}

function parsePattern(raw: string, role: Role, value: number, tone: boolean, lang: string): Rule {
  const strict = raw.startsWith('!');
  const elems: Elem[] = [];
  let literal = 0;
  for (const w of raw.replace(/^!/, '').trim().split(/\s+/)) {
    if (w === '~' || w === '~~') elems.push({ kind: 'gap', max: w === '~' ? WINDOW.gapWords : WINDOW.longGapWords });
    else if (/^([+-]|\$)?#%?$/.test(w)) elems.push({ kind: 'num', percent: w.endsWith('%'), currency: w.startsWith('$'), sign: w.startsWith('+') ? 1 : w.startsWith('-') ? -1 : 0 });
    else {
      const stem = w.endsWith('*');
      const words = tokenize(foldTerm(stem ? w.slice(0, -1) : w)).map((t) => t.word);
      if (words.length === 0) throw new Error(`sentiment lexicon (${lang}): "${raw}" has no words`);
      words.forEach((word, k) => {
        const isStem = stem && k === words.length - 1;
        if (isStem && word.length < 3) throw new Error(`sentiment lexicon (${lang}): stem "${w}" is shorter than 3 letters`);
        elems.push({ kind: 'word', word, stem: isStem });
        literal += word.length;
      });
    }
  }
  if (elems[0]?.kind === 'gap' || elems.at(-1)?.kind === 'gap') throw new Error(`sentiment lexicon (${lang}): "${raw}" starts or ends with ~`);
  const last = elems.at(-1);
  return { role, value, tone, elems, strict, lang, literal, exactEnd: !(last?.kind === 'word' && last.stem) };
}

/** Parse one language's lexicon text (format in sentiment-lexicon.ts); throws on a malformed line, which is a bug. */
function parseLexicon(text: string, lang: string): Rule[] {
  const rules: Rule[] = [];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('//')) continue;
    const colon = line.indexOf(':');
    if (colon < 0) throw new Error(`sentiment lexicon (${lang}): no ":" in "${line}"`);
    const head = line.slice(0, colon).trim().split(/\s+/);
    let role: Role = 'cue';
    let value = Number(head[0]);
    let tone = false;
    if (Number.isFinite(value)) tone = head[1] === 'tone';
    else if (ROLES.has(head[0]!)) {
      role = head[0] as Role;
      value = head[1] === undefined || head[1] === 'tone' ? 0 : Number(head[1]);
      tone = head.includes('tone');
    } else throw new Error(`sentiment lexicon (${lang}): unknown role "${head[0]}"`);
    for (const alt of line.slice(colon + 1).split('|')) {
      if (alt.trim() === '') continue;
      for (const pattern of expandBraces(alt.trim())) rules.push(parsePattern(pattern, role, value, tone, lang));
    }
  }
  return rules;
}

const PARSED: ReadonlyMap<string, Rule[]> = new Map([
  ['any', parseLexicon(UNIVERSAL_LEXICON, 'any')],
  ...SENTIMENT_LANGUAGES.map((lang) => [lang, parseLexicon(LEXICONS[lang], lang)] as const),
]);

/** `*` stems sharing their first three units, with the rules they start, in lexicon order. */
interface StemGroup {
  stems: string[];
  rules: Rule[];
  /** For each rule, the index of its stem in `stems`. */
  stemOf: Int32Array;
}

interface Matcher {
  /** Rules by their exact first word. */
  words: SliceTable<Rule[]>;
  /** Rules starting with a `*` stem, by the stem's first three units. */
  stems: SliceTable<StemGroup>;
  numeric: Rule[];
  /** Shapes of `words` keys (see shapeAt): most words of a post are in no rule and are not even hashed. */
  wordShapes: Uint32Array;
  /** The one-unit `words` keys, by unit: one-unit words (each CJK character) share a few shapes, nearly all taken. */
  singleUnitWords: Uint32Array;
  /**
   * The shapes (units, for one-unit keys) of `words` keys all of whose rules need a next word: the commonest
   * words ("the", "in", "a", "de", "to"), rarely followed by what their rules need. Such a key is looked up
   * only when its shape and the next word's first unit are in `pairShapes` (see pairShape).
   */
  gatedShapes: Uint32Array;
  gatedUnits: Uint32Array;
  pairShapes: Uint32Array;
  /** Shapes of the words that may start a `*` stem: its first units and their length (see stemShapeAt). */
  stemShapes: Uint32Array;
}

const SHAPE_BITS = 1 << 19;
const newBits = (size: number) => new Uint32Array(size >>> 5);
const setBit = (bits: Uint32Array, i: number) => {
  bits[i >>> 5]! |= 1 << (i & 31);
};
const hasBit = (bits: Uint32Array, i: number) => (bits[i >>> 5]! & (1 << (i & 31))) !== 0;

/** Length, first two and last units of the word text[start, end), packed into 19 bits. */
function shapeAt(text: string, start: number, end: number): number {
  const length = end - start;
  return ((length & 0xf) << 15) | ((text.charCodeAt(start) & 0x1f) << 10) | ((length > 1 ? text.charCodeAt(start + 1) & 0x1f : 0) << 5) | (text.charCodeAt(end - 1) & 0x1f);
}

/** Word lengths told apart by {@link stemShapeAt}: 3 to 9 units, and 10 or more. */
const STEM_LENGTH_BUCKETS = 8;

/**
 * The first four units of a word of `length` units from `at` (three for a
 * three-unit word), 5 bits each, and its length bucket, hashed into 19 bits.
 * Length and fourth unit count: "the", "research" and "sector" start stem
 * groups ("theft*", "restor*", "secure*") but none of their stems, and are
 * among the commonest words of a post.
 */
function stemShapeAt(text: string, at: number, length: number): number {
  const fourth = length > PREFIX ? text.charCodeAt(at + PREFIX) : 0;
  return stemShape(text.charCodeAt(at), text.charCodeAt(at + 1), text.charCodeAt(at + 2), fourth, lengthBucket(length));
}

function stemShape(first: number, second: number, third: number, fourth: number, bucket: number): number {
  const packed = ((first & 0x1f) << 18) | ((second & 0x1f) << 13) | ((third & 0x1f) << 8) | ((fourth & 0x1f) << 3) | bucket;
  return Math.imul(packed, 0x9e3779b1) >>> 13;
}

function lengthBucket(length: number): number {
  return Math.min(length, PREFIX + STEM_LENGTH_BUCKETS - 1) - PREFIX;
}

/** A word's shape (see shapeAt) and the first unit of the word after it, hashed into 19 bits. */
function pairShape(shape: number, nextUnit: number): number {
  return (Math.imul(shape, 0x9e3779b1) ^ Math.imul(nextUnit, 0x85ebca6b)) >>> 13;
}

/**
 * The units the word after a rule's first word must start with, for every
 * rule of `rules` (a number starts with a digit), or undefined when some rule
 * needs no next word, or any (it is one word, or a gap follows its first).
 */
function nextUnits(rules: readonly Rule[]): number[] | undefined {
  const units: number[] = [];
  for (const rule of rules) {
    const next = rule.elems[1];
    if (next === undefined || next.kind === 'gap') return undefined;
    if (next.kind === 'word') units.push(next.word.charCodeAt(0));
    else for (let digit = 48; digit <= 57; digit++) units.push(digit);
  }
  return units;
}

const PREFIX = 3;
const NON_LATIN: readonly SentimentLanguage[] = ['zh', 'ja', 'ko', 'ru'];
const matchers = new Map<string, Matcher>();
/** The most stems in one {@link StemGroup}: the size of the flags findSpans marks them in. */
let maxStems = 0;

const stemOf = (rule: Rule) => (rule.elems[0] as { word: string }).word;

/** The value of the key text[start, end) whose {@link hashSlice} is `hash`, if any. */
function lookupSlice<V>(table: SliceTable<V>, hash: number, text: string, start: number, end: number): V | undefined {
  const length = end - start;
  for (let slot = hash & table.mask; ; slot = (slot + 1) & table.mask) {
    const k = table.slots[slot]! - 1;
    if (k < 0) return undefined;
    const key = table.keys[k]!;
    if (key.length === length && unitsMatch(text, start, key)) return table.values[k];
  }
}

/** `text.startsWith(word, at)`, as a loop: cheaper than the call for the short words of a lexicon. */
function unitsMatch(text: string, at: number, word: string): boolean {
  for (let j = 0; j < word.length; j++) if (text.charCodeAt(at + j) !== word.charCodeAt(j)) return false;
  return true;
}

/**
 * Which lexicons read a post: its own language, English (crypto news borrows
 * "pump", "ETF", "hack" everywhere) and the scripts that cannot be confused with
 * it; every lexicon when the language is unknown, minus patterns marked strict.
 */
function matcherFor(lang: SentimentLanguage | undefined): Matcher {
  const key = lang ?? '*';
  const cached = matchers.get(key);
  if (cached) return cached;
  let langs: string[];
  if (lang === undefined) langs = ['any', ...SENTIMENT_LANGUAGES];
  else {
    // Chinese and Japanese share Han characters: each keeps to its own lexicon there.
    const others = NON_LATIN.filter((l) => l !== lang && !(lang === 'zh' && l === 'ja') && !(lang === 'ja' && l === 'zh'));
    langs = [...new Set(['any', 'en', lang, ...others])];
  }
  const byWord = new Map<string, Rule[]>();
  const byPrefix = new Map<string, Rule[]>();
  const numeric: Rule[] = [];
  const add = (map: Map<string, Rule[]>, k: string, rule: Rule) => {
    const list = map.get(k);
    if (list) list.push(rule);
    else map.set(k, [rule]);
  };
  for (const l of langs) {
    for (const rule of PARSED.get(l) ?? []) {
      if (rule.strict && rule.lang !== lang) continue;
      const first = rule.elems[0]!;
      if (first.kind === 'num') numeric.push(rule);
      else if (first.kind === 'word') {
        if (first.stem) add(byPrefix, first.word.slice(0, PREFIX), rule);
        else add(byWord, first.word, rule);
      }
    }
  }
  const groups = new Map<string, StemGroup>();
  for (const [prefix, rules] of byPrefix) {
    const stems = [...new Set(rules.map(stemOf))];
    groups.set(prefix, { stems, rules, stemOf: Int32Array.from(rules, (r) => stems.indexOf(stemOf(r))) });
    maxStems = Math.max(maxStems, stems.length);
  }
  const wordShapes = newBits(SHAPE_BITS);
  const singleUnitWords = newBits(1 << 16);
  const pairShapes = newBits(SHAPE_BITS);
  // A shape is gated when all the keys that have it are.
  const ungatedShapes = newBits(SHAPE_BITS);
  const ungatedUnits = newBits(1 << 16);
  for (const [word, rules] of byWord) {
    const shape = shapeAt(word, 0, word.length);
    const next = nextUnits(rules);
    if (next) for (const unit of next) setBit(pairShapes, pairShape(shape, unit));
    if (word.length === 1) {
      setBit(singleUnitWords, word.charCodeAt(0));
      if (!next) setBit(ungatedUnits, word.charCodeAt(0));
    } else {
      setBit(wordShapes, shape);
      if (!next) setBit(ungatedShapes, shape);
    }
  }
  const gatedShapes = wordShapes.map((bits, k) => bits & ~ungatedShapes[k]!);
  const gatedUnits = singleUnitWords.map((bits, k) => bits & ~ungatedUnits[k]!);
  const stemShapes = newBits(SHAPE_BITS);
  for (const stem of [...groups.values()].flatMap((group) => group.stems)) {
    // Every length at which a word can start the stem (the last bucket takes all longer words), with the
    // stem's fourth unit, or any fourth unit after a three-unit stem.
    const [first, second, third] = [stem.charCodeAt(0), stem.charCodeAt(1), stem.charCodeAt(2)];
    for (let bucket = lengthBucket(stem.length); bucket < STEM_LENGTH_BUCKETS; bucket++) {
      if (stem.length > PREFIX) setBit(stemShapes, stemShape(first, second, third, stem.charCodeAt(PREFIX), bucket));
      else if (bucket === 0) setBit(stemShapes, stemShape(first, second, third, 0, bucket));
      else for (let fourth = 0; fourth < 32; fourth++) setBit(stemShapes, stemShape(first, second, third, fourth, bucket));
    }
  }
  const matcher: Matcher = { words: createSliceTable([...byWord]), stems: createSliceTable([...groups]), numeric, wordShapes, singleUnitWords, gatedShapes, gatedUnits, pairShapes, stemShapes };
  matchers.set(key, matcher);
  return matcher;
}

const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
/** "70k", "1.5bn": amounts after a currency sign. */
const isCurrencySign = (c: number) => c === 0x24 || c === 0x20ac || c === 0xa3 || c === 0xa5; // $ € £ ¥

/**
 * One field's words with where clauses and sentences break between them. Words
 * are offsets into `folded`, looked up in the lexicon without strings of their own.
 */
interface Field {
  folded: string;
  /** Original offset of each unit of `folded`; undefined when folding moved nothing (ASCII). */
  origin: Int32Array | undefined;
  count: number;
  starts: readonly number[];
  ends: readonly number[];
  /** clauseBreaks[k]: breaks between token 0 and token k. */
  clauseBreaks: Int32Array;
  sentenceBreaks: Int32Array;
}

/**
 * Read a field. Most text (all ASCII text, and accented or CJK text whose
 * letters each fold to one letter) folds without moving offsets, so its words
 * are exactly the tagger's (shared through the prepared text); other text is
 * folded and split on its own, as before sharing.
 */
function readField(prepared: PreparedText): Field {
  let folded = foldedInPlace(prepared);
  let origin: Int32Array | undefined;
  let starts: readonly number[];
  let ends: readonly number[];
  if (folded !== undefined) {
    const scan = wordScanOf(prepared);
    starts = scan.starts;
    ends = scan.ends;
  } else {
    ({ text: folded, origin } = foldText(prepared.text));
    ({ starts, ends } = tokenOffsets(folded));
  }
  const count = starts.length;
  // Views into reused buffers: a field lives only while scoreField reads it, and a fresh
  // typed array per field cost more than filling it.
  if (breakBuffers.clauses.length < count + 1) breakBuffers = newBreakBuffers(Math.max(count + 1, 2 * breakBuffers.clauses.length));
  const clauseBreaks = breakBuffers.clauses.subarray(0, count + 1);
  const sentenceBreaks = breakBuffers.sentences.subarray(0, count + 1);
  clauseBreaks[0] = 0;
  sentenceBreaks[0] = 0;
  let clauses = 0;
  let sentences = 0;
  for (let k = 1; k < count; k++) {
    const from = ends[k - 1]!;
    const to = starts[k]!;
    // The usual gap, one space, breaks nothing.
    if (to - from !== 1 || folded.charCodeAt(from) !== 32) {
      const gap = gapBreaks(folded, from, to);
      // "4.5" and "1,200" are one number, not two clauses.
      const inNumber = to - from === 1 && (folded.charCodeAt(from) === 46 || folded.charCodeAt(from) === 44) && isDigitsAt(folded, starts[k - 1]!, from) && isDigitsAt(folded, to, ends[k]!);
      if (!inNumber) {
        clauses += gap & CLAUSE;
        sentences += (gap & SENTENCE) >> 1;
      }
    }
    clauseBreaks[k] = clauses;
    sentenceBreaks[k] = sentences;
  }
  clauseBreaks[count] = clauseBreaks[Math.max(0, count - 1)]!;
  sentenceBreaks[count] = sentenceBreaks[Math.max(0, count - 1)]!;
  return { folded, origin, count, starts, ends, clauseBreaks, sentenceBreaks };
}

const CLAUSE = 1;
const SENTENCE = 2;

const newBreakBuffers = (size: number) => ({ clauses: new Int32Array(size), sentences: new Int32Array(size) });
/** Scratch for {@link readField}: only one field is read at a time. */
let breakBuffers = newBreakBuffers(1024);

/**
 * Whether the characters between two words break a clause and a sentence:
 * punctuation ("," ";" ":" "!" "?" "…" "|", their CJK forms), a dash, a dot
 * before a space ("pump.fun", "io.net" and "Fetch.ai" are names), " - ".
 */
function gapBreaks(text: string, from: number, to: number): number {
  let breaks = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 0x21: // !
      case 0x3f: // ?
      case 0x3002: // 。
      case 0xff01: // ！
      case 0xff1f: // ？
        return CLAUSE | SENTENCE;
      case 0x2c: // ,
      case 0x3b: // ;
      case 0x3a: // :
      case 0xff0c: // ，
      case 0xff1b: // ；
      case 0xff1a: // ：
      case 0x3001: // 、
      case 0x2026: // …
      case 0x7c: // |
      case 0x2013: // –
      case 0x2014: // —
        breaks = CLAUSE;
        break;
      case 0x2e: // .
        if (i + 1 < to && isSpace(text.charCodeAt(i + 1))) return CLAUSE | SENTENCE;
        break;
      case 0x2d: // -
        if (i > from && i + 1 < to && isSpace(text.charCodeAt(i - 1)) && isSpace(text.charCodeAt(i + 1))) breaks = CLAUSE;
        break;
    }
  }
  return breaks;
}

/** JavaScript's `\s`. */
function isSpace(c: number): boolean {
  if (c < 0x80) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** `^\d+$` on text[start, end). */
function isDigitsAt(text: string, start: number, end: number): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** `^\d+(?:k|m|b|bn|t)?$` on text[start, end): "70k", "1.5bn" after a currency sign. */
function isAmountAt(text: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === start) return false;
  const rest = end - i;
  if (rest === 0) return true;
  const c = text.charCodeAt(i);
  if (rest === 1) return c === 107 || c === 109 || c === 98 || c === 116; // k m b t
  return rest === 2 && c === 98 && text.charCodeAt(i + 1) === 110; // bn
}

const isDigitsToken = (f: Field, k: number) => isDigitsAt(f.folded, f.starts[k]!, f.ends[k]!);
const isAmountToken = (f: Field, k: number) => isAmountAt(f.folded, f.starts[k]!, f.ends[k]!);

/** A clause break between token a and a later token b. */
const clauseBetween = (f: Field, a: number, b: number) => f.clauseBreaks[b]! - f.clauseBreaks[a]! > 0;
const sentenceBetween = (f: Field, a: number, b: number) => f.sentenceBreaks[b]! - f.sentenceBreaks[a]! > 0;

/** End (exclusive) of the number starting at token j ("4.5", "1,200", "$70K" when `currency`), or -1. */
function numberEnd(f: Field, j: number, percent: boolean, currency: boolean, sign: -1 | 0 | 1): number {
  if (j >= f.count) return -1;
  const digits = currency ? isAmountToken : isDigitsToken;
  if (!digits(f, j)) return -1;
  const start = f.starts[j]!;
  if (currency) {
    let p = start - 1;
    if (f.folded[p] === ' ') p--;
    if (!isCurrencySign(f.folded.charCodeAt(p))) return -1;
  }
  let k = j;
  while (k + 1 < f.count && digits(f, k + 1) && isDigitsToken(f, k) && !clauseBetween(f, k, k + 1) && f.starts[k + 1]! - f.ends[k]! === 1) k++;
  if (percent) {
    const end = f.ends[k]!;
    const c = f.folded.charCodeAt(end) === 32 ? f.folded.charCodeAt(end + 1) : f.folded.charCodeAt(end);
    if (c !== 0x25 && c !== 0xff05) return -1; // % ％
  }
  if (sign !== 0) {
    let p = start - 1;
    if (f.folded[p] === ' ') p--;
    const ch = f.folded[p];
    const found = ch === '+' ? 1 : ch === '-' || ch === '−' || ch === '–' ? -1 : 0;
    // "10-20%" is a range, not a fall.
    if (found !== sign || /[\p{L}\p{N}]/u.test(f.folded[p - 1] ?? '')) return -1;
  }
  return k + 1;
}

/** End (exclusive) of `rule` matched from token i, or -1. Matches never span a clause break. */
function matchRule(f: Field, rule: Rule, i: number, e = 0): number {
  if (e === rule.elems.length) return i;
  const elem = rule.elems[e]!;
  if (e > 0 && (i >= f.count || clauseBetween(f, i - 1, i))) return -1;
  if (elem.kind === 'gap') {
    for (let skip = 0; skip <= elem.max; skip++) {
      if (skip > 0 && (i + skip - 1 >= f.count || clauseBetween(f, i + skip - 2, i + skip - 1))) break;
      const end = matchRule(f, rule, i + skip, e + 1);
      if (end >= 0) return end;
    }
    return -1;
  }
  if (elem.kind === 'num') {
    const end = numberEnd(f, i, elem.percent, elem.currency, elem.sign);
    return end < 0 ? -1 : matchRule(f, rule, end, e + 1);
  }
  if (i >= f.count) return -1;
  const start = f.starts[i]!;
  const length = f.ends[i]! - start;
  if (elem.stem ? length < elem.word.length : length !== elem.word.length) return -1;
  if (!f.folded.startsWith(elem.word, start)) return -1;
  return matchRule(f, rule, i + 1, e + 1);
}

interface Span {
  rule: Rule;
  start: number;
  end: number;
}

/** The better of `best` and the longest match of `rules` at token i: more words, then an exact last word, then more letters. */
function longest(f: Field, i: number, rules: readonly Rule[] | undefined, best: Span | undefined, firstWordMatched = false): Span | undefined {
  if (!rules) return best;
  for (const rule of rules) best = better(f, i, rule, best, firstWordMatched ? matchAfterFirstWord(f, rule, i) : matchRule(f, rule, i));
  return best;
}

/** {@link matchRule} of a rule whose first word is known to be word i (the lookup that found the rule compared it). */
function matchAfterFirstWord(f: Field, rule: Rule, i: number): number {
  return matchRule(f, rule, i + 1, 1);
}

/** The better of `best` and `rule` matched from token i to `end` (-1: no match). */
function better(f: Field, i: number, rule: Rule, best: Span | undefined, end: number): Span | undefined {
  if (end < 0) return best;
  if (!best || end > best.end || (end === best.end && (Number(rule.exactEnd) - Number(best.rule.exactEnd) || rule.literal - best.rule.literal) > 0)) {
    return { rule, start: i, end };
  }
  return best;
}

/** Where the number at token i ends for each kind of number element (see numberKind); -2 not computed yet. */
const numberEnds = new Int32Array(12);

/** An index for each combination of a number element's percent, currency and sign. */
const numberKind = (elem: { percent: boolean; currency: boolean; sign: -1 | 0 | 1 }) => (elem.percent ? 1 : 0) | (elem.currency ? 2 : 0) | ((elem.sign + 1) << 2);

/**
 * {@link longest} over rules starting with a number: the number is read once
 * for each kind of number element, not once per rule.
 */
function longestNumeric(f: Field, i: number, rules: readonly Rule[], best: Span | undefined): Span | undefined {
  numberEnds.fill(-2);
  for (const rule of rules) {
    const elem = rule.elems[0] as { percent: boolean; currency: boolean; sign: -1 | 0 | 1 };
    const kind = numberKind(elem);
    if (numberEnds[kind] === -2) numberEnds[kind] = numberEnd(f, i, elem.percent, elem.currency, elem.sign);
    const end = numberEnds[kind]!;
    if (end >= 0) best = better(f, i, rule, best, matchRule(f, rule, end, 1));
  }
  return best;
}

/** Which stems of a group word i starts with; scratch for {@link longestStemmed}, grown with the lexicons. */
let stemStarts = new Uint8Array(0);

/**
 * Whether text[at…] starts with `stem` when their first {@link PREFIX} units are
 * known to agree (the stem group was found by them); a plain loop over a few
 * units costs less than a `startsWith` call.
 */
function unitsAfterPrefixMatch(text: string, at: number, stem: string): boolean {
  for (let j = PREFIX; j < stem.length; j++) if (text.charCodeAt(at + j) !== stem.charCodeAt(j)) return false;
  return true;
}

/** {@link longest} over a stem group: each distinct stem is compared once, and rules whose stem the word lacks are skipped. */
function longestStemmed(f: Field, i: number, group: StemGroup | undefined, best: Span | undefined): Span | undefined {
  if (!group) return best;
  if (stemStarts.length < maxStems) stemStarts = new Uint8Array(maxStems);
  const start = f.starts[i]!;
  const length = f.ends[i]! - start;
  let any = false;
  for (let k = 0; k < group.stems.length; k++) {
    const stem = group.stems[k]!;
    const starts = length >= stem.length && unitsAfterPrefixMatch(f.folded, start, stem);
    stemStarts[k] = starts ? 1 : 0;
    any ||= starts;
  }
  if (!any) return best;
  const { rules, stemOf } = group;
  for (let r = 0; r < rules.length; r++) if (stemStarts[stemOf[r]!] === 1) best = better(f, i, rules[r]!, best, matchAfterFirstWord(f, rules[r]!, i));
  return best;
}

/** Whether word i, text[start, end), may be the first word of a rule of `matcher.words`: a filter, no false negatives. */
function mayStartWordRule(matcher: Matcher, f: Field, i: number, start: number, end: number): boolean {
  const { folded } = f;
  const shape = shapeAt(folded, start, end);
  if (end - start === 1) {
    const unit = folded.charCodeAt(start);
    if (!hasBit(matcher.singleUnitWords, unit)) return false;
    if (!hasBit(matcher.gatedUnits, unit)) return true;
  } else {
    if (!hasBit(matcher.wordShapes, shape)) return false;
    if (!hasBit(matcher.gatedShapes, shape)) return true;
  }
  return i + 1 < f.count && hasBit(matcher.pairShapes, pairShape(shape, folded.charCodeAt(f.starts[i + 1]!)));
}

/** Leftmost-longest matching: at each word the longest pattern wins, so "drops lawsuit" beats "drops". */
function findSpans(f: Field, matcher: Matcher): Span[] {
  const spans: Span[] = [];
  const { folded, starts, ends, count } = f;
  let i = 0;
  while (i < count) {
    const start = starts[i]!;
    const end = ends[i]!;
    let best: Span | undefined;
    if (mayStartWordRule(matcher, f, i, start, end)) {
      best = longest(f, i, lookupSlice(matcher.words, hashSlice(folded, start, end), folded, start, end), undefined, true);
    }
    if (end - start >= PREFIX && hasBit(matcher.stemShapes, stemShapeAt(folded, start, end - start))) {
      best = longestStemmed(f, i, lookupSlice(matcher.stems, hashSlice(folded, start, start + PREFIX), folded, start, start + PREFIX), best);
    }
    if (isAmountAt(folded, start, end)) best = longestNumeric(f, i, matcher.numeric, best);
    if (best) {
      spans.push(best);
      i = best.end;
    } else i++;
  }
  return spans;
}

interface ScoredCue {
  value: number;
  tone: boolean;
  text: string;
}

function originalText(text: string, f: Field, start: number, end: number): string {
  const first = f.starts[start]!;
  const from = f.origin ? (f.origin[first] ?? 0) : first;
  const lastEnd = f.ends[end - 1]!;
  const to = lastEnd < f.folded.length ? (f.origin ? (f.origin[lastEnd] ?? text.length) : lastEnd) : text.length;
  return text.slice(from, to).trim();
}

/** Whether modifier `s` sits within `window` tokens before (or after) cue `c`, in the same clause. */
function within(f: Field, s: Span, c: Span, window: { spaced: number; unspaced: number }, before: boolean, unspacedCue: boolean): boolean {
  const limit = unspacedCue ? window.unspaced : window.spaced;
  if (before) return s.end <= c.start && c.start - s.end <= limit && !clauseBetween(f, s.end - 1, c.start);
  return s.start >= c.end && s.start - c.end <= limit && !clauseBetween(f, c.end - 1, s.start);
}

interface FieldContext {
  f: Field;
  /** Non-cue spans: cues only look at these, which are few even in long bodies. */
  modifiers: Span[];
  usedModifiers: Set<Span>;
  question: boolean;
}

interface Modified {
  value: number;
  /** Token range to show, including a negator. */
  from: number;
  to: number;
  /** The "after"/"despite" marker whose clause holds the cue. */
  background?: Span;
}

/** A cue's value after negation, intensity, hedges and background clauses around it. */
function modifyCue(ctx: FieldContext, c: Span, base: number): Modified {
  const { f } = ctx;
  let from = c.start;
  let to = c.end;
  let negated = false;
  let intensity = 1;
  let scope = 1;
  let background: Span | undefined;
  const unspaced = ctx.modifiers.length > 0 && UNSPACED.test(f.folded.slice(f.starts[c.start], f.ends[c.start]));
  for (const s of ctx.modifiers) {
    if (s.start === c.start) continue;
    switch (s.rule.role) {
      case 'neg':
      case 'neg-post': {
        const before = s.rule.role === 'neg';
        if (!negated && within(f, s, c, WINDOW.negation, before, unspaced)) {
          negated = true;
          ctx.usedModifiers.add(s);
          if (before) from = s.start;
          else to = s.end;
        }
        break;
      }
      case 'int':
      case 'int-post':
        if (s.rule.role === 'int' ? within(f, s, c, WINDOW.intensity, true, unspaced) : within(f, s, c, WINDOW.intensityAfter, false, unspaced)) {
          intensity = Math.max(intensity, WEIGHTS.intensify);
          ctx.usedModifiers.add(s);
        }
        break;
      case 'soft':
        if (within(f, s, c, WINDOW.intensity, true, unspaced)) intensity = Math.min(intensity, WEIGHTS.soften);
        break;
      case 'hedge':
        if (within(f, s, c, WINDOW.hedge, true, unspaced)) scope = Math.min(scope, WEIGHTS.hedge);
        break;
      case 'despite':
      case 'after':
        if (s.end <= c.start && !clauseBetween(f, s.end - 1, c.start)) {
          scope = Math.min(scope, s.rule.role === 'despite' ? WEIGHTS.despite : WEIGHTS.after);
          background = s;
        }
        break;
      case 'despite-post':
      case 'after-post':
        if (c.end <= s.start && !clauseBetween(f, c.end - 1, s.start)) {
          scope = Math.min(scope, s.rule.role === 'despite-post' ? WEIGHTS.despite : WEIGHTS.after);
          background = s;
        }
        break;
      case 'but':
        if (c.end <= s.start && !sentenceBetween(f, c.end - 1, s.start)) scope = Math.min(scope, WEIGHTS.but);
        break;
      case 'cue':
      case 'frame':
        break;
    }
  }
  let value = base;
  if (negated) value *= value > 0 ? WEIGHTS.negatedPositive : WEIGHTS.negatedNegative;
  value *= intensity * scope * (ctx.question ? WEIGHTS.question : 1);
  return { value, from, to, background };
}

/** Score every cue of one field with its modifiers applied; `framed` when the field has an explainer frame. */
function scoreField(prepared: PreparedText, matcher: Matcher, isTitle: boolean): { cues: ScoredCue[]; framed: boolean } {
  const { text } = prepared;
  const f = readField(prepared);
  if (f.count === 0) return { cues: [], framed: false };
  const spans = findSpans(f, matcher);
  if (spans.length === 0) return { cues: [], framed: false };
  const ctx: FieldContext = {
    f,
    modifiers: spans.filter((s) => s.rule.role !== 'cue' && s.rule.role !== 'frame'),
    usedModifiers: new Set(),
    question: isTitle && /[?？]\s*$/.test(text),
  };
  const scored: ScoredCue[] = [];
  // A background clause ("after the Bybit hack sell-off") is one earlier event: only its strongest cue counts.
  const strongestBackground = new Map<Span, ScoredCue>();
  for (const c of spans) {
    if (c.rule.role !== 'cue' || c.rule.value === 0) continue;
    const { value, from, to, background } = modifyCue(ctx, c, c.rule.value);
    const cue = { value, tone: c.rule.tone, text: originalText(text, f, from, to) };
    if (!background || cue.tone) scored.push(cue);
    else {
      const prev = strongestBackground.get(background);
      if (!prev || Math.abs(value) > Math.abs(prev.value)) strongestBackground.set(background, cue);
    }
  }
  scored.push(...strongestBackground.values());
  // A modifier with nothing to modify can be the news itself ("fails to hold $2"); an idle
  // intensifier ("sees record transactions") is weak evidence, so only when nothing else is said.
  const marketCues = scored.filter((c) => !c.tone).length;
  for (const s of ctx.modifiers) {
    if (s.rule.value !== 0 && !ctx.usedModifiers.has(s) && (s.rule.role !== 'int' || marketCues === 0)) {
      const { value } = modifyCue(ctx, s, s.rule.value);
      scored.push({ value, tone: s.rule.tone, text: originalText(text, f, s.start, s.end) });
    }
  }
  return { cues: scored, framed: spans.some((s) => s.rule.role === 'frame') };
}

/** The lexicon a language tag selects: "pt-BR" reads Portuguese; unknown tags read every lexicon. */
function sentimentLanguage(lang: string | undefined): SentimentLanguage | undefined {
  const primary = lang?.toLowerCase().split(/[-_]/)[0];
  return (SENTIMENT_LANGUAGES as readonly string[]).includes(primary ?? '') ? (primary as SentimentLanguage) : undefined;
}

/** Score a post's market tone. `lang` (BCP 47) picks the lexicon; without it every lexicon reads the post. Pure. */
export function scoreSentiment(post: { title: string; text: string; lang?: string }): Sentiment {
  return scorePreparedSentiment(preparePost(post), post.lang);
}

/**
 * {@link scoreSentiment} of a prepared post: what tagging already read of it
 * (its word scan) is not read again. Pure.
 */
export function scorePreparedSentiment(post: PreparedPost, lang?: string): Sentiment {
  const matcher = matcherFor(sentimentLanguage(lang));
  const { cues: title, framed } = scoreField(post.title, matcher, true);
  // Only the opening of a long body counts; a shorter body is shared with tagging as it is.
  const bodyText = post.text.text.length > WEIGHTS.bodyChars ? prepareText(post.text.text.slice(0, WEIGHTS.bodyChars)) : post.text;
  const { cues: body } = scoreField(bodyText, matcher, false);
  const hasMarket = [...title, ...body].some((c) => !c.tone);
  const toneWeight = hasMarket ? WEIGHTS.toneWithMarket : WEIGHTS.toneAlone;
  const sum = (cues: ScoredCue[]) => cues.reduce((acc, c) => acc + c.value * (c.tone ? toneWeight : 1), 0);
  // Long bodies repeat themselves: evidence grows with the square root of the cue count.
  const bodyEvidence = hasMarket ? body.filter((c) => !c.tone).length : body.length;
  const raw = (sum(title) + (WEIGHTS.body * sum(body)) / Math.sqrt(Math.max(1, bodyEvidence))) * (framed ? WEIGHTS.frame : 1);
  const score = Math.round(Math.tanh(raw / WEIGHTS.scale) * 100) / 100 + 0;
  const label: SentimentLabel = score >= WEIGHTS.neutralBand ? 'positive' : score <= -WEIGHTS.neutralBand ? 'negative' : 'neutral';
  const cues = [...new Set([...title, ...body].filter((c) => !c.tone || !hasMarket).map((c) => c.text))].slice(0, 12);
  return { score, label, cues };
}
