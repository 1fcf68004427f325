import { describe, expect, it } from 'vitest';
import { createReplayCandleReader, runReplay } from '../../src/app/replay.ts';
import type { Candle } from '../../src/domain/candles.ts';
import type { Post } from '../../src/domain/post.ts';
import { FixedClock } from '../fakes/clock.ts';
import { testRuntime } from '../fakes/runtime.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 3, 1);
const END = T0 + 31 * 24 * H;

/** 30 days of calm hourly candles, then a 25% rise over the last 10 hours before END. */
function candles(base: number, rise: number): Candle[] {
  return Array.from({ length: 31 * 24 }, (_, i) => {
    const ramp = i >= 31 * 24 - 10 ? 1 + (rise * (i - (31 * 24 - 11))) / 10 : 1;
    const c = base * (1 + 0.004 * Math.sin(i / 3)) * ramp;
    return { time: T0 + i * H, open: c, high: c, low: c, close: c, volume: 1 };
  });
}

function post(id: string, publishedAt: number, title: string, text: string): Post {
  return { id, feedId: 'blog', source: 'A Blog', url: `https://blog.example/${id}`, title, text, publishedAt, fetchedAt: publishedAt, categories: [], lang: 'en', sourceWeight: 1, titleHash: id };
}

describe('createReplayCandleReader', () => {
  it('GIVEN the clock mid-series THEN only candles closed by then are served', () => {
    const clock = new FixedClock(T0 + 5 * H);
    const series = new Map([['TAO', candles(300, 0).slice(0, 10)]]);
    const reader = createReplayCandleReader(series, '1h', clock);
    expect(reader.candles('TAO', '1h', 0).map((c) => (c.time - T0) / H)).toEqual([0, 1, 2, 3, 4]);
    expect(reader.candles('TAO', '1h', T0 + 3 * H).map((c) => (c.time - T0) / H)).toEqual([3, 4]);
    clock.set(T0 + 5 * H + H / 2); // the candle opening at 5h is still open
    expect(reader.candles('TAO', '1h', 0)).toHaveLength(5);
    expect(reader.candles('TAO', '4h', 0)).toEqual([]);
    expect(reader.candles('ETH', '1h', 0)).toEqual([]);
  });
});

describe('runReplay', () => {
  it('GIVEN an essay before a TAO surge and a post after it THEN the alerts go out at the right hours, naming the essay', async () => {
    const rt = await testRuntime({ now: END - 20 * H });
    const essay = post('essay', END - 14 * H + 20 * 60_000, 'Decentralized inference, zkML and d/acc', 'Bittensor subnets and verifiable inference for open AI.');
    const late = post('late', END + 2 * H, 'Bittensor (TAO) after the rally', 'TAO price doubled, traders say.');
    const seen: number[] = [];

    const result = runReplay(
      rt as typeof rt & { clock: FixedClock },
      { posts: [late, essay], candles: new Map([['TAO', candles(300, 0.25)], ['BTC', candles(80_000, 0.02)]]), from: END - 20 * H, to: END + 5 * H },
      { onAlert: (a) => seen.push(a.at) },
    );

    expect(result.steps).toBe(26);
    expect(result.posts).toEqual({ fed: 2, stored: 2 });
    expect(seen).toEqual(result.alerts.map((a) => a.at));
    // The essay is announced at the first step after it was published.
    const story = result.alerts.find((a) => a.alert.kind === 'story' && a.alert.story.id === 'essay');
    expect(story?.at).toBe(END - 13 * H);
    const moves = result.alerts.filter((a) => a.alert.kind === 'move');
    expect(moves.length).toBeGreaterThan(0);
    for (const m of moves) {
      if (m.alert.kind !== 'move') continue;
      expect(m.at).toBeLessThanOrEqual(END);
      expect(m.alert.move.endedAt).toBe(m.at); // detected at the close of its last candle, not later, not earlier
      expect(m.alert.catalysts[0]?.postId).toBe('essay');
      expect(m.alert.catalysts.map((c) => c.postId)).not.toContain('late');
    }
    // No candle after END exists, so nothing moves after it: the late post stays out of every alert.
    expect(result.alerts.filter((a) => a.at > END).every((a) => a.alert.kind === 'story')).toBe(true);
  });
});
