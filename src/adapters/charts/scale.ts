/** Axis ticks: round numbers for values, whole UTC hours for time. */

export interface Ticks {
  min: number;
  max: number;
  step: number;
  values: number[];
}

/**
 * Bounds and ticks 1, 2 or 5 × 10^k apart that cover [lo, hi] with about `count` ticks (Heckbert's
 * "nice numbers", as chart.js picks them).
 */
export function niceTicks(lo: number, hi: number, count = 8): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`axis range must be finite, got ${lo}..${hi}`);
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi === lo) {
    const pad = Math.abs(lo) * 0.05 || 1;
    [lo, hi] = [lo - pad, hi + pad];
  }
  const step = niceNumber(niceNumber(hi - lo, false) / Math.max(1, count - 1), true);
  const round = (v: number) => Number(v.toFixed(decimalsOf(step)));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const values = Array.from({ length: last - first + 1 }, (_, i) => round((first + i) * step));
  return { min: values[0]!, max: values.at(-1)!, step, values };
}

function niceNumber(x: number, round: boolean): number {
  const exponent = Math.floor(Math.log10(x));
  const fraction = x / 10 ** exponent;
  const nice = round ? (fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10) : fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * 10 ** exponent;
}

/** A value tick's label, with as many decimals as the step needs. */
export function formatTickValue(value: number, step: number): string {
  return value.toFixed(decimalsOf(step));
}

/** Decimals a step of 1, 2 or 5 × 10^k needs: 0 for 1 and up, 1 for 0.5, 2 for 0.05… */
const decimalsOf = (step: number) => Math.max(0, -Math.floor(Math.log10(step) + 1e-9));

const HOUR_MS = 3_600_000;

/** Whole-hour ticks, at most ~8 over [from, to]: multiples of the step since the epoch are UTC hours. */
export function timeTicks(from: number, to: number): { step: number; values: number[] } {
  const span = to - from;
  const hours = [1, 2, 3, 4, 6, 8, 12, 24, 48, 72, 168].find((h) => span / (h * HOUR_MS) <= 8) ?? 168;
  const step = hours * HOUR_MS;
  const values: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) values.push(t);
  return { step, values };
}

/** UTC, as in alert texts: "02-20 14:00" over days, "14:00" within one. */
export function formatTime(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  return spanMs > 86_400_000 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}
