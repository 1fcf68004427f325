/**
 * Liveness of the bot's stages (feeds, prices, delivery) for /healthz and
 * /metrics: when each last did its job, its last error, and whether it has
 * gone quiet for too long. The cycle wrappers in main.ts record outcomes; this
 * module only keeps and judges them, on an injected clock.
 */
import cron from 'node-cron';
import type { Clock } from '../domain/time.ts';
import { MINUTE_MS } from '../domain/time.ts';

export type StageName = 'feeds' | 'prices' | 'delivery';

export interface StageReport {
  /** Epoch ms of the last run that did its job; undefined before the first. */
  lastSuccessAt?: number;
  lastFailureAt?: number;
  /** The last failure's message, kept after a later success so an operator can still read it. */
  lastError?: string;
  /** No success within this long (counted from start before the first) makes the stage stale. */
  staleAfterMs: number;
  stale: boolean;
}

export interface HealthReport {
  /** Only the tracked stages: a stage with nothing to do (no feeds, no tokens) is not tracked. */
  stages: Partial<Record<StageName, StageReport>>;
  /** Human-readable reasons the bot is unhealthy; empty when every stage is fresh. */
  problems: string[];
}

export interface StageHealth {
  recordSuccess(stage: StageName): void;
  recordFailure(stage: StageName, error: string): void;
  report(): HealthReport;
}

/** A stale stage is judged against at least this: a slow delivery backlog or a long feed timeout is not an outage. */
export const MIN_STALE_AFTER_MS = 10 * MINUTE_MS;
/** Runs a stage may miss before it counts as stale. */
export const MISSED_RUNS_BEFORE_STALE = 3;

/** How long a stage that runs every `intervalMs` may go without a success: 3 intervals, at least 10 minutes. */
export function staleAfterMs(intervalMs: number): number {
  return Math.max(MISSED_RUNS_BEFORE_STALE * intervalMs, MIN_STALE_AFTER_MS);
}

/**
 * The longest gap between two consecutive runs of a cron expression, over its
 * next `samples` runs ("0 9 * * 1-5" → the weekend, 3 days). Throws on an
 * invalid expression.
 */
export function longestCronGapMs(expression: string, samples = 60): number {
  const task = cron.createTask(expression, () => {});
  try {
    const runs = task.getNextRuns(samples).map((d) => d.getTime());
    let longest = 0;
    for (let i = 1; i < runs.length; i++) longest = Math.max(longest, runs[i]! - runs[i - 1]!);
    return longest;
  } finally {
    void task.destroy();
  }
}

interface StageRecord {
  lastSuccessAt?: number;
  lastFailureAt?: number;
  lastError?: string;
  staleAfterMs: number;
}

const minutes = (ms: number) => `${Math.round(ms / MINUTE_MS)} min`;

/**
 * Track the given stages from now on. Outcomes recorded for a stage that is
 * not tracked are ignored, so the cycles need not know which stages are.
 */
export function createStageHealth(stages: Partial<Record<StageName, { staleAfterMs: number }>>, clock: Clock): StageHealth {
  const startedAt = clock.now();
  const records = new Map<StageName, StageRecord>();
  for (const [name, s] of Object.entries(stages) as [StageName, { staleAfterMs: number }][]) records.set(name, { staleAfterMs: s.staleAfterMs });

  return {
    recordSuccess(stage) {
      const r = records.get(stage);
      if (r) r.lastSuccessAt = clock.now();
    },
    recordFailure(stage, error) {
      const r = records.get(stage);
      if (!r) return;
      r.lastFailureAt = clock.now();
      r.lastError = error;
    },
    report() {
      const now = clock.now();
      const report: HealthReport = { stages: {}, problems: [] };
      for (const [name, r] of records) {
        const quietMs = now - (r.lastSuccessAt ?? startedAt);
        const stale = quietMs > r.staleAfterMs;
        report.stages[name] = { ...r, stale };
        if (!stale) continue;
        const since = r.lastSuccessAt === undefined ? `no successful run since start ${minutes(quietMs)} ago` : `no successful run for ${minutes(quietMs)}`;
        report.problems.push(`${name}: ${since} (limit ${minutes(r.staleAfterMs)})${r.lastError ? `; last error: ${r.lastError}` : ''}`);
      }
      return report;
    },
  };
}
