/**
 * Scheduler semantics through runNow() and stop(). The cron expressions
 * below fire once a year, so no scheduled tick interferes: every run in
 * these tests is one the test asked for and holds open with a deferred.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startScheduler, type Job, type Scheduler } from '../../src/app/scheduler.ts';
import { deferred, settle, tracked, type Deferred } from '../fakes/deferred.ts';
import { recordingLogger } from '../fakes/silent-logger.ts';

/** Midnight on 1 January: never during a test run (and if it were, the runs are still counted correctly). */
const YEARLY = '0 0 1 1 *';

/** A job whose every run waits for the test to settle it; `runs` holds one deferred per run started. */
function heldJob(name: string): { job: Job; runs: Deferred<unknown>[] } {
  const runs: Deferred<unknown>[] = [];
  const job: Job = {
    name,
    cron: YEARLY,
    run: () => {
      const run = deferred<unknown>();
      runs.push(run);
      return run.promise;
    },
  };
  return { job, runs };
}

const started: Scheduler[] = [];
function start(jobs: Job[], log = recordingLogger()): Scheduler {
  const scheduler = startScheduler(jobs, log);
  started.push(scheduler);
  return scheduler;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('startScheduler', () => {
  it('GIVEN runNow while the job runs THEN it never overlaps and all requests fold into one follow-up run', async () => {
    const { job, runs } = heldJob('feeds');
    const scheduler = start([job]);

    const first = tracked(scheduler.runNow('feeds'));
    await settle();
    expect(runs).toHaveLength(1);

    const second = tracked(scheduler.runNow('feeds'));
    const third = tracked(scheduler.runNow('feeds'));
    await settle();
    expect(runs).toHaveLength(1);

    runs[0]!.resolve('cycle 1');
    await settle();
    expect(runs).toHaveLength(2);
    // Everyone waits for the follow-up, which covers what they asked for.
    expect([first.done, second.done, third.done]).toEqual([false, false, false]);

    runs[1]!.resolve('cycle 2');
    await Promise.all([first.promise, second.promise, third.promise]);
    expect(runs).toHaveLength(2);

    // Once idle, the next request starts a fresh run at once.
    const fourth = scheduler.runNow('feeds');
    await settle();
    expect(runs).toHaveLength(3);
    runs[2]!.resolve('cycle 3');
    await fourth;
  });

  it('GIVEN two jobs THEN one running does not hold up the other', async () => {
    const feeds = heldJob('feeds');
    const prices = heldJob('prices');
    const scheduler = start([feeds.job, prices.job]);

    const a = scheduler.runNow('feeds');
    const b = scheduler.runNow('prices');
    await settle();
    expect([feeds.runs.length, prices.runs.length]).toEqual([1, 1]);

    prices.runs[0]!.resolve(undefined);
    await b;
    feeds.runs[0]!.resolve(undefined);
    await a;
  });

  it('GIVEN a job that throws THEN the failure is logged and the job runs again on the next request', async () => {
    const log = recordingLogger();
    const { job, runs } = heldJob('prices');
    const scheduler = start([job], log);
    const boom = new Error('database is locked');

    const failing = scheduler.runNow('prices');
    await settle();
    runs[0]!.reject(boom);
    await expect(failing).resolves.toBeUndefined();

    const next = scheduler.runNow('prices');
    await settle();
    runs[1]!.resolve({ candlesStored: 3 });
    await next;

    expect(runs).toHaveLength(2);
    expect(log.records).toEqual([
      { level: 'error', msg: 'job failed; will run again on schedule', obj: { job: 'prices', err: boom } },
      { level: 'debug', msg: 'job finished', obj: { job: 'prices', ms: expect.any(Number), result: { candlesStored: 3 } } },
    ]);
  });

  it('GIVEN stop() during a run THEN it resolves only after the run ends, and later runNow calls do nothing', async () => {
    const { job, runs } = heldJob('feeds');
    const scheduler = start([job]);
    const running = scheduler.runNow('feeds');
    await settle();

    const stopping = tracked(scheduler.stop());
    await settle();
    expect(stopping.done).toBe(false);

    runs[0]!.resolve(undefined);
    await stopping.promise;
    await running;

    await scheduler.runNow('feeds');
    await settle();
    expect(runs).toHaveLength(1);
  });

  // Bug: a follow-up requested before stop() still starts after stop() was called,
  // so shutting down waits for a whole extra cycle (e.g. polling every feed again).
  it('GIVEN a follow-up queued when stop() is called THEN the follow-up never starts', async () => {
    const { job, runs } = heldJob('feeds');
    const scheduler = start([job]);
    const running = scheduler.runNow('feeds');
    const followUp = scheduler.runNow('feeds');
    await settle();

    const stopping = scheduler.stop();
    runs[0]!.resolve(undefined);
    await settle();
    runs[1]?.resolve(undefined); // the follow-up, if it started, must not hang the test
    await Promise.all([stopping, running, followUp]);

    expect(runs).toHaveLength(1);
  });

  it('GIVEN an unknown job name THEN runNow says so', () => {
    const scheduler = start([heldJob('feeds').job]);
    expect(() => scheduler.runNow('feedz')).toThrow('unknown job "feedz"');
  });
});

describe('reschedule', () => {
  it('GIVEN a job moved from yearly to every second THEN the new schedule starts runs and the job still never overlaps', async () => {
    const { job, runs } = heldJob('feeds');
    const log = recordingLogger();
    const scheduler = start([job], log);
    await scheduler.reschedule('feeds', '* * * * * *');
    await vi.waitFor(() => expect(runs.length).toBeGreaterThanOrEqual(1), { timeout: 5_000 });
    // The first run is held open: further ticks fold into one follow-up instead of overlapping.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(runs).toHaveLength(1);
    expect(log.records.filter((r) => r.msg === 'job rescheduled')).toEqual([
      { level: 'info', msg: 'job rescheduled', obj: { job: 'feeds', from: YEARLY, to: '* * * * * *' } },
    ]);
    // Stopping first: the follow-up folded in behind the held run then ends at once.
    const stopped = scheduler.stop();
    runs[0]!.resolve('done');
    await stopped;
    expect(runs).toHaveLength(1);
  });

  it('GIVEN the same expression THEN nothing changes; GIVEN an unknown job or a bad expression THEN it throws and the old schedule stays', async () => {
    const { job } = heldJob('feeds');
    const log = recordingLogger();
    const scheduler = start([job], log);
    await scheduler.reschedule('feeds', YEARLY);
    await expect(scheduler.reschedule('prices', YEARLY)).rejects.toThrow('unknown job "prices"');
    await expect(scheduler.reschedule('feeds', 'every minute')).rejects.toThrow('"every minute" is not a cron expression node-cron accepts (job "feeds")');
    expect(log.records.filter((r) => r.msg === 'job rescheduled')).toEqual([]);
  });
});
