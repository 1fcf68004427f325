import { describe, expect, it } from 'vitest';
import { deliverDue, retryDelayMs, type Sleep } from '../../src/app/deliver.ts';
import { SharedRateLimitError, type SinkPacing } from '../../src/app/delivery-sink.ts';
import type { SendOptions } from '../../src/app/ports.ts';
import { createRateLimiter, type RateRule } from '../../src/app/rate-limiter.ts';
import { queueAlert } from '../../src/app/runtime.ts';
import type { Alert, NoticeAlert } from '../../src/domain/alert.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';
import { testRuntime, type TestRuntime } from '../fakes/runtime.ts';

const NOW = Date.UTC(2025, 3, 10, 12);
const notice = (key: string): NoticeAlert => ({ kind: 'notice', key, createdAt: NOW, severity: 'low', reason: 'test', title: key, text: 'hello' });
const CHANNEL_5_PER_5S: RateRule = { scope: 'discord:channel:1', limit: 5, windowMs: 5_000 };

/** A RecordingSink with platform limits that notes when (on the runtime clock) each alert went out. */
class PacedSink extends RecordingSink {
  readonly times: number[] = [];
  readonly pacing: SinkPacing;
  constructor(
    id: string,
    private readonly rt: TestRuntime,
    rules: readonly RateRule[],
    cost?: (alert: Alert) => number,
  ) {
    super(id);
    this.pacing = { rules, cost };
  }
  override async send(alert: Alert, deliveryId: string, options?: SendOptions): Promise<void> {
    // Stamped when the send starts: parallel destinations move the shared clock while one awaits.
    const at = this.rt.clock.now() - NOW;
    await super.send(alert, deliveryId, options);
    this.times.push(at);
  }
}

/** Waiting moves the virtual clock: no real time passes in these tests. */
const virtualSleep =
  (rt: TestRuntime, slept: number[] = []): Sleep =>
  async (ms) => {
    slept.push(ms);
    rt.clock.advance(ms);
  };

async function runtimeWith(destinations: string[], edit?: Parameters<typeof testRuntime>[0]['edit']): Promise<TestRuntime> {
  return testRuntime({ now: NOW, destinations: destinations.map((id) => ({ id, minSeverity: 'low' })), edit });
}

describe('deliverDue pacing', () => {
  it('GIVEN 12 alerts and Discord 5 per 5 s THEN one run sends them all at the allowed times, waiting on the clock', async () => {
    const rt = await runtimeWith(['d'], (c) => (c.alerts.delivery.digestAfter = 0));
    const sink = new PacedSink('d', rt, [CHANNEL_5_PER_5S]);
    for (let i = 0; i < 12; i++) queueAlert(rt, notice(`n${i}`));
    const slept: number[] = [];
    const result = await deliverDue(rt, { sinks: new Map([['d', sink]]), sleep: virtualSleep(rt, slept) });
    expect(result).toMatchObject({ sent: 12, failed: 0, waitedMs: 10_000 });
    expect(sink.times).toEqual([0, 0, 0, 0, 0, 5000, 5000, 5000, 5000, 5000, 10000, 10000]);
    expect(slept).toEqual([5000, 5000]);
  });

  it('GIVEN no sleep function THEN a run never waits: the rest is postponed to its slot and sent by a later run', async () => {
    const rt = await runtimeWith(['d'], (c) => (c.alerts.delivery.digestAfter = 0));
    const sink = new PacedSink('d', rt, [CHANNEL_5_PER_5S]);
    const limiter = createRateLimiter(rt.clock);
    for (let i = 0; i < 7; i++) queueAlert(rt, notice(`n${i}`));
    const sinks = new Map([['d', sink]]);
    expect((await deliverDue(rt, { sinks, limiter })).sent).toBe(5);
    rt.clock.advance(4_999);
    expect((await deliverDue(rt, { sinks, limiter })).sent).toBe(0); // postponed in the store: not due yet
    rt.clock.advance(1);
    expect((await deliverDue(rt, { sinks, limiter })).sent).toBe(2);
    expect(sink.times).toEqual([0, 0, 0, 0, 0, 5000, 5000]);
  });

  it('GIVEN a shared limiter THEN limits hold across runs', async () => {
    const rt = await runtimeWith(['d'], (c) => (c.alerts.delivery.digestAfter = 0));
    const sink = new PacedSink('d', rt, [{ scope: 'chat', limit: 1, windowMs: 1000 }]);
    const limiter = createRateLimiter(rt.clock);
    const sinks = new Map([['d', sink]]);
    queueAlert(rt, notice('a'));
    await deliverDue(rt, { sinks, limiter });
    queueAlert(rt, notice('b'));
    await deliverDue(rt, { sinks, limiter });
    expect(sink.sent.map((s) => s.alert.key)).toEqual(['a']);
    rt.clock.advance(1000);
    await deliverDue(rt, { sinks, limiter });
    expect(sink.times).toEqual([0, 1000]);
  });

  it('GIVEN a slot further away than maxWaitSeconds THEN the run leaves it for later instead of blocking', async () => {
    const rt = await runtimeWith(['g'], (c) => {
      c.alerts.delivery.digestAfter = 0;
      c.alerts.delivery.maxWaitSeconds = 30;
    });
    const sink = new PacedSink('g', rt, [{ scope: 'group', limit: 2, windowMs: 60_000 }]);
    for (let i = 0; i < 3; i++) queueAlert(rt, notice(`n${i}`));
    const slept: number[] = [];
    const result = await deliverDue(rt, { sinks: new Map([['g', sink]]), sleep: virtualSleep(rt, slept) });
    expect(result.sent).toBe(2);
    expect(slept).toEqual([]);
    expect(rt.store.dueDeliveries(NOW + 59_999, 10)).toEqual([]);
    expect(rt.store.dueDeliveries(NOW + 60_000, 10)).toHaveLength(1);
  });

  it('GIVEN an alert costing two messages THEN the limiter counts both', async () => {
    const rt = await runtimeWith(['g'], (c) => (c.alerts.delivery.digestAfter = 0));
    const sink = new PacedSink('g', rt, [{ scope: 'group', limit: 4, windowMs: 60_000 }], (a) => (a.key.startsWith('big') ? 2 : 1));
    for (const key of ['big1', 'big2', 'small']) queueAlert(rt, notice(key));
    await deliverDue(rt, { sinks: new Map([['g', sink]]), sleep: virtualSleep(rt) });
    expect(sink.times).toEqual([0, 0, 60_000]);
  });

  it('GIVEN two destinations on one bot-wide limit THEN together they never exceed it', async () => {
    const rt = await runtimeWith(['a', 'b'], (c) => (c.alerts.delivery.digestAfter = 0));
    const bot: RateRule = { scope: 'telegram:bot:x', limit: 3, windowMs: 1000 };
    const a = new PacedSink('a', rt, [bot]);
    const b = new PacedSink('b', rt, [bot]);
    for (let i = 0; i < 3; i++) queueAlert(rt, notice(`n${i}`));
    await deliverDue(rt, { sinks: new Map([['a', a], ['b', b]]), sleep: virtualSleep(rt) });
    const all = [...a.times, ...b.times].sort((x, y) => x - y);
    expect(all).toHaveLength(6);
    // However the two loops interleave, no second holds more than the bot's 3.
    for (const start of all) expect(all.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(3);
  });

  it('GIVEN a 429 that says wait 3 s THEN the run waits as told and delivers, without counting an attempt', async () => {
    const rt = await runtimeWith(['d']);
    const sink = new PacedSink('d', rt, []);
    sink.failNext('wait', 1, 3_000);
    queueAlert(rt, notice('one'));
    const result = await deliverDue(rt, { sinks: new Map([['d', sink]]), sleep: virtualSleep(rt) });
    expect(result).toMatchObject({ sent: 1, failed: 1, waitedMs: 3_000 });
    expect(sink.times).toEqual([3_000]);
    expect(rt.log.records.some((r) => r.level === 'warn' && r.msg?.includes('rate limited') && (r.obj as { retryAfterMs?: number }).retryAfterMs === 3_000)).toBe(true);
  });

  it('GIVEN a bot-wide 429 on one destination THEN every destination sharing that scope waits it out too', async () => {
    const rt = await runtimeWith(['a', 'b', 'other'], (c) => (c.alerts.delivery.digestAfter = 0));
    const bot: RateRule = { scope: 'discord:bot:x', limit: 50, windowMs: 1000 };
    const a = new PacedSink('a', rt, [{ scope: 'discord:channel:a', limit: 5, windowMs: 5000 }, bot]);
    const b = new PacedSink('b', rt, [{ scope: 'discord:channel:b', limit: 5, windowMs: 5000 }, bot]);
    const other = new PacedSink('other', rt, [{ scope: 'telegram:bot:y', limit: 30, windowMs: 1000 }]);
    const limiter = createRateLimiter(rt.clock);
    const sinks = new Map([['a', a], ['b', b], ['other', other]]);
    queueAlert(rt, notice('n0'));
    queueAlert(rt, notice('n1'));
    // 'a' meets the global limit on its first send; 'b' sent n0 before anyone knew.
    const shared = new SharedRateLimitError('rate limited globally', { destination: 'a', status: 429, retryAfterMs: 4_000 }, 'discord:bot:x');
    const send = a.send.bind(a);
    let failed = false;
    a.send = async (alert, id, options) => {
      if (failed) return send(alert, id, options);
      failed = true;
      throw shared;
    };
    // No sleep: what may not go now is left to a later run, so the clock stands still within this one.
    await deliverDue(rt, { sinks, limiter });
    expect([a.times, b.times, other.times]).toEqual([[], [0], [0, 0]]); // b's n1 waits for a limit it never met itself
    rt.clock.advance(3_999);
    await deliverDue(rt, { sinks, limiter });
    expect([a.times, b.times]).toEqual([[], [0]]);
    rt.clock.advance(1);
    await deliverDue(rt, { sinks, limiter });
    expect([a.times, b.times]).toEqual([[4_000, 4_000], [0, 4_000]]);
  });

  it('GIVEN a 5xx with a shared limiter THEN alerts queued during the backoff do not probe the destination', async () => {
    const rt = await runtimeWith(['d'], (c) => (c.alerts.delivery.digestAfter = 0));
    const sink = new PacedSink('d', rt, []);
    const limiter = createRateLimiter(rt.clock);
    const sinks = new Map([['d', sink]]);
    let calls = 0;
    const send = sink.send.bind(sink);
    sink.send = async (alert, id, options) => {
      calls++;
      return send(alert, id, options);
    };
    sink.failNext('retry', 1);
    queueAlert(rt, notice('first'));
    await deliverDue(rt, { sinks, limiter, random: () => 1 });
    rt.clock.advance(1_000);
    queueAlert(rt, notice('second')); // due now, but the destination is backing off until 5 s
    await deliverDue(rt, { sinks, limiter, random: () => 1 });
    expect(calls).toBe(1);
    rt.clock.advance(4_000);
    await deliverDue(rt, { sinks, limiter, random: () => 1 });
    expect(sink.sent.map((s) => s.alert.key)).toEqual(['first', 'second']);
    expect(sink.times).toEqual([5_000, 5_000]);
  });

  it('GIVEN 429 after 429 THEN the run gives up on that destination for now instead of looping', async () => {
    const rt = await runtimeWith(['d']);
    const sink = new PacedSink('d', rt, []);
    sink.failNext('wait', 10, 1_000);
    queueAlert(rt, notice('one'));
    const result = await deliverDue(rt, { sinks: new Map([['d', sink]]), sleep: virtualSleep(rt) });
    expect(result.failed).toBe(3);
    expect(result.sent).toBe(0);
    expect(rt.store.deliveryCounts()).toEqual({ pending: 1, sent: 0, dead: 0 });
  });

  it('GIVEN shutdown while waiting for a slot THEN the run ends and nothing more is sent', async () => {
    const rt = await runtimeWith(['d'], (c) => (c.alerts.delivery.digestAfter = 0));
    const sink = new PacedSink('d', rt, [{ scope: 'c', limit: 1, windowMs: 1000 }]);
    for (let i = 0; i < 3; i++) queueAlert(rt, notice(`n${i}`));
    const stop = new AbortController();
    const sleep: Sleep = async () => stop.abort(); // shutdown arrives during the first wait
    const result = await deliverDue(rt, { sinks: new Map([['d', sink]]), sleep, signal: stop.signal });
    expect(result.sent).toBe(1);
    expect(rt.store.deliveryCounts().pending).toBe(2);
  });

  it('GIVEN a sleep that does not move the clock THEN the run stops instead of spinning', async () => {
    const rt = await runtimeWith(['d'], (c) => (c.alerts.delivery.digestAfter = 0));
    const sink = new PacedSink('d', rt, [{ scope: 'c', limit: 1, windowMs: 1000 }]);
    queueAlert(rt, notice('a'));
    queueAlert(rt, notice('b'));
    const result = await deliverDue(rt, { sinks: new Map([['d', sink]]), sleep: async () => {} });
    expect(result.sent).toBe(1);
    expect(rt.store.dueDeliveries(NOW + 1000, 10)).toHaveLength(1);
  });

  it('GIVEN a 5xx THEN retried after a jittered, capped backoff, holding the destination meanwhile', async () => {
    const rt = await runtimeWith(['d']);
    const sink = new PacedSink('d', rt, []);
    sink.failNext('retry', 2);
    queueAlert(rt, notice('one'));
    const sinks = new Map([['d', sink]]);
    await deliverDue(rt, { sinks, random: () => 0 });
    expect(rt.store.dueDeliveries(NOW + 2_499, 10)).toEqual([]); // 5 s capped, jitter 0 → half of it
    rt.clock.advance(2_500);
    await deliverDue(rt, { sinks, random: () => 0 });
    rt.clock.advance(4_999);
    expect((await deliverDue(rt, { sinks, random: () => 0 })).sent).toBe(0);
    rt.clock.advance(1);
    expect((await deliverDue(rt, { sinks, random: () => 0 })).sent).toBe(1);
  });
});

describe('retryDelayMs', () => {
  it.each([
    { attempts: 1, random: 0, expected: 2_500 },
    { attempts: 1, random: 1, expected: 5_000 },
    { attempts: 3, random: 0.5, expected: 15_000 },
    { attempts: 10, random: 1, expected: 30 * 60_000 },
    { attempts: 10, random: 0, expected: 15 * 60_000 },
    { attempts: 50, random: 0.999, expected: 1_799_100 },
  ])('GIVEN attempt $attempts and jitter $random THEN $expected ms', ({ attempts, random, expected }) => {
    expect(retryDelayMs(attempts, 30, () => random)).toBe(expected);
  });

  it('GIVEN any jitter THEN the delay stays between half the capped delay and the cap', () => {
    for (let attempts = 1; attempts < 30; attempts++) {
      for (const r of [0, 0.1, 0.5, 0.9, 0.999999]) {
        const delay = retryDelayMs(attempts, 30, () => r);
        expect(delay).toBeGreaterThanOrEqual(Math.min(30 * 60_000, 5_000 * 2 ** (attempts - 1)) / 2);
        expect(delay).toBeLessThanOrEqual(30 * 60_000);
      }
    }
  });
});
