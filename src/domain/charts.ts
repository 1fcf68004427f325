/**
 * Chart specifications: the data a chart shows, decided here and drawn by an
 * adapter (adapters/charts). Pure: specs are built from candles and
 * alerts, travel inside the alert payload through the outbox, and a renderer
 * that fails or is absent costs the reader a picture, never the alert.
 */
import type { Candle } from './candles.ts';
import type { Catalyst } from './correlation.ts';
import { formatWindow } from './time.ts';
import type { Move } from './moves.ts';

/** One plotted price: the close at `t` (the candle's close time) and its value normalised to {@link CHART_BASELINE}. */
export interface ChartPoint {
  t: number;
  close: number;
  value: number;
}

export interface ChartSeries {
  label: string;
  /** The moving token, the benchmark (BTC) or the sector basket: renderers style them apart. */
  role: 'token' | 'benchmark' | 'basket';
  points: ChartPoint[];
}

export interface ChartMarker {
  at: number;
  label: string;
}

/** A token against BTC (and the AI basket) around a move, each normalised to 100 where the move starts. */
export interface MoveChartSpec {
  type: 'move';
  title: string;
  symbol: string;
  direction: 'up' | 'down';
  /** Visible time range, epoch ms. */
  from: number;
  to: number;
  /** Where every series is {@link CHART_BASELINE}: the move's start (or the first candle, if later). */
  baseAt: number;
  series: ChartSeries[];
  /** The move itself, shaded. */
  window: { from: number; to: number };
  /** Catalyst posts, drawn as vertical lines. */
  markers: ChartMarker[];
}

/** Horizontal bars, e.g. the returns of the moves coalesced into a digest (values in percent). */
export interface BarChartSpec {
  type: 'bars';
  title: string;
  unit: '%';
  bars: { label: string; value: number }[];
}

export type ChartSpec = MoveChartSpec | BarChartSpec;

export const CHART_BASELINE = 100;

/** Limits that keep specs small in the outbox and charts readable. */
export const CHART_LIMITS = {
  /** Candles per series; a longer range is cut at the start. */
  maxPoints: 168,
  /** Candles shown before the move starts, at least. */
  leadCandles: 6,
  bars: 20,
  labelLength: 60,
} as const;

export interface MoveChartInput {
  move: Move;
  /** The token's candles, oldest first (any range that covers the move). */
  candles: readonly Candle[];
  timeframeMs: number;
  /** Benchmark candles (BTC), same timeframe. */
  benchmark?: readonly Candle[];
  benchmarkSymbol?: string;
  /** The AI-sector basket as a candle series, when the market module has one. */
  basket?: { label: string; candles: readonly Candle[] };
  /** The top catalyst is marked; later ones are ignored to keep the chart legible. */
  catalysts?: readonly Catalyst[];
}

/**
 * The chart for a move alert: the token and BTC (and the basket) from a little
 * before the move (or the catalyst, whichever is earlier) to the move's end, each
 * normalised to 100 at the move's start (so the token ends at 100 × (1 + return)),
 * with the move shaded and the top catalyst marked. Undefined when fewer than two
 * candles fall in the range. Pure.
 */
export function buildMoveChartSpec(input: MoveChartInput): MoveChartSpec | undefined {
  const { move, timeframeMs: step } = input;
  const catalyst = input.catalysts?.[0];
  const lead = Math.max(CHART_LIMITS.leadCandles * step, (move.endedAt - move.startedAt) / 2);
  let from = Math.min(move.startedAt - lead, catalyst ? catalyst.publishedAt - 2 * step : Number.POSITIVE_INFINITY);
  const to = move.endedAt;
  from = Math.max(from, to - CHART_LIMITS.maxPoints * step);

  const baseAt = Math.max(move.startedAt, from);
  const token = normalisedSeries(input.candles, from, to, step, baseAt);
  if (token.length < 2) return undefined;
  const series: ChartSeries[] = [{ label: move.symbol, role: 'token', points: token }];
  const benchmark = input.benchmark ? normalisedSeries(input.benchmark, from, to, step, baseAt) : [];
  if (benchmark.length >= 2) series.push({ label: input.benchmarkSymbol ?? 'BTC', role: 'benchmark', points: benchmark });
  const basket = input.basket ? normalisedSeries(input.basket.candles, from, to, step, baseAt) : [];
  if (basket.length >= 2 && input.basket) series.push({ label: input.basket.label, role: 'basket', points: basket });

  const start = token[0]!.t;
  const base = Math.max(start, baseAt);
  const markers: ChartMarker[] =
    catalyst && catalyst.publishedAt >= start && catalyst.publishedAt <= to ? [{ at: catalyst.publishedAt, label: shorten(`${catalyst.source}: ${catalyst.title}`) }] : [];
  const against = series.slice(1).map((s) => s.label);
  return {
    type: 'move',
    title: `${move.symbol}${against.length > 0 ? ` vs ${against.join(' and ')}` : ''}, ${formatWindow(move.windowMinutes)} move (${CHART_BASELINE} = move start, ${new Date(base).toISOString().slice(0, 16).replace('T', ' ')} UTC)`,
    symbol: move.symbol,
    direction: move.direction,
    from: start,
    to,
    baseAt: base,
    series,
    window: { from: Math.max(move.startedAt, start), to: move.endedAt },
    markers,
  };
}

export interface MoveSummary {
  symbol: string;
  windowMinutes: number;
  return: number;
}

/** Bars of the moves' returns (largest first), for a digest; undefined without moves. Pure. */
export function buildMovesBarChartSpec(moves: readonly MoveSummary[], title: string): BarChartSpec | undefined {
  if (moves.length === 0) return undefined;
  const bars = [...moves]
    .sort((a, b) => Math.abs(b.return) - Math.abs(a.return))
    .slice(0, CHART_LIMITS.bars)
    .map((m) => ({ label: `${m.symbol} ${formatWindow(m.windowMinutes)}`, value: Math.round(m.return * 1000) / 10 }));
  return { type: 'bars', title: shorten(title), unit: '%', bars };
}

/**
 * Closes plotted at each candle's close time within [from, to], divided by the
 * close at `baseAt` (the last one at or before it; the first one when none is).
 */
function normalisedSeries(candles: readonly Candle[], from: number, to: number, step: number, baseAt: number): ChartPoint[] {
  const inRange = candles.filter((c) => c.time + step >= from && c.time + step <= to && Number.isFinite(c.close) && c.close > 0);
  const base = inRange.findLast((c) => c.time + step <= baseAt)?.close ?? inRange[0]?.close;
  if (base === undefined) return [];
  return inRange.map((c) => ({ t: c.time + step, close: c.close, value: round((c.close / base) * CHART_BASELINE) }));
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function shorten(text: string): string {
  return text.length <= CHART_LIMITS.labelLength ? text : `${text.slice(0, CHART_LIMITS.labelLength - 1).trimEnd()}…`;
}
