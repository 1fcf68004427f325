/**
 * How sinks get chart images: an injectable renderer, loaded lazily (the
 * renderer and its fonts cost ~100 ms and ~2 MB, spent only when an alert has a
 * chart), and a wrapper that turns every failure into "no chart" plus a log line.
 */
import type { Logger } from '../../app/ports.ts';
import type { ChartSpec } from '../../domain/charts.ts';

/** ChartSpec → PNG bytes. */
export type ChartRenderer = (spec: ChartSpec) => Promise<Uint8Array>;

/** File name of the attached chart; Discord embeds refer to it as `attachment://chart.png`. */
export const CHART_FILENAME = 'chart.png';

/**
 * `render`, remembering its last `size` images by spec: every destination of an alert, and every retry of a
 * send, asks for the same chart, and drawing one costs ~20 ms of CPU and native memory churn.
 */
export function cachedChartRenderer(render: ChartRenderer, size = 8): ChartRenderer {
  const images = new Map<string, Promise<Uint8Array>>();
  return (spec) => {
    const key = JSON.stringify(spec);
    const known = images.get(key);
    if (known) {
      images.delete(key); // re-inserted below: the Map's order is least recently used first
      images.set(key, known);
      return known;
    }
    const image = render(spec);
    images.set(key, image);
    // A failed render is not remembered: the next send tries again.
    image.catch(() => images.get(key) === image && images.delete(key));
    for (const oldest of images.keys()) {
      if (images.size <= size) break;
      images.delete(oldest);
    }
    return image;
  };
}

/** The PNG renderer, imported on first use, with its last images cached. */
export const lazyChartRenderer: ChartRenderer = cachedChartRenderer(async (spec) => {
  const { renderChartPng } = await import('./render-chart.ts');
  return renderChartPng(spec);
});

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
