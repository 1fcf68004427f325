/**
 * Small helpers shared by the benchmarks: a silent logger, temp directories
 * that are removed even on an early exit, percentiles, a seeded PRNG and
 * timing. Nothing here is measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../src/app/ports.ts';

/** One JSON line on stdout per result; everything else goes to stderr. */
export type Emit = (record: Record<string, unknown>) => void;

export interface BenchContext {
  emit: Emit;
  /** Human progress notes, stderr only. */
  note: (message: string) => void;
}

/**
 * A logger that drops everything: the benchmarks measure the pipeline, not
 * pino's serialisation to a terminal. (Production logs at info: one line per
 * feed cycle and per queued alert, which is small next to the work measured.)
 */
export const quietLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quietLogger,
};

const tempDirs = new Set<string>();
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
// Stopped by run.ts's time limit (or Ctrl-C): leave through 'exit' so the temp dirs go too.
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => process.exit(128 + (signal === 'SIGTERM' ? 15 : 2)));

/** A fresh directory under the OS temp dir; removed by {@link removeTempDir} or, failing that, at exit. */
export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `radar-bench-${prefix}-`));
  tempDirs.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  tempDirs.delete(dir);
}

/** Nearest-rank percentile of an ascending array (`p` in 0–100). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export interface Distribution {
  n: number;
  minMs: number;
  meanMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function distribution(samples: readonly number[]): Distribution {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    n: sorted.length,
    minMs: round(sorted[0] ?? Number.NaN),
    meanMs: round(mean),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** Round to `digits` decimals for the JSON output. */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** mulberry32: a tiny deterministic PRNG, so every run benchmarks the same texts. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Milliseconds of CPU (user + system) used by this process since `since`. */
export function cpuMsSince(since: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(since);
  return round((d.user + d.system) / 1000, 1);
}
