import { describe, expect, it } from 'vitest';
import { analyzeNewPosts } from '../../src/app/analyze-posts.ts';
import { recordNarrativeSeries, type AnalyzedForSeries } from '../../src/app/record-narrative-series.ts';
import type { PostAnalysis } from '../../src/app/store.ts';
import type { Post } from '../../src/domain/post.ts';
import { testRuntime } from '../fakes/runtime.ts';

const H = 3_600_000;
const T = Date.UTC(2025, 1, 20, 10);

const post = (id: string, publishedAt: number, sourceWeight = 1): Post => ({
  id, feedId: `feed-${id}`, source: 'Feed', url: `https://a.example/${id}`, title: id, text: '', publishedAt, fetchedAt: publishedAt,
  categories: [], sourceWeight, titleHash: id,
});
const analysis = (themes: string[], tokens: string[], score: number): PostAnalysis => ({
  language: 'en',
  themes: themes.map((id) => ({ id, name: id, score: 2, matches: [] })),
  tokens: tokens.map((symbol) => ({ symbol, score: 1, matches: [] })),
  sentiment: { score, label: score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral', cues: [] },
});

/** What analyze-posts does: store the posts and their analyses, then hand the batch on. */
function analyzeBatch(rt: Awaited<ReturnType<typeof testRuntime>>, batch: AnalyzedForSeries[]) {
  rt.store.insertNewPosts(batch.map((b) => b.post));
  for (const b of batch) rt.store.saveAnalysis(b.post, b.analysis, b.storyId, []);
  return recordNarrativeSeries(rt, batch);
}

describe('recordNarrativeSeries', () => {
  it('GIVEN an analyzed batch THEN the hours it covers are stored for each theme and the sector', async () => {
    const rt = await testRuntime({ now: T + 2 * H });
    const result = analyzeBatch(rt, [
      { post: post('p1', T + 60_000), analysis: analysis(['decentralized-inference'], ['TAO'], 0.6), storyId: 's1' },
      { post: post('p2', T + 120_000), analysis: analysis(['gpu-compute'], [], -0.2), storyId: 's2' },
      // No theme, but TAO is in the AI-sector basket.
      { post: post('p3', T + H + 60_000), analysis: analysis([], ['TAO'], 0.4), storyId: 's3' },
      // BTC is a benchmark: neither a theme nor the sector.
      { post: post('p4', T + H + 120_000), analysis: analysis([], ['BTC'], -0.9), storyId: 's4' },
    ]);
    expect(result).toEqual({ buckets: 2, points: 4 });
    expect(rt.store.narrativeSeries('sector', T, T + 2 * H)).toEqual([
      { series: 'sector', bucketStart: T, posts: 2, stories: 2, share: 1, sentiment: 0.2, bucketPosts: 2 },
      { series: 'sector', bucketStart: T + H, posts: 1, stories: 1, share: 1, sentiment: 0.4, bucketPosts: 0 },
    ]);
    expect(rt.store.mindshare(T, T + 2 * H)).toEqual([
      { themeId: 'decentralized-inference', posts: 1, share: 0.5, previousPosts: 0, previousShare: 0, change: 0.5 },
      { themeId: 'gpu-compute', posts: 1, share: 0.5, previousPosts: 0, previousShare: 0, change: 0.5 },
    ]);
  });

  it('GIVEN a copy of a story in a later batch of the same hour THEN the sector still counts the story once', async () => {
    const rt = await testRuntime({ now: T + H });
    analyzeBatch(rt, [
      { post: post('en', T + 60_000, 1), analysis: analysis(['d-acc'], [], 0.8), storyId: 's1' },
      { post: post('other', T + 90_000, 1), analysis: analysis(['d-acc'], [], -0.4), storyId: 's2' },
    ]);
    analyzeBatch(rt, [{ post: post('pt', T + 600_000, 3), analysis: analysis(['d-acc'], [], 0.4), storyId: 's1' }]);
    // s1 = (1·0.8 + 3·0.4) / 4 = 0.5 at weight 3; s2 = −0.4 at weight 1: (1.5 − 0.4) / 4 = 0.275.
    expect(rt.store.narrativeSeries('sector', T, T + H)).toEqual([
      { series: 'sector', bucketStart: T, posts: 3, stories: 2, share: 1, sentiment: 0.275, bucketPosts: 3 },
    ]);
    // The theme counts posts: 3 posts, mean (0.8 − 0.4 + 0.4) / 3.
    expect(rt.store.narrativeSeries('d-acc', T, T + H)).toEqual([
      { series: 'd-acc', bucketStart: T, posts: 3, stories: 2, share: 1, sentiment: 0.2667, bucketPosts: 3 },
    ]);
  });

  it('GIVEN the same batch twice THEN the stored series do not change', async () => {
    const rt = await testRuntime({ now: T + H });
    const batch = [{ post: post('p1', T), analysis: analysis(['ai-agents'], [], 0.3), storyId: 's1' }];
    analyzeBatch(rt, batch);
    const first = rt.store.narrativeSeries('ai-agents', T, T + H);
    recordNarrativeSeries(rt, batch);
    expect(rt.store.narrativeSeries('ai-agents', T, T + H)).toEqual(first);
  });

  it('GIVEN an empty batch THEN nothing is written', async () => {
    const rt = await testRuntime({ now: T });
    expect(recordNarrativeSeries(rt, [])).toEqual({ buckets: 0, points: 0 });
  });

  it('GIVEN a batch whose analysis rolled back THEN the next batch of that hour does not count its posts', async () => {
    const rt = await testRuntime({ now: T + H });
    const essay = (id: string, minute: number): Post => ({ ...post(id, T + minute * 60_000), title: `Decentralized inference and zkML ${id}`, text: 'Bittensor subnets serve verifiable inference.' });
    const record = rt.store.recordNarrativePoints.bind(rt.store);
    rt.store.recordNarrativePoints = () => {
      throw new Error('disk I/O error');
    };
    expect(() => analyzeNewPosts(rt, rt.store.insertNewPosts([essay('first', 1)]))).toThrow('disk I/O error');
    rt.store.recordNarrativePoints = record;

    analyzeNewPosts(rt, rt.store.insertNewPosts([essay('second', 2)]));

    expect(rt.store.narrativeSeries('sector', T, T + H)).toEqual([expect.objectContaining({ posts: 1, bucketPosts: 1 })]);
  });
});
