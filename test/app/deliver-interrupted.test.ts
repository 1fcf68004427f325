/**
 * Sends interrupted by the process dying: each send is on record before the
 * platform can see it, and the restarted process re-sends such a delivery
 * flagged `resent`, unless the platform drops the repeat itself (a Discord
 * bot's nonce, inside its window).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { deliverDue } from '../../src/app/deliver.ts';
import type { DeliverySink } from '../../src/app/delivery-sink.ts';
import type { SendOptions } from '../../src/app/ports.ts';
import { queueAlert } from '../../src/app/runtime.ts';
import type { InterruptedDelivery } from '../../src/app/store.ts';
import type { NoticeAlert } from '../../src/domain/alert.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';
import { testRuntime } from '../fakes/runtime.ts';

const NOW = Date.UTC(2025, 3, 10, 12);
const WINDOW_MS = 120_000;
const notice = (key: string): NoticeAlert => ({ kind: 'notice', key, createdAt: NOW, severity: 'low', reason: 'test', title: key, text: 'hello' });
const tempDb = () => path.join(mkdtempSync(path.join(tmpdir(), 'radar-interrupted-')), 'radar.db');
const RULES = [{ id: 'a', minSeverity: 'low' as const }];

/** A send that reaches the platform and never returns: the process dies before it learns the outcome. */
function dyingSink(id: string): DeliverySink & { started: string[] } {
  const started: string[] = [];
  return {
    id,
    started,
    send: (alert) => {
      started.push(alert.key);
      return new Promise<void>(() => undefined);
    },
  };
}

/** A RecordingSink that says how long its platform drops a repeated delivery id. */
function idempotentSink(id: string, windowMs: number): RecordingSink & DeliverySink {
  return Object.assign(new RecordingSink(id), { idempotencyWindowMs: windowMs });
}

/** The first process queues `keys` and dies while the first one is being sent; returns the database file. */
async function dieDuringFirstSend(keys: readonly string[]): Promise<string> {
  const file = tempDb();
  const first = await testRuntime({ now: NOW, store: openSqliteStore(file), destinations: RULES });
  for (const key of keys) queueAlert(first, notice(key));
  const sink = dyingSink('a');
  void deliverDue(first, { sinks: new Map([['a', sink]]) });
  await Promise.resolve();
  expect(sink.started).toEqual([keys[0]]);
  return file;
}

describe('deliverDue and interrupted sends', () => {
  it('GIVEN a send THEN it is on record as in flight while the platform has it, and no longer once it is sent', async () => {
    const rt = await testRuntime({ now: NOW, destinations: RULES });
    queueAlert(rt, notice('one'));
    const during: InterruptedDelivery[][] = [];
    const inspecting: DeliverySink = { id: 'a', send: async () => void during.push(rt.store.interruptedDeliveries()) };
    await deliverDue(rt, { sinks: new Map([['a', inspecting]]) });
    expect(during).toEqual([[expect.objectContaining({ destination: 'a', attemptingAt: NOW })]]);
    expect(rt.store.interruptedDeliveries()).toEqual([]);
    expect(rt.store.deliveryCounts()).toEqual({ pending: 0, sent: 1, dead: 0 });
  });

  it('GIVEN the process died during a send THEN the next one re-sends that alert flagged resent, and the others not', async () => {
    const file = await dieDuringFirstSend(['one', 'two']);
    const second = await testRuntime({ now: NOW + 1_000, store: openSqliteStore(file), destinations: RULES });
    expect(second.store.interruptedDeliveries()).toEqual([expect.objectContaining({ destination: 'a', attemptingAt: NOW })]);
    const sink = new RecordingSink('a');
    await deliverDue(second, { sinks: new Map([['a', sink]]) });
    expect(sink.sent.map((s) => [s.alert.key, s.resent])).toEqual([
      ['one', true],
      ['two', false],
    ]);
    expect(second.store.interruptedDeliveries()).toEqual([]);
    second.store.close();
  });

  it.each([
    { name: 'inside the platform\'s duplicate window', after: WINDOW_MS - 1, resent: false },
    { name: 'once the window is over', after: WINDOW_MS, resent: true },
  ])('GIVEN a platform that drops a repeated delivery id for a while THEN a re-send $name is flagged resent: $resent', async ({ after, resent }) => {
    const file = await dieDuringFirstSend(['one']);
    const second = await testRuntime({ now: NOW + after, store: openSqliteStore(file), destinations: RULES });
    const sink = idempotentSink('a', WINDOW_MS);
    await deliverDue(second, { sinks: new Map([['a', sink]]) });
    expect(sink.sent.map((s) => [s.alert.key, s.resent])).toEqual([['one', resent]]);
    second.store.close();
  });

  it.each([
    { name: 'a rate limit (429)', action: 'wait' as const },
    { name: 'a failure that is recorded (5xx)', action: 'retry' as const },
  ])('GIVEN a send that ended in $name THEN its retry is not flagged resent', async ({ action }) => {
    const rt = await testRuntime({ now: NOW, destinations: RULES });
    queueAlert(rt, notice('one'));
    const sink = new RecordingSink('a');
    sink.failNext(action, 1, 1_000);
    await deliverDue(rt, { sinks: new Map([['a', sink]]) });
    expect(rt.store.interruptedDeliveries()).toEqual([]);
    rt.clock.advance(60 * 60_000);
    await deliverDue(rt, { sinks: new Map([['a', sink]]) });
    expect(sink.sent.map((s) => [s.alert.key, s.resent])).toEqual([['one', false]]);
  });

  it('GIVEN a destination deactivated by a refusal THEN its kept alert is not flagged resent once re-activated', async () => {
    const rt = await testRuntime({ now: NOW, destinations: RULES });
    queueAlert(rt, notice('one'));
    const sink = new RecordingSink('a');
    sink.failNext('disable');
    await deliverDue(rt, { sinks: new Map([['a', sink]]) });
    expect(rt.store.interruptedDeliveries()).toEqual([]);
    rt.store.reactivateDestination('a', rt.clock.now());
    await deliverDue(rt, { sinks: new Map([['a', sink]]) });
    expect(sink.sent.map((s) => [s.alert.key, s.resent])).toEqual([['one', false]]);
  });

  it('GIVEN options reach the sink THEN silent and resent travel together', async () => {
    const file = await dieDuringFirstSend(['one']);
    const second = await testRuntime({ now: NOW + 1_000, store: openSqliteStore(file), destinations: RULES });
    const seen: (SendOptions | undefined)[] = [];
    await deliverDue(second, { sinks: new Map([['a', { id: 'a', send: async (_alert, _id, options) => void seen.push(options) }]]) });
    expect(seen).toEqual([{ silent: false, resent: true }]);
    second.store.close();
  });
});
