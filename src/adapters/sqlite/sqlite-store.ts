/**
 * The SQLite adapter: the only module that speaks SQL. WAL mode, prepared
 * statements, synchronous transactions (never await inside one).
 *
 * Crash safety (kill -9 at any point): every commit is appended to the WAL
 * with write(), so it survives the death of the process at once; an
 * interrupted transaction leaves nothing behind. `synchronous = NORMAL` skips
 * the fsync per commit, which only matters when the machine itself goes down:
 * then the last commits may be lost, always as a whole suffix, so the database
 * stays consistent. The outbox commits that bracket a send are fsynced anyway
 * (see `markDeliveryAttempting`), so a committed "sent" never comes undone.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Alert } from '../../domain/alert.ts';
import type { PriorMoveAlert } from '../../domain/alert-policy.ts';
import type { Candle } from '../../domain/candles.ts';
import type { AnalyzedPost } from '../../domain/correlation.ts';
import type { Post } from '../../domain/post.ts';
import type { CoreStore, Delivery, DeliveryCounts, FeedState, InterruptedDelivery, PostAnalysis, Store, StoryInfo } from '../../app/store.ts';
import { createSqliteChatStore } from './chat-store.ts';
import { createSqliteCommandsStore } from './commands-store.ts';
import { createSqliteLanguageStore } from './language-store.ts';
import { createSqliteMarketStore } from './market-store.ts';
import { MIGRATIONS } from './migrations.ts';
import { createSqliteStoryIndex } from './story-index-store.ts';

type Row = Record<string, unknown>;

/** A new `stories.version`: random, so no write of this or another process (nor one rolled back) repeats it. */
const storyVersion = () => Math.floor(Math.random() * Number.MAX_SAFE_INTEGER);

/** Features a story keeps: what its first posts say is what it is about. */
const MAX_STORY_FEATURES = 200;

/**
 * `fn` as a transaction of its own, or as part of the one already open. better-sqlite3 nests a
 * transaction function as a savepoint; this is for writes whose callers roll back as a whole anyway.
 */
function joiningTransaction<A extends unknown[], R>(db: Database.Database, fn: (...args: A) => R): (...args: A) => R {
  const own = db.transaction(fn);
  return (...args) => (db.inTransaction ? fn(...args) : own(...args));
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)');
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE name = ?');
  const applied = new Set((db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map((r) => r.name));
  const known = new Set(MIGRATIONS.map((m) => m.name));
  const unknown = [...applied].filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`Database has migrations this build does not know (${unknown.join(', ')}): it was written by a newer version; upgrade Narrative Radar`);
  }
  const record = db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
  for (const m of MIGRATIONS) {
    if (applied.has(m.name) || m.sql.trim() === '') continue;
    // IMMEDIATE takes the write lock first, and the check inside it sees a migration
    // another process (a CLI command started alongside the bot) applied meanwhile.
    db.transaction(() => {
      if (isApplied.get(m.name)) return;
      db.exec(m.sql);
      record.run(m.name, Date.now());
    }).immediate();
  }
}

/** Open (creating if needed) and migrate the database at `file`; ":memory:" for tests. */
export function openSqliteDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // Durable against a killed process (see the top of this file); fsync per commit only where it counts.
  db.pragma(`synchronous = ${DEFAULT_SYNCHRONOUS}`);
  db.pragma('foreign_keys = ON');
  // A CLI command run beside the bot waits for the bot's write to finish instead of failing SQLITE_BUSY.
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

const DEFAULT_SYNCHRONOUS = 'NORMAL';

/**
 * Run `fn` and commit it with `synchronous = FULL`: the WAL is fsynced, so this
 * commit, and every one before it, survives even a power loss. Inside an open
 * transaction the enclosing commit decides, so `fn` just joins it.
 */
function committedDurably(db: Database.Database): <T>(fn: () => T) => T {
  const full = db.prepare('PRAGMA synchronous = FULL');
  const normal = db.prepare(`PRAGMA synchronous = ${DEFAULT_SYNCHRONOUS}`);
  return (fn) => {
    if (db.inTransaction) return fn();
    full.run();
    try {
      return fn();
    } finally {
      normal.run();
    }
  };
}

/** Open the database at `file` and return the store over it. */
export function openSqliteStore(file: string): Store {
  return createSqliteStore(openSqliteDatabase(file));
}

/** The whole store: the core tables plus each area's own tables, each from its own module. */
export function createSqliteStore(db: Database.Database): Store {
  return Object.assign(createSqliteCoreStore(db), createSqliteLanguageStore(db), createSqliteMarketStore(db), createSqliteChatStore(db), createSqliteCommandsStore(db));
}

const json = (v: unknown) => JSON.stringify(v);
const parseJson = <T>(v: unknown): T => JSON.parse(String(v)) as T;
const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

function createSqliteCoreStore(db: Database.Database): CoreStore {
  const durably = committedDurably(db);
  const q = {
    feedState: db.prepare('SELECT * FROM feed_state WHERE feed_id = ?'),
    feedHasUnanalyzed: db.prepare('SELECT 1 FROM posts WHERE feed_id = ? AND analysis IS NULL LIMIT 1'),
    saveFeedState: db.prepare(`
      INSERT INTO feed_state (feed_id, etag, last_modified, last_success_at, last_attempt_at, failures, next_poll_at,
                              disabled_at, disabled_reason, last_error, items_seen)
      VALUES (@feedId, @etag, @lastModified, @lastSuccessAt, @lastAttemptAt, @failures, @nextPollAt,
              @disabledAt, @disabledReason, @lastError, @itemsSeen)
      ON CONFLICT (feed_id) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
        last_success_at = excluded.last_success_at, last_attempt_at = excluded.last_attempt_at,
        failures = excluded.failures, next_poll_at = excluded.next_poll_at, disabled_at = excluded.disabled_at,
        disabled_reason = excluded.disabled_reason, last_error = excluded.last_error, items_seen = excluded.items_seen`),
    postSeen: db.prepare(`
      SELECT id, analysis IS NULL AS unanalyzed FROM posts WHERE id = @id OR (@url <> '' AND url = @url)
        OR (feed_id = @feedId AND guid IS NOT NULL AND guid = @guid)
        OR (feed_id = @feedId AND title_hash = @titleHash)
      ORDER BY id = @id DESC
      LIMIT 1`),
    insertPost: db.prepare(`
      INSERT INTO posts (id, feed_id, source, url, guid, title_hash, title, text, published_at, fetched_at, author,
                         categories, lang, source_weight)
      VALUES (@id, @feedId, @source, @url, @guid, @titleHash, @title, @text, @publishedAt, @fetchedAt, @author,
              @categories, @lang, @sourceWeight)`),
    story: db.prepare('SELECT * FROM stories WHERE id = ?'),
    insertStory: db.prepare(`
      INSERT INTO stories (id, title, url, first_at, last_at, features, languages, sources, post_count, version)
      VALUES (@id, @title, @url, @firstAt, @lastAt, @features, @languages, @sources, 1, @version)`),
    updateStory: db.prepare(`
      UPDATE stories SET last_at = @lastAt, first_at = @firstAt, features = @features,
        languages = @languages, sources = @sources, post_count = @postCount, version = @version WHERE id = @id`),
    saveAnalysis: db.prepare('UPDATE posts SET analysis = ?, story_id = ?, lang = COALESCE(?, lang) WHERE id = ?'),
    analyzedSince: db.prepare(`
      SELECT p.id, p.url, p.title, p.source, p.source_weight, p.published_at, p.story_id, p.analysis,
             s.languages, s.sources
      FROM posts p JOIN stories s ON s.id = p.story_id
      WHERE p.published_at >= ? AND p.analysis IS NOT NULL
      ORDER BY p.published_at`),
    upsertCandle: db.prepare(`
      INSERT INTO candles (symbol, timeframe, time, open, high, low, close, volume, venue)
      VALUES (@symbol, @timeframe, @time, @open, @high, @low, @close, @volume, @venue)
      ON CONFLICT (symbol, timeframe, time) DO UPDATE SET open = excluded.open, high = excluded.high,
        low = excluded.low, close = excluded.close, volume = excluded.volume, venue = excluded.venue`),
    candles: db.prepare('SELECT time, open, high, low, close, volume FROM candles WHERE symbol = ? AND timeframe = ? AND time >= ? ORDER BY time'),
    lastCandle: db.prepare('SELECT MAX(time) AS t FROM candles WHERE symbol = ? AND timeframe = ?'),
    pruneCandles: db.prepare('DELETE FROM candles WHERE time < ?'),
    insertAlert: db.prepare(`
      INSERT INTO alerts (key, kind, symbol, direction, story_id, severity, created_at, payload)
      VALUES (@key, @kind, @symbol, @direction, @storyId, @severity, @createdAt, @payload)
      ON CONFLICT (key) DO NOTHING`),
    insertDelivery: db.prepare(`INSERT INTO deliveries (alert_id, destination, status, next_attempt_at) VALUES (?, ?, 'pending', ?)`),
    due: db.prepare(`
      SELECT d.id, d.alert_id, d.destination, d.attempts, d.refusals, d.attempting_at, a.payload
      FROM deliveries d JOIN alerts a ON a.id = d.alert_id
      WHERE d.status = 'pending' AND d.next_attempt_at <= ?
      ORDER BY d.next_attempt_at, d.id LIMIT ?`),
    // Set just before a send, cleared by its outcome: still set after a restart means the process died during the send.
    attempting: db.prepare('UPDATE deliveries SET attempting_at = ? WHERE id = ?'),
    notAttempting: db.prepare('UPDATE deliveries SET attempting_at = NULL WHERE id = ?'),
    interrupted: db.prepare(`SELECT id, alert_id, destination, attempting_at FROM deliveries WHERE status = 'pending' AND attempting_at IS NOT NULL ORDER BY attempting_at, id`),
    delivered: db.prepare(`UPDATE deliveries SET status = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL, attempting_at = NULL WHERE id = ?`),
    failed: db.prepare(`UPDATE deliveries SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = ?, attempting_at = NULL WHERE id = ?`),
    refused: db.prepare(`
      UPDATE deliveries SET status = ?, attempts = attempts + 1, refusals = refusals + 1, last_error = ?, next_attempt_at = ?, attempting_at = NULL
      WHERE id = ?`),
    postpone: db.prepare(`UPDATE deliveries SET next_attempt_at = MAX(next_attempt_at, ?) WHERE destination = ? AND status = 'pending'`),
    counts: db.prepare(`SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status`),
    lastMove: db.prepare(`
      SELECT created_at, payload FROM alerts
      WHERE kind = 'move' AND symbol = @symbol AND direction = @direction
        AND (@window IS NULL OR json_extract(payload, '$.move.windowMinutes') = @window)
      ORDER BY created_at DESC LIMIT 1`),
    storyAlerted: db.prepare(`SELECT 1 FROM alerts WHERE kind = 'story' AND story_id = ? LIMIT 1`),
  };

  const insertPosts = db.transaction((posts: readonly Post[]) => {
    const fresh: Post[] = [];
    const offered = new Set<string>();
    for (const p of posts) {
      const keys = { id: p.id, url: p.url, feedId: p.feedId, guid: p.guid ?? null, titleHash: p.titleHash };
      const seen = q.postSeen.get(keys) as { id: string; unanalyzed: number } | undefined;
      if (seen) {
        // Stored by a process that died before analysing it: offer it again, or its alert is lost for good.
        if (seen.unanalyzed && seen.id === p.id && !offered.has(p.id)) {
          offered.add(p.id);
          fresh.push(p);
        }
        continue;
      }
      offered.add(p.id);
      q.insertPost.run({
        ...keys,
        source: p.source,
        title: p.title,
        text: p.text,
        publishedAt: p.publishedAt,
        fetchedAt: p.fetchedAt,
        author: p.author ?? null,
        categories: json(p.categories),
        lang: p.lang ?? null,
        sourceWeight: p.sourceWeight,
      });
      fresh.push(p);
    }
    return fresh;
  });

  // Called once per post inside analyzeNewPosts' transaction: a savepoint of its own would be two more statements each.
  const saveAnalysis = joiningTransaction(db, (post: Post, analysis: PostAnalysis, storyId: string, features: readonly string[]): StoryInfo => {
    const existing = q.story.get(storyId) as Row | undefined;
    const lang = analysis.language;
    let story: StoryInfo;
    if (!existing) {
      story = { id: storyId, title: post.title, url: post.url, firstAt: post.publishedAt, lastAt: post.publishedAt, features: [...features], languages: [lang], sources: [post.feedId], postCount: 1 };
      q.insertStory.run({ ...story, features: json(features), languages: json(story.languages), sources: json(story.sources), version: storyVersion() });
    } else {
      const languages = parseJson<string[]>(existing.languages);
      const sources = parseJson<string[]>(existing.sources);
      if (!languages.includes(lang)) languages.push(lang);
      if (!sources.includes(post.feedId)) sources.push(post.feedId);
      story = {
        id: storyId,
        title: String(existing.title),
        url: String(existing.url),
        firstAt: Math.min(Number(existing.first_at), post.publishedAt),
        lastAt: Math.max(Number(existing.last_at), post.publishedAt),
        // The story's features first: they are only ever added to (the story index relies on it).
        features: [...new Set([...parseJson<string[]>(existing.features), ...features])].slice(0, MAX_STORY_FEATURES),
        languages,
        sources,
        postCount: Number(existing.post_count) + 1,
      };
      q.updateStory.run({ ...story, features: json(story.features), languages: json(languages), sources: json(sources), version: storyVersion() });
    }
    q.saveAnalysis.run(json(analysis), storyId, analysis.language, post.id);
    return story;
  });

  const saveCandles = db.transaction((symbol: string, venue: string, timeframe: string, candles: readonly Candle[]) => {
    for (const c of candles) q.upsertCandle.run({ symbol, timeframe, venue, ...c });
  });

  const enqueue = db.transaction((alert: Alert, destinations: readonly string[]): boolean => {
    const result = q.insertAlert.run({
      key: alert.key,
      kind: alert.kind,
      symbol: alert.kind === 'move' ? alert.move.symbol : null,
      direction: alert.kind === 'move' ? alert.move.direction : null,
      storyId: alert.kind === 'story' ? alert.story.id : null,
      severity: alert.severity,
      createdAt: alert.createdAt,
      payload: json(alert),
    });
    if (result.changes === 0) return false;
    for (const d of destinations) q.insertDelivery.run(result.lastInsertRowid, d, alert.createdAt);
    return true;
  });

  return {
    getFeedState(feedId) {
      const r = q.feedState.get(feedId) as Row | undefined;
      if (!r) return undefined;
      // Posts stored but never analysed (the process died in between): without the validators
      // the next poll fetches the feed in full instead of a 304, and insertNewPosts offers them again.
      const fetchInFull = q.feedHasUnanalyzed.get(feedId) !== undefined;
      return {
        feedId,
        etag: fetchInFull ? undefined : opt(r.etag as string | null),
        lastModified: fetchInFull ? undefined : opt(r.last_modified as string | null),
        lastSuccessAt: opt(r.last_success_at as number | null),
        lastAttemptAt: opt(r.last_attempt_at as number | null),
        failures: Number(r.failures),
        nextPollAt: Number(r.next_poll_at),
        disabledAt: opt(r.disabled_at as number | null),
        disabledReason: opt(r.disabled_reason as string | null),
        lastError: opt(r.last_error as string | null),
        itemsSeen: Number(r.items_seen),
      };
    },
    saveFeedState(s: FeedState) {
      q.saveFeedState.run({
        feedId: s.feedId,
        etag: s.etag ?? null,
        lastModified: s.lastModified ?? null,
        lastSuccessAt: s.lastSuccessAt ?? null,
        lastAttemptAt: s.lastAttemptAt ?? null,
        failures: s.failures,
        nextPollAt: s.nextPollAt,
        disabledAt: s.disabledAt ?? null,
        disabledReason: s.disabledReason ?? null,
        lastError: s.lastError ?? null,
        itemsSeen: s.itemsSeen,
      });
    },
    insertNewPosts: (posts) => insertPosts(posts),
    storyIndex: createSqliteStoryIndex(db),
    saveAnalysis: (post, analysis, storyId, features) => saveAnalysis(post, analysis, storyId, features),
    analyzedPostsSince(sinceMs): AnalyzedPost[] {
      return (q.analyzedSince.all(sinceMs) as Row[]).map((r) => {
        const a = parseJson<PostAnalysis>(r.analysis);
        return {
          id: String(r.id),
          url: String(r.url),
          title: String(r.title),
          source: String(r.source),
          sourceWeight: Number(r.source_weight),
          publishedAt: Number(r.published_at),
          storyId: String(r.story_id),
          storyLanguages: parseJson<string[]>(r.languages),
          storySources: parseJson<string[]>(r.sources).length,
          themes: a.themes.map((t) => ({ id: t.id, name: t.name, score: t.score })),
          tokens: a.tokens.map((t) => ({ symbol: t.symbol, score: t.score })),
          sentiment: { score: a.sentiment.score, label: a.sentiment.label },
        };
      });
    },
    saveCandles: (symbol, venue, timeframe, candles) => saveCandles(symbol, venue, timeframe, candles),
    candles(symbol, timeframe, sinceMs) {
      return q.candles.all(symbol, timeframe, sinceMs) as Candle[];
    },
    lastCandleTime(symbol, timeframe) {
      const r = q.lastCandle.get(symbol, timeframe) as { t: number | null };
      return opt(r.t);
    },
    pruneCandles: (olderThanMs) => q.pruneCandles.run(olderThanMs).changes,
    enqueueAlert: (alert, destinations) => enqueue(alert, destinations),
    dueDeliveries(nowMs, limit): Delivery[] {
      return (q.due.all(nowMs, limit) as Row[]).map((r) => ({
        id: Number(r.id),
        alertId: Number(r.alert_id),
        destination: String(r.destination),
        attempts: Number(r.attempts),
        refusals: Number(r.refusals),
        alert: parseJson<Alert>(r.payload),
        ...(r.attempting_at === null ? {} : { interruptedAt: Number(r.attempting_at) }),
      }));
    },
    markDeliveryAttempting(id, nowMs) {
      // Fsynced: after even a power loss, a restart knows this alert may be in the chat already.
      durably(() => q.attempting.run(nowMs, id));
    },
    clearDeliveryAttempt(id) {
      q.notAttempting.run(id);
    },
    interruptedDeliveries(): InterruptedDelivery[] {
      return (q.interrupted.all() as Row[]).map((r) => ({
        id: Number(r.id),
        alertId: Number(r.alert_id),
        destination: String(r.destination),
        attemptingAt: Number(r.attempting_at),
      }));
    },
    markDelivered(id, nowMs) {
      // Fsynced: once a send is recorded, not even a power loss makes the bot send it again.
      durably(() => q.delivered.run(nowMs, id));
    },
    markDeliveryFailed(id, error, nextAttemptAt, dead) {
      q.failed.run(dead ? 'dead' : 'pending', error.slice(0, 1000), nextAttemptAt, id);
    },
    markDeliveryRefused(id, error, nextAttemptAt, dead) {
      q.refused.run(dead ? 'dead' : 'pending', error.slice(0, 1000), nextAttemptAt, id);
    },
    postponeDestination(destination, untilMs) {
      q.postpone.run(untilMs, destination);
    },
    deliveryCounts(): DeliveryCounts {
      const counts: DeliveryCounts = { pending: 0, sent: 0, dead: 0 };
      for (const r of q.counts.all() as { status: keyof DeliveryCounts; n: number }[]) counts[r.status] = r.n;
      return counts;
    },
    lastMoveAlert(symbol, direction, windowMinutes): PriorMoveAlert | undefined {
      const r = q.lastMove.get({ symbol, direction, window: windowMinutes ?? null }) as { created_at: number; payload: string } | undefined;
      if (!r) return undefined;
      const alert = parseJson<Alert>(r.payload);
      if (alert.kind !== 'move') return undefined;
      return { at: r.created_at, windowMinutes: alert.move.windowMinutes, return: alert.move.return };
    },
    storyAlerted: (storyId) => q.storyAlerted.get(storyId) !== undefined,
    transaction: (fn) => db.transaction(fn)(),
    close() {
      if (db.open) db.close();
    },
  };
}
