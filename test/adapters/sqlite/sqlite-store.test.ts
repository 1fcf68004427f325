import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import type { Post } from '../../../src/domain/post.ts';
import { sampleStoryAlert } from '../../fakes/sample-alerts.ts';

const T = Date.UTC(2025, 1, 19);
const post = (over: Partial<Post>): Post => ({
  id: 'p1', feedId: 'f1', source: 'Feed', url: 'https://a.example/1', title: 'One', text: 'text', publishedAt: T, fetchedAt: T,
  categories: [], sourceWeight: 1, titleHash: 'h1', ...over,
});
const analysis = { language: 'en', themes: [{ id: 'zk', name: 'zkML', score: 3, matches: [] }], tokens: [{ symbol: 'TAO', score: 1, matches: [] }], sentiment: { score: 0.2, label: 'positive' as const, cues: [] } };

describe('SQLite store', () => {
  it.each([
    ['the same id', post({ url: 'https://a.example/other', titleHash: 'x' })],
    ['the same canonical URL from another feed', post({ id: 'p2', feedId: 'f2', titleHash: 'x' })],
    ['the same guid in the same feed', post({ id: 'p2', url: 'https://a.example/2', guid: 'g', titleHash: 'x' })],
    ['the same title in the same feed', post({ id: 'p2', url: 'https://a.example/2' })],
  ])('GIVEN %s THEN the post is a duplicate', (_case, dup) => {
    const store = openSqliteStore(':memory:');
    const original = post({ guid: 'g' });
    expect(store.insertNewPosts([original])).toHaveLength(1);
    store.saveAnalysis(original, analysis, 's1', []);
    expect(store.insertNewPosts([dup])).toEqual([]);
  });

  it('GIVEN posts without links THEN they are not duplicates of each other', () => {
    const store = openSqliteStore(':memory:');
    expect(store.insertNewPosts([post({ url: '' }), post({ id: 'p2', url: '', titleHash: 'h2' })])).toHaveLength(2);
  });

  it('GIVEN posts of one story THEN the story gathers languages and sources', () => {
    const store = openSqliteStore(':memory:');
    const en = post({});
    const pt = post({ id: 'p2', feedId: 'f2', url: 'https://b.example/1', titleHash: 'h2', publishedAt: T + 1000 });
    store.insertNewPosts([en, pt]);
    store.saveAnalysis(en, analysis, 's1', ['name:vitalik']);
    const info = store.saveAnalysis(pt, { ...analysis, language: 'pt' }, 's1', ['num:2027']);
    expect(info).toMatchObject({ id: 's1', languages: ['en', 'pt'], sources: ['f1', 'f2'], postCount: 2, title: 'One' });
    expect(info).toMatchObject({ features: ['name:vitalik', 'num:2027'], lastAt: T + 1000 });
    expect(store.analyzedPostsSince(0).map((p) => [p.id, p.storyLanguages, p.storySources])).toEqual([
      ['p1', ['en', 'pt'], 2],
      ['p2', ['en', 'pt'], 2],
    ]);
  });

  it('GIVEN overlapping candle batches THEN the later values win and order is by time', () => {
    const store = openSqliteStore(':memory:');
    const c = (time: number, close: number) => ({ time, open: close, high: close, low: close, close, volume: 1 });
    store.saveCandles('TAO', 'binance', '1h', [c(2, 20), c(1, 10)]);
    store.saveCandles('TAO', 'binance', '1h', [c(2, 21), c(3, 30)]);
    expect(store.candles('TAO', '1h', 0).map((x) => x.close)).toEqual([10, 21, 30]);
    expect(store.lastCandleTime('TAO', '1h')).toBe(3);
    expect(store.pruneCandles(2)).toBe(1);
  });

  it('GIVEN a database from a newer version THEN refuses to open it with a clear message', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'radar-db-')), 'radar.db');
    openSqliteStore(file).close();
    const db = new Database(file);
    db.prepare("INSERT INTO schema_migrations (name, applied_at) VALUES ('999-future', 0)").run();
    db.close();
    expect(() => openSqliteStore(file)).toThrow(/migrations this build does not know \(999-future\).*upgrade Narrative Radar/);
  });

  it('GIVEN an existing database THEN reopening keeps the data and runs no migration twice', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'radar-db-')), 'radar.db');
    const first = openSqliteStore(file);
    first.insertNewPosts([post({})]);
    first.saveAnalysis(post({}), analysis, 's1', []);
    first.close();
    const second = openSqliteStore(file);
    expect(second.insertNewPosts([post({})])).toEqual([]);
    second.close();
  });

  it('GIVEN failed and refused sends THEN attempts count both, refusals only the refusals, and a refused dead delivery counts as dead', () => {
    const store = openSqliteStore(':memory:');
    store.enqueueAlert(sampleStoryAlert(), ['tg']);
    const [d] = store.dueDeliveries(Number.MAX_SAFE_INTEGER, 1);
    store.markDeliveryFailed(d!.id, '502 Bad Gateway', 0, false);
    store.markDeliveryRefused(d!.id, 'Bad Request: message is too long', 0, false);
    expect(store.dueDeliveries(0, 1)).toEqual([expect.objectContaining({ attempts: 2, refusals: 1 })]);
    expect(store.pendingDeliveriesFor('tg', 1)).toEqual([expect.objectContaining({ attempts: 2, refusals: 1 })]);
    store.markDeliveryRefused(d!.id, 'Bad Request: message is too long', 0, true);
    expect(store.deliveryCounts()).toEqual({ pending: 0, sent: 0, dead: 1 });
    expect(store.destinationStates()).toEqual([expect.objectContaining({ destination: 'tg', dead: 1 })]);
  });
});
