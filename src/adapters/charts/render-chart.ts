/**
 * ChartSpec → PNG with chart.js on @napi-rs/canvas (no native build, no DOM).
 * Only draws: what to show was decided in domain/charts.ts. Sinks call this
 * through {@link renderChartSafely}, so a failure here never blocks an alert.
 */
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration, type Plugin } from 'chart.js';
import type { BarChartSpec, ChartSpec, MoveChartSpec } from '../../domain/charts.ts';
import { CHART_BASELINE } from '../../domain/charts.ts';

/** Pixel size: wide enough for Discord's embed image and Telegram's photo preview. */
export const CHART_SIZE = { width: 960, height: 480 } as const;
const FONT = 'DejaVu Sans, sans-serif';

const PALETTE = {
  up: '#2b8a3e',
  down: '#c92a2a',
  benchmark: '#f08c00',
  basket: '#5c7cfa',
  window: { up: 'rgba(43, 138, 62, 0.10)', down: 'rgba(201, 42, 42, 0.10)' },
  marker: '#495057',
  grid: '#e9ecef',
  text: '#212529',
  background: '#ffffff',
} as const;

let registered = false;
/**
 * One canvas, drawn over by every render. A canvas's pixels and Skia's state for it live outside the JS heap,
 * freed only when V8 collects the canvas, and it does not count them: a new canvas per chart left ~25 MB more
 * resident in a bot that rendered a chart every few seconds.
 */
let canvas: Canvas | undefined;
/** Renders run one at a time: the next one would draw on the canvas while the last is being encoded. */
let queue: Promise<unknown> = Promise.resolve();

/** Render `spec` as a PNG. Throws on a spec it cannot draw (callers degrade to no chart). */
export function renderChartPng(spec: ChartSpec, size: { width: number; height: number } = CHART_SIZE): Promise<Buffer> {
  const rendered = queue.then(() => draw(spec, size));
  queue = rendered.catch(() => undefined);
  return rendered;
}

async function draw(spec: ChartSpec, size: { width: number; height: number }): Promise<Buffer> {
  if (!registered) {
    Chart.register(...registerables);
    registered = true;
  }
  if (canvas?.width !== size.width || canvas.height !== size.height) canvas = createCanvas(size.width, size.height);
  const config = spec.type === 'move' ? moveChart(spec) : barChart(spec);
  // chart.js only needs the 2D context API, which @napi-rs/canvas implements; its types name the DOM's.
  const chart = new Chart(canvas.getContext('2d') as unknown as ConstructorParameters<typeof Chart>[0], config as ChartConfiguration);
  try {
    chart.update();
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}

function baseOptions(title: string) {
  return {
    animation: false as const,
    responsive: false,
    devicePixelRatio: 1,
    font: { family: FONT },
    plugins: {
      title: { display: true, text: title, color: PALETTE.text, font: { family: FONT, size: 16, weight: 'bold' as const } },
      legend: { labels: { color: PALETTE.text, font: { family: FONT, size: 13 } } },
    },
  };
}

function moveChart(spec: MoveChartSpec): ChartConfiguration<'line'> {
  const tokenColor = spec.direction === 'up' ? PALETTE.up : PALETTE.down;
  const datasets = spec.series.map((s) => ({
    label: s.role === 'token' ? `${s.label} (${formatChange(s.points)})` : `${s.label} (${formatChange(s.points)})`,
    data: s.points.map((p) => ({ x: p.t, y: p.value })),
    borderColor: s.role === 'token' ? tokenColor : s.role === 'benchmark' ? PALETTE.benchmark : PALETTE.basket,
    borderWidth: s.role === 'token' ? 3 : 2,
    borderDash: s.role === 'basket' ? [6, 4] : [],
    pointRadius: 0,
    tension: 0.15,
  }));
  const base = baseOptions(spec.title);
  return {
    type: 'line',
    data: { datasets },
    options: {
      ...base,
      scales: {
        x: {
          type: 'linear',
          min: spec.from,
          max: spec.to,
          grid: { color: PALETTE.grid },
          // Whole hours (multiples of an hour since the epoch are UTC hours), about 8 of them.
          ticks: { color: PALETTE.text, stepSize: tickStep(spec.to - spec.from), font: { family: FONT }, callback: (value) => formatTick(Number(value), spec.to - spec.from) },
        },
        y: {
          grid: { color: (context: { tick: { value: number } }) => (context.tick.value === CHART_BASELINE ? '#adb5bd' : PALETTE.grid) },
          ticks: { color: PALETTE.text, font: { family: FONT } },
          title: { display: true, text: `indexed, ${CHART_BASELINE} = move start`, color: PALETTE.text, font: { family: FONT } },
        },
      },
    },
    plugins: [background(), moveWindow(spec), markers(spec)],
  };
}

function barChart(spec: BarChartSpec): ChartConfiguration<'bar'> {
  const base = baseOptions(spec.title);
  return {
    type: 'bar',
    data: {
      labels: spec.bars.map((b) => b.label),
      datasets: [
        {
          label: `return, ${spec.unit}`,
          data: spec.bars.map((b) => b.value),
          backgroundColor: spec.bars.map((b) => (b.value >= 0 ? PALETTE.up : PALETTE.down)),
        },
      ],
    },
    options: {
      ...base,
      indexAxis: 'y',
      plugins: { ...base.plugins, legend: { display: false } },
      scales: {
        x: { grid: { color: PALETTE.grid }, ticks: { color: PALETTE.text, font: { family: FONT }, callback: (v) => `${Number(v) > 0 ? '+' : ''}${v}${spec.unit}` } },
        y: { grid: { display: false }, ticks: { color: PALETTE.text, font: { family: FONT } } },
      },
    },
    plugins: [background()],
  };
}

/** PNGs are transparent by default; chat clients in dark mode would show black text on black. */
function background(): Plugin {
  return {
    id: 'radar-background',
    beforeDraw(chart) {
      const { ctx, width, height } = chart;
      ctx.save();
      ctx.fillStyle = PALETTE.background;
      ctx.fillRect(0, 0, width, height);
      ctx.restore();
    },
  };
}

function moveWindow(spec: MoveChartSpec): Plugin {
  return {
    id: 'radar-move-window',
    beforeDatasetsDraw(chart) {
      const x = chart.scales.x;
      const area = chart.chartArea;
      if (!x || !area) return;
      const left = Math.max(area.left, x.getPixelForValue(spec.window.from));
      const right = Math.min(area.right, x.getPixelForValue(spec.window.to));
      if (right <= left) return;
      chart.ctx.save();
      chart.ctx.fillStyle = PALETTE.window[spec.direction];
      chart.ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
      chart.ctx.restore();
    },
  };
}

function markers(spec: MoveChartSpec): Plugin {
  return {
    id: 'radar-markers',
    afterDatasetsDraw(chart) {
      const x = chart.scales.x;
      const area = chart.chartArea;
      if (!x || !area) return;
      const { ctx } = chart;
      for (const marker of spec.markers) {
        const px = x.getPixelForValue(marker.at);
        if (px < area.left || px > area.right) continue;
        ctx.save();
        ctx.strokeStyle = PALETTE.marker;
        ctx.lineWidth = 1.5;
        ctx.setLineDash([5, 4]);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.fillStyle = PALETTE.marker;
        ctx.font = `12px ${FONT}`;
        // Keep the label inside the plot: right of the line unless that runs off the edge.
        const text = `◆ ${marker.label}`;
        const width = ctx.measureText(text).width;
        const tx = px + 6 + width > area.right ? Math.max(area.left, px - 6 - width) : px + 6;
        ctx.fillText(text, tx, area.top + 14);
        ctx.restore();
      }
    },
  };
}

function formatChange(points: readonly { value: number }[]): string {
  const last = points.at(-1)?.value ?? CHART_BASELINE;
  const change = last - CHART_BASELINE;
  return `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`;
}

const HOUR_MS = 3_600_000;

/** A tick spacing of whole hours giving at most ~8 ticks over `spanMs`. */
function tickStep(spanMs: number): number {
  const hours = [1, 2, 3, 4, 6, 8, 12, 24, 48, 72, 168].find((h) => spanMs / (h * HOUR_MS) <= 8) ?? 168;
  return hours * HOUR_MS;
}

/** UTC, as in alert texts: "02-20 14:00" over days, "14:00" within one. */
function formatTick(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs > 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}
