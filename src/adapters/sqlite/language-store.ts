/** SQLite tables of the language area; see migrations/002-language.ts. */
import type Database from 'better-sqlite3';
import type { LanguageStore } from '../../app/language-store.ts';
import type { PostAnalysis } from '../../app/store.ts';
import { computeMindshare, type NarrativePoint, type SeriesPost } from '../../domain/narrative-series.ts';

interface PointRow {
  series: string;
  bucket_start: number;
  posts: number;
  stories: number;
  share: number;
  sentiment: number;
  bucket_posts: number;
}

const toPoint = (r: PointRow): NarrativePoint => ({
  series: r.series,
  bucketStart: r.bucket_start,
  posts: r.posts,
  stories: r.stories,
  share: r.share,
  sentiment: r.sentiment,
  bucketPosts: r.bucket_posts,
});

export function createSqliteLanguageStore(db: Database.Database): LanguageStore {
  const q = {
    clearBucket: db.prepare('DELETE FROM narrative_points WHERE bucket_start = ?'),
    upsertPoint: db.prepare(`
      INSERT INTO narrative_points (series, bucket_start, posts, stories, share, sentiment, bucket_posts)
      VALUES (@series, @bucketStart, @posts, @stories, @share, @sentiment, @bucketPosts)
      ON CONFLICT (series, bucket_start) DO UPDATE SET posts = excluded.posts, stories = excluded.stories,
        share = excluded.share, sentiment = excluded.sentiment, bucket_posts = excluded.bucket_posts`),
    series: db.prepare('SELECT * FROM narrative_points WHERE series = ? AND bucket_start >= ? AND bucket_start < ? ORDER BY bucket_start'),
    range: db.prepare('SELECT * FROM narrative_points WHERE bucket_start >= ? AND bucket_start < ?'),
    posts: db.prepare(`
      SELECT id, story_id, published_at, source_weight, analysis FROM posts
      WHERE published_at >= ? AND published_at < ? AND analysis IS NOT NULL AND story_id IS NOT NULL`),
  };

  const record = db.transaction((points: readonly NarrativePoint[], replaceBuckets: readonly number[]) => {
    for (const bucket of replaceBuckets) q.clearBucket.run(bucket);
    for (const p of points) q.upsertPoint.run(p);
  });

  return {
    recordNarrativePoints: (points, replaceBuckets = []) => record(points, replaceBuckets),
    narrativeSeries: (series, fromMs, toMs) => (q.series.all(series, fromMs, toMs) as PointRow[]).map(toPoint),
    mindshare(fromMs, toMs) {
      const previousFrom = fromMs - (toMs - fromMs);
      const rows = (q.range.all(previousFrom, toMs) as PointRow[]).map(toPoint);
      return computeMindshare(
        rows.filter((p) => p.bucketStart >= fromMs),
        rows.filter((p) => p.bucketStart < fromMs),
      );
    },
    seriesPosts(fromMs, toMs): SeriesPost[] {
      return (q.posts.all(fromMs, toMs) as { id: string; story_id: string; published_at: number; source_weight: number; analysis: string }[]).map((r) => {
        const a = JSON.parse(r.analysis) as PostAnalysis;
        return {
          id: r.id,
          storyId: r.story_id,
          publishedAt: r.published_at,
          sourceWeight: r.source_weight,
          themes: a.themes.map((t) => t.id),
          tokens: a.tokens.map((t) => t.symbol),
          sentiment: a.sentiment.score,
        };
      });
    },
  };
}
