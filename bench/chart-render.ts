/**
 * Chart rendering: milliseconds per PNG for a move chart (token, BTC, basket, a catalyst marker, 168
 * hourly points: the largest a spec gets) and a 20-bar digest chart, the PNG sizes, and how much the
 * process's resident memory grew over all the renders (what a bot that renders all day keeps).
 */
import { readFileSync } from 'node:fs';
import { renderChartPng } from '../src/adapters/charts/render-chart.ts';
import type { Candle } from '../src/domain/candles.ts';
import { buildMoveChartSpec, buildMovesBarChartSpec, CHART_LIMITS } from '../src/domain/charts.ts';
import { SAMPLE_NOW, sampleCatalyst, sampleMove } from '../test/fakes/sample-alerts.ts';
import { percentile, round, seededRandom, type BenchContext } from './support.ts';

const H = 3_600_000;
const RENDERS = 200;

const residentMB = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN) / 1024;

function walk(random: () => number, start: number, drift: number): Candle[] {
  let price = start;
  return Array.from({ length: CHART_LIMITS.maxPoints + 24 }, (_, i) => {
    price *= 1 + drift + (random() - 0.5) * 0.02;
    return { time: SAMPLE_NOW - (CHART_LIMITS.maxPoints + 24 - i) * H, open: price, high: price, low: price, close: price, volume: 1 };
  });
}

export async function benchChartRender(ctx: BenchContext): Promise<void> {
  const random = seededRandom(42);
  const move = buildMoveChartSpec({
    move: sampleMove(),
    candles: walk(random, 400, 0.002),
    benchmark: walk(random, 80_000, 0.0005),
    basket: { label: 'AI basket', candles: walk(random, 100, 0.001) },
    timeframeMs: H,
    catalysts: [sampleCatalyst({ publishedAt: SAMPLE_NOW - 30 * H })],
  })!;
  const bars = buildMovesBarChartSpec(
    Array.from({ length: CHART_LIMITS.bars }, (_, i) => ({ symbol: `T${i}`, windowMinutes: 60 * (1 + (i % 24)), return: (random() - 0.4) * 0.3 })),
    'Moves in the last digest',
  )!;
  const before = residentMB();
  for (const [name, spec] of [['move', move], ['bars', bars]] as const) {
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < RENDERS; i++) {
      const t0 = performance.now();
      bytes = (await renderChartPng(spec)).length;
      ms.push(performance.now() - t0);
    }
    const first = ms[0]!;
    const sorted = ms.slice(1).sort((a, b) => a - b);
    ctx.emit({ bench: 'chart-render', chart: name, renders: RENDERS, firstMs: round(first, 1), p50Ms: round(percentile(sorted, 50), 1), p99Ms: round(percentile(sorted, 99), 1), pngKB: round(bytes / 1024, 1) });
  }
  const after = residentMB();
  ctx.emit({ bench: 'chart-render', rssBeforeMB: round(before, 1), rssAfterMB: round(after, 1), rssGrowthMB: round(after - before, 1) });
}
