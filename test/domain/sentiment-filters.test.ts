import { describe, expect, it } from 'vitest';
import { scoreSentiment, type Sentiment } from '../../src/domain/sentiment.ts';

/**
 * The lexicon lookups skip most words on cheap filters: a word whose rules all
 * need a particular next word ("to the moon"), the length and fourth letter of
 * words that may start a `*` stem, one reading of a number for every number
 * rule. A filter that wrongly skipped a word would lose its cue.
 */
const score = (title: string, lang?: string): Pick<Sentiment, 'score' | 'label' | 'cues'> => {
  const { score, label, cues } = scoreSentiment({ title, text: '', lang });
  return { score, label, cues };
};

describe('scoreSentiment: words whose every rule needs a next word', () => {
  it.each<[string, string, string | undefined, Pick<Sentiment, 'score' | 'label' | 'cues'>]>([
    ['followed by it', 'Dogecoin heads to the moon as traders pile in', undefined, { score: 0.85, label: 'positive', cues: ['to the moon'] }],
    ['split from it by a clause break', 'Dogecoin heads to, the moon said nothing', undefined, { score: 0, label: 'neutral', cues: [] }],
    ['followed by another word', 'The rise of AI agents', undefined, { score: 0, label: 'neutral', cues: [] }],
    ['a modifier phrase', 'Bitcoin rallies in spite of the hack', undefined, { score: 0.69, label: 'positive', cues: ['rallies', 'hack'] }],
    ['another language', 'Stablecoin de peg fears spread', 'pt', { score: -0.87, label: 'negative', cues: ['de peg'] }],
    ['a character of an unspaced script', '이후 비트코인 급등', 'ko', { score: 0.8, label: 'positive', cues: ['급등'] }],
  ])('GIVEN such a word %s THEN the rule matches exactly when its next word is there', (_case, title, lang, expected) => {
    expect(score(title, lang)).toEqual(expected);
  });
});

describe('scoreSentiment: words that may start a stem', () => {
  it.each<[string, string, Pick<Sentiment, 'score' | 'label' | 'cues'>]>([
    ['a longer word with the stem', 'Exchange restores withdrawals', { score: 0.46, label: 'positive', cues: ['restores'] }],
    ['the stem\'s first letters but not its fourth', 'Exchange research team publishes report', { score: 0, label: 'neutral', cues: [] }],
    ['ten letters or more', 'Token skyrocketing after listing', { score: 0.93, label: 'positive', cues: ['skyrocketing', 'listing'] }],
    ['a three-letter stem as a whole word', 'Solana hit record volume', { score: 0.64, label: 'positive', cues: ['hit record'] }],
    ['a three-letter stem with any fourth letter', 'Solana hits record volume', { score: 0.64, label: 'positive', cues: ['hits record'] }],
  ])('GIVEN %s THEN its cue is found as before', (_case, title, expected) => {
    expect(score(title)).toEqual(expected);
  });
});

describe('scoreSentiment: rules that start with a number', () => {
  it.each<[string, string, Pick<Sentiment, 'score' | 'label' | 'cues'>]>([
    ['signed percentages of both signs', 'TAO +12% while FET -4% on the day', { score: 0, label: 'neutral', cues: ['12', '4'] }],
    ['an amount after a currency sign', 'Exchange hit with $4M fine', { score: -0.54, label: 'negative', cues: ['hit with $4M fine'] }],
    ['a plain number', 'Bitcoin climbs past 100,000', { score: 0.57, label: 'positive', cues: ['climbs'] }],
  ])('GIVEN %s THEN each rule reads the number as its kind', (_case, title, expected) => {
    expect(score(title)).toEqual(expected);
  });
});
