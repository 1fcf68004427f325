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
import { foldTerm, foldText, tokenize, type WordToken } from './text.ts';

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

interface Matcher {
  byWord: Map<string, Rule[]>;
  byPrefix: Map<string, Rule[]>;
  numeric: Rule[];
}

const PREFIX = 3;
const NON_LATIN: readonly SentimentLanguage[] = ['zh', 'ja', 'ko', 'ru'];
const matchers = new Map<string, Matcher>();

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
  const matcher: Matcher = { byWord: new Map(), byPrefix: new Map(), numeric: [] };
  const add = (map: Map<string, Rule[]>, k: string, rule: Rule) => {
    const list = map.get(k);
    if (list) list.push(rule);
    else map.set(k, [rule]);
  };
  for (const l of langs) {
    for (const rule of PARSED.get(l) ?? []) {
      if (rule.strict && rule.lang !== lang) continue;
      const first = rule.elems[0]!;
      if (first.kind === 'num') matcher.numeric.push(rule);
      else if (first.kind === 'word') {
        if (first.stem) add(matcher.byPrefix, first.word.slice(0, PREFIX), rule);
        else add(matcher.byWord, first.word, rule);
      }
    }
  }
  matchers.set(key, matcher);
  return matcher;
}

const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u;
/** A dot ends a clause only before a space: "pump.fun", "io.net" and "Fetch.ai" are names. */
const CLAUSE_BREAK = /[,;:!?。，；：！？、…|]|\.\s|\s[-–—]\s|[–—]/;
const SENTENCE_BREAK = /[!?。！？]|\.\s/;
const DIGITS = /^\d+$/;
/** "70k", "1.5bn": amounts after a currency sign. */
const AMOUNT = /^\d+(?:k|m|b|bn|t)?$/;
const CURRENCY = /[$€£¥]/;

/** One field's words with where clauses and sentences break between them. */
interface Field {
  folded: string;
  origin: Int32Array;
  tokens: WordToken[];
  /** clauseBreaks[k]: breaks between token 0 and token k. */
  clauseBreaks: Int32Array;
  sentenceBreaks: Int32Array;
}

function readField(text: string): Field {
  const { text: folded, origin } = foldText(text);
  const tokens = tokenize(folded);
  const clauseBreaks = new Int32Array(tokens.length + 1);
  const sentenceBreaks = new Int32Array(tokens.length + 1);
  for (let k = 1; k < tokens.length; k++) {
    const prev = tokens[k - 1]!;
    const gap = folded.slice(prev.end, tokens[k]!.start);
    // "4.5" and "1,200" are one number, not two clauses.
    const inNumber = (gap === '.' || gap === ',') && DIGITS.test(prev.word) && DIGITS.test(tokens[k]!.word);
    clauseBreaks[k] = clauseBreaks[k - 1]! + (!inNumber && CLAUSE_BREAK.test(gap) ? 1 : 0);
    sentenceBreaks[k] = sentenceBreaks[k - 1]! + (!inNumber && SENTENCE_BREAK.test(gap) ? 1 : 0);
  }
  clauseBreaks[tokens.length] = clauseBreaks[Math.max(0, tokens.length - 1)]!;
  sentenceBreaks[tokens.length] = sentenceBreaks[Math.max(0, tokens.length - 1)]!;
  return { folded, origin, tokens, clauseBreaks, sentenceBreaks };
}

/** A clause break between token a and a later token b. */
const clauseBetween = (f: Field, a: number, b: number) => f.clauseBreaks[b]! - f.clauseBreaks[a]! > 0;
const sentenceBetween = (f: Field, a: number, b: number) => f.sentenceBreaks[b]! - f.sentenceBreaks[a]! > 0;

/** End (exclusive) of the number starting at token j ("4.5", "1,200", "$70K" when `currency`), or -1. */
function numberEnd(f: Field, j: number, percent: boolean, currency: boolean, sign: -1 | 0 | 1): number {
  const first = f.tokens[j];
  const digits = currency ? AMOUNT : DIGITS;
  if (!first || !digits.test(first.word)) return -1;
  if (currency) {
    let p = first.start - 1;
    if (f.folded[p] === ' ') p--;
    if (!CURRENCY.test(f.folded[p] ?? '')) return -1;
  }
  let k = j;
  while (k + 1 < f.tokens.length && digits.test(f.tokens[k + 1]!.word) && DIGITS.test(f.tokens[k]!.word) && !clauseBetween(f, k, k + 1) && f.tokens[k + 1]!.start - f.tokens[k]!.end === 1) k++;
  if (percent && !/^ ?[%％]/.test(f.folded.slice(f.tokens[k]!.end, f.tokens[k]!.end + 2))) return -1;
  if (sign !== 0) {
    let p = first.start - 1;
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
  if (e > 0 && (i >= f.tokens.length || clauseBetween(f, i - 1, i))) return -1;
  if (elem.kind === 'gap') {
    for (let skip = 0; skip <= elem.max; skip++) {
      if (skip > 0 && (i + skip - 1 >= f.tokens.length || clauseBetween(f, i + skip - 2, i + skip - 1))) break;
      const end = matchRule(f, rule, i + skip, e + 1);
      if (end >= 0) return end;
    }
    return -1;
  }
  if (elem.kind === 'num') {
    const end = numberEnd(f, i, elem.percent, elem.currency, elem.sign);
    return end < 0 ? -1 : matchRule(f, rule, end, e + 1);
  }
  const word = f.tokens[i]?.word;
  if (word === undefined) return -1;
  if (elem.stem ? !word.startsWith(elem.word) : word !== elem.word) return -1;
  return matchRule(f, rule, i + 1, e + 1);
}

interface Span {
  rule: Rule;
  start: number;
  end: number;
}

/** The better of `best` and the longest match of `rules` at token i: more words, then an exact last word, then more letters. */
function longest(f: Field, i: number, rules: readonly Rule[] | undefined, best: Span | undefined): Span | undefined {
  if (!rules) return best;
  for (const rule of rules) {
    const end = matchRule(f, rule, i);
    if (end < 0) continue;
    if (!best || end > best.end || (end === best.end && (Number(rule.exactEnd) - Number(best.rule.exactEnd) || rule.literal - best.rule.literal) > 0)) {
      best = { rule, start: i, end };
    }
  }
  return best;
}

/** Leftmost-longest matching: at each word the longest pattern wins, so "drops lawsuit" beats "drops". */
function findSpans(f: Field, matcher: Matcher): Span[] {
  const spans: Span[] = [];
  let i = 0;
  while (i < f.tokens.length) {
    const word = f.tokens[i]!.word;
    let best = longest(f, i, matcher.byWord.get(word), undefined);
    if (word.length >= PREFIX) best = longest(f, i, matcher.byPrefix.get(word.slice(0, PREFIX)), best);
    if (AMOUNT.test(word)) best = longest(f, i, matcher.numeric, best);
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
  const from = f.origin[f.tokens[start]!.start] ?? 0;
  const lastEnd = f.tokens[end - 1]!.end;
  const to = lastEnd < f.folded.length ? (f.origin[lastEnd] ?? text.length) : text.length;
  return text.slice(from, to).trim();
}

/** Whether modifier `s` sits within `window` tokens before (or after) cue `c`, in the same clause. */
function within(f: Field, s: Span, c: Span, window: { spaced: number; unspaced: number }, before: boolean): boolean {
  const limit = UNSPACED.test(f.tokens[c.start]!.word) ? window.unspaced : window.spaced;
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
  for (const s of ctx.modifiers) {
    if (s.start === c.start) continue;
    switch (s.rule.role) {
      case 'neg':
      case 'neg-post': {
        const before = s.rule.role === 'neg';
        if (!negated && within(f, s, c, WINDOW.negation, before)) {
          negated = true;
          ctx.usedModifiers.add(s);
          if (before) from = s.start;
          else to = s.end;
        }
        break;
      }
      case 'int':
      case 'int-post':
        if (s.rule.role === 'int' ? within(f, s, c, WINDOW.intensity, true) : within(f, s, c, WINDOW.intensityAfter, false)) {
          intensity = Math.max(intensity, WEIGHTS.intensify);
          ctx.usedModifiers.add(s);
        }
        break;
      case 'soft':
        if (within(f, s, c, WINDOW.intensity, true)) intensity = Math.min(intensity, WEIGHTS.soften);
        break;
      case 'hedge':
        if (within(f, s, c, WINDOW.hedge, true)) scope = Math.min(scope, WEIGHTS.hedge);
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
function scoreField(text: string, matcher: Matcher, isTitle: boolean): { cues: ScoredCue[]; framed: boolean } {
  const f = readField(text);
  if (f.tokens.length === 0) return { cues: [], framed: false };
  const spans = findSpans(f, matcher);
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
  const matcher = matcherFor(sentimentLanguage(post.lang));
  const { cues: title, framed } = scoreField(post.title, matcher, true);
  const { cues: body } = scoreField(post.text.slice(0, WEIGHTS.bodyChars), matcher, false);
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
