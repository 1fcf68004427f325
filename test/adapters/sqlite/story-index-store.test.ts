import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { keyHash } from '../../../src/adapters/sqlite/story-index-store.ts';
import type { Store } from '../../../src/app/store.ts';
import type { Post } from '../../../src/domain/post.ts';
import { DEFAULT_STORY_RULES, matchStory, type StoryCandidate } from '../../../src/domain/stories.ts';

const H = 3_600_000;
const KINDS = ['url', 'link', 'title', 'quote', 'pct', 'amt', 'num', 'year', 'brand', 'name', 'xname', 'kname', 'subj', 'token', 'theme'];
const analysis = { language: 'en', themes: [], tokens: [], sentiment: { score: 0, label: 'neutral' as const, cues: [] } };

const post = (id: string, publishedAt: number): Post => ({
  id, feedId: 'f1', source: 'Feed', url: `https://a.example/${id}`, title: id, text: 'text', publishedAt, fetchedAt: publishedAt,
  categories: [], sourceWeight: 1, titleHash: id,
});

/** Saves a post into `storyId` as analyzeNewPosts does, and indexes the story (only the post's keys when it joined one); returns what the store now holds. */
function save(store: Store, id: string, at: number, features: string[], storyId = id): StoryCandidate {
  const p = post(id, at);
  store.insertNewPosts([p]);
  const story = store.saveAnalysis(p, analysis, storyId, features);
  const candidate = { id: story.id, features: story.features, lastAt: story.lastAt };
  store.storyIndex.put(candidate, storyId === id ? undefined : features);
  return candidate;
}

function randomFeatures(seed: number) {
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const feature = () => `${KINDS[Math.floor(random() * KINDS.length)]}:v${Math.floor(random() * 40)}`;
  return { random, features: () => [...new Set(Array.from({ length: 2 + Math.floor(random() * 14) }, feature))] };
}

describe('the story index in SQLite', () => {
  it('GIVEN posts clustered one by one THEN it picks exactly what matchStory picks over every story', () => {
    const store = openSqliteStore(':memory:');
    const { random, features: draw } = randomFeatures(11);
    const stories: StoryCandidate[] = [];
    let joined = 0;
    store.storyIndex.cover(0);
    for (let i = 0; i < 600; i++) {
      const features = draw();
      const at = Math.floor(random() * 200) * H;
      const expected = matchStory(features, at, stories);
      expect(store.storyIndex.match(features, at)).toEqual(expected);
      const story = save(store, `p${i}`, at, features, expected?.storyId ?? `p${i}`);
      const known = stories.findIndex((s) => s.id === story.id);
      if (known >= 0) {
        joined++;
        stories[known] = story;
      } else stories.push(story);
    }
    expect(joined).toBeGreaterThan(20); // the check means something only if posts do join
    expect(store.storyIndex.size).toBe(stories.length);
  });

  it('GIVEN two stories with the same evidence THEN a tie goes to the older one, until prune forgets it', () => {
    const store = openSqliteStore(':memory:');
    const features = ['pct:25', 'name:btrn', 'amt:20000000'];
    store.storyIndex.cover(0);
    save(store, 'old', 0, features);
    save(store, 'new', 10 * H, features);
    expect(store.storyIndex.match(features, 5 * H)?.storyId).toBe('old');
    store.storyIndex.prune(5 * H);
    expect(store.storyIndex.size).toBe(1);
    expect(store.storyIndex.match(features, 5 * H)?.storyId).toBe('new');
  });

  it('GIVEN a post sharing one quote and its tags with a story THEN it joins the story', () => {
    const store = openSqliteStore(':memory:');
    store.storyIndex.cover(0);
    save(store, 'essay', 0, ['quote:my techno optimism', 'token:tao', 'theme:dacc', 'theme:zkml', 'token:akt']);
    expect(store.storyIndex.match(['quote:my techno optimism', 'token:tao', 'theme:dacc', 'theme:zkml', 'name:lisboa'], H)?.storyId).toBe('essay');
  });

  it('GIVEN a pruned index and then an old post THEN cover indexes the old stories again and the old post joins its story', () => {
    const store = openSqliteStore(':memory:');
    const features = ['quote:my techno optimism', 'pct:25', 'name:vitalik'];
    store.storyIndex.cover(0);
    save(store, 'essay', 0, features);
    save(store, 'later', 200 * H, ['quote:something else', 'name:other']);
    store.storyIndex.prune(100 * H);
    expect(store.storyIndex.size).toBe(1);
    expect(store.storyIndex.match(features, H)).toBeUndefined();
    store.storyIndex.cover(H - DEFAULT_STORY_RULES.windowMs);
    expect(store.storyIndex.size).toBe(2);
    expect(store.storyIndex.match(features, H)?.storyId).toBe('essay');
  });

  it('GIVEN a story saved in a batch that fails THEN its keys roll back with it', () => {
    const store = openSqliteStore(':memory:');
    const features = ['quote:my techno optimism', 'pct:25'];
    store.storyIndex.cover(0);
    expect(() =>
      store.transaction(() => {
        save(store, 'essay', 0, features);
        expect(store.storyIndex.match(features, H)?.storyId).toBe('essay');
        throw new Error('the batch failed');
      }),
    ).toThrow('the batch failed');
    expect(store.storyIndex.size).toBe(0);
    expect(store.storyIndex.match(features, H)).toBeUndefined();
  });

  it('GIVEN a restart THEN the index is there without being built again', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'radar-story-index-')), 'radar.db');
    const features = ['quote:my techno optimism', 'pct:25'];
    const first = openSqliteStore(file);
    first.storyIndex.cover(0);
    save(first, 'essay', 0, features);
    first.close();
    const second = openSqliteStore(file);
    expect(second.storyIndex.size).toBe(1);
    expect(second.storyIndex.match(features, H)?.storyId).toBe('essay');
  });

  it('GIVEN stories created before the index existed THEN the first cover indexes them, page after page', () => {
    const store = openSqliteStore(':memory:');
    // As in a database from before migration 008: stories saved, none indexed. Many share a time, across pages.
    for (let i = 0; i < 1_234; i++) {
      const p = post(`p${i}`, Math.floor(i / 7) * 60_000);
      store.insertNewPosts([p]);
      store.saveAnalysis(p, analysis, p.id, [`quote:words ${i}`, `pct:${i}`]);
    }
    expect(store.storyIndex.match(['quote:words 1000', 'pct:1000'], H)).toBeUndefined();
    store.storyIndex.prune(-H); // nothing indexed: nothing to prune, and no claim that anything is
    store.storyIndex.cover(0);
    expect(store.storyIndex.size).toBe(1_234);
    expect(store.storyIndex.match(['quote:words 1000', 'pct:1000'], H)?.storyId).toBe('p1000');
  });

  it('GIVEN keys THEN their hashes are exact integers that differ for different keys', () => {
    const keys = Array.from({ length: 20_000 }, (_, i) => `n:name${i}`);
    const hashes = keys.map(keyHash);
    expect(hashes.every((h) => Number.isSafeInteger(h) && h >= 0)).toBe(true);
    expect(new Set(hashes).size).toBe(keys.length);
    expect(keyHash('n:name1')).toBe(hashes[1]);
  });
});
