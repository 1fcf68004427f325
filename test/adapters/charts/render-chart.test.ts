import { PNG } from 'pngjs';
import { describe, expect, it, vi } from 'vitest';
import { cachedChartRenderer, CHART_FILENAME, lazyChartRenderer, renderChartSafely } from '../../../src/adapters/charts/chart-renderer.ts';
import { CHART_SIZE, renderChartPng } from '../../../src/adapters/charts/render-chart.ts';
import type { Candle } from '../../../src/domain/candles.ts';
import { buildMoveChartSpec, buildMovesBarChartSpec, CHART_LIMITS, type MoveChartSpec } from '../../../src/domain/charts.ts';
import { SAMPLE_NOW, sampleCatalyst, sampleMove } from '../../fakes/sample-alerts.ts';

const H = 3_600_000;

/** Hourly candles whose close follows `price(i)`, the last one closing at `end`. */
function candles(count: number, end: number, price: (i: number) => number): Candle[] {
  return Array.from({ length: count }, (_, i) => {
    const close = price(i);
    return { time: end - (count - i) * H, open: close, high: close, low: close, close, volume: 1 };
  });
}

/** TAO flat at 400 until 20 h before SAMPLE_NOW, then climbing to 500; BTC flat at 80k, +4% at the end. */
const TAO = candles(48, SAMPLE_NOW, (i) => (i < 28 ? 400 : 400 + (100 * (i - 27)) / 20));
const BTC = candles(48, SAMPLE_NOW, (i) => (i < 47 ? 80_000 : 83_200));

/** How many pixels of the PNG are within `tolerance` of `hex` in every channel. */
function countColour(png: Uint8Array, hex: string, tolerance = 12): number {
  const { data } = PNG.sync.read(Buffer.from(png));
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (want.every((v, k) => Math.abs(data[i + k]! - v) <= tolerance)) n++;
  return n;
}

/** PNG width and height from the IHDR chunk. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = Buffer.from(png);
  return { width: view.readUInt32BE(16), height: view.readUInt32BE(20) };
}

describe('buildMoveChartSpec', () => {
  const spec = buildMoveChartSpec({ move: sampleMove(), candles: TAO, benchmark: BTC, timeframeMs: H, catalysts: [sampleCatalyst()] })!;

  it('GIVEN a move, its candles and BTC THEN both series are normalised to 100 at the move start and end at 1 + return', () => {
    expect(spec.series.map((s) => [s.label, s.role])).toEqual([
      ['TAO', 'token'],
      ['BTC', 'benchmark'],
    ]);
    const [tao, btc] = spec.series;
    const atStart = (points: MoveChartSpec['series'][number]['points']) => points.findLast((p) => p.t <= spec.baseAt)!.value;
    expect(atStart(tao!.points)).toBe(100);
    expect(atStart(btc!.points)).toBe(100);
    expect(tao!.points.at(-1)).toEqual({ t: SAMPLE_NOW, close: 500, value: 125 });
    expect(btc!.points.at(-1)!.value).toBe(104);
  });

  it('GIVEN a catalyst before the move THEN the range starts before it and the catalyst is marked', () => {
    expect(spec.from).toBeLessThanOrEqual(sampleCatalyst().publishedAt);
    expect(spec.to).toBe(SAMPLE_NOW);
    expect(spec.window).toEqual({ from: sampleMove().startedAt, to: SAMPLE_NOW });
    expect(spec.markers).toEqual([{ at: sampleCatalyst().publishedAt, label: 'Decrypt: Bittensor launches dynamic TAO for subnets' }]);
    expect(spec).toMatchObject({ type: 'move', symbol: 'TAO', direction: 'up', title: 'TAO vs BTC, 24h move (100 = move start, 2025-03-13 16:00 UTC)' });
  });

  it('GIVEN a basket THEN a third series', () => {
    const basket = { label: 'AI basket', candles: candles(48, SAMPLE_NOW, (i) => 100 + i) };
    const withBasket = buildMoveChartSpec({ move: sampleMove(), candles: TAO, benchmark: BTC, basket, timeframeMs: H })!;
    expect(withBasket.series.map((s) => s.role)).toEqual(['token', 'benchmark', 'basket']);
    expect(withBasket.title).toMatch(/^TAO vs BTC and AI basket/);
  });

  it('GIVEN a catalyst a week earlier THEN the range is capped and the marker left out', () => {
    const long = candles(400, SAMPLE_NOW, () => 400);
    const capped = buildMoveChartSpec({ move: sampleMove(), candles: long, timeframeMs: H, catalysts: [sampleCatalyst({ publishedAt: SAMPLE_NOW - 300 * H })] })!;
    expect(capped.series[0]!.points.length).toBeLessThanOrEqual(CHART_LIMITS.maxPoints + 1);
    expect(capped.markers).toEqual([]);
  });

  it.each([
    { name: 'no candles', input: [] },
    { name: 'one candle', input: candles(1, SAMPLE_NOW, () => 400) },
    { name: 'only bad prices', input: candles(10, SAMPLE_NOW, () => 0) },
  ])('GIVEN $name THEN no chart', ({ input }) => {
    expect(buildMoveChartSpec({ move: sampleMove(), candles: input, timeframeMs: H })).toBeUndefined();
  });
});

describe('buildMovesBarChartSpec', () => {
  it('GIVEN moves THEN bars in percent, largest first, at most 20', () => {
    const moves = Array.from({ length: 25 }, (_, i) => ({ symbol: `T${i}`, windowMinutes: 60, return: (i % 2 ? -1 : 1) * i * 0.01 }));
    const spec = buildMovesBarChartSpec(moves, 'Moves')!;
    expect(spec.bars).toHaveLength(20);
    expect(spec.bars.slice(0, 2)).toEqual([
      { label: 'T24 1h', value: 24 },
      { label: 'T23 1h', value: -23 },
    ]);
  });

  it('GIVEN no moves THEN no chart', () => {
    expect(buildMovesBarChartSpec([], 'Moves')).toBeUndefined();
  });
});

describe('renderChartPng', () => {
  it('GIVEN a move spec THEN a PNG of the configured size', async () => {
    const spec = buildMoveChartSpec({ move: sampleMove(), candles: TAO, benchmark: BTC, timeframeMs: H, catalysts: [sampleCatalyst()] })!;
    const png = await renderChartPng(spec);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(pngSize(png)).toEqual(CHART_SIZE);
    expect(png.length).toBeGreaterThan(5_000);
    expect(png.length).toBeLessThan(500_000);
  });

  it('GIVEN an up move against BTC and the basket THEN the image shows the green token line over the shaded move, BTC, the dashed basket and the catalyst marker', async () => {
    const basket = { label: 'AI basket', candles: candles(48, SAMPLE_NOW, (i) => 100 + i) };
    const spec = buildMoveChartSpec({ move: sampleMove(), candles: TAO, benchmark: BTC, basket, timeframeMs: H, catalysts: [sampleCatalyst()] })!;
    const png = await renderChartPng(spec);
    const { data, width } = PNG.sync.read(Buffer.from(png));
    expect([...data.subarray(0, 3)]).toEqual([255, 255, 255]); // opaque white: readable in dark mode
    expect(countColour(png, '#2b8a3e', 8)).toBeGreaterThan(1_500); // 3 px × the plot's width, and the legend sample
    expect(countColour(png, '#f08c00', 8)).toBeGreaterThan(500); // 2 px, partly under the token line
    expect(countColour(png, '#5c7cfa', 8)).toBeGreaterThan(300);
    expect(countColour(png, '#c92a2a', 40)).toBe(0);
    // The move window: green at 10% over white, over about half of the plot.
    expect(countColour(png, '#eaf3ec', 2)).toBeGreaterThan(50_000);
    expect(countColour(png, '#495057', 10)).toBeGreaterThan(150); // the marker line and its label
    // Title text in the top band.
    let dark = 0;
    for (let i = 0; i < width * 4 * 26; i += 4) if (data[i]! < 100) dark++;
    expect(dark).toBeGreaterThan(300);
  });

  it('GIVEN a down move THEN the token line and the window are red', async () => {
    const spec = buildMoveChartSpec({ move: sampleMove({ direction: 'down', return: -0.2 }), candles: TAO, timeframeMs: H })!;
    const png = await renderChartPng(spec);
    expect(countColour(png, '#c92a2a', 8)).toBeGreaterThan(1_500);
    expect(countColour(png, '#f9eaea', 2)).toBeGreaterThan(20_000);
    expect(countColour(png, '#2b8a3e', 40)).toBe(0);
  });

  it('GIVEN a down move with hostile marker text THEN it still draws', async () => {
    const spec = buildMoveChartSpec({
      move: sampleMove({ direction: 'down', return: -0.2 }),
      candles: TAO,
      timeframeMs: H,
      catalysts: [sampleCatalyst({ title: '@everyone <b>x</b> 🤖'.repeat(50) })],
    })!;
    expect(pngSize(await renderChartPng(spec, { width: 400, height: 200 }))).toEqual({ width: 400, height: 200 });
  });

  it('GIVEN renders started together THEN each image is the one its spec draws alone (they share one image buffer)', async () => {
    const up = buildMoveChartSpec({ move: sampleMove(), candles: TAO, benchmark: BTC, timeframeMs: H })!;
    const down = buildMoveChartSpec({ move: sampleMove({ direction: 'down', return: -0.2 }), candles: TAO, timeframeMs: H })!;
    const bars = buildMovesBarChartSpec([{ symbol: 'TAO', windowMinutes: 60, return: 0.1 }], 'Moves')!;
    const alone = [await renderChartPng(up), await renderChartPng(down), await renderChartPng(bars)];
    const together = await Promise.all([renderChartPng(up), renderChartPng(down), renderChartPng(bars), renderChartPng(up)]);
    expect(together.map((png) => Buffer.from(png).toString('base64'))).toEqual([...alone, alone[0]!].map((png) => Buffer.from(png).toString('base64')));
    expect(alone[0]).not.toEqual(alone[1]);
  });

  it('GIVEN a render that throws THEN the next one still draws', async () => {
    const broken = { type: 'nonsense' } as unknown as Parameters<typeof renderChartPng>[0];
    const failed = renderChartPng(broken);
    const next = renderChartPng(buildMovesBarChartSpec([{ symbol: 'TAO', windowMinutes: 60, return: 0.1 }], 'Moves')!);
    await expect(failed).rejects.toThrow();
    expect(pngSize(await next)).toEqual(CHART_SIZE);
  });

  it('GIVEN a bar spec THEN a green bar for the gain, a red one for the loss, in proportion', async () => {
    const spec = buildMovesBarChartSpec([{ symbol: 'TAO', windowMinutes: 1440, return: 0.25 }, { symbol: 'FET', windowMinutes: 60, return: -0.06 }], 'Moves')!;
    const png = await renderChartPng(spec);
    expect(pngSize(png)).toEqual(CHART_SIZE);
    const [green, red] = [countColour(png, '#2b8a3e', 4), countColour(png, '#c92a2a', 4)];
    expect(red).toBeGreaterThan(5_000);
    expect(green / red).toBeGreaterThan(25 / 6 - 0.5);
    expect(green / red).toBeLessThan(25 / 6 + 0.5);
  });

  it('GIVEN a tiny size THEN the title alone, no throw', async () => {
    const spec = buildMovesBarChartSpec([{ symbol: 'TAO', windowMinutes: 60, return: 0.1 }], 'Moves')!;
    expect(pngSize(await renderChartPng(spec, { width: 60, height: 30 }))).toEqual({ width: 60, height: 30 });
  });
});

describe('cachedChartRenderer', () => {
  const spec = (symbol: string) => buildMovesBarChartSpec([{ symbol, windowMinutes: 60, return: 0.1 }], 'Moves')!;
  const image = (n: number) => new Uint8Array([n]);

  it('GIVEN the same spec twice (two destinations, a retry) THEN it is drawn once', async () => {
    const render = vi.fn(async () => image(1));
    const charts = cachedChartRenderer(render);
    expect(await charts(spec('TAO'))).toEqual(image(1));
    expect(await charts(spec('TAO'))).toEqual(image(1));
    expect(render).toHaveBeenCalledTimes(1);
  });

  it('GIVEN more specs than it keeps THEN the least recently used is drawn again', async () => {
    let n = 0;
    const render = vi.fn(async () => image(++n));
    const charts = cachedChartRenderer(render, 2);
    await charts(spec('A'));
    await charts(spec('B'));
    await charts(spec('A')); // A is now the most recent
    await charts(spec('C')); // evicts B
    expect(await charts(spec('A'))).toEqual(image(1));
    expect(await charts(spec('B'))).toEqual(image(4));
    expect(render).toHaveBeenCalledTimes(4);
  });

  it('GIVEN a render that failed THEN the next request draws again', async () => {
    const render = vi.fn().mockRejectedValueOnce(new Error('canvas exploded')).mockResolvedValue(image(2));
    const charts = cachedChartRenderer(render);
    await expect(charts(spec('TAO'))).rejects.toThrow('canvas exploded');
    expect(await charts(spec('TAO'))).toEqual(image(2));
    expect(render).toHaveBeenCalledTimes(2);
  });
});

describe('renderChartSafely', () => {
  const spec = buildMovesBarChartSpec([{ symbol: 'TAO', windowMinutes: 60, return: 0.1 }], 'Moves')!;

  it('GIVEN the lazy renderer THEN the PNG', async () => {
    const png = await renderChartSafely(spec, lazyChartRenderer, { destination: 'd', alert: 'a' });
    expect(png && pngSize(png)).toEqual(CHART_SIZE);
    expect(CHART_FILENAME).toBe('chart.png');
  });

  it.each([
    { name: 'a throwing renderer', renderer: async () => Promise.reject(new Error('canvas exploded')), message: 'canvas exploded' },
    { name: 'an empty image', renderer: async () => new Uint8Array(), message: 'the renderer returned an empty image' },
  ])('GIVEN $name THEN no chart and one warning', async ({ renderer, message }) => {
    const warn = vi.fn();
    expect(await renderChartSafely(spec, renderer, { destination: 'd', alert: 'a', logger: { warn } })).toBeUndefined();
    expect(warn).toHaveBeenCalledWith({ destination: 'd', alert: 'a', error: message }, expect.stringContaining('without its chart'));
  });

  it('GIVEN no spec or no renderer THEN nothing is drawn', async () => {
    const renderer = vi.fn(lazyChartRenderer);
    expect(await renderChartSafely(undefined, renderer, { destination: 'd', alert: 'a' })).toBeUndefined();
    expect(await renderChartSafely(spec, undefined, { destination: 'd', alert: 'a' })).toBeUndefined();
    expect(renderer).not.toHaveBeenCalled();
  });
});
