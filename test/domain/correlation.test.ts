import { describe, expect, it } from 'vitest';
import { findCatalysts, type AnalyzedPost, type CorrelationRules } from '../../src/domain/correlation.ts';
import type { Move } from '../../src/domain/moves.ts';

const H = 3_600_000;
const START = Date.UTC(2025, 3, 10, 12);
const move: Move = {
  symbol: 'TAO',
  windowMinutes: 1440,
  direction: 'up',
  startedAt: START,
  endedAt: START + 10 * H,
  fromPrice: 300,
  toPrice: 375,
  return: 0.25,
  abnormalVsBtc: 0.21,
  z: 4.1,
  reasons: ['|return| ≥ 15%'],
};
const rules: CorrelationRules = { lookbackHours: 24, halfLifeHours: 8, minScore: 0.15, maxCatalysts: 3 };
const links = new Map([['decentralized-inference', ['TAO', 'AKT']]]);

function post(overrides: Partial<AnalyzedPost>): AnalyzedPost {
  return {
    id: 'p1',
    url: 'https://vitalik.eth.limo/general/2025/04/10/inference.html',
    title: 'Decentralized inference',
    source: "Vitalik Buterin's blog",
    sourceWeight: 1,
    publishedAt: START - 3 * H,
    storyId: 's1',
    storyLanguages: ['en'],
    storySources: 1,
    themes: [{ id: 'decentralized-inference', name: 'Decentralized inference', score: 3 }],
    tokens: [],
    sentiment: { score: 0.3, label: 'positive' },
    ...overrides,
  };
}

describe('findCatalysts', () => {
  it('GIVEN no posts THEN no catalyst', () => {
    expect(findCatalysts(move, [], links, rules)).toEqual([]);
  });

  it('GIVEN a linked-theme post 3h before THEN it is a catalyst with reasons', () => {
    const [c] = findCatalysts(move, [post({})], links, rules);
    expect(c).toMatchObject({ postId: 'p1', themes: ['Decentralized inference'] });
    expect(c!.reasons).toEqual(['theme linked to TAO: Decentralized inference', '3h before the move']);
    // relevance 0.6 × theme strength min(1, 0.4 + 0.6) × 0.5^(3/8) × weight 1 × story 1
    expect(c!.score).toBeCloseTo(0.6 * 1 * Math.pow(0.5, 3 / 8), 2);
  });

  it('GIVEN the same post shifted after the move ended THEN it is no longer a candidate', () => {
    expect(findCatalysts(move, [post({ publishedAt: move.endedAt + H })], links, rules)).toEqual([]);
    expect(findCatalysts(move, [post({ publishedAt: move.endedAt })], links, rules)).toEqual([]);
  });

  it('GIVEN a post during the move THEN it counts less the later it came, with the reason', () => {
    const explicit = { tokens: [{ symbol: 'TAO', score: 2 }] };
    const early = findCatalysts(move, [post({ ...explicit, publishedAt: START + 2 * H })], links, rules)[0]!;
    const late = findCatalysts(move, [post({ ...explicit, publishedAt: START + 6 * H })], links, rules)[0]!;
    const before = findCatalysts(move, [post({ ...explicit, publishedAt: START - 2 * H })], links, rules)[0]!;
    expect(early.reasons).toContain('2h after the move began');
    // 1 × 1 × 0.5 × (1 − 2/10)
    expect(early.score).toBeCloseTo(0.4, 2);
    expect(late.score).toBeLessThan(early.score);
    expect(before.score).toBeGreaterThan(early.score);
  });

  it('GIVEN a story whose translation is closest to the move THEN shows the original post, scored by the translation', () => {
    const story = { storyId: 's', storyLanguages: ['en', 'fr'], storySources: 2 };
    const [c] = findCatalysts(
      move,
      [post({ ...story, id: 'en', title: 'Original', publishedAt: START - 20 * H }), post({ ...story, id: 'fr', title: 'Traduction', source: 'FR', publishedAt: START - H })],
      links,
      rules,
    );
    expect(c).toMatchObject({ postId: 'en', title: 'Original' });
    expect(c!.reasons).toContain('via "Traduction" (FR)');
  });

  it('GIVEN an explicit mention and a theme-only post THEN the explicit one ranks first', () => {
    const ranked = findCatalysts(
      move,
      [post({ id: 'theme', storyId: 'a' }), post({ id: 'explicit', storyId: 'b', tokens: [{ symbol: 'TAO', score: 2 }] })],
      links,
      rules,
    );
    expect(ranked.map((c) => c.postId)).toEqual(['explicit', 'theme']);
  });

  it('GIVEN translations of one story THEN counts it once and the story boost raises the score', () => {
    const single = findCatalysts(move, [post({})], links, rules)[0]!.score;
    const translated = findCatalysts(
      move,
      [
        post({ id: 'en', storyLanguages: ['en', 'pt', 'it', 'id', 'fr'], storySources: 5 }),
        post({ id: 'pt', publishedAt: START - 2 * H, storyLanguages: ['en', 'pt', 'it', 'id', 'fr'], storySources: 5 }),
      ],
      links,
      rules,
    );
    expect(translated).toHaveLength(1);
    expect(translated[0]!.score).toBeGreaterThan(single);
    expect(translated[0]!.reasons).toContain('story in 5 languages');
  });

  it('GIVEN an unrelated post THEN no catalyst rather than a guess', () => {
    expect(findCatalysts(move, [post({ themes: [{ id: 'ai-agents', name: 'AI agents', score: 3 }] })], links, rules)).toEqual([]);
  });

  it('GIVEN a post long before THEN it decays below the floor', () => {
    expect(findCatalysts(move, [post({ publishedAt: START - 23 * H })], links, rules)).toEqual([]);
  });
});
