import { describe, expect, it } from 'vitest';
import { defaultSubscription, type Subscription } from '../../../src/app/commands/subscription.ts';
import { digestText, queueDueDigests } from '../../../src/app/digest.ts';
import { buildDigest, themeStats } from '../../../src/domain/digest.ts';
import type { AnalyzedPost } from '../../../src/domain/correlation.ts';
import { sampleMoveAlert } from '../../fakes/sample-alerts.ts';
import { commandsFixture, HOUR, SAMPLE_NOW, seedMoveAlert, seedPost } from './fixtures.ts';

const post = (id: string, at: number, themes: string[], extra: Partial<AnalyzedPost> = {}): AnalyzedPost => ({
  id,
  url: `https://news.example/${id}`,
  title: `Title ${id}`,
  source: 'Blog',
  sourceWeight: 1,
  publishedAt: at,
  storyId: id,
  storyLanguages: ['en'],
  storySources: 1,
  themes: themes.map((t) => ({ id: t, name: t.toUpperCase(), score: 2 })),
  tokens: [],
  sentiment: { score: 0, label: 'neutral' },
  ...extra,
});

describe('digest content', () => {
  it('GIVEN themed posts in two periods THEN mindshare is each theme’s share of themed posts, and sentiment its posts’ mean', () => {
    const posts = [
      post('a', SAMPLE_NOW - HOUR, ['x']),
      post('b', SAMPLE_NOW - 2 * HOUR, ['x', 'y'], { sentiment: { score: 0.5, label: 'positive' } }),
      post('c', SAMPLE_NOW - 30 * HOUR, ['y']),
      post('old', SAMPLE_NOW - 50 * HOUR, ['x']), // before both periods
    ];
    expect(themeStats(posts, SAMPLE_NOW - 24 * HOUR, SAMPLE_NOW)).toEqual([
      { id: 'x', name: 'X', posts: 2, share: 1, previousShare: 0, sentiment: 0.25, label: 'positive' },
      { id: 'y', name: 'Y', posts: 1, share: 0.5, previousShare: 1, sentiment: 0.5, label: 'positive' },
    ]);
  });

  it('GIVEN moves of one token in several windows THEN the digest keeps its most abnormal one, biggest first', () => {
    const base = sampleMoveAlert().move;
    const digest = buildDigest({
      now: SAMPLE_NOW,
      periodMs: 24 * HOUR,
      posts: [],
      moves: [
        sampleMoveAlert({ key: '1', createdAt: SAMPLE_NOW - HOUR, move: { ...base, abnormalVsBtc: 0.1 } }),
        sampleMoveAlert({ key: '2', createdAt: SAMPLE_NOW - 2 * HOUR, move: { ...base, abnormalVsBtc: -0.3 } }),
        sampleMoveAlert({ key: '3', createdAt: SAMPLE_NOW - HOUR, move: { ...base, symbol: 'AKT', abnormalVsBtc: 0.2 } }),
        sampleMoveAlert({ key: 'old', createdAt: SAMPLE_NOW - 25 * HOUR, move: { ...base, symbol: 'FET', abnormalVsBtc: 0.9 } }),
      ],
    });
    expect(digest.moves.map((m) => [m.move.symbol, m.move.abnormalVsBtc])).toEqual([
      ['TAO', -0.3],
      ['AKT', 0.2],
    ]);
  });

  it('GIVEN a very busy day THEN the digest text fits its budget and says where it was cut', () => {
    const posts = Array.from({ length: 60 }, (_, i) => post(`p${i}`, SAMPLE_NOW - HOUR, [`theme-${i % 5}`], { title: 'A long headline about decentralized inference '.repeat(3) }));
    const digest = buildDigest({ now: SAMPLE_NOW, periodMs: 24 * HOUR, posts, moves: [], limits: { themes: 5, storiesPerTheme: 10, moves: 5 } });
    const text = digestText(digest, 'en', 1_500);
    expect(text.length).toBeLessThanOrEqual(1_500);
    expect(text).toContain('…');
    expect(text).toContain('Sentiment and mindshare');
  });
});

describe('scheduled digests', () => {
  async function setUp(now: number, subs: Partial<Subscription>[]) {
    const f = await commandsFixture({ now });
    const audit = { at: now, actor: { platform: 'cli' as const, userId: 'test' }, action: 'test', target: 't', outcome: 'applied' as const };
    for (const s of subs) f.rt.store.saveSubscription(s.destination!, { ...defaultSubscription(s.destination!), ...s }, audit);
    seedPost(f.rt.store, { id: 'p1', title: 'Bittensor subnets', publishedAt: now - HOUR, themes: [{ id: 'decentralized-inference', name: 'Decentralized inference', score: 3 }] });
    seedMoveAlert(f.rt.store, { createdAt: now - HOUR });
    let woken = 0;
    f.rt.onAlertsQueued = () => void woken++;
    return { f, woken: () => woken };
  }

  const at = (hh: number, mm = 0) => Date.UTC(2025, 2, 14, hh, mm);

  it('GIVEN a 09:00 Berlin digest THEN at 09:30 Berlin it is queued for that destination only, once', async () => {
    const { f, woken } = await setUp(at(8, 30), [
      { destination: 'tg-main', digestAt: '09:00', timeZone: 'Europe/Berlin', language: 'de' },
      { destination: 'discord-main', digestAt: '09:00', timeZone: 'America/New_York' }, // 04:30 there
    ]);
    expect(queueDueDigests(f.rt)).toEqual({ queued: ['tg-main'], skipped: [] });
    expect(woken()).toBe(1);
    const due = f.rt.store.dueDeliveries(at(9), 10);
    expect(due.map((d) => [d.destination, d.alert.key])).toEqual([['tg-main', 'scheduled-digest:tg-main:2025-03-14']]);
    const alert = due[0]!.alert;
    expect(alert).toMatchObject({ kind: 'notice', severity: 'low', reason: 'scheduled digest', title: 'Krypto-KI-Überblick · 2025-03-14' });
    expect(alert.kind === 'notice' && alert.text).toContain('Top-Meldungen nach Thema\nDecentralized inference:');

    f.rt.clock.set(at(8, 40));
    expect(queueDueDigests(f.rt)).toEqual({ queued: [], skipped: [{ destination: 'tg-main', reason: 'already-queued' }] });
  });

  it('GIVEN a 23:30 digest and a restart past midnight THEN it is caught up under the day it belongs to', async () => {
    const { f } = await setUp(Date.UTC(2025, 2, 15, 0, 15), [{ destination: 'tg-main', digestAt: '23:30' }]);
    queueDueDigests(f.rt);
    expect(f.rt.store.dueDeliveries(Date.UTC(2025, 2, 16), 10).map((d) => d.alert.key)).toEqual(['scheduled-digest:tg-main:2025-03-14']);
  });

  it('GIVEN digests too late to catch up, switched off, or for destinations without a sink THEN nothing is queued', async () => {
    const { f, woken } = await setUp(at(13), [
      { destination: 'tg-main', digestAt: '09:00' }, // 4h late
      { destination: 'discord-main', digestAt: '12:30', kinds: { digest: 'off' } },
      { destination: 'gone', digestAt: '12:30' },
    ]);
    expect(queueDueDigests(f.rt)).toEqual({ queued: [], skipped: [{ destination: 'gone', reason: 'not-wired' }] });
    expect(woken()).toBe(0);
  });

  it('GIVEN a destination whose alerts.yaml rule takes no notices THEN the digest is not queued for it', async () => {
    const { f } = await setUp(at(9), [{ destination: 'tg-main', digestAt: '09:00' }]);
    f.rt.destinations = [{ id: 'tg-main', minSeverity: 'low', kinds: ['move'] }];
    expect(queueDueDigests(f.rt)).toEqual({ queued: [], skipped: [{ destination: 'tg-main', reason: 'not-routed' }] });
    expect(f.rt.store.dueDeliveries(at(10), 10)).toEqual([]);
  });
});
