import { describe, expect, it } from 'vitest';
import { createStageHealth, longestCronGapMs, MIN_STALE_AFTER_MS, staleAfterMs } from '../../src/app/health.ts';
import { MINUTE_MS } from '../../src/domain/time.ts';
import { FixedClock } from '../fakes/clock.ts';

const START = Date.UTC(2025, 2, 14, 12, 0, 0);

describe('createStageHealth', () => {
  it('GIVEN no run yet THEN a stage is fresh until its limit has passed since start, then stale with a reason', () => {
    const clock = new FixedClock(START);
    const health = createStageHealth({ feeds: { staleAfterMs: 30 * MINUTE_MS } }, clock);
    clock.advance(30 * MINUTE_MS);
    expect(health.report()).toEqual({ stages: { feeds: { staleAfterMs: 30 * MINUTE_MS, stale: false } }, problems: [] });
    clock.advance(1);
    expect(health.report()).toEqual({
      stages: { feeds: { staleAfterMs: 30 * MINUTE_MS, stale: true } },
      problems: ['feeds: no successful run since start 30 min ago (limit 30 min)'],
    });
  });

  it('GIVEN a success THEN the limit counts from it; failures alone never refresh a stage, and the last error stays readable', () => {
    const clock = new FixedClock(START);
    const health = createStageHealth({ prices: { staleAfterMs: 15 * MINUTE_MS }, delivery: { staleAfterMs: 10 * MINUTE_MS } }, clock);
    clock.advance(5 * MINUTE_MS);
    health.recordSuccess('prices');
    health.recordSuccess('delivery');
    clock.advance(10 * MINUTE_MS);
    health.recordFailure('prices', 'binance unreachable');
    clock.advance(6 * MINUTE_MS);
    const report = health.report();
    expect(report.stages.prices).toEqual({
      lastSuccessAt: START + 5 * MINUTE_MS,
      lastFailureAt: START + 15 * MINUTE_MS,
      lastError: 'binance unreachable',
      staleAfterMs: 15 * MINUTE_MS,
      stale: true,
    });
    expect(report.stages.delivery).toEqual({ lastSuccessAt: START + 5 * MINUTE_MS, staleAfterMs: 10 * MINUTE_MS, stale: true });
    expect(report.problems).toEqual([
      'prices: no successful run for 16 min (limit 15 min); last error: binance unreachable',
      'delivery: no successful run for 16 min (limit 10 min)',
    ]);
    health.recordSuccess('prices');
    expect(health.report().stages.prices).toMatchObject({ stale: false, lastSuccessAt: START + 21 * MINUTE_MS, lastError: 'binance unreachable' });
  });

  it('GIVEN outcomes for a stage that is not tracked (no feeds configured) THEN they are ignored', () => {
    const health = createStageHealth({ delivery: { staleAfterMs: MINUTE_MS } }, new FixedClock(START));
    health.recordSuccess('feeds');
    health.recordFailure('feeds', 'x');
    expect(Object.keys(health.report().stages)).toEqual(['delivery']);
  });
});

describe('stale limits', () => {
  it.each([
    ['*/5 * * * *', 5 * MINUTE_MS],
    ['*/30 * * * * *', 30_000],
    ['*/7 * * * *', 7 * MINUTE_MS],
    ['0,10 * * * *', 50 * MINUTE_MS], // uneven: the longer gap counts
  ])('GIVEN cron %s THEN its longest gap is %i ms', (cron, gap) => {
    // 12 runs: a few hours ahead at most, so a DST change rarely falls in the window.
    expect(longestCronGapMs(cron, 12)).toBe(gap);
  });

  it('GIVEN an interval THEN the limit is three of them, never under the floor', () => {
    expect([staleAfterMs(30_000), staleAfterMs(5 * MINUTE_MS), staleAfterMs(60 * MINUTE_MS)]).toEqual([MIN_STALE_AFTER_MS, 15 * MINUTE_MS, 180 * MINUTE_MS]);
  });
});
