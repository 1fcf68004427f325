import { describe, expect, it } from 'vitest';
import { analyzeNewPosts } from '../../src/app/analyze-posts.ts';
import { createMoveCycleState, detectAndAlertMoves } from '../../src/app/detect-moves.ts';
import { studyEvent } from '../../src/domain/event-study.ts';
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

/** 31 days of calm candles, then the last `rising` candles each × (1 + r). */
function rampCandles(base: number, r: number, rising = 4): Candle[] {
  const n = 31 * 24;
  return Array.from({ length: n }, (_, i) => {
    const c = base * (1 + 0.004 * Math.sin(i / 3)) * (1 + r) ** Math.max(0, i - (n - 1 - rising));
    return { time: T0 + i * H, open: c, high: c, low: c, close: c, volume: 1 };
  });
}

function storeSector(rt: Awaited<ReturnType<typeof testRuntime>>, rates: Record<string, number>): void {
  rt.store.saveCandles('BTC', 'test', '1h', rampCandles(80_000, 0));
  for (const [symbol, r] of Object.entries(rates)) rt.store.saveCandles(symbol, 'test', '1h', rampCandles(symbol.length * 10, r));
}

describe('detectAndAlertMoves: the sector', () => {
  it('GIVEN four AI tokens up 2% a candle on average for 4h and BTC flat THEN one sector alert, leaders first, and no repeat', async () => {
    const rt = await testRuntime({ now: END });
    storeSector(rt, { TAO: 0.025, RENDER: 0.02, FET: 0.021, NEAR: 0.015 });

    const result = detectAndAlertMoves(rt);

    expect(result.sectorMoves).toHaveLength(1);
    const sector = rt.store.dueDeliveries(END, 50).map((d) => d.alert).find((a) => a.kind === 'sector');
    if (sector?.kind !== 'sector') throw new Error('expected a sector alert');
    expect(sector.sector).toMatchObject({ symbol: 'AI basket', windowMinutes: 240, direction: 'up' });
    // Each candle: (2.5 + 2 + 2.1 + 1.5)% / 4 = 2.025% (the shared wiggle cancels against BTC's).
    expect(sector.sector.abnormalVsBtc).toBeCloseTo(1.02025 ** 4 - 1, 2);
    expect(sector.sector.members.map((m) => m.symbol)).toEqual(['TAO', 'FET', 'RENDER', 'NEAR']);
    // TAO's own move is measured against the basket without TAO.
    const tao = result.moves.find((m) => m.symbol === 'TAO')!;
    expect(tao.sectorReturn).toBeCloseTo((1 + (0.02 + 0.021 + 0.015) / 3) ** 4 - 1, 2);

    rt.clock.advance(5 * 60_000);
    const again = detectAndAlertMoves(rt);
    expect(again.skipped).toContainEqual(expect.objectContaining({ symbol: 'AI basket', reason: 'cooldown' }));
  });

  it('GIVEN sector-wide news before the basket rose THEN the sector alert names it as the likely catalyst', async () => {
    const rt = await testRuntime({ now: END });
    storeSector(rt, { TAO: 0.025, RENDER: 0.02, FET: 0.021, NEAR: 0.015 });
    rt.clock.set(END - 7 * H);
    const news = post('ai-rally', END - 7 * H, 'Bittensor, Render and Fetch.ai lead a decentralized AI compute push', 'TAO, RENDER and FET holders watch decentralized GPU compute and inference markets grow.');
    analyzeNewPosts(rt, rt.store.insertNewPosts([news]));
    rt.clock.set(END);

    detectAndAlertMoves(rt);

    const sector = rt.store.dueDeliveries(END, 50).map((d) => d.alert).find((a) => a.kind === 'sector');
    if (sector?.kind !== 'sector') throw new Error('expected a sector alert');
    expect(sector.catalysts?.[0]).toMatchObject({ postId: 'ai-rally', url: 'https://example.com/ai-rally' });
    expect(sector.catalysts?.[0]?.reasons[0]).toMatch(/^tied to [3-4] of 4 members moving with the basket/);
  });

  it('GIVEN one token surging alone THEN a move alert for it and no sector alert', async () => {
    const rt = await testRuntime({ now: END });
    storeSector(rt, { TAO: 0.06, RENDER: 0, FET: 0, NEAR: 0 });
    const result = detectAndAlertMoves(rt);
    expect(result.sectorMoves).toEqual([]);
    expect(result.moves.map((m) => m.symbol)).toEqual(['TAO']);
  });

  it('GIVEN the cycle THEN the sector index is stored and queryable, and a state adds only new candles with the same result', async () => {
    const rates = { TAO: 0.01, RENDER: 0.005, FET: 0.002, NEAR: -0.003 };
    const stateless = await testRuntime({ now: END - 3 * H });
    const stateful = await testRuntime({ now: END - 3 * H });
    storeSector(stateless, rates);
    storeSector(stateful, rates);
    const state = createMoveCycleState();
    for (let t = END - 3 * H; t <= END; t += H) {
      stateless.clock.set(t);
      stateful.clock.set(t);
      detectAndAlertMoves(stateless);
      detectAndAlertMoves(stateful, { state });
    }
    const a = stateless.store.sectorIndex('AI basket', '1h', 0);
    const b = stateful.store.sectorIndex('AI basket', '1h', 0);
    expect(a.at(-1)!.time).toBe(END - H); // the last closed candle
    expect(a.length).toBeGreaterThan(30 * 24);
    const rounded = (points: typeof a) => points.map((p) => [p.time, p.members, p.return.toFixed(12), p.level.toFixed(6)]);
    expect(rounded(b)).toEqual(rounded(a));
    expect(a.at(-1)!.members).toBe(4);
    expect(stateless.store.lastSectorIndexPoint('AI basket', '1h')).toEqual(a.at(-1));
  });
});

describe('detectAndAlertMoves: sector index retention', () => {
  it('GIVEN retentionDays 2 THEN index points older than that are deleted as new ones are stored', async () => {
    const rt = await testRuntime({ now: END, edit: (c) => (c.alerts.market.retentionDays = 2) });
    storeSector(rt, { TAO: 0, RENDER: 0, FET: 0, NEAR: 0 });
    detectAndAlertMoves(rt);
    const points = rt.store.sectorIndex('AI basket', '1h', 0);
    expect(points[0]!.time).toBe(END - H - 2 * 24 * H);
    expect(points.at(-1)!.time).toBe(END - H);
  });
});

describe('detectAndAlertMoves: event studies', () => {
  it('GIVEN a post about TAO 30h ago THEN its 1h, 4h and 24h abnormal returns are stored once, as studyEvent computes them', async () => {
    const rt = await testRuntime({ now: END });
    rt.store.saveCandles('TAO', 'test', '1h', candles(300, 0.25));
    rt.store.saveCandles('BTC', 'test', '1h', candles(80_000, 0.02));
    const publishedAt = END - 30 * H + 20 * 60_000;
    rt.clock.set(publishedAt);
    analyzeNewPosts(rt, rt.store.insertNewPosts([post('p', publishedAt, 'Bittensor (TAO) subnets grow', 'TAO holders vote on subnet emissions.')]));
    rt.clock.set(END);

    const result = detectAndAlertMoves(rt);

    const stored = rt.store.eventStudies({ symbol: 'TAO' });
    expect(stored.map((s) => s.horizonMinutes)).toEqual([60, 240, 1440]);
    const expected = studyEvent(
      { publishedAt, candles: rt.store.candles('TAO', '1h', 0), benchmark: rt.store.candles('BTC', '1h', 0), stepMs: H, horizonsMinutes: [60, 240, 1440], betaSamples: 30 * 24 },
      END,
    );
    expect(stored.map((s) => s.abnormalReturn)).toEqual(expected.map((e) => expect.closeTo(e.abnormalReturn, 12)));
    expect(stored[0]).toMatchObject({ postId: 'p', feedId: 'feed-en', source: 'Source en', link: 'mention', title: 'Bittensor (TAO) subnets grow' });
    expect(result.eventStudies.stored).toBeGreaterThanOrEqual(3);

    rt.clock.advance(H);
    expect(detectAndAlertMoves(rt).eventStudies.stored).toBe(0);
  });
});
