/**
 * Cron scheduling of the cycles. A job never overlaps itself (a tick that
 * arrives while it runs is folded into one follow-up run), a failing run is
 * logged and the schedule goes on, and stop() waits for in-flight runs.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { singleFlight } from './concurrency.ts';
import type { Logger } from './ports.ts';

export interface Job {
  name: string;
  /** node-cron expression (5 or 6 fields). */
  cron: string;
  run: () => Promise<unknown>;
}

export interface Scheduler {
  /** Run a job now (still never overlapping itself). */
  runNow(name: string): Promise<void>;
  /** Stop scheduling and wait for running jobs to finish. */
  stop(): Promise<void>;
}

export function startScheduler(jobs: readonly Job[], log: Logger): Scheduler {
  const runners = new Map<string, () => Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  const tasks: ScheduledTask[] = [];
  let stopped = false;

  for (const job of jobs) {
    const jobLog = log.child({ job: job.name });
    const guarded = singleFlight(async () => {
      // A follow-up folded in before stop() must not start a whole new cycle during shutdown.
      if (stopped) return;
      const started = performance.now();
      try {
        const result = await job.run();
        jobLog.debug({ ms: Math.round(performance.now() - started), result }, 'job finished');
      } catch (err) {
        jobLog.error({ err }, 'job failed; will run again on schedule');
      }
    });
    const run = () => {
      if (stopped) return Promise.resolve();
      const p = guarded();
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
      return p;
    };
    runners.set(job.name, run);
    tasks.push(cron.schedule(job.cron, () => void run(), { name: job.name, noOverlap: false }));
  }

  return {
    runNow(name) {
      const run = runners.get(name);
      if (!run) throw new Error(`unknown job "${name}"`);
      return run();
    },
    async stop() {
      stopped = true;
      for (const task of tasks) await task.stop();
      for (const task of tasks) await task.destroy();
      await Promise.allSettled([...inFlight]);
    },
  };
}
