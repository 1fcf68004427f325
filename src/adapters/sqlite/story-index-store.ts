/**
 * The story index, kept in SQLite (table story_keys, migration 008), for a
 * constant amount of the bot's memory. Held in memory, it grew with every story
 * of the 72-hour window, about 0.6 kB each: tens of megabytes for a busy list of
 * feeds. Here a post costs one statement (an indexed lookup per evidence key,
 * about 15) and reads only the few stories that pass mayJoin; test/adapters/sqlite
 * checks the answers against matchStory over every story.
 *
 * Writes belong to the caller's transaction (analyzeNewPosts wraps a batch in
 * one), so the keys, the stories they point to and `indexed_since` commit or
 * roll back together. The one cache, of parsed stories, is checked against each
 * story's version, which every write of a story changes.
 */
import type Database from 'better-sqlite3';
import type { StoryIndex } from '../../app/store.ts';
import { DEFAULT_STORY_RULES, matchStory, NAMES_WITHOUT_EVENT, type StoryCandidate } from '../../domain/stories.ts';
import { mayJoin, SHARES_EVENT, SHARES_IDENTITY, storyKeys } from '../../domain/story-index.ts';

/**
 * A 53-bit hash of a key (cyrb53): an exact JavaScript number and an SQLite
 * integer, a quarter of the size of the typical key's text.
 */
export function keyHash(key: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * Candidate stories kept parsed, by id. A story's features (up to 200) are parsed and indexed once per
 * array (see matchStory), and the same few active stories are candidates for post after post.
 */
const PARSED_CANDIDATES = 128;

/** Stories read at a time when indexing a stretch of time: a whole window at once could be ~100,000 rows. */
const COVER_PAGE = 500;

/** Nothing indexed yet: the first cover() indexes everything it asks for. */
const NOTHING_INDEXED = Number.MAX_SAFE_INTEGER;

export function createSqliteStoryIndex(db: Database.Database): StoryIndex {
  const q = {
    indexedSince: db.prepare('SELECT indexed_since FROM story_index_state WHERE id = 1').pluck(),
    setIndexedSince: db.prepare(
      'INSERT INTO story_index_state (id, indexed_since) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET indexed_since = excluded.indexed_since',
    ),
    // Pages in (last_at, rowid) order: a statement that is still reading cannot share its connection with writes.
    storiesPage: db.prepare(`
      SELECT rowid, id, features, last_at FROM stories
      WHERE (last_at, rowid) > (?, ?) AND last_at < ? ORDER BY last_at, rowid LIMIT ${COVER_PAGE}`),
    // One statement per post and per story, not one per key: a call into SQLite costs more than the lookup.
    // The post's keys come as [hash, identity, event] triples; the HAVING is mayJoin's test, so only the few
    // stories that pass it leave SQLite (about 4 of the 45 that share a key with a typical post).
    storiesSharingKeys: db
      .prepare(
        `SELECT g.story, g.shared, g.identity | g.event, s.rowid, s.version FROM (
           SELECT k.story, count(*) AS shared, max(j.value ->> 1) AS identity, max(k.event * (j.value ->> 2)) AS event
           FROM json_each(?) AS j JOIN story_keys AS k ON k.key = j.value ->> 0
           GROUP BY k.story HAVING identity OR event OR shared >= ?
         ) AS g JOIN stories AS s ON s.id = g.story`,
      )
      .raw(),
    story: db.prepare('SELECT features, last_at FROM stories WHERE id = ?').raw(),
    // A key the story already has costs a lookup, not a write.
    index: db.prepare(`
      INSERT INTO story_keys (key, story, event) SELECT j.value ->> 0, ?, j.value ->> 1 FROM json_each(?) AS j WHERE true
      ON CONFLICT DO UPDATE SET event = excluded.event WHERE excluded.event > event`),
    unindex: db.prepare('DELETE FROM story_keys WHERE story = ? AND key IN (SELECT value FROM json_each(?))'),
    count: db.prepare('SELECT count(DISTINCT story) FROM story_keys').pluck(),
  };

  // By version: a story changed (or rolled back) since it was parsed has another version.
  const parsed = new Map<string, { version: number; story: StoryCandidate }>();
  const parsedStory = (id: string, version: number): StoryCandidate | undefined => {
    const known = parsed.get(id);
    if (known?.version === version) return known.story;
    const row = q.story.get(id) as [string, number] | undefined;
    if (!row) return undefined;
    const story = { id, features: JSON.parse(row[0]) as string[], lastAt: row[1] };
    parsed.delete(id);
    parsed.set(id, { version, story });
    if (parsed.size > PARSED_CANDIDATES) parsed.delete(parsed.keys().next().value!);
    return story;
  };

  const indexedSince = () => (q.indexedSince.get() as number | undefined) ?? NOTHING_INDEXED;

  const writeKeys = (id: string, features: readonly string[]) => {
    const keys = storyKeys(features);
    q.index.run(id, JSON.stringify([...keys.evidence].map((key) => [keyHash(key), keys.events.has(key) ? 1 : 0])));
  };

  /** Calls `each` with every stored story whose latest post is in [fromMs, toMs). */
  const eachStoryBetween = (fromMs: number, toMs: number, each: (id: string, features: string[]) => void) => {
    let after = { lastAt: fromMs, rowid: -1 };
    for (;;) {
      const page = q.storiesPage.all(after.lastAt, after.rowid, toMs) as { rowid: number; id: string; features: string; last_at: number }[];
      for (const row of page) each(row.id, JSON.parse(row.features) as string[]);
      if (page.length < COVER_PAGE) break;
      const last = page[page.length - 1]!;
      after = { lastAt: last.last_at, rowid: last.rowid };
    }
  };

  const cover = (sinceMs: number) => {
    const since = indexedSince();
    if (sinceMs >= since) return;
    eachStoryBetween(sinceMs, since, writeKeys);
    q.setIndexedSince.run(sinceMs);
  };

  return {
    cover,
    put(story, joined) {
      // Keeps the invariant of indexed_since: a story older than it would otherwise stay indexed after a prune.
      cover(story.lastAt);
      // No delete first: the store only ever adds features to a story (see saveAnalysis), and a key the story
      // lost would only offer matchStory one more story to reject.
      if (!joined) return writeKeys(story.id, story.features);
      const kept = new Set(story.features);
      writeKeys(story.id, joined.filter((feature) => kept.has(feature)));
    },
    match(features, publishedAt, rules = DEFAULT_STORY_RULES) {
      const mine = storyKeys(features);
      const sides = [...mine.evidence].map((key) => [keyHash(key), mine.identities.has(key) ? SHARES_IDENTITY : 0, mine.events.has(key) ? SHARES_EVENT : 0]);
      const candidates: { story: StoryCandidate; order: number }[] = [];
      for (const [id, shared, flags, order, version] of q.storiesSharingKeys.all(JSON.stringify(sides), NAMES_WITHOUT_EVENT) as [string, number, number, number, number][]) {
        if (!mayJoin(shared, flags)) continue;
        const story = parsedStory(id, version);
        if (story) candidates.push({ story, order });
      }
      // In the order the stories were created: a tie goes to the older story.
      candidates.sort((a, b) => a.order - b.order);
      return matchStory(features, publishedAt, candidates.map((c) => c.story), rules);
    },
    prune(beforeMs) {
      const since = indexedSince();
      // Nothing indexed means nothing to forget (and no claim that what follows the cut-off is indexed).
      if (since === NOTHING_INDEXED || beforeMs <= since) return;
      // Its current features hold every key ever written for a story, as features only grow.
      eachStoryBetween(since, beforeMs, (id, features) => q.unindex.run(id, JSON.stringify([...storyKeys(features).evidence].map(keyHash))));
      q.setIndexedSince.run(beforeMs);
    },
    get size() {
      return q.count.get() as number;
    },
  };
}
