import { describe, expect, it } from 'vitest';
import { analyzeNewPosts } from '../../src/app/analyze-posts.ts';
import { createEventStudyState, linkedTokens, runEventStudies } from '../../src/app/event-studies.ts';
import type { Candle } from '../../src/domain/candles.ts';
import type { Post } from '../../src/domain/post.ts';
import { testRuntime } from '../fakes/runtime.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 3, 1);
/** Hourly candles from T0 for 40 days; the token steps up 10% at candle 900 (against a flat BTC). */
function candles(base: number, jumpAt?: number): Candle[] {
  return Array.from({ length: 40 * 24 }, (_, i) => {
    const c = base * (jumpAt !== undefined && i >= jumpAt ? 1.1 : 1);
    return { time: T0 + i * H, open: c, high: c, low: c, close: c, volume: 1 };
  });
}
/** The post lands in candle 900, so its returns run from the close at T0 + 900h. */
const PUBLISHED = T0 + 900 * H + 10 * 60_000;

function post(id: string, title: string, text: string): Post {
  return { id, feedId: 'wire', source: 'Wire', url: `https://wire.example/${id}`, title, text, publishedAt: PUBLISHED, fetchedAt: PUBLISHED, categories: [], lang: 'en', sourceWeight: 1, titleHash: id };
}

async function runtimeWithPost(edit?: Parameters<typeof testRuntime>[0]['edit']) {
  const rt = await testRuntime({ now: PUBLISHED, edit });
  rt.store.saveCandles('TAO', 'test', '1h', candles(300, 900));
  rt.store.saveCandles('BTC', 'test', '1h', candles(80_000));
  analyzeNewPosts(rt, rt.store.insertNewPosts([post('p1', 'Bittensor (TAO) opens subnet 99 to zkML provers', 'TAO holders vote on emissions for verifiable inference with zkML.')]));
  return rt;
}

describe('runEventStudies', () => {
  it('GIVEN a post about TAO THEN each horizon is measured once its candle has closed: +10% vs a flat BTC', async () => {
    const rt = await runtimeWithPost();
    const state = createEventStudyState();
    const studied = (symbol: string) => rt.store.eventStudies({ symbol }).map((s) => [s.horizonMinutes, Number(s.abnormalReturn.toFixed(12))]);

    rt.clock.set(T0 + 901 * H);
    expect(runEventStudies(rt, state).stored).toBeGreaterThanOrEqual(1);
    expect(studied('TAO')).toEqual([[60, 0.1]]);

    rt.clock.set(T0 + 904 * H);
    runEventStudies(rt, state);
    rt.clock.set(T0 + 924 * H);
    runEventStudies(rt, state);
    expect(studied('TAO')).toEqual([[60, 0.1], [240, 0.1], [1440, 0.1]]);
    // Done with TAO; tokens linked by theme but without candles wait a day, then are given up.
    expect(state.pending.get('p1')?.tokens.has('TAO')).toBeFalsy();
    rt.clock.set(T0 + 950 * H);
    runEventStudies(rt, state);
    expect(state.pending.size).toBe(0);

    // Nothing is stored twice, with or without memory (a restart).
    rt.clock.set(T0 + 930 * H);
    expect(runEventStudies(rt, state).stored).toBe(0);
    expect(runEventStudies(rt).stored).toBe(0);
  });

  it('GIVEN the studies THEN they are found by theme and by source', async () => {
    const rt = await runtimeWithPost();
    rt.clock.set(T0 + 930 * H);
    runEventStudies(rt);
    expect(rt.store.eventStudies({ theme: 'verifiable-inference', symbol: 'TAO' })).toHaveLength(3);
    expect(rt.store.eventStudies({ source: 'wire', symbol: 'TAO' })).toHaveLength(3);
    expect(rt.store.eventStudies({ source: 'Wire', symbol: 'TAO' })).toHaveLength(3);
    expect(rt.store.eventStudies({ theme: 'ai-agents' })).toEqual([]);
  });

  it('GIVEN follow-ups on and an alerted story THEN a notice after the longest horizon', async () => {
    const rt = await runtimeWithPost((c) => {
      c.alerts.correlation.eventStudy.followUp = true;
    });
    expect(rt.store.storyAlerted('p1')).toBe(true);
    rt.clock.set(T0 + 930 * H);
    expect(runEventStudies(rt).followUps).toBe(1);
    const notice = rt.store.dueDeliveries(T0 + 930 * H, 10).map((d) => d.alert).find((a) => a.kind === 'notice');
    expect(notice).toMatchObject({ key: 'follow-up:p1:TAO', title: 'Follow-up: TAO +10.0% vs BTC in the 24h after "Bittensor (TAO) opens subnet 99 to zkML provers"' });
  });
});

describe('linkedTokens', () => {
  const themeTokens = new Map([['gpu-compute', ['AKT', 'RENDER', 'TAO']]]);
  it('GIVEN a mention and a theme THEN the mention wins for its token, the theme adds the others; untracked tokens are left out', () => {
    const post = { tokens: ['TAO', 'BTC'], themes: [{ id: 'gpu-compute', name: 'GPU' }] };
    expect([...linkedTokens(post, themeTokens, new Set(['TAO', 'RENDER']))]).toEqual([
      ['TAO', 'mention'],
      ['RENDER', 'theme'],
    ]);
  });
});
