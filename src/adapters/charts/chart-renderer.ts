/**
 * How sinks get chart images: an injectable renderer, loaded lazily (chart.js
 * and the canvas cost ~100 ms and some memory, spent only when an alert has a
 * chart), and a wrapper that turns every failure into "no chart" plus a log line.
 */
import type { Logger } from '../../app/ports.ts';
import type { ChartSpec } from '../../domain/charts.ts';

/** ChartSpec → PNG bytes. */
export type ChartRenderer = (spec: ChartSpec) => Promise<Uint8Array>;

/** File name of the attached chart; Discord embeds refer to it as `attachment://chart.png`. */
export const CHART_FILENAME = 'chart.png';

/** The chart.js renderer, imported on first use. */
export const lazyChartRenderer: ChartRenderer = async (spec) => {
  const { renderChartPng } = await import('./render-chart.ts');
  return renderChartPng(spec);
};

/**
 * Render `spec` when there is one and a renderer; on any failure log a warning
 * and return undefined, so the alert goes out without its chart.
 */
export async function renderChartSafely(
  spec: ChartSpec | undefined,
  renderer: ChartRenderer | undefined,
  context: { destination: string; alert: string; logger?: Pick<Logger, 'warn'> },
): Promise<Uint8Array | undefined> {
  if (spec === undefined || renderer === undefined) return undefined;
  try {
    const png = await renderer(spec);
    if (png.length === 0) throw new Error('the renderer returned an empty image');
    return png;
  } catch (error) {
    context.logger?.warn(
      { destination: context.destination, alert: context.alert, error: error instanceof Error ? error.message : String(error) },
      'chart rendering failed; sending the alert without its chart',
    );
    return undefined;
  }
}
