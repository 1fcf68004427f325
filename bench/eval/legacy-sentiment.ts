/** The lexicon scorer this project shipped before the multilingual market-tone lexicon (commit c6b175e), kept to show the change in the eval. */
/**
 * Market tone of a post: bullish / neutral / bearish for the assets it is
 * about, from a crypto-market lexicon with negation and intensifiers.
 * Headlines weigh more than bodies because they state the news.
 */
import { foldText, tokenize } from '../../src/domain/text.ts';

type SentimentLabel = 'positive' | 'neutral' | 'negative';

interface Sentiment {
  /** In [-1, 1]. */
  score: number;
  label: SentimentLabel;
  /** The lexicon words that carried the score, for explanations. */
  cues: string[];
}

/** Stems matched at word starts; values are market tone, not emotion. */
const LEXICON: Record<string, number> = {
  // English
  surg: 2, rall: 2, soar: 2, jump: 1.5, gain: 1, rise: 1, rose: 1, rising: 1, climb: 1, bull: 1.5, breakout: 1.5,
  record: 1, high: 0.5, adopt: 1, partner: 1, launch: 1, list: 1, listing: 1.5, approv: 1.5, upgrad: 1, milestone: 1,
  beat: 1, outperform: 1.5, growth: 1, grow: 1, inflow: 1, accumulat: 1, pump: 1, moon: 1.5, integrat: 0.5,
  fund: 0.5, raise: 0.5, expand: 1, success: 1, strong: 1, boost: 1.5, win: 1, recover: 1, rebound: 1.5,
  plung: -2, crash: -2, tumbl: -2, slump: -2, drop: -1, fall: -1, fell: -1, declin: -1, slid: -1, sink: -1,
  bear: -1.5, dump: -1.5, hack: -2, exploit: -2, breach: -2, stolen: -2, theft: -2, rug: -2, scam: -2, fraud: -2,
  delist: -2, lawsuit: -1.5, sue: -1.5, sued: -1.5, ban: -1.5, probe: -1, investigat: -1, sec: 0, fine: -0.5,
  outflow: -1, liquidat: -1.5, sell: -0.5, selloff: -1.5, unlock: -0.5, dilut: -1, loss: -1, lose: -1, lost: -1,
  weak: -1, warn: -0.5, risk: -0.5, fear: -1, halt: -1.5, outage: -1.5, bug: -1, vulnerab: -1.5, downgrad: -1.5,
  bankrupt: -2, insolven: -2, collaps: -2, underperform: -1.5, miss: -0.5, concern: -0.5, slash: -1,
  // Portuguese
  dispar: 2, alta: 1, sobe: 1, subiu: 1, valoriz: 1.5, queda: -1, cai: -1, caiu: -1, despenc: -2, desvaloriz: -1.5,
  ataque: -1.5, golpe: -2, fraude: -2,
  // Italian
  rialz: 1.5, sale: 0.5, salit: 1, impenn: 2, crollo: -2, crolla: -2, ribass: -1.5, scende: -1, sces: -1, truffa: -2,
  // Indonesian
  naik: 1, melonjak: 2, menguat: 1.5, turun: -1, anjlok: -2, melemah: -1.5, peretasan: -2, penipuan: -2,
  // French
  hausse: 1, bondit: 2, flamb: 2, progress: 1, baisse: -1, chute: -1.5, effondr: -2, piratage: -2, arnaque: -2,
  // Spanish
  sube: 1, subio: 1, dispara: 2, cae: -1, cayo: -1, desplom: -2, estafa: -2,
  // German
  steigt: 1, anstieg: 1, kurssprung: 2, fallt: -1, einbruch: -2, absturz: -2, betrug: -2,
};

const NEGATORS = new Set([
  'not', 'no', 'never', 'without', 'nao', 'nem', 'non', 'senza', 'tidak', 'bukan', 'tanpa', 'ne', 'pas', 'sans',
  'sin', 'nicht', 'kein', 'keine', 'ohne', 'fails', 'failed',
]);
const INTENSIFIERS = new Set(['very', 'sharply', 'massive', 'huge', 'record', 'biggest', 'major', 'muito', 'molto', 'sangat', 'tres', 'muy', 'stark']);

const LEXICON_KEYS = Object.keys(LEXICON).sort((a, b) => b.length - a.length);
const stemCache = new Map<string, number | null>();

/** Longest lexicon stem the word starts with; short stems must match whole words to avoid "sec" in "second". */
function lookup(word: string): number | undefined {
  const cached = stemCache.get(word);
  if (cached !== undefined) return cached ?? undefined;
  let found: number | undefined;
  for (const stem of LEXICON_KEYS) {
    if (stem.length <= 4 ? word === stem : word.startsWith(stem)) {
      found = LEXICON[stem];
      break;
    }
  }
  if (stemCache.size < 100_000) stemCache.set(word, found ?? null);
  return found;
}

function scoreText(text: string, cues: string[]): { sum: number; hits: number } {
  const words = tokenize(foldText(text).text).map((t) => t.word);
  let sum = 0;
  let hits = 0;
  for (let i = 0; i < words.length; i++) {
    const value = lookup(words[i]!);
    if (value === undefined || value === 0) continue;
    let v = value;
    for (let k = Math.max(0, i - 3); k < i; k++) {
      if (NEGATORS.has(words[k]!)) v = -v * 0.8;
      if (INTENSIFIERS.has(words[k]!)) v *= 1.5;
    }
    sum += v;
    hits++;
    if (cues.length < 12) cues.push(words[i]!);
  }
  return { sum, hits };
}

const TITLE_WEIGHT = 3;
const NEUTRAL_BAND = 0.15;

/** Score a post's market tone. Pure. */
export function legacyScoreSentiment(post: { title: string; text: string }): Sentiment {
  const cues: string[] = [];
  const title = scoreText(post.title, cues);
  // Long bodies dilute: use the first part, where news states its facts.
  const body = scoreText(post.text.slice(0, 4000), cues);
  const raw = TITLE_WEIGHT * title.sum + body.sum;
  const evidence = TITLE_WEIGHT * title.hits + body.hits;
  const score = evidence === 0 ? 0 : Math.tanh(raw / Math.sqrt(evidence + 4));
  const rounded = Math.round(score * 100) / 100;
  const label: SentimentLabel = rounded > NEUTRAL_BAND ? 'positive' : rounded < -NEUTRAL_BAND ? 'negative' : 'neutral';
  return { score: rounded, label, cues };
}
