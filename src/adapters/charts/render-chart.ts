/**
 * ChartSpec → PNG, drawn in TypeScript: layout here, pixels in raster.ts, letters in text.ts. Only draws:
 * what to show was decided in domain/charts.ts. Sinks call this through {@link renderChartSafely}, so a
 * failure here never blocks an alert.
 *
 * Why not chart.js on a native canvas: in the soak the canvas (Skia) and chart.js held 22–25 MB of a
 * 200 MB bot, and a bare process grew from 46 to 110 MB over 30 renders; two chart types do not need a
 * charting library.
 */
import type { BarChartSpec, ChartSpec, MoveChartSpec } from '../../domain/charts.ts';
import { CHART_BASELINE } from '../../domain/charts.ts';
import { encodePng } from './png.ts';
import { color, Raster, type Color } from './raster.ts';
import { formatTickValue, formatTime, niceTicks, timeTicks } from './scale.ts';
import { drawText, fitText, measureText, type TextStyle } from './text.ts';

/** Pixel size: wide enough for Discord's embed image and Telegram's photo preview. */
export const CHART_SIZE = { width: 960, height: 480 } as const;

const PALETTE = {
  up: color('#2b8a3e'),
  down: color('#c92a2a'),
  benchmark: color('#f08c00'),
  basket: color('#5c7cfa'),
  window: { up: color('#2b8a3e', 0.1), down: color('#c92a2a', 0.1) },
  marker: color('#495057'),
  grid: color('#e9ecef'),
  baseline: color('#adb5bd'),
  axis: color('#ced4da'),
  text: color('#212529'),
  background: color('#ffffff'),
} as const;

const PAD = 10;
const TITLE: TextStyle = { size: 16, weight: 'bold', color: PALETTE.text };
const LEGEND: TextStyle = { size: 13, color: PALETTE.text };
const TICK: TextStyle = { size: 12, color: PALETTE.text };
const MARKER: TextStyle = { size: 12, color: PALETTE.marker };

/**
 * One image, drawn over by every render (they are synchronous): a chart is ~2 MB of pixels and scratch,
 * and a new one per chart left that much garbage outside the JS heap for the collector to notice late.
 */
let canvas: Raster | undefined;

/** Render `spec` as a PNG. Throws on a spec it cannot draw (callers degrade to no chart). */
export async function renderChartPng(spec: ChartSpec, size: { width: number; height: number } = CHART_SIZE): Promise<Buffer> {
  if (canvas?.width !== size.width || canvas.height !== size.height) canvas = new Raster(size.width, size.height);
  const image = canvas.clear(PALETTE.background);
  if (spec.type === 'move') drawMoveChart(image, spec);
  else if (spec.type === 'bars') drawBarChart(image, spec);
  else throw new TypeError(`no chart of type "${(spec as { type?: unknown }).type}"`);
  return encodePng(image.width, image.height, image.scanlines);
}

interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The title, centred; returns where the space below it starts. */
function drawTitle(image: Raster, title: string): number {
  drawText(image, fitText(title, image.width - 2 * PAD, TITLE), TITLE, { x: image.width / 2, y: PAD, align: 'center', baseline: 'top' });
  return PAD + TITLE.size + 8;
}

/** Grid lines across the plot at `ticks` (vertical ones for a horizontal axis); the one at `strong` darker. */
function valueGrid(image: Raster, plot: Box, ticks: number[], at: (v: number) => number, horizontal: boolean, strong?: number): void {
  for (const v of ticks) {
    const p = Math.round(at(v));
    const line = v === strong ? PALETTE.baseline : PALETTE.grid;
    if (horizontal) image.fillRect(plot.left, p, plot.right - plot.left, 1, line);
    else image.fillRect(p, plot.top, 1, plot.bottom - plot.top, line);
  }
}

/**
 * Tick labels under a horizontal axis, each centred on its x but kept right of `minX` and inside the image; a
 * label that would overlap the one before it is skipped.
 */
function bottomLabels(image: Raster, labels: { x: number; text: string }[], top: number, minX: number): void {
  let lastEnd = -Infinity;
  for (const { x: at, text } of labels) {
    const width = measureText(text, TICK);
    const x = Math.min(Math.max(at, minX + width / 2), image.width - width / 2 - 2);
    if (x - width / 2 < lastEnd + 8) continue;
    drawText(image, text, TICK, { x, y: top, align: 'center', baseline: 'top' });
    lastEnd = x + width / 2;
  }
}

function drawAxes(image: Raster, plot: Box): void {
  image.fillRect(plot.left, plot.top, 1, plot.bottom - plot.top + 1, PALETTE.axis);
  image.fillRect(plot.left, plot.bottom, plot.right - plot.left, 1, PALETTE.axis);
}

// ── Move chart: the token against BTC (and the AI basket), 100 = move start ──────────────────────────

function drawMoveChart(image: Raster, spec: MoveChartSpec): void {
  const tokenColor = PALETTE[spec.direction];
  const styles = spec.series.map((s) =>
    s.role === 'token'
      ? { color: tokenColor, width: 3 }
      : s.role === 'benchmark'
        ? { color: PALETTE.benchmark, width: 2 }
        : { color: PALETTE.basket, width: 2, dash: [6, 4] as const },
  );
  let top = drawTitle(image, spec.title);
  top = drawLegend(
    image,
    spec.series.map((s, i) => ({ label: `${s.label} (${formatChange(s.points)})`, ...styles[i]! })),
    top,
  );

  const inRange = spec.series.map((s) => s.points.filter((p) => p.t >= spec.from && p.t <= spec.to && Number.isFinite(p.value)));
  const values = inRange.flatMap((points) => points.map((p) => p.value));
  const y = niceTicks(Math.min(CHART_BASELINE, ...values), Math.max(CHART_BASELINE, ...values));
  const labels = y.values.map((v) => formatTickValue(v, y.step));
  const axisTitle = `indexed, ${CHART_BASELINE} = move start`;
  const plot: Box = {
    left: Math.round(PAD + TICK.size + 8 + Math.max(...labels.map((l) => measureText(l, TICK))) + 6),
    top: top + 6,
    right: image.width - PAD - 6,
    bottom: image.height - PAD - TICK.size - 8,
  };
  if (plot.right - plot.left < 20 || plot.bottom - plot.top < 20) return; // too small for a plot: title only
  const xAt = (t: number) => plot.left + ((t - spec.from) / Math.max(1, spec.to - spec.from)) * (plot.right - plot.left);
  const yAt = (v: number) => plot.bottom - ((v - y.min) / (y.max - y.min)) * (plot.bottom - plot.top);

  const time = timeTicks(spec.from, spec.to);
  valueGrid(image, plot, y.values, yAt, true, CHART_BASELINE);
  valueGrid(image, plot, time.values, xAt, false);
  y.values.forEach((v, i) => drawText(image, labels[i]!, TICK, { x: plot.left - 6, y: yAt(v), align: 'right', baseline: 'middle' }));
  drawText(image, fitText(axisTitle, plot.bottom - plot.top, TICK), TICK, { x: PAD + TICK.size / 2 + 1, y: (plot.top + plot.bottom) / 2, align: 'center', baseline: 'middle', rotate: 90 });
  bottomLabels(image, time.values.map((t) => ({ x: xAt(t), text: formatTime(t, spec.to - spec.from) })), plot.bottom + 6, plot.left);

  const windowFrom = Math.max(plot.left, xAt(spec.window.from));
  const windowTo = Math.min(plot.right, xAt(spec.window.to));
  if (windowTo > windowFrom) image.fillRect(windowFrom, plot.top, windowTo - windowFrom, plot.bottom - plot.top, PALETTE.window[spec.direction]);
  drawAxes(image, plot);

  // The token last, on top of the references.
  const order = spec.series.map((_, i) => i).sort((a, b) => Number(spec.series[a]!.role === 'token') - Number(spec.series[b]!.role === 'token'));
  for (const i of order) {
    const style = styles[i]!;
    const points = inRange[i]!.flatMap((p) => [xAt(p.t), yAt(p.value)]);
    if (points.length >= 2) image.strokePolyline(points, style.width, style.color, 'dash' in style ? style.dash : undefined);
  }

  for (const marker of spec.markers) {
    const px = Math.round(xAt(marker.at)) + 0.5;
    if (px < plot.left || px > plot.right) continue;
    image.strokePolyline([px, plot.top, px, plot.bottom], 1.5, PALETTE.marker, [5, 4]);
    // Right of the line unless that runs off the plot; cut to the plot's width.
    const text = fitText(`◆ ${marker.label}`, plot.right - plot.left - 12, MARKER);
    const width = measureText(text, MARKER);
    const tx = px + 6 + width > plot.right ? Math.max(plot.left + 2, px - 6 - width) : px + 6;
    drawText(image, text, MARKER, { x: tx, y: plot.top + 14 });
  }
}

interface LegendItem {
  label: string;
  color: Color;
  width: number;
  dash?: readonly [number, number];
}

/** One row (or more, when it does not fit) of line samples and labels, centred; returns the space below. */
function drawLegend(image: Raster, items: LegendItem[], top: number): number {
  const SAMPLE = 28;
  const GAP = 18;
  const widthOf = (item: LegendItem) => SAMPLE + 6 + measureText(item.label, LEGEND);
  const rows: LegendItem[][] = [[]];
  let rowWidth = 0;
  for (const item of items) {
    const w = widthOf(item);
    if (rows.at(-1)!.length > 0 && rowWidth + GAP + w > image.width - 2 * PAD) {
      rows.push([]);
      rowWidth = 0;
    }
    rowWidth += (rows.at(-1)!.length > 0 ? GAP : 0) + w;
    rows.at(-1)!.push(item);
  }
  rows.forEach((row, r) => {
    const total = row.reduce((sum, item, i) => sum + widthOf(item) + (i > 0 ? GAP : 0), 0);
    let x = Math.max(PAD, (image.width - total) / 2);
    const middle = top + r * (LEGEND.size + 6) + LEGEND.size / 2;
    for (const item of row) {
      image.strokePolyline([x, middle, x + SAMPLE, middle], item.width, item.color, item.dash);
      x += SAMPLE + 6;
      x += drawText(image, fitText(item.label, image.width - PAD - x, LEGEND), LEGEND, { x, y: middle, baseline: 'middle' }) + GAP;
    }
  });
  return top + rows.length * (LEGEND.size + 6);
}

function formatChange(points: readonly { value: number }[]): string {
  const change = (points.at(-1)?.value ?? CHART_BASELINE) - CHART_BASELINE;
  return `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`;
}

// ── Bar chart: the returns of several moves, largest first ────────────────────────────────────────────

function drawBarChart(image: Raster, spec: BarChartSpec): void {
  const top = drawTitle(image, spec.title);
  const values = spec.bars.map((b) => b.value).filter(Number.isFinite);
  const x = niceTicks(Math.min(0, ...values), Math.max(0, ...values));
  const labelWidth = Math.min(image.width / 3, Math.max(0, ...spec.bars.map((b) => measureText(b.label, TICK))));
  const plot: Box = {
    left: Math.round(PAD + labelWidth + 8),
    top: top + 4,
    right: image.width - PAD - 16,
    bottom: image.height - PAD - TICK.size - 8,
  };
  if (plot.right - plot.left < 20 || plot.bottom - plot.top < 10 || spec.bars.length === 0) return;
  const xAt = (v: number) => plot.left + ((v - x.min) / (x.max - x.min)) * (plot.right - plot.left);
  valueGrid(image, plot, x.values, xAt, false, 0);
  bottomLabels(image, x.values.map((v) => ({ x: xAt(v), text: `${v > 0 ? '+' : ''}${formatTickValue(v, x.step)}${spec.unit}` })), plot.bottom + 6, 0);
  const band = (plot.bottom - plot.top) / spec.bars.length;
  spec.bars.forEach((bar, i) => {
    const middle = plot.top + (i + 0.5) * band;
    drawText(image, fitText(bar.label, labelWidth, TICK), TICK, { x: plot.left - 8, y: middle, align: 'right', baseline: 'middle' });
    if (!Number.isFinite(bar.value)) return;
    // chart.js's proportions: bars fill 90% of 80% of their band.
    const thickness = band * 0.72;
    const [from, to] = [xAt(Math.min(0, bar.value)), xAt(Math.max(0, bar.value))];
    image.fillRect(from, middle - thickness / 2, Math.max(to - from, 1), thickness, bar.value >= 0 ? PALETTE.up : PALETTE.down);
  });
  drawAxes(image, plot);
}
