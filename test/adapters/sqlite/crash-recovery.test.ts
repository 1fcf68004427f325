/**
 * What the store does for a process that was killed mid-cycle: posts stored
 * but never analysed are offered again (and their feed fetched in full), and
 * a send that was in flight is on record for the restarted process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqliteStore, openSqliteDatabase, openSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import type { FeedState } from '../../../src/app/store.ts';
import type { Post } from '../../../src/domain/post.ts';
import { SAMPLE_NOW, sampleStoryAlert } from '../../fakes/sample-alerts.ts';

const STORE_MODULE = new URL('../../../src/adapters/sqlite/sqlite-store.ts', import.meta.url).href;

const T = SAMPLE_NOW;
const post = (over: Partial<Post>): Post => ({
  id: 'p1', feedId: 'f1', source: 'Feed', url: 'https://a.example/1', title: 'One', text: 'text', publishedAt: T, fetchedAt: T,
  categories: [], sourceWeight: 1, titleHash: 'h1', ...over,
});
const analysis = { language: 'en', themes: [], tokens: [], sentiment: { score: 0, label: 'neutral' as const, cues: [] } };
const feedState: FeedState = { feedId: 'f1', etag: '"v1"', lastModified: 'Fri, 14 Mar 2025 12:00:00 GMT', failures: 0, nextPollAt: T, itemsSeen: 1 };

/** PRAGMA synchronous reads back as a number: 1 is NORMAL, 2 is FULL. */
const SYNCHRONOUS_NORMAL = 1;

const tempFile = () => path.join(mkdtempSync(path.join(tmpdir(), 'radar-crash-')), 'radar.db');

describe('GIVEN a post stored by a process that died before analysing it', () => {
  it('THEN the next poll is offered it again, once, until it is analysed', () => {
    const store = openSqliteStore(':memory:');
    const p = post({});
    store.insertNewPosts([p]);
    // The restarted process fetches the feed again: same item, same id.
    expect(store.insertNewPosts([p, { ...p }, post({ id: 'p2', url: 'https://a.example/2', titleHash: 'h2' })]).map((x) => x.id)).toEqual(['p1', 'p2']);
    store.saveAnalysis(p, analysis, 's1', []);
    expect(store.insertNewPosts([p])).toEqual([]);
  });

  it('THEN a copy of it under another id (another feed, same URL) stays a duplicate', () => {
    const store = openSqliteStore(':memory:');
    store.insertNewPosts([post({})]);
    expect(store.insertNewPosts([post({ id: 'p9', feedId: 'f2', titleHash: 'x' })])).toEqual([]);
  });

  it('THEN its feed is reported without validators, so the next poll fetches it in full, and with them again once it is analysed', () => {
    const store = openSqliteStore(':memory:');
    const p = post({});
    store.insertNewPosts([p]);
    store.saveFeedState(feedState);
    expect(store.getFeedState('f1')).toMatchObject({ etag: undefined, lastModified: undefined, itemsSeen: 1 });
    store.saveAnalysis(p, analysis, 's1', []);
    expect(store.getFeedState('f1')).toMatchObject({ etag: '"v1"', lastModified: feedState.lastModified });
  });

  it('THEN other feeds keep their validators', () => {
    const store = openSqliteStore(':memory:');
    store.insertNewPosts([post({ feedId: 'f2' })]);
    store.saveFeedState(feedState);
    expect(store.getFeedState('f1')?.etag).toBe('"v1"');
  });
});

describe('GIVEN a delivery being sent', () => {
  const queued = () => {
    const store = openSqliteStore(':memory:');
    store.enqueueAlert(sampleStoryAlert(), ['telegram', 'discord']);
    const [tg, dc] = store.dueDeliveries(T, 10);
    return { store, tg: tg!, dc: dc! };
  };

  it('WHEN the process dies during the send THEN the restarted process sees it as interrupted', () => {
    const { store, tg } = queued();
    store.markDeliveryAttempting(tg.id, T + 5);
    expect(store.interruptedDeliveries()).toEqual([{ id: tg.id, alertId: tg.alertId, destination: 'telegram', attemptingAt: T + 5 }]);
    expect(store.dueDeliveries(T + 10, 10).map((d) => [d.destination, d.interruptedAt])).toEqual([
      ['telegram', T + 5],
      ['discord', undefined],
    ]);
    expect(store.pendingDeliveriesFor('telegram', 10).map((d) => d.interruptedAt)).toEqual([T + 5]);
  });

  it('WHEN the platform refused it before posting anything (a 429) THEN no attempt is counted and it is not in flight', () => {
    const { store, tg } = queued();
    store.markDeliveryAttempting(tg.id, T + 5);
    store.clearDeliveryAttempt(tg.id);
    expect(store.dueDeliveries(T + 10, 10).find((d) => d.id === tg.id)).toMatchObject({ attempts: 0 });
    expect(store.dueDeliveries(T + 10, 10).find((d) => d.id === tg.id)).not.toHaveProperty('interruptedAt');
  });

  it.each([
    ['sent', (s: ReturnType<typeof queued>) => s.store.markDelivered(s.tg.id, T + 6)],
    ['failed', (s: ReturnType<typeof queued>) => s.store.markDeliveryFailed(s.tg.id, '502 Bad Gateway', T + 60_000, false)],
    ['refused before posting', (s: ReturnType<typeof queued>) => s.store.clearDeliveryAttempt(s.tg.id)],
  ])('WHEN its outcome is recorded (%s) THEN it is no longer in flight', (_outcome, record) => {
    const q = queued();
    q.store.markDeliveryAttempting(q.tg.id, T + 5);
    record(q);
    expect(q.store.interruptedDeliveries()).toEqual([]);
    expect(q.store.dueDeliveries(T + 120_000, 10).filter((d) => d.interruptedAt !== undefined)).toEqual([]);
  });
});

describe('SQLite settings for crash safety', () => {
  it('GIVEN a database file THEN it runs in WAL mode with synchronous NORMAL, back to NORMAL after each fsynced outbox commit', () => {
    const db = openSqliteDatabase(tempFile());
    const store = createSqliteStore(db);
    expect([db.pragma('journal_mode', { simple: true }), db.pragma('synchronous', { simple: true })]).toEqual(['wal', SYNCHRONOUS_NORMAL]);
    store.enqueueAlert(sampleStoryAlert(), ['telegram']);
    const [d] = store.dueDeliveries(T, 1);
    store.markDeliveryAttempting(d!.id, T);
    store.markDelivered(d!.id, T);
    expect(db.pragma('synchronous', { simple: true })).toBe(SYNCHRONOUS_NORMAL);
    expect(store.deliveryCounts()).toEqual({ pending: 0, sent: 1, dead: 0 });
    store.close();
  });

  it('GIVEN a migration that was interrupted THEN the next start runs it again from the start', () => {
    const file = tempFile();
    openSqliteStore(file).close();
    // What a kill inside 006's transaction leaves behind: the database as of 005 (the transaction rolled back).
    const db = new Database(file);
    db.exec(`DROP INDEX posts_unanalyzed; ALTER TABLE deliveries DROP COLUMN attempting_at; DELETE FROM schema_migrations WHERE name = '006-crash-recovery'`);
    db.close();
    const store = openSqliteStore(file);
    store.enqueueAlert(sampleStoryAlert(), ['telegram']);
    store.markDeliveryAttempting(store.dueDeliveries(T, 1)[0]!.id, T);
    expect(store.interruptedDeliveries()).toHaveLength(1);
    store.close();
  });
});

describe('GIVEN a process killed with SIGKILL inside a transaction', () => {
  it('THEN what it committed is there, what it had not committed is not, and the database is intact', async () => {
    const file = tempFile();
    // A real process, really killed: it commits a sent delivery, then spins inside an open transaction.
    const script = `
      import { openSqliteStore } from ${JSON.stringify(STORE_MODULE)};
      const store = openSqliteStore(${JSON.stringify(file)});
      store.enqueueAlert(${JSON.stringify(sampleStoryAlert())}, ['telegram']);
      const [d] = store.dueDeliveries(${T}, 1);
      store.markDeliveryAttempting(d.id, ${T});
      store.markDelivered(d.id, ${T + 1});
      store.transaction(() => {
        const posts = Array.from({ length: 2000 }, (_, i) => ({ id: 'p' + i, feedId: 'f1', source: 'F', url: 'https://a.example/' + i,
          title: 't' + i, text: 'x'.repeat(500), publishedAt: ${T}, fetchedAt: ${T}, categories: [], sourceWeight: 1, titleHash: 'h' + i }));
        store.insertNewPosts(posts);
        process.stdout.write('in-transaction\\n');
        for (;;);
      });`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('in-transaction') && resolve());
      child.once('exit', () => reject(new Error(`child exited before its transaction: ${stderr}`)));
    });
    child.kill('SIGKILL');
    expect(await exit).toBe('SIGKILL');

    const db = new Database(file);
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare('SELECT COUNT(*) AS n FROM posts').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT status, attempting_at FROM deliveries').all()).toEqual([{ status: 'sent', attempting_at: null }]);
    db.close();
  });
});
