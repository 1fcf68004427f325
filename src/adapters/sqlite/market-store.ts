/** SQLite tables of the market area; see migrations/003-market.ts. */
import type Database from 'better-sqlite3';
import type { EventStudyFilter, MarketStore, StudyPost } from '../../app/market-store.ts';
import { studyKey } from '../../app/market-store.ts';
import type { PriorMoveAlert } from '../../domain/alert-policy.ts';
import type { EventStudyRecord } from '../../domain/event-study.ts';
import type { SectorIndexPoint } from '../../domain/sector-index.ts';

type Row = Record<string, unknown>;

const POSTS_TO_STUDY = `
  SELECT p.id, p.story_id, p.feed_id, p.source, p.title, p.url, p.published_at,
    (SELECT json_group_array(json_object('id', json_extract(t.value, '$.id'), 'name', json_extract(t.value, '$.name')))
       FROM json_each(p.analysis, '$.themes') t) AS themes,
    (SELECT json_group_array(json_extract(k.value, '$.symbol')) FROM json_each(p.analysis, '$.tokens') k) AS tokens
  FROM posts p`;

/** SQL for a post's themes as a JSON array of {id, name}, from its stored analysis (alias `p`). */
const THEMES_OF_POST = `(SELECT json_group_array(json_object('id', json_extract(t.value, '$.id'), 'name', json_extract(t.value, '$.name')))
  FROM json_each(p.analysis, '$.themes') t)`;

export function createSqliteMarketStore(db: Database.Database): MarketStore {
  const q = {
    upsertIndex: db.prepare(`
      INSERT INTO sector_index (name, timeframe, time, level, ret, members) VALUES (@name, @timeframe, @time, @level, @ret, @members)
      ON CONFLICT (name, timeframe, time) DO UPDATE SET level = excluded.level, ret = excluded.ret, members = excluded.members`),
    index: db.prepare('SELECT time, level, ret, members FROM sector_index WHERE name = ? AND timeframe = ? AND time >= ? AND time < ? ORDER BY time'),
    // By name and timeframe so the primary key bounds the delete instead of a scan of every point.
    pruneIndex: db.prepare('DELETE FROM sector_index WHERE name = ? AND timeframe = ? AND time < ?'),
    lastIndex: db.prepare('SELECT time, level, ret, members FROM sector_index WHERE name = ? AND timeframe = ? ORDER BY time DESC LIMIT 1'),
    // The core store owns posts and stories; this area only reads them.
    // Only theme ids/names and token symbols are needed: SQLite extracts them, sparing a parse of every match span.
    postsToStudy: db.prepare(`${POSTS_TO_STUDY} WHERE p.published_at >= ? AND p.analysis IS NOT NULL ORDER BY p.published_at, p.id`),
    // Posts fetched since the last run: a narrow range of fetched_at, so that index leads (+ keeps published_at's out).
    // (No ORDER BY: ordering by published_at would make SQLite walk that index over every post; the caller sorts.)
    postsFetchedToStudy: db.prepare(`${POSTS_TO_STUDY} WHERE +p.published_at >= ? AND p.fetched_at > ? AND p.analysis IS NOT NULL`),
    insertStudy: db.prepare(`
      INSERT INTO event_studies (post_id, symbol, horizon_minutes, story_id, feed_id, published_at, link, ret, benchmark_ret, beta, abnormal_ret, computed_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (post_id, symbol, horizon_minutes) DO NOTHING`),
    // One statement for any number of ids: the list travels as a JSON array.
    studied: db.prepare('SELECT post_id, symbol, horizon_minutes FROM event_studies WHERE post_id IN (SELECT value FROM json_each(?))'),
    studies: db.prepare(`
      SELECT e.*, p.source, p.title, p.url, ${THEMES_OF_POST} AS themes
      FROM event_studies e JOIN posts p ON p.id = e.post_id
      WHERE e.published_at >= @since
        AND (@symbol IS NULL OR e.symbol = @symbol)
        AND (@source IS NULL OR e.feed_id = @source OR p.source = @source)
        AND (@theme IS NULL OR EXISTS (SELECT 1 FROM json_each(p.analysis, '$.themes') t WHERE json_extract(t.value, '$.id') = @theme))
      ORDER BY e.published_at, e.post_id, e.symbol, e.horizon_minutes`),
    storyUrls: db.prepare('SELECT url FROM posts WHERE story_id = ? ORDER BY published_at, id'),
    lastSector: db.prepare(`
      SELECT created_at, payload FROM alerts
      WHERE kind = 'sector' AND json_extract(payload, '$.sector.symbol') = @name
        AND json_extract(payload, '$.sector.direction') = @direction
        AND (@window IS NULL OR json_extract(payload, '$.sector.windowMinutes') = @window)
      ORDER BY created_at DESC LIMIT 1`),
  };

  const saveIndex = db.transaction((name: string, timeframe: string, points: readonly SectorIndexPoint[]) => {
    for (const p of points) q.upsertIndex.run({ name, timeframe, time: p.time, level: p.level, ret: p.return, members: p.members });
  });
  const saveStudies = db.transaction((records: readonly EventStudyRecord[], computedAt: number) => {
    // Positional parameters: this runs for tens of thousands of rows in a replay.
    for (const r of records) {
      q.insertStudy.run(r.postId, r.symbol, r.horizonMinutes, r.storyId, r.feedId, r.publishedAt, r.link, r.return, r.benchmarkReturn, r.beta, r.abnormalReturn, computedAt);
    }
  });
  const toPoint = (r: Row): SectorIndexPoint => ({ time: Number(r.time), level: Number(r.level), return: Number(r.ret), members: Number(r.members) });

  return {
    saveSectorIndex: (name, timeframe, points) => saveIndex(name, timeframe, points),
    sectorIndex(name, timeframe, sinceMs, untilMs = Number.MAX_SAFE_INTEGER) {
      return (q.index.all(name, timeframe, sinceMs, untilMs) as Row[]).map(toPoint);
    },
    lastSectorIndexPoint(name, timeframe) {
      const r = q.lastIndex.get(name, timeframe) as Row | undefined;
      return r ? toPoint(r) : undefined;
    },
    pruneSectorIndex: (name, timeframe, olderThanMs) => q.pruneIndex.run(name, timeframe, olderThanMs).changes,
    postsToStudy(publishedSince, fetchedAfter): StudyPost[] {
      const rows = fetchedAfter === undefined ? q.postsToStudy.all(publishedSince) : q.postsFetchedToStudy.all(publishedSince, fetchedAfter);
      const posts = (rows as Row[]).map((r): StudyPost => {
        return {
          id: String(r.id),
          storyId: String(r.story_id ?? r.id),
          feedId: String(r.feed_id),
          source: String(r.source),
          title: String(r.title),
          url: String(r.url),
          publishedAt: Number(r.published_at),
          themes: JSON.parse(String(r.themes)) as { id: string; name: string }[],
          tokens: JSON.parse(String(r.tokens)) as string[],
        };
      });
      return posts.sort((a, b) => a.publishedAt - b.publishedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    studiedKeys(postIds) {
      const keys = new Set<string>();
      if (postIds.length === 0) return keys;
      for (const r of q.studied.all(JSON.stringify(postIds)) as Row[]) keys.add(studyKey(String(r.post_id), String(r.symbol), Number(r.horizon_minutes)));
      return keys;
    },
    saveEventStudies: (records, computedAt) => saveStudies(records, computedAt),
    eventStudies(filter: EventStudyFilter = {}): EventStudyRecord[] {
      const rows = q.studies.all({ since: filter.sinceMs ?? 0, symbol: filter.symbol ?? null, source: filter.source ?? null, theme: filter.theme ?? null }) as Row[];
      return rows.map((r) => ({
        postId: String(r.post_id),
        storyId: String(r.story_id),
        feedId: String(r.feed_id),
        source: String(r.source),
        title: String(r.title),
        url: String(r.url),
        publishedAt: Number(r.published_at),
        symbol: String(r.symbol),
        link: r.link === 'mention' ? 'mention' : 'theme',
        themes: JSON.parse(String(r.themes)) as { id: string; name: string }[],
        horizonMinutes: Number(r.horizon_minutes),
        return: Number(r.ret),
        benchmarkReturn: Number(r.benchmark_ret),
        beta: Number(r.beta),
        abnormalReturn: Number(r.abnormal_ret),
      }));
    },
    storyUrls(storyId) {
      return (q.storyUrls.all(storyId) as { url: string }[]).map((r) => r.url);
    },
    lastSectorAlert(name, direction, windowMinutes): PriorMoveAlert | undefined {
      const r = q.lastSector.get({ name, direction, window: windowMinutes ?? null }) as { created_at: number; payload: string } | undefined;
      if (!r) return undefined;
      const alert = JSON.parse(r.payload) as { sector: { windowMinutes: number; return: number; abnormalVsBtc?: number } };
      // Sector moves are judged on their return against BTC, so escalation compares that.
      return { at: r.created_at, windowMinutes: alert.sector.windowMinutes, return: alert.sector.abnormalVsBtc ?? alert.sector.return };
    },
  };
}
