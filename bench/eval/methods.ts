/**
 * The scorers the eval compares: ours, the lexicon it replaced, and plain
 * VADER and AFINN (English-only general-purpose lexicons) as baselines.
 * The baselines are dev dependencies: the bot never loads them.
 */
import Sentiment from 'sentiment';
import vader from 'vader-sentiment';
import { scoreSentiment, type SentimentLabel } from '../../src/domain/sentiment.ts';
import type { Example } from './datasets.ts';
import { legacyScoreSentiment } from './legacy-sentiment.ts';
import type { Tone } from './metrics.ts';

export interface Method {
  name: string;
  note: string;
  predict(example: Example): Tone;
}

const fromLabel: Record<SentimentLabel, Tone> = { positive: 'bullish', negative: 'bearish', neutral: 'neutral' };
const joined = (e: Example) => (e.text === '' ? e.title : `${e.title}. ${e.text}`);
const afinn = new Sentiment();

/** VADER's documented thresholds: compound ≥ 0.05 positive, ≤ -0.05 negative. */
const VADER_THRESHOLD = 0.05;

export const METHODS: readonly Method[] = [
  {
    name: 'narrative-radar',
    note: 'src/domain/sentiment.ts: multilingual market-tone lexicon, phrase rules, negation, headline weighting',
    predict: (e) => fromLabel[scoreSentiment({ title: e.title, text: e.text, lang: e.lang }).label],
  },
  {
    name: 'previous-lexicon',
    note: 'the scorer shipped before this change (bench/eval/legacy-sentiment.ts)',
    predict: (e) => fromLabel[legacyScoreSentiment({ title: e.title, text: e.text }).label],
  },
  {
    name: 'vader',
    note: 'vader-sentiment, compound ±0.05',
    predict: (e) => {
      const c = vader.SentimentIntensityAnalyzer.polarity_scores(joined(e)).compound;
      return c >= VADER_THRESHOLD ? 'bullish' : c <= -VADER_THRESHOLD ? 'bearish' : 'neutral';
    },
  },
  {
    name: 'afinn',
    note: 'sentiment (AFINN-165), sign of the score',
    predict: (e) => {
      const s = afinn.analyze(joined(e)).score;
      return s > 0 ? 'bullish' : s < 0 ? 'bearish' : 'neutral';
    },
  },
];
