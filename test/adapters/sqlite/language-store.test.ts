import { describe, expect, it } from 'vitest';
import { openSqliteDatabase, openSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import type { PostAnalysis } from '../../../src/app/store.ts';
import type { NarrativePoint } from '../../../src/domain/narrative-series.ts';
import type { Post } from '../../../src/domain/post.ts';

const H = 3_600_000;
const T = Date.UTC(2025, 1, 20, 10);
const point = (series: string, bucketStart: number, over: Partial<NarrativePoint> = {}): NarrativePoint => ({
  series, bucketStart, posts: 1, stories: 1, share: 1, sentiment: 0, bucketPosts: 1, ...over,
});

describe('SQLite language store', () => {
  it('GIVEN a new database THEN the narrative series table exists and the migration is recorded', () => {
    const db = openSqliteDatabase(':memory:');
    const names = (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map((r) => r.name);
    expect(names).toContain('002-language');
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'narrative_points'").get()).toBeDefined();
    db.close();
  });

  it('GIVEN recorded points THEN a series reads back whole, in order, within [from, to)', () => {
    const store = openSqliteStore(':memory:');
    const points = [
      point('a', T + H, { posts: 3, stories: 2, share: 0.75, sentiment: -0.125, bucketPosts: 4 }),
      point('a', T, { posts: 2, stories: 1, share: 0.6667, sentiment: 0.35, bucketPosts: 3 }),
      point('sector', T, { posts: 4, stories: 3, sentiment: 0.25, bucketPosts: 3 }),
      point('a', T + 2 * H),
    ];
    store.recordNarrativePoints(points);
    expect(store.narrativeSeries('a', T, T + 2 * H)).toEqual([points[1], points[0]]);
    expect(store.narrativeSeries('sector', T, T + 3 * H)).toEqual([points[2]]);
    expect(store.narrativeSeries('b', T, T + 3 * H)).toEqual([]);
    store.close();
  });

  it('GIVEN a point for the same series and hour THEN it replaces the stored one', () => {
    const store = openSqliteStore(':memory:');
    store.recordNarrativePoints([point('a', T, { posts: 1 })]);
    store.recordNarrativePoints([point('a', T, { posts: 5, sentiment: 0.5 })]);
    expect(store.narrativeSeries('a', T, T + H)).toEqual([point('a', T, { posts: 5, sentiment: 0.5 })]);
    store.close();
  });

  it('GIVEN replaced buckets THEN stale themes of those hours go and other hours stay', () => {
    const store = openSqliteStore(':memory:');
    store.recordNarrativePoints([point('a', T), point('b', T), point('b', T + H)]);
    store.recordNarrativePoints([point('a', T, { posts: 2 })], [T]);
    expect({ a: store.narrativeSeries('a', T, T + 2 * H), b: store.narrativeSeries('b', T, T + 2 * H) }).toEqual({
      a: [point('a', T, { posts: 2 })],
      b: [point('b', T + H)],
    });
    store.close();
  });

  it('GIVEN two periods of points THEN mindshare compares the period with the one before', () => {
    const store = openSqliteStore(':memory:');
    store.recordNarrativePoints([
      // Previous period [T, T+2H): 4 themed posts, a in 3, b in 1.
      point('a', T, { posts: 2, bucketPosts: 2 }),
      point('a', T + H, { posts: 1, bucketPosts: 2 }),
      point('b', T + H, { posts: 1, bucketPosts: 2 }),
      point('sector', T + H, { posts: 2, bucketPosts: 2 }),
      // Current period [T+2H, T+4H): 5 themed posts, a in 1, b in 4.
      point('a', T + 2 * H, { posts: 1, bucketPosts: 5 }),
      point('b', T + 2 * H, { posts: 4, bucketPosts: 5 }),
      // Outside both periods.
      point('c', T + 4 * H, { posts: 9, bucketPosts: 9 }),
    ]);
    expect(store.mindshare(T + 2 * H, T + 4 * H)).toEqual([
      { themeId: 'b', posts: 4, share: 0.8, previousPosts: 1, previousShare: 0.25, change: 0.55 },
      { themeId: 'a', posts: 1, share: 0.2, previousPosts: 3, previousShare: 0.75, change: -0.55 },
    ]);
    store.close();
  });

  it('GIVEN analyzed posts THEN seriesPosts returns those published in [from, to) as the series need them', () => {
    const store = openSqliteStore(':memory:');
    const post = (id: string, publishedAt: number): Post => ({
      id, feedId: 'f', source: 'Feed', url: `https://a.example/${id}`, title: id, text: '', publishedAt, fetchedAt: publishedAt,
      categories: [], sourceWeight: 1.5, titleHash: id,
    });
    const analysis: PostAnalysis = {
      language: 'en',
      themes: [{ id: 'a', name: 'A', score: 2, matches: [] }],
      tokens: [{ symbol: 'TAO', score: 1, matches: [] }],
      sentiment: { score: 0.4, label: 'positive', cues: ['rallies'] },
    };
    const inside = post('in', T + 10);
    const outside = post('out', T + H);
    const unanalyzed = post('raw', T + 20);
    store.insertNewPosts([inside, outside, unanalyzed]);
    store.saveAnalysis(inside, analysis, 's1', []);
    store.saveAnalysis(outside, analysis, 's2', []);
    expect(store.seriesPosts(T, T + H)).toEqual([
      { id: 'in', storyId: 's1', publishedAt: T + 10, sourceWeight: 1.5, themes: ['a'], tokens: ['TAO'], sentiment: 0.4 },
    ]);
    store.close();
  });
});
