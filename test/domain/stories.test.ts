import { describe, expect, it } from 'vitest';
import { matchStory, storyFeatures } from '../../src/domain/stories.ts';
import type { Tags } from '../../src/domain/tagging.ts';

const tags: Tags = {
  themes: [
    { id: 'decentralized-inference', name: '', score: 3, matches: [] },
    { id: 'verifiable-inference', name: '', score: 3, matches: [] },
  ],
  tokens: [{ symbol: 'TAO', score: 1, matches: [] }],
};
const H = 3_600_000;
const en = { title: 'Vitalik: decentralized inference, zkML and d/acc in 2025', text: 'Vitalik Buterin argues that Bittensor, Akash and zkML show 25% of inference could move on-chain by 2027. Ethereum…' };
const pt = { title: 'Vitalik: inferência descentralizada, zkML e d/acc em 2025', text: 'Vitalik Buterin argumenta que Bittensor, Akash e zkML mostram que 25% da inferência pode ir on-chain até 2027. Ethereum…' };
const other = { title: 'Bitcoin ETF flows hit record', text: 'BlackRock reported 1,200 BTC of inflows on Monday.' };

describe('stories', () => {
  it('GIVEN a translation THEN it joins the original story', () => {
    const story = { id: 's-en', features: storyFeatures(en, tags), lastAt: 0 };
    const match = matchStory(storyFeatures(pt, tags), 3 * H, [story]);
    expect(match?.storyId).toBe('s-en');
  });

  it('GIVEN unrelated news THEN it starts a new story', () => {
    const story = { id: 's-en', features: storyFeatures(en, tags), lastAt: 0 };
    expect(matchStory(storyFeatures(other, { themes: [], tokens: [] }), H, [story])).toBeUndefined();
  });

  it('GIVEN a translation outside the window THEN it is a new story', () => {
    const story = { id: 's-en', features: storyFeatures(en, tags), lastAt: 0 };
    expect(matchStory(storyFeatures(pt, tags), 100 * H, [story])).toBeUndefined();
  });
});
