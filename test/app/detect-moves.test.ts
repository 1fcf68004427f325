import { describe, expect, it } from 'vitest';
import { analyzeNewPosts } from '../../src/app/analyze-posts.ts';
import { detectAndAlertMoves } from '../../src/app/detect-moves.ts';
import type { Candle } from '../../src/domain/candles.ts';
import type { Post } from '../../src/domain/post.ts';
import { testRuntime } from '../fakes/runtime.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 3, 1);

/** 30 days of calm hourly candles, then a 25% rise over the last 10 hours. */
function candles(base: number, rise: number): Candle[] {
  const out: Candle[] = [];
  for (let i = 0; i < 31 * 24; i++) {
    const wiggle = 1 + 0.004 * Math.sin(i / 3);
    const ramp = i >= 31 * 24 - 10 ? 1 + (rise * (i - (31 * 24 - 11))) / 10 : 1;
    const c = base * wiggle * ramp;
    out.push({ time: T0 + i * H, open: c, high: c, low: c, close: c, volume: 1 });
  }
  return out;
}
const END = T0 + 31 * 24 * H;

function post(id: string, publishedAt: number, title: string, text: string, lang = 'en'): Post {
  return { id, feedId: `feed-${lang}`, source: `Source ${lang}`, url: `https://example.com/${id}`, title, text, publishedAt, fetchedAt: publishedAt, categories: [], lang, sourceWeight: 1, titleHash: id };
}

describe('detectAndAlertMoves', () => {
  it('GIVEN a TAO surge after a decentralized-inference essay THEN queues one move alert naming the essay as catalyst', async () => {
    const rt = await testRuntime({ now: END });
    rt.store.saveCandles('TAO', 'test', '1h', candles(300, 0.25));
    rt.store.saveCandles('BTC', 'test', '1h', candles(80_000, 0.02));
    rt.clock.set(END - 14 * H);
    const essay = post('essay', END - 14 * H, 'My thoughts on decentralized inference, zkML and d/acc', 'Bittensor subnets and verifiable inference…');
    analyzeNewPosts(rt, rt.store.insertNewPosts([essay]));
    rt.clock.set(END);

    const result = detectAndAlertMoves(rt);
    expect(result.alertsQueued).toBe(1);
    const [delivery] = rt.store.dueDeliveries(END, 10).filter((d) => d.alert.kind === 'move');
    const alert = delivery!.alert;
    if (alert.kind !== 'move') throw new Error('expected a move alert');
    expect(alert.move).toMatchObject({ symbol: 'TAO', direction: 'up' });
    expect(alert.move.return).toBeGreaterThan(0.2);
    expect(alert.move.abnormalVsBtc).toBeGreaterThan(0.18);
    expect(alert.catalysts[0]).toMatchObject({ postId: 'essay', url: 'https://example.com/essay' });

    // The next cycle sees the same move: no second alert.
    rt.clock.advance(5 * 60_000);
    expect(detectAndAlertMoves(rt).alertsQueued).toBe(0);
  });

  it('GIVEN a surge with no related post THEN the alert says no catalyst', async () => {
    const rt = await testRuntime({ now: END });
    rt.store.saveCandles('TAO', 'test', '1h', candles(300, 0.25));
    rt.store.saveCandles('BTC', 'test', '1h', candles(80_000, 0));
    detectAndAlertMoves(rt);
    const alert = rt.store.dueDeliveries(END, 10)[0]!.alert;
    expect(alert.kind === 'move' && alert.catalysts).toEqual([]);
  });
});
