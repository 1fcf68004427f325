import { describe, expect, it } from 'vitest';
import type { Candle } from '../../src/domain/candles.ts';
import { describeEventStudy, eventEnd, eventStart, meanTest, studyEvent, summarizeEventStudies, type EventStudyRecord } from '../../src/domain/event-study.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 3, 1);
const series = (closes: number[]): Candle[] => closes.map((c, i) => ({ time: T0 + i * H, open: c, high: c, low: c, close: c, volume: 1 }));

// Candle i opens at T0 + i·h and closes at T0 + (i + 1)·h. The post lands inside candle 10.
const tokenCloses = Array.from({ length: 40 }, (_, i) => (i < 9 ? 100 : i === 9 ? 100 : i === 10 ? 110 : i < 13 ? 112 : i === 13 ? 120 : 130));
const btcCloses = Array.from({ length: 40 }, (_, i) => (i < 10 ? 1000 : i < 13 ? 1020 : i === 13 ? 1050 : 1100));
const input = { publishedAt: T0 + 10.5 * H, candles: series(tokenCloses), benchmark: series(btcCloses), stepMs: H, horizonsMinutes: [60, 240, 1440], betaSamples: 720, beta: 1.5 };

describe('studyEvent', () => {
  it('GIVEN a post mid-candle THEN returns run from the close before it (candle 9 closing at 10h)', () => {
    expect(eventStart(input.publishedAt, H)).toBe(T0 + 10 * H);
    expect([60, 240, 1440].map((h) => eventEnd(input.publishedAt, h, H))).toEqual([T0 + 11 * H, T0 + 14 * H, T0 + 34 * H]);
  });

  it('GIVEN every horizon closed THEN r − β·r_BTC for each', () => {
    const results = studyEvent(input, T0 + 40 * H);
    expect(results.map((r) => r.horizonMinutes)).toEqual([60, 240, 1440]);
    // +1h: token 100 → 110 (+10%), BTC 1000 → 1020 (+2%): 0.10 − 1.5 × 0.02 = 0.07.
    expect(results[0]).toEqual({ horizonMinutes: 60, startAt: T0 + 10 * H, endAt: T0 + 11 * H, return: expect.closeTo(0.1, 12), benchmarkReturn: expect.closeTo(0.02, 12), beta: 1.5, abnormalReturn: expect.closeTo(0.07, 12) });
    // +4h: 100 → 120 (+20%), 1000 → 1050 (+5%): 0.20 − 0.075 = 0.125.
    expect(results[1]!.abnormalReturn).toBeCloseTo(0.125, 12);
    // +24h: 100 → 130 (+30%), 1000 → 1100 (+10%): 0.30 − 0.15 = 0.15.
    expect(results[2]!.abnormalReturn).toBeCloseTo(0.15, 12);
  });

  it('GIVEN only the first hour closed THEN only +1h is measured; the rest waits', () => {
    expect(studyEvent(input, T0 + 12 * H).map((r) => r.horizonMinutes)).toEqual([60]);
  });

  it('GIVEN no candle at publication THEN nothing', () => {
    expect(studyEvent({ ...input, publishedAt: T0 + 60 * H }, T0 + 100 * H)).toEqual([]);
  });

  it('GIVEN no β passed and too little history THEN β 1', () => {
    expect(studyEvent({ ...input, beta: undefined }, T0 + 12 * H)[0]).toMatchObject({ beta: 1, abnormalReturn: expect.closeTo(0.08, 12) });
  });
});

describe('meanTest', () => {
  it.each([
    ['two samples', [0.01, 0.03], { n: 2, mean: 0.02, stdev: Math.SQRT2 / 100, t: 2 }],
    ['one sample', [0.05], { n: 1, mean: 0.05, stdev: 0 }],
    ['none', [], { n: 0, mean: 0, stdev: 0 }],
    ['no dispersion', [0.01, 0.01], { n: 2, mean: 0.01, stdev: 0 }],
  ])('GIVEN %s THEN mean, stdev and t by hand', (_case, values, expected) => {
    const got = meanTest(values);
    expect(Object.keys(got).sort()).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expect(got[k as keyof typeof got]).toBeCloseTo(v, 12);
  });
});

describe('summarizeEventStudies', () => {
  const record = (o: Partial<EventStudyRecord>): EventStudyRecord => ({
    postId: 'p', storyId: 's', feedId: 'feed-en', source: 'Feed EN', title: 't', url: 'https://x', publishedAt: T0, symbol: 'TAO', link: 'mention',
    themes: [{ id: 'zkml', name: 'zkML' }], horizonMinutes: 1440, return: 0, benchmarkReturn: 0, beta: 1, abnormalReturn: 0, ...o,
  });
  // Story s1 in English then Portuguese; story s2 in English.
  const records = [
    record({ postId: 'p1', storyId: 's1', publishedAt: T0, abnormalReturn: 0.05 }),
    record({ postId: 'p2', storyId: 's1', publishedAt: T0 + H, feedId: 'feed-pt', source: 'Feed PT', abnormalReturn: 0.09 }),
    record({ postId: 'p3', storyId: 's2', publishedAt: T0 + 48 * H, abnormalReturn: 0.01 }),
  ];

  it('GIVEN a story in two languages THEN per theme it counts once, as its first post', () => {
    const [zkml] = summarizeEventStudies(records, 'theme');
    // Events: s1 (0.05, its English original) and s2 (0.01): mean 3%, stdev 2.83%, t = 0.03 / (0.0283 / √2) = 1.5.
    expect(zkml).toEqual({ by: 'theme', key: 'zkml', label: 'zkML', symbol: 'TAO', horizonMinutes: 1440, n: 2, mean: expect.closeTo(0.03, 12), stdev: expect.closeTo(0.02 * Math.SQRT2, 12), t: expect.closeTo(1.5, 9) });
    expect(describeEventStudy(zkml!)).toBe('posts tagged zkML preceded +3.0% mean 24h abnormal return for TAO, n=2, t=1.5');
  });

  it('GIVEN two sources THEN per source each post counts', () => {
    const bySource = summarizeEventStudies(records, 'source');
    expect(bySource.map((s) => [s.key, s.n])).toEqual([['feed-en', 2], ['feed-pt', 1]]);
    expect(describeEventStudy(bySource[1]!)).toBe('posts from Feed PT preceded +9.0% mean 24h abnormal return for TAO, n=1');
  });
});
