/**
 * Keeps the narrative series current: after a batch of posts is analyzed,
 * every hour they fall in is re-aggregated from all analyzed posts of that hour
 * and stored whole. Re-aggregating (rather than adding to running totals) keeps
 * the story deduplication of the sector index exact when a story's copies arrive
 * in different batches, and makes a repeated call harmless.
 */
import { aggregateNarrativeSeries, hourBucket, type SeriesPost } from '../domain/narrative-series.ts';
import type { Post } from '../domain/post.ts';
import { HOUR_MS } from '../domain/time.ts';
import type { Runtime } from './runtime.ts';
import type { PostAnalysis } from './store.ts';

/** A post as analyze-posts has just stored it. */
export interface AnalyzedForSeries {
  post: Post;
  analysis: PostAnalysis;
  storyId: string;
}

export interface SeriesResult {
  /** Hours re-aggregated. */
  buckets: number;
  /** Points written. */
  points: number;
}

/** The AI-sector basket from tokens.yaml: members (`sector`, default true) that are not benchmarks. */
function sectorTokens(rt: Runtime): Set<string> {
  return new Set(rt.config.tokens.tokens.filter((t) => !t.benchmark && (t as { sector?: boolean }).sector !== false).map((t) => t.symbol));
}

function toSeriesPost({ post, analysis, storyId }: AnalyzedForSeries): SeriesPost {
  return {
    id: post.id,
    storyId,
    publishedAt: post.publishedAt,
    sourceWeight: post.sourceWeight,
    themes: analysis.themes.map((t) => t.id),
    tokens: analysis.tokens.map((t) => t.symbol),
    sentiment: analysis.sentiment.score,
  };
}

/** Hours of posts kept in memory: a day of catch-up polls and late items, and a few MB at most. */
const CACHED_BUCKETS = 48;

/**
 * Re-aggregate and store the hourly series for the hours `posts` were published in.
 * Call after the posts' analyses are saved; posts given here count even if the
 * store does not return them yet.
 */
export function recordNarrativeSeries(rt: Runtime, posts: readonly AnalyzedForSeries[]): SeriesResult {
  if (posts.length === 0) return { buckets: 0, points: 0 };
  const buckets = [...new Set(posts.map((p) => hourBucket(p.post.publishedAt)))].sort((a, b) => a - b);
  const cached = postsOfBuckets(rt, buckets);
  for (const p of posts) cached.get(hourBucket(p.post.publishedAt))!.set(p.post.id, toSeriesPost(p));
  const all = buckets.flatMap((b) => [...cached.get(b)!.values()]);
  const points = aggregateNarrativeSeries(all, { sectorTokens: sectorTokens(rt) });
  rt.store.recordNarrativePoints(points, buckets);
  rt.log.debug({ buckets: buckets.length, points: points.length, posts: all.length }, 'narrative series recorded');
  return { buckets: buckets.length, points: points.length };
}

/**
 * The stored posts of each hour, read from the store once and then kept: a busy
 * hour is re-aggregated after every feed's batch, and re-reading its thousands of
 * posts each time made analysis quadratic in the posts per hour.
 */
function postsOfBuckets(rt: Runtime, buckets: readonly number[]): Map<number, Map<string, SeriesPost>> {
  const cache = (rt.seriesBuckets ??= new Map());
  for (const bucket of buckets) {
    let posts = cache.get(bucket);
    if (posts) cache.delete(bucket); // re-inserted below: the Map's order is least recently used first
    else posts = new Map(rt.store.seriesPosts(bucket, bucket + HOUR_MS).map((p) => [p.id, p]));
    cache.set(bucket, posts);
  }
  for (const bucket of cache.keys()) {
    if (cache.size <= Math.max(CACHED_BUCKETS, buckets.length)) break;
    cache.delete(bucket);
  }
  return cache;
}
