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
  /**
   * Put a job on a new cron expression (a config reload). A run in progress
   * finishes; the job keeps never overlapping itself.
   * @throws when the job is unknown or the expression is not valid for node-cron.
   */
  reschedule(name: string, cron: string): Promise<void>;
  /** Each job's cron expression in force. */
  schedules(): Record<string, string>;
  /** Stop scheduling and wait for running jobs to finish. */
  stop(): Promise<void>;
}

function schedule(name: string, expression: string, run: () => Promise<void>): ScheduledTask {
  return cron.schedule(expression, () => void run(), { name, noOverlap: false });
}

export function startScheduler(jobs: readonly Job[], log: Logger): Scheduler {
  const runners = new Map<string, () => Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  const tasks = new Map<string, { cron: string; task: ScheduledTask }>();
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
    tasks.set(job.name, { cron: job.cron, task: schedule(job.name, job.cron, run) });
  }

  return {
    runNow(name) {
      const run = runners.get(name);
      if (!run) throw new Error(`unknown job "${name}"`);
      return run();
    },
    async reschedule(name, expression) {
      const run = runners.get(name);
      const current = tasks.get(name);
      if (!run || !current) throw new Error(`unknown job "${name}"`);
      if (current.cron === expression || stopped) return;
      if (!cron.validate(expression)) throw new Error(`"${expression}" is not a cron expression node-cron accepts (job "${name}")`);
      tasks.set(name, { cron: expression, task: schedule(name, expression, run) });
      await current.task.stop();
      await current.task.destroy();
      log.info({ job: name, from: current.cron, to: expression }, 'job rescheduled');
    },
    schedules() {
      return Object.fromEntries([...tasks].map(([name, { cron: expression }]) => [name, expression]));
    },
    async stop() {
      stopped = true;
      for (const { task } of tasks.values()) await task.stop();
      for (const { task } of tasks.values()) await task.destroy();
      await Promise.allSettled([...inFlight]);
    },
  };
}
