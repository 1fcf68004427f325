import { describe, expect, it } from 'vitest';
import { loadCrypto } from '../../bench/eval/datasets.ts';
import { METHODS } from '../../bench/eval/methods.ts';
import { scorePredictions } from '../../bench/eval/metrics.ts';
import { SENTIMENT_LANGUAGES } from '../../src/domain/sentiment-lexicon.ts';

// The hand-labelled crypto headlines guard the lexicon against regressions: an
// edit that helps one headline and breaks others shows up here, not in production.
const [dev, heldout] = loadCrypto();
const score = (method: string, examples: NonNullable<typeof dev>['examples']) =>
  scorePredictions(examples.map((e) => ({ gold: e.gold, predicted: METHODS.find((m) => m.name === method)!.predict(e) })));

describe('crypto headline set', () => {
  it('GIVEN the fixture THEN it has at least 150 headlines in all 12 languages with every label', () => {
    const all = [...dev!.examples, ...heldout!.examples];
    expect(all.length).toBeGreaterThanOrEqual(150);
    expect(new Set(all.map((e) => e.lang))).toEqual(new Set(SENTIMENT_LANGUAGES));
    expect(new Set(all.map((e) => e.gold))).toEqual(new Set(['bullish', 'bearish', 'neutral']));
  });

  it.each([
    ['development', () => dev!],
    ['held-out', () => heldout!],
  ])('GIVEN the %s split THEN our scorer is right on at least 90%% and beats VADER and AFINN', (_name, split) => {
    const ours = score('narrative-radar', split().examples);
    expect(ours.accuracy).toBeGreaterThanOrEqual(0.9);
    for (const baseline of ['vader', 'afinn']) expect(ours.macroF1).toBeGreaterThan(score(baseline, split().examples).macroF1 + 0.3);
  });
});
