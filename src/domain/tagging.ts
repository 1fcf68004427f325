/**
 * Tagging: which themes and tokens a post is about, with the spans that
 * matched as the explanation. One pass over the folded words of the text
 * serves every pattern, so cost grows with text length, not taxonomy size.
 */
import type { Taxonomy, TokenDef } from './taxonomy.ts';
import { foldText, termWords, tokenize, type WordToken } from './text.ts';

export type Field = 'title' | 'text';

export interface Match {
  /** The configured term that matched. */
  term: string;
  /** The words as they appear in the post. */
  text: string;
  field: Field;
  /** Offsets in the original field text. */
  start: number;
  end: number;
  /** Language of the keyword that matched ("any" for names and tickers). */
  lang: string;
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

type Target =
  | { kind: 'theme'; themeId: string; lang: string; weight: number }
  | { kind: 'exclude'; themeId: string }
  | { kind: 'token-name'; symbol: string };

interface PhrasePattern {
  term: string;
  words: string[];
  /** The last word is a stem: any word starting with it matches. */
  stemLast: boolean;
  target: Target;
}

interface Ticker {
  token: TokenDef;
  /** Upper-case spelling that counts as the ticker in prose. */
  upper: string;
}

/** A taxonomy compiled for fast matching; build once per config change. */
export interface Tagger {
  readonly taxonomy: Taxonomy;
  readonly byFirstWord: ReadonlyMap<string, PhrasePattern[]>;
  readonly byStemPrefix: ReadonlyMap<string, PhrasePattern[]>;
  readonly tickers: ReadonlyMap<string, Ticker>;
}

const STEM_KEY_LENGTH = 3;

/**
 * Words that make a bare ambiguous ticker ("NEAR", "RENDER") read as the asset.
 * Several languages, because prices are reported in all of them.
 */
const MARKET_CONTEXT = new Set(
  `price prices token tokens coin coins rose rises rise fell falls fall jumped jumps surged surges soared soars
   rallied rallies rally dropped drops plunged plunges slid slides gained gains lost loses up down usd usdt
   trading traded pump pumps dump dumps crypto market cap holders staking listing listed delisted airdrop
   ecosystem protocol network chain mainnet foundation
   preco precos sobe subiu cai caiu alta queda moeda
   prezzo sale salito scende sceso rialzo ribasso moneta
   harga naik turun melonjak anjlok koin
   prix hausse baisse bondit chute jeton
   precio sube subio baja cae moneda kurs steigt fallt`
    .split(/\s+/)
    .filter(Boolean),
);

function addPattern(index: Map<string, PhrasePattern[]>, key: string, pattern: PhrasePattern): void {
  const list = index.get(key);
  if (list) list.push(pattern);
  else index.set(key, [pattern]);
}

/** Compile a taxonomy into a {@link Tagger}. */
export function compileTagger(taxonomy: Taxonomy): Tagger {
  const byFirstWord = new Map<string, PhrasePattern[]>();
  const byStemPrefix = new Map<string, PhrasePattern[]>();
  const add = (term: string, target: Target) => {
    const stemLast = term.trimEnd().endsWith('*');
    const words = termWords(stemLast ? term.trimEnd().slice(0, -1) : term);
    if (words.length === 0) return;
    const pattern: PhrasePattern = { term, words, stemLast, target };
    const first = words[0]!;
    if (stemLast && words.length === 1) {
      addPattern(byStemPrefix, first.slice(0, STEM_KEY_LENGTH), pattern);
    } else {
      addPattern(byFirstWord, first, pattern);
    }
  };
  for (const theme of taxonomy.themes) {
    for (const k of theme.keywords) add(k.term, { kind: 'theme', themeId: theme.id, lang: k.lang, weight: k.weight });
    for (const term of theme.exclude) add(term, { kind: 'exclude', themeId: theme.id });
  }
  const tickers = new Map<string, Ticker>();
  for (const token of taxonomy.tokens) {
    for (const name of token.names) add(name, { kind: 'token-name', symbol: token.symbol });
    for (const ticker of [token.symbol, ...token.tickers]) {
      tickers.set(ticker.toLowerCase(), { token, upper: ticker.toUpperCase() });
    }
  }
  return { taxonomy, byFirstWord, byStemPrefix, tickers };
}

interface FieldScan {
  field: Field;
  original: string;
  origin: Int32Array;
  words: WordToken[];
  folded: string;
}

function scanField(field: Field, original: string): FieldScan {
  const { text, origin } = foldText(original);
  return { field, original, origin, words: tokenize(text), folded: text };
}

function originalSpan(scan: FieldScan, from: WordToken, to: WordToken): { start: number; end: number; text: string } {
  const start = scan.origin[from.start] ?? 0;
  const lastUnit = scan.origin[to.end - 1] ?? start;
  // The last folded unit maps to the start of its original character; extend over that character.
  const cp = scan.original.codePointAt(lastUnit) ?? 0;
  const end = lastUnit + (cp > 0xffff ? 2 : 1);
  return { start, end, text: scan.original.slice(start, end) };
}

function patternMatchesAt(pattern: PhrasePattern, words: WordToken[], i: number): boolean {
  const n = pattern.words.length;
  if (i + n > words.length) return false;
  for (let k = 0; k < n; k++) {
    const want = pattern.words[k]!;
    const got = words[i + k]!.word;
    const isStem = pattern.stemLast && k === n - 1;
    if (isStem ? !got.startsWith(want) : got !== want) return false;
  }
  return true;
}

/** An all-caps headline makes every word look like a ticker; demand context there. */
function isShouting(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, '');
  if (letters.length < 12) return false;
  const upper = letters.replace(/[^\p{Lu}]/gu, '').length;
  return upper / letters.length > 0.7;
}

function hasMarketContext(scan: FieldScan, i: number): boolean {
  const { words, folded } = scan;
  for (let k = Math.max(0, i - 3); k <= Math.min(words.length - 1, i + 3); k++) {
    if (k !== i && MARKET_CONTEXT.has(words[k]!.word)) return true;
  }
  // "NEAR +5%", "NEAR 5%": a percentage right after the ticker.
  const after = folded.slice(words[i]!.end, words[i]!.end + 12);
  return /^\s*[+\-−]?\s*\d+(?:[.,]\d+)?\s*%/.test(after);
}

function tickerMatch(scan: FieldScan, i: number, tagger: Tagger, shouting: boolean): Ticker | undefined {
  const word = scan.words[i]!;
  const ticker = tagger.tickers.get(word.word);
  if (!ticker) return undefined;
  const isCashtag = scan.folded[word.start - 1] === '$';
  if (isCashtag) return ticker;
  const span = originalSpan(scan, word, word);
  if (span.text !== ticker.upper) return undefined; // "near", "Render": ordinary words
  if (ticker.token.ambiguous || shouting) return hasMarketContext(scan, i) ? ticker : undefined;
  return ticker;
}

interface Hit {
  target: Target;
  match: Match;
}

function scan(tagger: Tagger, s: FieldScan, hits: Hit[]): void {
  const shouting = isShouting(s.original);
  const { words } = s;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!.word;
    const candidates = tagger.byFirstWord.get(word);
    const stemmed = word.length >= STEM_KEY_LENGTH ? tagger.byStemPrefix.get(word.slice(0, STEM_KEY_LENGTH)) : undefined;
    for (const list of [candidates, stemmed]) {
      if (!list) continue;
      for (const pattern of list) {
        if (!patternMatchesAt(pattern, words, i)) continue;
        const span = originalSpan(s, words[i]!, words[i + pattern.words.length - 1]!);
        const lang = pattern.target.kind === 'theme' ? pattern.target.lang : 'any';
        hits.push({ target: pattern.target, match: { term: pattern.term, field: s.field, lang, ...span } });
      }
    }
    const ticker = tickerMatch(s, i, tagger, shouting);
    if (ticker) {
      const span = originalSpan(s, words[i]!, words[i]!);
      hits.push({
        target: { kind: 'token-name', symbol: ticker.token.symbol },
        match: { term: ticker.upper, field: s.field, lang: 'any', ...span },
      });
    }
  }
}

const TITLE_BOOST = 1.5;
/** Repeats of an already-matched term add a little: a long essay that keeps returning to a theme is about it. */
const REPEAT_BONUS = 0.1;
const MAX_REPEATS_COUNTED = 10;

/** Tag a post's title and text with themes and tokens. Pure. */
export function tagPost(tagger: Tagger, post: { title: string; text: string }): Tags {
  const hits: Hit[] = [];
  scan(tagger, scanField('title', post.title), hits);
  scan(tagger, scanField('text', post.text), hits);

  const excluded = new Set<string>();
  const themeHits = new Map<string, Hit[]>();
  const tokenHits = new Map<string, Hit[]>();
  for (const hit of hits) {
    const t = hit.target;
    if (t.kind === 'exclude') excluded.add(t.themeId);
    else if (t.kind === 'theme') (themeHits.get(t.themeId) ?? themeHits.set(t.themeId, []).get(t.themeId)!).push(hit);
    else (tokenHits.get(t.symbol) ?? tokenHits.set(t.symbol, []).get(t.symbol)!).push(hit);
  }

  const themes: ThemeTag[] = [];
  for (const theme of tagger.taxonomy.themes) {
    const list = themeHits.get(theme.id);
    if (!list || excluded.has(theme.id)) continue;
    const score = scoreHits(list, (h) => (h.target.kind === 'theme' ? h.target.weight : 1));
    if (score >= theme.minScore) themes.push({ id: theme.id, name: theme.name, score, matches: list.map((h) => h.match) });
  }
  const tokens: TokenTag[] = [];
  for (const token of tagger.taxonomy.tokens) {
    const list = tokenHits.get(token.symbol);
    if (!list) continue;
    tokens.push({ symbol: token.symbol, score: scoreHits(list, () => 1), matches: list.map((h) => h.match) });
  }
  themes.sort((a, b) => b.score - a.score);
  tokens.sort((a, b) => b.score - a.score);
  return { themes, tokens };
}

function scoreHits(hits: Hit[], weightOf: (h: Hit) => number): number {
  const best = new Map<string, number>();
  let repeats = 0;
  for (const hit of hits) {
    const w = weightOf(hit) * (hit.match.field === 'title' ? TITLE_BOOST : 1);
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

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
