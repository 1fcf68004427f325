import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { deliverDue } from '../../src/app/deliver.ts';
import { defaultSubscription } from '../../src/app/commands/subscription.ts';
import { queueAlert } from '../../src/app/runtime.ts';
import type { NoticeAlert } from '../../src/domain/alert.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';
import { testRuntime } from '../fakes/runtime.ts';

const NOW = Date.UTC(2025, 3, 10, 12);
const notice = (key: string): NoticeAlert => ({ kind: 'notice', key, createdAt: NOW, severity: 'low', reason: 'test', title: key, text: 'hello' });

describe('deliverDue', () => {
  it('GIVEN queued alerts THEN each destination gets each alert once, in order', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'a', minSeverity: 'low' }, { id: 'b', minSeverity: 'low' }] });
    const sinks = new Map([['a', new RecordingSink('a')], ['b', new RecordingSink('b')]]);
    queueAlert(rt, notice('one'));
    queueAlert(rt, notice('two'));
    expect(queueAlert(rt, notice('one'))).toBe(false); // same key: duplicate
    await deliverDue(rt, { sinks });
    await deliverDue(rt, { sinks });
    expect(sinks.get('a')!.sent.map((s) => s.alert.key)).toEqual(['one', 'two']);
    expect(sinks.get('b')!.sent.map((s) => s.alert.key)).toEqual(['one', 'two']);
    expect(rt.store.deliveryCounts()).toEqual({ pending: 0, sent: 4, dead: 0 });
  });

  it('GIVEN a rate limit THEN waits exactly as told, then delivers', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'a', minSeverity: 'low' }] });
    const sink = new RecordingSink('a');
    sink.failNext('wait', 1, 3_000);
    queueAlert(rt, notice('one'));
    queueAlert(rt, notice('two'));
    await deliverDue(rt, { sinks: new Map([['a', sink]]) });
    expect(sink.sent).toEqual([]);
    rt.clock.advance(2_999);
    await deliverDue(rt, { sinks: new Map([['a', sink]]) });
    expect(sink.sent).toEqual([]);
    rt.clock.advance(1);
    await deliverDue(rt, { sinks: new Map([['a', sink]]) });
    expect(sink.sent.map((s) => s.alert.key)).toEqual(['one', 'two']);
  });

  it('GIVEN one destination failing THEN the other still gets everything', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'down', minSeverity: 'low' }, { id: 'up', minSeverity: 'low' }] });
    const down = new RecordingSink('down');
    const up = new RecordingSink('up');
    down.failNext('retry', 100);
    queueAlert(rt, notice('one'));
    const result = await deliverDue(rt, { sinks: new Map([['down', down], ['up', up]]) });
    expect(result).toMatchObject({ sent: 1, failed: 1 });
    expect(up.sent).toHaveLength(1);
    expect(rt.store.deliveryCounts()).toEqual({ pending: 1, sent: 1, dead: 0 });
  });

  it('GIVEN a refusing destination THEN deactivates it, keeps its alerts and tells the other destinations', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'gone', minSeverity: 'low' }, { id: 'ok', minSeverity: 'low' }] });
    const gone = new RecordingSink('gone');
    const ok = new RecordingSink('ok');
    gone.failNext('disable');
    queueAlert(rt, notice('one'));
    const sinks = new Map([['gone', gone], ['ok', ok]]);
    const first = await deliverDue(rt, { sinks });
    await deliverDue(rt, { sinks });
    expect(first.deactivated).toEqual(['gone']);
    expect(ok.sent.map((s) => s.alert.key)).toEqual(['one', expect.stringMatching(/^destination-deactivated:gone:/)]);
    expect(rt.store.deliveryCounts().pending).toBe(1); // 'one', kept for 'gone'; the notice went to 'ok' only
    expect(rt.log.records.some((r) => r.level === 'error' && r.msg?.includes('deactivated'))).toBe(true);
  });

  it('GIVEN repeated retryable failures THEN marks the delivery dead after maxAttempts, never silently', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'a', minSeverity: 'low' }], edit: (c) => (c.alerts.delivery.maxAttempts = 3) });
    const sink = new RecordingSink('a');
    sink.failNext('retry', 3);
    queueAlert(rt, notice('one'));
    for (let i = 0; i < 3; i++) {
      await deliverDue(rt, { sinks: new Map([['a', sink]]) });
      rt.clock.advance(60 * 60_000);
    }
    expect(rt.store.deliveryCounts()).toEqual({ pending: 0, sent: 0, dead: 1 });
    expect(rt.log.records.some((r) => r.level === 'error' && r.msg?.includes('giving up'))).toBe(true);
  });

  it.each([
    { name: 'no subscription', subscription: undefined, at: NOW, silent: false },
    { name: 'notices set to silent', subscription: { kinds: { notice: 'silent' as const } }, at: NOW, silent: true },
    { name: 'quiet hours now', subscription: { quietHours: { from: '11:00', to: '13:00' } }, at: NOW, silent: true },
    { name: 'quiet hours over', subscription: { quietHours: { from: '11:00', to: '13:00' } }, at: NOW + 2 * 3_600_000, silent: false },
  ])('GIVEN $name THEN the sink is told silent: $silent', async ({ subscription, at, silent }) => {
    const rt = await testRuntime({ now: at, destinations: [{ id: 'a', minSeverity: 'low' }] });
    if (subscription) {
      const audit = { at, actor: { platform: 'cli' as const, userId: 'test' }, action: 'test', target: 'subscription:a', outcome: 'applied' as const };
      rt.store.saveSubscription('a', { ...defaultSubscription('a'), ...subscription }, audit);
    }
    const sink = new RecordingSink('a');
    queueAlert(rt, notice('one'));
    await deliverDue(rt, { sinks: new Map([['a', sink]]) });
    expect(sink.sent.map((s) => [s.alert.key, s.silent])).toEqual([['one', silent]]);
  });

  it('GIVEN a restart between queueing and delivery THEN the new process delivers what was queued', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'radar-db-')), 'radar.db');
    const first = await testRuntime({ now: NOW, store: openSqliteStore(file), destinations: [{ id: 'a', minSeverity: 'low' }] });
    queueAlert(first, notice('survives'));
    first.store.close();
    const second = await testRuntime({ now: NOW + 1000, store: openSqliteStore(file), destinations: [{ id: 'a', minSeverity: 'low' }] });
    const sink = new RecordingSink('a');
    await deliverDue(second, { sinks: new Map([['a', sink]]) });
    expect(sink.sent.map((s) => s.alert.key)).toEqual(['survives']);
    expect(sink.sent[0]!.deliveryId).toMatch(/^\d+:a$/);
  });
});
