/**
 * One alert the platform refuses outright (HTTP 400: too long, bad markup, even
 * in the sink's plain form) must not hold its destination: the others go on,
 * that alert is retried alone on its own backoff, then marked dead (kept in the
 * outbox) with an admin notice naming it and the platform's words.
 */
import { describe, expect, it } from 'vitest';
import { deliverDue, type DeliveryDeps } from '../../src/app/deliver.ts';
import { queueAlert } from '../../src/app/runtime.ts';
import type { NoticeAlert } from '../../src/domain/alert.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';
import { testRuntime, type TestRuntime } from '../fakes/runtime.ts';

const NOW = Date.UTC(2025, 3, 10, 12);
const MINUTE = 60_000;
const notice = (key: string, title = key): NoticeAlert => ({ kind: 'notice', key, createdAt: NOW, severity: 'low', reason: 'test', title, text: 'hello' });
const RULES = [
  { id: 'tg', minSeverity: 'low' as const },
  { id: 'other', minSeverity: 'low' as const },
];
/** Jitter pinned to the top: each backoff is exactly its capped value. */
const deps = (sinks: RecordingSink[]): DeliveryDeps => ({ sinks: new Map(sinks.map((s) => [s.id, s])), random: () => 1 });

async function refusedSetup(edit?: Parameters<typeof testRuntime>[0]['edit']): Promise<{ rt: TestRuntime; tg: RecordingSink; other: RecordingSink }> {
  const rt = await testRuntime({ now: NOW, destinations: RULES, edit });
  const tg = new RecordingSink('tg');
  const other = new RecordingSink('other');
  tg.refuse('bad', 'Bad Request: message is too long (HTTP 400)');
  queueAlert(rt, notice('bad', 'The alert Telegram will not take'));
  queueAlert(rt, notice('two'));
  queueAlert(rt, notice('three'));
  return { rt, tg, other };
}

describe('deliverDue and an alert the platform refuses', () => {
  it('GIVEN the first alert of a queue is refused THEN the ones behind it are delivered in the same run, and the destination is not held', async () => {
    const { rt, tg, other } = await refusedSetup();
    const result = await deliverDue(rt, deps([tg, other]));
    expect(tg.sent.map((s) => s.alert.key)).toEqual(['two', 'three']);
    expect(other.sent.map((s) => s.alert.key)).toEqual(['bad', 'two', 'three']);
    expect(result).toMatchObject({ sent: 5, failed: 1, dead: 0, deactivated: [] });
    // A new alert goes out at once: no destination-wide backoff.
    queueAlert(rt, notice('four'));
    await deliverDue(rt, deps([tg, other]));
    expect(tg.sent.map((s) => s.alert.key)).toEqual(['two', 'three', 'four']);
    expect(rt.log.records.some((r) => r.level === 'warn' && r.msg?.includes('refused this alert; the others go on'))).toBe(true);
  });

  it('GIVEN it keeps being refused THEN it is retried alone after 1 then 2 minutes, then marked dead and the admins are told what and why', async () => {
    const { rt, tg, other } = await refusedSetup();
    await deliverDue(rt, deps([tg, other]));
    rt.clock.advance(MINUTE - 1);
    await deliverDue(rt, deps([tg, other]));
    expect(tg.attempts.filter((k) => k === 'bad')).toHaveLength(1);
    rt.clock.advance(1);
    await deliverDue(rt, deps([tg, other]));
    expect(tg.attempts.filter((k) => k === 'bad')).toHaveLength(2);
    rt.clock.advance(2 * MINUTE);
    const last = await deliverDue(rt, deps([tg, other]));
    expect(tg.attempts.filter((k) => k === 'bad')).toHaveLength(3);
    expect(last.dead).toBe(1);

    // Dead, not dropped: it stays in the outbox, counted per destination.
    expect(rt.store.destinationStates().find((s) => s.destination === 'tg')).toMatchObject({ dead: 1, pending: 1, sent: 2 });
    // The notice goes out on the next run, to both destinations (the refusing one still takes other alerts).
    await deliverDue(rt, deps([tg, other]));
    const told = (sink: RecordingSink) => sink.sent.filter((s) => s.alert.key.startsWith('delivery-refused:')).map((s) => s.alert as NoticeAlert);
    expect(told(other)).toHaveLength(1);
    expect(told(tg)).toEqual(told(other));
    const [said] = told(other);
    expect(said).toMatchObject({ severity: 'high', title: 'Alert not delivered to tg' });
    expect(said!.text).toContain('"The alert Telegram will not take" (bad) 3 times');
    expect(said!.text).toContain('Bad Request: message is too long (HTTP 400)');
    expect(rt.log.records.some((r) => r.level === 'error' && r.msg?.includes('stays in the outbox as dead'))).toBe(true);

    // Nothing more is tried for it.
    rt.clock.advance(24 * 60 * MINUTE);
    await deliverDue(rt, deps([tg, other]));
    expect(tg.attempts.filter((k) => k === 'bad')).toHaveLength(3);
  });

  it('GIVEN maxAttempts below the refusal limit THEN the lower one applies', async () => {
    const { rt, tg, other } = await refusedSetup((c) => (c.alerts.delivery.maxAttempts = 1));
    const result = await deliverDue(rt, deps([tg, other]));
    expect(result.dead).toBe(1);
    expect(rt.store.deliveryCounts().dead).toBe(1);
  });

  it('GIVEN the notice about a refused alert is refused too THEN no notice about the notice, and the log says so', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'tg', minSeverity: 'low' }], edit: (c) => (c.alerts.delivery.maxAttempts = 1) });
    const tg = new RecordingSink('tg');
    tg.refuse('bad');
    // Every notice about a refused alert is refused as well.
    tg.refuse('delivery-refused:tg:1');
    queueAlert(rt, notice('bad'));
    await deliverDue(rt, deps([tg]));
    await deliverDue(rt, deps([tg]));
    await deliverDue(rt, deps([tg]));
    expect(tg.attempts).toEqual(['bad', 'delivery-refused:tg:1']);
    expect(rt.store.deliveryCounts()).toEqual({ pending: 0, sent: 0, dead: 2 });
    expect(rt.log.records.some((r) => r.level === 'error' && r.msg?.includes('the notice about a refused alert was refused too'))).toBe(true);
  });

  it('GIVEN an outage after a refusal THEN the destination backs off from its own first step, not from the refused alert\'s count', async () => {
    const { rt, tg, other } = await refusedSetup();
    await deliverDue(rt, deps([tg, other]));
    tg.failNext('retry');
    queueAlert(rt, notice('four'));
    await deliverDue(rt, deps([tg, other]));
    // 5 s: the first step of the destination's ladder (jitter pinned to the top).
    expect(rt.store.dueDeliveries(NOW + 4_999, 10).filter((d) => d.destination === 'tg')).toEqual([]);
    expect(rt.store.dueDeliveries(NOW + 5_000, 10).filter((d) => d.destination === 'tg').map((d) => d.alert.key)).toEqual(['four']);
  });
});
