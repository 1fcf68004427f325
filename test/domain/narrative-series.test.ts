import { describe, expect, it } from 'vitest';
import { aggregateNarrativeSeries, computeMindshare, hourBucket, SECTOR_SERIES, type NarrativePoint, type SeriesPost } from '../../src/domain/narrative-series.ts';

const H = 3_600_000;
const T = Date.UTC(2025, 1, 20, 10); // an hour start
const post = (id: string, over: Partial<SeriesPost>): SeriesPost => ({
  id, storyId: id, publishedAt: T, sourceWeight: 1, themes: [], tokens: [], sentiment: 0, ...over,
});

// Hour T: story s1 is carried by two sources (weights 1 and 2); s2 is another themed story;
// s3 has no theme but mentions a sector token; s4 mentions only BTC (outside the sector).
const POSTS: SeriesPost[] = [
  post('p1', { storyId: 's1', publishedAt: T + 5 * 60_000, themes: ['a'], sentiment: 0.5 }),
  post('p2', { storyId: 's1', publishedAt: T + 20 * 60_000, themes: ['a', 'b'], sourceWeight: 2, sentiment: 0.2 }),
  post('p3', { storyId: 's2', publishedAt: T + 30 * 60_000, themes: ['b'], sentiment: -0.4 }),
  post('p4', { storyId: 's3', publishedAt: T + 59 * 60_000, tokens: ['TAO'], sentiment: 0.8 }),
  post('p5', { storyId: 's4', publishedAt: T + 40 * 60_000, tokens: ['BTC'], sentiment: -1 }),
  post('p6', { storyId: 's5', publishedAt: T + H, themes: ['a'], sentiment: 0.1 }),
];
const sectorTokens = new Set(['TAO']);

describe('aggregateNarrativeSeries', () => {
  it('GIVEN posts over two hours THEN each hour has theme counts, shares, mean tone and the sector index', () => {
    expect(aggregateNarrativeSeries(POSTS, { sectorTokens })).toEqual<NarrativePoint[]>([
      // a: p1, p2 of 3 themed posts; mean tone (0.5 + 0.2) / 2.
      { series: 'a', bucketStart: T, posts: 2, stories: 1, share: 0.6667, sentiment: 0.35, bucketPosts: 3 },
      // b: p2, p3; mean tone (0.2 − 0.4) / 2.
      { series: 'b', bucketStart: T, posts: 2, stories: 2, share: 0.6667, sentiment: -0.1, bucketPosts: 3 },
      // s1 = (1·0.5 + 2·0.2) / 3 = 0.3 at weight 2; s2 = −0.4 and s3 = 0.8 at weight 1:
      // (2·0.3 − 0.4 + 0.8) / 4 = 0.25.
      { series: SECTOR_SERIES, bucketStart: T, posts: 4, stories: 3, share: 1, sentiment: 0.25, bucketPosts: 3 },
      { series: 'a', bucketStart: T + H, posts: 1, stories: 1, share: 1, sentiment: 0.1, bucketPosts: 1 },
      { series: SECTOR_SERIES, bucketStart: T + H, posts: 1, stories: 1, share: 1, sentiment: 0.1, bucketPosts: 1 },
    ]);
  });

  it.each<[string, SeriesPost[], NarrativePoint[]]>([
    ['no posts', [], []],
    ['only posts outside the sector', [post('x', { tokens: ['BTC'], sentiment: 1 })], []],
    [
      'the same post twice',
      [post('x', { themes: ['a'], sentiment: 0.4 }), post('x', { themes: ['a'], sentiment: 0.4 })],
      [
        { series: 'a', bucketStart: T, posts: 1, stories: 1, share: 1, sentiment: 0.4, bucketPosts: 1 },
        { series: SECTOR_SERIES, bucketStart: T, posts: 1, stories: 1, share: 1, sentiment: 0.4, bucketPosts: 1 },
      ],
    ],
    [
      'ten copies of one story against one other story',
      [
        ...Array.from({ length: 10 }, (_, i) => post(`c${i}`, { storyId: 'copied', themes: ['a'], sentiment: 1 })),
        post('o', { storyId: 'other', themes: ['a'], sentiment: -1 }),
      ],
      [
        { series: 'a', bucketStart: T, posts: 11, stories: 2, share: 1, sentiment: 0.8182, bucketPosts: 11 },
        // One voice per story: (1 − 1) / 2.
        { series: SECTOR_SERIES, bucketStart: T, posts: 11, stories: 2, share: 1, sentiment: 0, bucketPosts: 11 },
      ],
    ],
    [
      'zero source weights',
      [post('x', { themes: ['a'], sourceWeight: 0, sentiment: 0.6 }), post('y', { themes: ['a'], sourceWeight: 0, sentiment: 0 })],
      [
        { series: 'a', bucketStart: T, posts: 2, stories: 2, share: 1, sentiment: 0.3, bucketPosts: 2 },
        // No weight anywhere: stories count equally.
        { series: SECTOR_SERIES, bucketStart: T, posts: 2, stories: 2, share: 1, sentiment: 0.3, bucketPosts: 2 },
      ],
    ],
    [
      "a theme whose id is 'sector'",
      [post('x', { themes: ['sector', 'a'], sentiment: 0.2 })],
      [
        { series: 'a', bucketStart: T, posts: 1, stories: 1, share: 1, sentiment: 0.2, bucketPosts: 1 },
        { series: SECTOR_SERIES, bucketStart: T, posts: 1, stories: 1, share: 1, sentiment: 0.2, bucketPosts: 1 },
      ],
    ],
  ])('GIVEN %s THEN the points are as computed by hand', (_case, posts, expected) => {
    expect(aggregateNarrativeSeries(posts, { sectorTokens })).toEqual(expected);
  });

  it.each([
    [T, T],
    [T + H - 1, T],
    [T + H, T + H],
    [T - 1, T - H],
  ])('GIVEN %i THEN its hour starts at %i', (ms, start) => {
    expect(hourBucket(ms)).toBe(start);
  });
});

describe('computeMindshare', () => {
  const points = aggregateNarrativeSeries(POSTS, { sectorTokens });

  it('GIVEN two periods THEN shares are theme posts over themed posts, with the change', () => {
    const current = points.filter((p) => p.bucketStart === T + H);
    const previous = points.filter((p) => p.bucketStart === T);
    expect(computeMindshare(current, previous)).toEqual([
      // a: 1 of 1 now, 2 of 3 before.
      { themeId: 'a', posts: 1, share: 1, previousPosts: 2, previousShare: 0.6667, change: 0.3333 },
      // b: gone now, 2 of 3 before.
      { themeId: 'b', posts: 0, share: 0, previousPosts: 2, previousShare: 0.6667, change: -0.6667 },
    ]);
  });

  it('GIVEN a period of several hours THEN a quiet hour weighs what it holds', () => {
    // a: 2 + 1 posts of 3 + 1 themed posts; b: 2 of 4.
    expect(computeMindshare(points, [])).toEqual([
      { themeId: 'a', posts: 3, share: 0.75, previousPosts: 0, previousShare: 0, change: 0.75 },
      { themeId: 'b', posts: 2, share: 0.5, previousPosts: 0, previousShare: 0, change: 0.5 },
    ]);
  });

  it('GIVEN no points THEN there are no shares', () => {
    expect(computeMindshare([], [])).toEqual([]);
  });
});
