/**
 * Story clustering: translations and syndicated copies of one piece of news
 * share things that survive translation even when every word differs: names
 * of people and companies (in any script), figures (percentages, amounts,
 * counts), quotes, and links to the same source. A post joins the most
 * similar recent story, or starts a new one.
 *
 * Features are plain strings ("name:btrn", "pct:25", "url:example.com/a") so
 * the store can keep a story's features as a list. Each kind weighs what it
 * proves: a shared URL or identical long title is the same story outright; a
 * shared figure or name is evidence; the tickers, project names and themes a
 * post is tagged with are only context, because two different stories about
 * TAO share those too.
 */
import type { Tags } from './tagging.ts';
import { foldTerm, scanWords, WordFlag, type WordScan } from './text.ts';
import { nameSkeleton, romanize } from './transliterate.ts';

export interface StoryCandidate {
  id: string;
  features: readonly string[];
  /** Latest member's publication time, epoch ms. */
  lastAt: number;
}

export interface StoryRules {
  /** A post joins a story whose latest member is at most this far away in time. */
  windowMs: number;
  /** Shared evidence ÷ the smaller side's evidence (capped, see EVIDENCE_CAP) needed to join. */
  minOverlap: number;
  /**
   * Weighted shared evidence needed to join: a figure counts 2, a quote 3, a
   * name 1, each shared theme or token 0.5 (at most 3 in all). Twice as much
   * when both posts give figures and share none.
   */
  minShared: number;
}

export const DEFAULT_STORY_RULES: StoryRules = {
  windowMs: 72 * 3_600_000,
  minOverlap: 0.3,
  minShared: 4,
};

/** What a post carries into clustering; `language` (detected) marks German, which capitalises every noun. */
export interface StoryPost {
  title: string;
  text: string;
  url?: string;
  language?: string;
}

const MAX_FEATURES = 80;
const SAMPLE_CHARS = 4_000;

// ── Feature kinds ────────────────────────────────────────────────────────────

/**
 * url, link: the post's address and addresses it cites · title: a long title, verbatim · quote: a quoted
 * sentence · pct, amt, num, year: figures · brand: a mixed-case or digit-bearing name (DeepSeek, H100) ·
 * name: a confirmed capitalised name · xname: a capitalised word that may be a name (sentence start, Title
 * Case headline, German noun) · kname: a katakana or Hangul word · subj: a name the tagger matched (the
 * token's project or product) · token, theme: the tags.
 */
type Kind = 'url' | 'link' | 'title' | 'quote' | 'pct' | 'amt' | 'num' | 'year' | 'brand' | 'name' | 'xname' | 'kname' | 'subj' | 'token' | 'theme';

/** Kinds compared with each other share a family: "name:btrn" meets "kname:btrn". */
const FAMILY: Record<Kind, string> = {
  url: 'u', link: 'u', title: 't', quote: 'q', pct: 'p', amt: 'n', num: 'n', year: 'y',
  brand: 'e', name: 'e', xname: 'e', kname: 'e', subj: 'e', token: 'k', theme: 'h',
};
/** Evidence a feature of this kind brings on its own (context kinds bring none). */
const SELF_WEIGHT: Record<Kind, number> = {
  url: 0, link: 2, title: 0, quote: 3, pct: 2, amt: 2, num: 1, year: 0.3, brand: 2, name: 1, xname: 0.5, kname: 0.3, subj: 0, token: 0, theme: 0,
};
/**
 * Shared tags count, a little: a translated essay shares five themes, two
 * tokens and one figure with its original, while another story about the
 * same token shares the ticker and a theme.
 */
const CONTEXT_WEIGHT = 0.5;
const CONTEXT_CAP = 3;
const IDENTITY = Number.POSITIVE_INFINITY;
/** Evidence beyond this does not make a post harder to match: long articles carry many names. */
const EVIDENCE_CAP = 10;

/**
 * Weight of one shared key, by the kinds on each side. A confirmed name meets
 * a weak one at full weight (a Japanese katakana name or a German capitalised
 * word matching an English name is how translations look); two weak ones meet
 * weakly (two Japanese posts share loanwords like トークン whatever their story).
 */
function pairWeight(a: Kind, b: Kind): number {
  if (a === 'subj' || b === 'subj' || a === 'token' || a === 'theme') return CONTEXT_WEIGHT;
  if (a === 'url' || b === 'url' || a === 'title') return IDENTITY;
  if (a === 'brand' || b === 'brand') return SELF_WEIGHT.brand;
  if (a === 'name' || b === 'name') return SELF_WEIGHT.name;
  if (FAMILY[a] === 'e') return a === 'kname' && b === 'kname' ? SELF_WEIGHT.kname : SELF_WEIGHT.xname;
  if (FAMILY[a] === 'n' && a !== b) return SELF_WEIGHT.num; // "20 million" (amt) and "20.000.000" (num)
  return SELF_WEIGHT[a];
}

const isContext = (k: Kind) => k === 'subj' || k === 'token' || k === 'theme';
const isFigure = (k: Kind) => k === 'pct' || k === 'amt' || k === 'num';
/**
 * Kinds that pin down an event rather than its actors. People and companies
 * recur in many stories ("Greg Osuri" is in every Akash story); figures,
 * quotes, cited links and product names belong to one piece of news.
 */
const isEvent = (k: Kind) => isFigure(k) || k === 'quote' || k === 'link' || k === 'brand';
/** Without a shared event, this many shared names are needed. */
export const NAMES_WITHOUT_EVENT = 5;

/** Split "name:btrn" into kind and key ("e:btrn"); undefined for foreign strings. */
function parseFeature(feature: string): { kind: Kind; key: string } | undefined {
  const colon = feature.indexOf(':');
  if (colon < 0) return undefined;
  const kind = feature.slice(0, colon) as Kind;
  const family = FAMILY[kind];
  if (family === undefined) return undefined;
  return { kind, key: `${family}:${feature.slice(colon + 1)}` };
}

/**
 * What a feature can contribute to {@link matchStory}, for indexes that
 * pre-select candidates: its comparison key ("e:btrn"), whether it is context
 * only (tags), an event (figure, quote, cited link, product), or an identity
 * (URL or long title). Undefined for strings that are not features.
 */
export function featureRole(feature: string): { key: string; context: boolean; event: boolean; identity: boolean } | undefined {
  const parsed = parseFeature(feature);
  if (!parsed) return undefined;
  const family = FAMILY[parsed.kind];
  return { key: parsed.key, context: isContext(parsed.kind), event: isEvent(parsed.kind), identity: family === 'u' || family === 't' };
}

/** Strongest kind per key, so a story whose members saw "xname:btrn" and "name:btrn" counts it as a name. */
function indexFeatures(features: readonly string[]): Map<string, Kind> {
  const byKey = new Map<string, Kind>();
  for (const f of features) {
    const parsed = parseFeature(f);
    if (!parsed) continue;
    const prev = byKey.get(parsed.key);
    if (prev === undefined || strength(parsed.kind) > strength(prev)) byKey.set(parsed.key, parsed.kind);
  }
  return byKey;
}

function strength(kind: Kind): number {
  return isContext(kind) ? -1 : SELF_WEIGHT[kind] === 0 ? 100 : SELF_WEIGHT[kind];
}

// ── Extraction ───────────────────────────────────────────────────────────────

/**
 * Language-independent features of a post: its URL and the links it cites,
 * a long title's identity, quotes, figures normalized across locales, names
 * (transliteration-insensitive), and its tags as context. Pure.
 */
export function storyFeatures(post: StoryPost, tags: Tags): string[] {
  const out = new Map<string, Kind>(); // feature → kind, insertion-ordered, strongest kept per key
  const put = (kind: Kind, value: string) => {
    if (!value) return;
    const key = `${FAMILY[kind]}:${value}`;
    const prev = out.get(key);
    if (prev === undefined || strength(kind) > strength(prev)) out.set(key, kind);
  };

  const url = post.url ? canonicalUrl(post.url) : undefined;
  if (url) put('url', url);
  const text = post.text.length > SAMPLE_CHARS ? post.text.slice(0, SAMPLE_CHARS) : post.text;
  for (const m of text.matchAll(/https?:\/\/[^\s<>"'()[\]{}]+/g)) {
    const link = canonicalUrl(m[0]);
    if (link && link !== url && link.includes('/')) put('link', link);
  }
  const titleKey = titleIdentity(post.title);
  if (titleKey) put('title', titleKey);
  for (const quote of quotes(`${post.title}\n${text}`)) put('quote', quote);

  // NFKC unifies full-width digits and "％", but would turn the thin spaces of "1 200" (French) into plain
  // spaces that separate numbers: mark them as thousands separators first.
  const sample = `${post.title}\n${text}`.replace(/(\d)[\u00a0\u202f\u2009](?=\d{3}(?!\d))/g, "$1'").normalize('NFKC');
  for (const figure of figures(sample)) put(figure.kind, figure.value);

  // Words the tagger matched (project names, tickers, theme phrases) are context, not evidence.
  const context = new Set<string>();
  for (const tag of [...tags.tokens, ...tags.themes]) {
    for (const m of tag.matches) for (const key of entityKeys(m.text)) context.add(key);
  }
  for (const t of tags.tokens) context.add(`=${t.symbol.toLowerCase()}`);
  for (const name of names(post.title, text, post.language)) put(context.has(name.key) ? 'subj' : name.kind, name.key);

  for (const t of tags.tokens) put('token', t.symbol);
  for (const t of tags.themes) put('theme', t.id);

  const features: string[] = [];
  for (const [key, kind] of out) {
    features.push(`${kind}:${key.slice(2)}`);
    if (features.length >= MAX_FEATURES) break;
  }
  return features;
}

/** Host and path, lower-case host, no scheme, "www.", query, fragment or trailing slash. */
export function canonicalUrl(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw.replace(/[.,;:!?]+$/, ''));
  } catch {
    return undefined;
  }
  const host = u.hostname.toLowerCase().replace(/^(?:www|m|amp)\./, '');
  const path = u.pathname.replace(/\/amp\/?$/, '/').replace(/\/+$/, '');
  return `${host}${path}`;
}

/** A long title identifies its syndicated copies; a short one ("Market update") identifies nothing. */
function titleIdentity(title: string): string | undefined {
  const words = scanWords(title).words;
  const key = words.join(' ');
  return words.length >= 5 && key.length >= 30 ? key.slice(0, 120) : undefined;
}

const QUOTE = /[“"«„「『]([^“”"«»„「」『』\n]{20,300})[”"»“」』]/gu;

/** Quoted sentences (four words or more), folded: syndicated copies keep them verbatim. */
function quotes(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(QUOTE)) {
    const words = scanWords(m[1]!).words;
    if (words.length < 4) continue;
    out.push(words.join(' ').slice(0, 80));
    if (out.length >= 5) break;
  }
  return out;
}

// ── Figures ──────────────────────────────────────────────────────────────────

interface Figure {
  kind: 'pct' | 'amt' | 'num' | 'year';
  value: string;
}

const NUMBER_RUN = /(?<![\p{Script=Latin}\p{Script=Cyrillic}\d])\d(?:\d|[.,\u00a0\u202f\u2009'](?=\d))*/gu;
const PERCENT_AFTER = /^\s?(?:%|pct\b|percent|per ?cent|por ?cento|per ?cento|pour ?cent|por ?ciento|prozent|persen|процент|パーセント|퍼센트)/;
const PERCENT_BEFORE = /(?:%|yuzde)\s?$/;
const CURRENCY_BEFORE = /(?:\$|€|£|¥|usd|eur)\s?$/;
const CURRENCY_AFTER = /^\s?(?:\$|€|usd|usdt|usdc|dollars?|dolares|dolar|dollari|euros?|美元|ドル|달러|долл)/;
/** Scale words after a number, folded (no accents); longest first. Note 万/만 = 10⁴ and 亿/億/억 = 10⁸. */
const SCALES: [RegExp, number][] = [
  [/^\s?mil millones\b/, 1e9],
  [/^\s?(?:trillions?|trilhao|trilhoes|triliun|trilyon|billones|billon|billionen|трлн|триллион)/, 1e12],
  [/^\s?(?:billions?|bn\b|bilhao|bilhoes|miliardi|miliardo|milliards?|miliar\b|milliarde|milliarden|mrd|млрд|миллиард|milyar)/, 1e9],
  [/^\s?(?:millions?|mln\b|mn\b|mio\b|milhao|milhoes|milione|milioni|millon|millones|juta|млн|миллион|milyon|百万)/, 1e6],
  [/^\s?(?:thousands?|mil\b|mila\b|mille\b|ribu|tausend|tsd|тыс|bin\b)/, 1e3],
  [/^\s?(?:十亿|十億)/, 1e9],
  [/^\s?(?:亿|億|억)/, 1e8],
  [/^\s?(?:万|萬|만)/, 1e4],
  [/^\s?(?:千|천)/, 1e3],
];

/**
 * Numbers read the same way whatever the locale: "1,200" (en) and "1.200"
 * (pt, de, it…) are 1200; "1.5" and "1,5" are 1.5; "25%", "25 %", "%25"
 * (Turkish) and "25 por cento" are the percentage 25; "$20 million", "20
 * milhões de dólares" and "2000万美元" are the amount 2×10⁷.
 */
export function figures(text: string): Figure[] {
  const out: Figure[] = [];
  const lower = text.toLowerCase();
  for (const m of text.matchAll(NUMBER_RUN)) {
    const raw = m[0];
    const at = m.index ?? 0;
    const value = parseLocaleNumber(raw);
    if (value === undefined) continue;
    const after = foldTerm(lower.slice(at + raw.length, at + raw.length + 24));
    const before = foldTerm(lower.slice(Math.max(0, at - 8), at));
    const currency = CURRENCY_BEFORE.test(before) || CURRENCY_AFTER.test(after);
    let scaled = value;
    let scale = false;
    for (const [re, factor] of SCALES) {
      if (re.test(after)) {
        scaled = value * factor;
        scale = true;
        break;
      }
    }
    // "$5M", "$1.2B", "$300k": one-letter scales only next to a currency ("5m" may be minutes or metres).
    const letter = currency && !scale ? /^([kmb])n?\b/.exec(after) : null;
    if (letter) {
      scaled = value * (letter[1] === 'k' ? 1e3 : letter[1] === 'm' ? 1e6 : 1e9);
      scale = true;
    }
    let kind: Figure['kind'];
    if (PERCENT_AFTER.test(after) || PERCENT_BEFORE.test(before)) kind = 'pct';
    else if (scale || currency) kind = 'amt';
    else if (/^\d{4}$/.test(raw) && value >= 1990 && value <= 2049) kind = 'year';
    else if (value >= 10) kind = 'num';
    else continue;
    out.push({ kind, value: String(Number(scaled.toPrecision(4))) });
    if (out.length >= 30) break;
  }
  return out;
}

/** Parse "1,200", "1.200", "1.234,5", "1 200" (thin space), "25,5"; undefined for dates and versions (1.2.3). */
export function parseLocaleNumber(raw: string): number | undefined {
  const s = raw.replace(/[\u00a0\u202f\u2009']/g, '');
  const seps = s.match(/[.,]/g);
  if (!seps) return Number(s);
  const groups = s.split(/[.,]/);
  const kinds = new Set(seps);
  if (kinds.size === 2) {
    // Both: the last one is the decimal separator ("1.234,5" and "1,234.5").
    const decimalSep = s.match(/[.,](?=\d+$)/)?.[0];
    const lastIdx = s.lastIndexOf(decimalSep ?? '.');
    const intPart = s.slice(0, lastIdx).replace(/[.,]/g, '');
    const thousands = s.slice(0, lastIdx).split(/[.,]/).slice(1);
    if (thousands.some((g) => g.length !== 3)) return undefined;
    return Number(`${intPart}.${s.slice(lastIdx + 1)}`);
  }
  if (seps.length > 1) {
    return groups.slice(1).every((g) => g.length === 3) ? Number(groups.join('')) : undefined;
  }
  const [int, frac] = groups as [string, string];
  // One separator and three digits after it: a thousands separator in every locale we read ("1,200", "1.200").
  if (frac.length === 3 && int.length <= 3 && int !== '0') return Number(int + frac);
  return Number(`${int}.${frac}`);
}

// ── Names ────────────────────────────────────────────────────────────────────

interface NameFeature {
  kind: 'brand' | 'name' | 'xname' | 'kname';
  key: string;
}

/** Acronyms that name nothing in particular, and their translations. */
const COMMON_ACRONYMS = new Set(['ai', 'ia', 'ki', 'yz', 'ии', 'gpu', 'gpus', 'cpu', 'ceo', 'cto', 'cfo', 'coo', 'us', 'usa', 'eu', 'ue', 'uk', 'usd', 'eur', 'api', 'llm', 'llms', 'ml', 'tv', 'pc', 'ok', 'nft', 'nfts', 'dao', 'defi', 'web3', 'pr', 'q1', 'q2', 'q3', 'q4', 'h1', 'h2']);
/** Capitalised words that start sentences and name nothing, in the languages we read (folded). */
const COMMON_CAPITALISED = new Set(
  `the a an this that these those there here in on at for with and but or as by from after before why how what when where who
   new according however meanwhile also it its we our they he she his her their i you your not no yes today yesterday tomorrow
   monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september
   october november december breaking update exclusive analysis opinion
   o os as um uma em no na nos nas para com por segundo mas como quando porque hoje ontem ele ela eles isso este esta
   il lo la le gli un una uno per con secondo ma come quando perche oggi ieri questo questa
   les des une pour dans selon mais comme quand pourquoi aujourd hier ce cette il elle ils
   el los las unos unas para con segun pero como cuando porque hoy ayer este esta
   der die das den dem des ein eine einer laut und aber wie wenn warum heute gestern dies diese dieser im am zum zur
   di dan yang ini itu menurut pada dalam untuk namun saat ketika mengapa hari kemarin
   bu ve bir icin gore ama ancak neden bugun dun
   в на по и но это как когда почему сегодня вчера`
    .split(/\s+/)
    .filter(Boolean),
);
const SENTENCE_END = /[.!?:;…\n"“”«»()[\]—–-]/;

/** Keys a name yields: its consonant skeleton, or "=word" when too short for a skeleton. */
function entityKey(folded: string): string {
  const skeleton = nameSkeleton(romanize(folded));
  return skeleton || `=${folded}`;
}

/** The key of one scanned word: exact for brands and acronyms (their spelling is the name), else the skeleton. */
function wordKey(word: string, flags: number): string {
  // "H100s" is the plural of "H100".
  if (flags & WordFlag.Digit) return `=${word.replace(/(\d)s$/, '$1')}`;
  if (flags & WordFlag.Camel || (flags & WordFlag.AllUpper && word.length <= 6)) return `=${word}`;
  return entityKey(word);
}

/** Keys of each word of a matched phrase (for marking tag matches as context). */
function entityKeys(text: string): string[] {
  const scan = scanWords(text);
  const keys: string[] = [];
  scan.words.forEach((w, i) => {
    if ((scan.flags[i]! & WordFlag.Unspaced) === 0) keys.push(wordKey(w, scan.flags[i]!));
  });
  for (const run of unspacedRuns(scan)) keys.push(entityKey(run.script === 'hangul' ? stripKoreanParticle(run.word) : run.word));
  return keys;
}

/**
 * Names in a post: capitalised words (Latin, Cyrillic), mixed-case and
 * digit-bearing brand names (AkashML, H100), acronyms, katakana runs and
 * Korean words. A capitalised word is a confirmed name ("name") mid-sentence
 * in a sentence-case text; a weak one ("xname") at a sentence start, in a
 * Title Case headline, or anywhere in German, which capitalises every noun.
 */
function names(title: string, text: string, language: string | undefined): NameFeature[] {
  const out: NameFeature[] = [];
  const titleScan = scanWords(title);
  const titleCase = isTitleCase(titleScan);
  const german = language === 'de';
  const visit = (scan: WordScan, inTitle: boolean) => {
    const { words, flags, starts, text: src } = scan;
    for (let i = 0; i < words.length; i++) {
      const f = flags[i]!;
      if (f & WordFlag.Unspaced) continue;
      const word = words[i]!;
      if (word.length < 2) continue;
      if (f & WordFlag.Digit) {
        if (/\p{L}/u.test(word)) out.push({ kind: 'brand', key: wordKey(word, f) }); // H100, GPT4, x402
        continue;
      }
      if (f & WordFlag.Camel) {
        out.push({ kind: 'brand', key: wordKey(word, f) }); // DeepSeek, AkashML
        continue;
      }
      if (f & WordFlag.AllUpper && word.length <= 6) {
        if (!COMMON_ACRONYMS.has(word)) out.push({ kind: 'name', key: wordKey(word, f) });
        continue;
      }
      if (!(f & WordFlag.Capital) || COMMON_CAPITALISED.has(word) || COMMON_ACRONYMS.has(word)) continue;
      const sentenceStart = i === 0 || SENTENCE_END.test(previousNonSpace(src, starts[i]!));
      const confirmed = !german && !sentenceStart && !(inTitle && titleCase);
      out.push({ kind: confirmed ? 'name' : 'xname', key: entityKey(word) });
    }
    for (const run of unspacedRuns(scan)) {
      if (run.script === 'katakana' && run.length >= 3) out.push({ kind: 'kname', key: entityKey(run.word) });
      if (run.script === 'hangul' && run.length >= 3) out.push({ kind: 'kname', key: entityKey(stripKoreanParticle(run.word)) });
    }
  };
  visit(titleScan, true);
  visit(scanWords(text), false);
  return out.filter((n) => n.key !== '=' && n.key.length > 1);
}

function previousNonSpace(text: string, at: number): string {
  for (let i = at - 1; i >= 0; i--) {
    const ch = text[i]!;
    if (ch !== ' ' && ch !== '\t' && ch !== '\u00a0') return ch;
  }
  return '\n';
}

/** English headlines capitalise most words ("Why Decentralized Inference Matters"): then none of them proves a name. */
function isTitleCase(scan: WordScan): boolean {
  let words = 0;
  let capitalised = 0;
  for (let i = 0; i < scan.words.length; i++) {
    const f = scan.flags[i]!;
    if (f & WordFlag.Unspaced || scan.words[i]!.length < 4) continue;
    words++;
    if (f & WordFlag.Capital) capitalised++;
  }
  return words >= 3 && capitalised / words >= 0.6;
}

interface UnspacedRun {
  word: string;
  length: number;
  script: 'katakana' | 'hangul' | 'other';
}

const KATAKANA = /^[\u30a0-\u30ff\uff66-\uff9f]$/;
const HANGUL = /^[\uac00-\ud7a3]$/;

/** Consecutive characters of one script written without spaces, joined: katakana names, Korean words. */
function unspacedRuns(scan: WordScan): UnspacedRun[] {
  const runs: UnspacedRun[] = [];
  let current: UnspacedRun | undefined;
  let lastEnd = -1;
  for (let i = 0; i < scan.words.length; i++) {
    const ch = scan.words[i]!;
    const script = !(scan.flags[i]! & WordFlag.Unspaced) ? undefined : KATAKANA.test(ch) ? 'katakana' : HANGUL.test(ch) ? 'hangul' : 'other';
    // "グレッグ・オスリ": the middle dot separates given name and surname, as a space does.
    const adjacent = scan.starts[i] === lastEnd;
    if (script && current && current.script === script && adjacent) {
      current.word += ch;
      current.length++;
    } else {
      if (current) runs.push(current);
      current = script ? { word: ch, length: 1, script } : undefined;
    }
    lastEnd = scan.ends[i]!;
  }
  if (current) runs.push(current);
  return runs.filter((r) => r.script !== 'other');
}

const KOREAN_PARTICLES = ['으로', '에서', '에게', '은', '는', '이', '가', '을', '를', '의', '에', '와', '과', '도', '로'];

function stripKoreanParticle(word: string): string {
  for (const p of KOREAN_PARTICLES) {
    if (word.length - p.length >= 2 && word.endsWith(p)) return word.slice(0, -p.length);
  }
  return word;
}

// ── Matching ─────────────────────────────────────────────────────────────────

export interface StoryMatch {
  storyId: string;
  /** Shared evidence ÷ the smaller side's evidence. */
  overlap: number;
  /** Number of shared features, context included. */
  shared: number;
  /** Weighted shared evidence (context excluded); Infinity for an identity (same URL or long title). */
  score: number;
  /** The shared features, strongest first: why the post joined. */
  reasons: string[];
}

/** Pick the story a post belongs to among recent ones, or none. Pure. */
export function matchStory(
  features: readonly string[],
  publishedAt: number,
  candidates: readonly StoryCandidate[],
  rules: StoryRules = DEFAULT_STORY_RULES,
): StoryMatch | undefined {
  if (features.length === 0) return undefined;
  const mine = indexFeatures(features);
  const myEvidence = evidence(mine);
  const myFigures = hasFigures(mine);
  let best: StoryMatch | undefined;
  for (const story of candidates) {
    if (Math.abs(publishedAt - story.lastAt) > rules.windowMs) continue;
    const theirs = indexedStory(story.features);
    let score = 0;
    let context = 0;
    let evidenceKeys = 0;
    let eventKeys = 0;
    let sharedFigures = 0;
    const reasons: { feature: string; weight: number }[] = [];
    for (const [key, kind] of mine) {
      const other = theirs.get(key);
      if (other === undefined) continue;
      // A project name the tagger matched repeats its token tag: the tag counts, the name does not.
      if (kind === 'subj' || other === 'subj') continue;
      const weight = isContext(kind) || isContext(other) ? CONTEXT_WEIGHT : pairWeight(kind, other);
      reasons.push({ feature: `${kind}:${key.slice(2)}`, weight });
      if (isContext(kind) || isContext(other)) {
        context += weight;
        continue;
      }
      score += weight;
      evidenceKeys++;
      if (isEvent(kind) && isEvent(other)) eventKeys++;
      if (isFigure(kind) && isFigure(other)) sharedFigures++;
    }
    if (reasons.length === 0) continue;
    const overlap = score === IDENTITY ? 1 : score / Math.max(1e-9, Math.min(myEvidence, evidence(theirs), EVIDENCE_CAP));
    // Different figures are a sign of different news ("TAO +22%" vs "TAO +5%"): ask for twice the evidence.
    const required = myFigures && hasFigures(theirs) && sharedFigures === 0 ? 2 * rules.minShared : rules.minShared;
    const total = score + Math.min(context, CONTEXT_CAP);
    // Without a shared figure, quote, link or product name, only many shared names make it the same news.
    const enough = total >= required && overlap >= rules.minOverlap && (eventKeys > 0 || evidenceKeys >= NAMES_WITHOUT_EVENT);
    const joins = score === IDENTITY || enough;
    if (!joins) continue;
    if (!best || total > best.score || (total === best.score && overlap > best.overlap)) {
      reasons.sort((a, b) => b.weight - a.weight);
      best = { storyId: story.id, overlap: Math.round(Math.min(overlap, 1) * 100) / 100, shared: reasons.length, score: total === IDENTITY ? total : Math.round(total * 100) / 100, reasons: reasons.slice(0, 12).map((r) => r.feature) };
    }
  }
  return best;
}

/**
 * A story's features indexed once per features array: a long-lived candidate
 * list (the app's story index) is compared with every new post, and re-parsing
 * up to 200 features per candidate per post dominated matching.
 */
const indexedStories = new WeakMap<readonly string[], Map<string, Kind>>();
function indexedStory(features: readonly string[]): Map<string, Kind> {
  let indexed = indexedStories.get(features);
  if (!indexed) {
    indexed = indexFeatures(features);
    indexedStories.set(features, indexed);
  }
  return indexed;
}

function evidence(features: ReadonlyMap<string, Kind>): number {
  let sum = 0;
  for (const kind of features.values()) if (!isContext(kind)) sum += SELF_WEIGHT[kind];
  return sum;
}

function hasFigures(features: ReadonlyMap<string, Kind>): boolean {
  for (const kind of features.values()) if (isFigure(kind)) return true;
  return false;
}

// ── Batch clustering ─────────────────────────────────────────────────────────

export interface ClusterItem {
  id: string;
  /** Epoch ms; items without a time are treated as simultaneous. */
  publishedAt?: number;
  features: readonly string[];
}

export interface ClusterAssignment {
  /** The story's id: the id of its first (earliest) post. */
  storyId: string;
  match?: StoryMatch;
}

/**
 * Cluster a batch of posts into stories, oldest first, the way the bot does
 * over time (each post joins the best earlier story or starts one). For the
 * `analyze` command and tests, where there is no store. Pure.
 */
export function clusterStories(items: readonly ClusterItem[], rules: StoryRules = DEFAULT_STORY_RULES): Map<string, ClusterAssignment> {
  const order = items.map((item, index) => ({ item, index }));
  order.sort((a, b) => (a.item.publishedAt ?? 0) - (b.item.publishedAt ?? 0) || a.index - b.index);
  const stories: { id: string; features: string[]; lastAt: number }[] = [];
  const result = new Map<string, ClusterAssignment>();
  for (const { item } of order) {
    const at = item.publishedAt ?? 0;
    const match = matchStory(item.features, at, stories, rules);
    const story = match ? stories.find((s) => s.id === match.storyId) : undefined;
    if (story) {
      // A story accumulates its members' features, as the store does.
      const known = new Set(story.features);
      for (const f of item.features) if (!known.has(f)) story.features.push(f);
      story.lastAt = Math.max(story.lastAt, at);
      result.set(item.id, { storyId: story.id, match });
    } else {
      stories.push({ id: item.id, features: [...item.features], lastAt: at });
      result.set(item.id, { storyId: item.id });
    }
  }
  return result;
}
