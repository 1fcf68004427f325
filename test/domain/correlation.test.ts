import { describe, expect, it } from 'vitest';
import { findCatalysts, findSectorCatalysts, type AnalyzedPost, type CorrelationRules } from '../../src/domain/correlation.ts';
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

describe('findCatalysts: tag strength and what a catalyst carries', () => {
  it('GIVEN a single body mention and no linked theme THEN a weak tag, scored and said so', () => {
    const [c] = findCatalysts(move, [post({ themes: [], tokens: [{ symbol: 'TAO', score: 1 }], sentiment: { score: -0.4, label: 'negative' } })], links, rules);
    // relevance 1 × tag strength (0.4 + 0.2 × 1) × 0.5^(3/8) = 0.6 × 0.7711 = 0.4627 → 0.46.
    expect(c).toMatchObject({ score: 0.46, reasons: ['mentions TAO', 'weak tag (score 1)', '3h before the move'], sentiment: { score: -0.4, label: 'negative' } });
  });

  it('GIVEN a mention and a strong linked theme THEN the stronger tag sets the strength', () => {
    const [c] = findCatalysts(move, [post({ tokens: [{ symbol: 'TAO', score: 1 }] })], links, rules);
    expect(c!.reasons).toEqual(['mentions TAO', '3h before the move']);
    expect(c!.score).toBeCloseTo(Math.pow(0.5, 3 / 8), 2);
  });

  it('GIVEN a heavier source THEN its weight multiplies the score and is a reason', () => {
    const [c] = findCatalysts(move, [post({ sourceWeight: 2 })], links, rules);
    expect(c!.score).toBeCloseTo(2 * 0.6 * Math.pow(0.5, 3 / 8), 2);
    expect(c!.reasons).toContain('source weight 2');
  });
});

/** Properties over many random moves and posts (a seeded generator, so failures reproduce). */
describe('findCatalysts: properties', () => {
  function random(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = Math.imul(a ^ (a >>> 15), a | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const cases = Array.from({ length: 200 }, (_, i) => {
    const r = random(i + 1);
    const startedAt = START + Math.floor(r() * 100) * H;
    const m: Move = { ...move, startedAt, endedAt: startedAt + (1 + Math.floor(r() * 24)) * H };
    const posts = Array.from({ length: 1 + Math.floor(r() * 6) }, (_, k) =>
      post({
        id: `p${k}`,
        storyId: `s${Math.floor(r() * 3)}`,
        publishedAt: startedAt - Math.floor(r() * 30 * H) + Math.floor(r() * 6 * H),
        tokens: r() < 0.5 ? [{ symbol: 'TAO', score: 1 + Math.floor(r() * 3) }] : [],
        sourceWeight: r() < 0.2 ? 2 : 1,
      }),
    );
    return { m, posts };
  });

  it('GIVEN no posts THEN no move has a catalyst', () => {
    for (const { m } of cases) expect(findCatalysts(m, [], links, rules)).toEqual([]);
  });

  it('GIVEN any candidates THEN each has reasons, a score at or above the floor, and they are ranked', () => {
    for (const { m, posts } of cases) {
      const found = findCatalysts(m, posts, links, rules);
      expect(found.length).toBeLessThanOrEqual(rules.maxCatalysts);
      for (const c of found) {
        expect(c.reasons.length).toBeGreaterThan(0);
        expect(c.score).toBeGreaterThanOrEqual(rules.minScore);
      }
      expect(found.map((c) => c.score)).toEqual([...found.map((c) => c.score)].sort((a, b) => b - a));
    }
  });

  it('GIVEN a post shifted to after the move THEN it is no longer among the candidates', () => {
    for (const { m, posts } of cases) {
      const [shifted, ...rest] = posts;
      const moved = { ...shifted!, storyId: 'shifted', publishedAt: m.endedAt + (m.startedAt % 7) * H };
      const found = findCatalysts(m, [moved, ...rest], links, rules);
      expect(found.map((c) => c.storyId)).not.toContain('shifted');
    }
  });
});

describe('findSectorCatalysts', () => {
  const sectorMove = {
    startedAt: START,
    endedAt: START + 4 * H,
    direction: 'up' as const,
    members: [
      { symbol: 'TAO', return: 0.12 },
      { symbol: 'AKT', return: 0.09 },
      { symbol: 'FET', return: -0.01 },
    ],
  };
  const broad = post({ id: 'broad', storyId: 'broad', title: 'Decentralized inference is here' });
  const narrow = post({ id: 'narrow', storyId: 'narrow', title: 'Bittensor subnet upgrade', themes: [], tokens: [{ symbol: 'TAO', score: 2 }] });

  it('GIVEN news tied to two members and news tied to one THEN the broader story ranks first, with the members named', () => {
    const found = findSectorCatalysts(sectorMove, [narrow, broad], links, rules);
    expect(found.map((c) => c.postId)).toEqual(['broad', 'narrow']);
    expect(found[0]!.reasons[0]).toBe('tied to 2 of 2 members moving with the basket: TAO, AKT');
    expect(found[1]!.reasons[0]).toBe('tied to 1 of 2 members moving with the basket: TAO');
    // The broad story's member score (theme link) raised by half for its second member.
    const single = findCatalysts({ symbol: 'TAO', startedAt: START, endedAt: START + 4 * H }, [broad], links, rules)[0]!;
    expect(found[0]!.score).toBeCloseTo(single.score * 1.5, 2);
  });

  it('GIVEN news only about a member moving against the basket THEN it is not a catalyst', () => {
    const fet = post({ id: 'fet', storyId: 'fet', themes: [], tokens: [{ symbol: 'FET', score: 3 }] });
    expect(findSectorCatalysts(sectorMove, [fet], links, rules)).toEqual([]);
  });

  it('GIVEN a post after the move ended THEN no catalyst', () => {
    expect(findSectorCatalysts(sectorMove, [post({ publishedAt: START + 5 * H })], links, rules)).toEqual([]);
  });
});
