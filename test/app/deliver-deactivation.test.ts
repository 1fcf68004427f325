import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { PARKED_UNTIL_MS } from '../../src/app/chat-store.ts';
import { deliverDue } from '../../src/app/deliver.ts';
import { queueAlert } from '../../src/app/runtime.ts';
import type { NoticeAlert } from '../../src/domain/alert.ts';
import { RecordingSink } from '../fakes/recording-sink.ts';
import { testRuntime } from '../fakes/runtime.ts';

const NOW = Date.UTC(2025, 3, 10, 12);
const notice = (key: string): NoticeAlert => ({ kind: 'notice', key, createdAt: NOW, severity: 'low', reason: 'test', title: key, text: 'hello' });
const tempDb = () => path.join(mkdtempSync(path.join(tmpdir(), 'radar-deliver-')), 'radar.db');
const RULES = [
  { id: 'gone', minSeverity: 'low' as const },
  { id: 'ok', minSeverity: 'low' as const },
];

describe('deliverDue deactivation', () => {
  it('GIVEN a permanent refusal THEN the destination stays deactivated across a restart, its alerts are kept, and admins are told once', async () => {
    const file = tempDb();
    const first = await testRuntime({ now: NOW, store: openSqliteStore(file), destinations: RULES });
    const gone = new RecordingSink('gone');
    const ok = new RecordingSink('ok');
    gone.failNext('disable');
    queueAlert(first, notice('one'));
    queueAlert(first, notice('two'));
    const result = await deliverDue(first, { sinks: new Map([['gone', gone], ['ok', ok]]) });
    expect(result.deactivated).toEqual(['gone']);
    expect([...first.store.deactivatedDestinations().keys()]).toEqual(['gone']);
    expect(first.store.deactivatedDestinations().get('gone')).toEqual({ at: NOW, reason: 'injected disable' });
    first.store.close();

    // A new process an hour later: no attempt at 'gone', no second notice.
    const second = await testRuntime({ now: NOW + 3_600_000, store: openSqliteStore(file), destinations: RULES });
    const gone2 = new RecordingSink('gone');
    const ok2 = new RecordingSink('ok');
    queueAlert(second, notice('three'));
    await deliverDue(second, { sinks: new Map([['gone', gone2], ['ok', ok2]]) });
    expect(gone2.sent).toEqual([]);
    const okKeys = [...ok.sent, ...ok2.sent].map((s) => s.alert.key);
    expect(okKeys.filter((k) => k.startsWith('destination-deactivated:gone:'))).toHaveLength(1);
    expect(okKeys).toEqual(expect.arrayContaining(['one', 'two', 'three']));
    expect(second.store.destinationStates().find((s) => s.destination === 'gone')).toMatchObject({ deactivatedAt: NOW, pending: 3 });
    // Parked, so they never crowd the due batch shared with the other destinations.
    expect(second.store.dueDeliveries(PARKED_UNTIL_MS - 1, 100).filter((d) => d.destination === 'gone')).toEqual([]);

    // The admin fixes access and re-activates it: everything kept is delivered, in order.
    expect(second.store.reactivateDestination('gone', second.clock.now())).toBe(true);
    expect(second.store.reactivateDestination('gone', second.clock.now())).toBe(false);
    await deliverDue(second, { sinks: new Map([['gone', gone2], ['ok', ok2]]) });
    expect(gone2.sent.map((s) => s.alert.key)).toEqual(['one', 'two', 'three']);
    expect(second.store.destinationStates().find((s) => s.destination === 'gone')).toMatchObject({ deactivatedAt: undefined, reactivatedAt: NOW + 3_600_000, pending: 0, sent: 3 });
    second.store.close();
  });

  it('GIVEN every destination refuses THEN the error log is the only word, and nothing is queued for nobody', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'only', minSeverity: 'low' }] });
    const only = new RecordingSink('only');
    only.failNext('disable');
    queueAlert(rt, notice('one'));
    await deliverDue(rt, { sinks: new Map([['only', only]]) });
    expect(rt.log.records.filter((r) => r.level === 'error').map((r) => r.msg)).toEqual([
      expect.stringContaining('deactivated it'),
      expect.stringContaining('no other destination to tell'),
    ]);
    expect(rt.store.deliveryCounts()).toEqual({ pending: 1, sent: 0, dead: 0 });
  });

  it('GIVEN a notice destination that excludes notices THEN it is not told', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'gone', minSeverity: 'low' }, { id: 'moves-only', kinds: ['move'], minSeverity: 'low' }, { id: 'ok', minSeverity: 'high' }] });
    const gone = new RecordingSink('gone');
    gone.failNext('disable');
    queueAlert(rt, notice('one'));
    const sinks = new Map([['gone', gone], ['moves-only', new RecordingSink('moves-only')], ['ok', new RecordingSink('ok')]]);
    await deliverDue(rt, { sinks });
    await deliverDue(rt, { sinks });
    expect(sinks.get('moves-only')!.sent).toEqual([]);
    // Notices go to every destination that takes them, whatever its minimum severity.
    expect(sinks.get('ok')!.sent.map((s) => s.alert.kind)).toEqual(['notice', 'notice']);
  });

  it('GIVEN a destination without a sink THEN its alerts are kept and retried hourly, not deactivated', async () => {
    const rt = await testRuntime({ now: NOW, destinations: [{ id: 'unwired', minSeverity: 'low' }] });
    queueAlert(rt, notice('one'));
    await deliverDue(rt, { sinks: new Map() });
    expect(rt.store.deactivatedDestinations().size).toBe(0);
    expect(rt.store.dueDeliveries(NOW + 3_599_999, 10)).toEqual([]);
    expect(rt.store.dueDeliveries(NOW + 3_600_000, 10)).toHaveLength(1);
  });

  it('GIVEN a reactivation of an unknown destination THEN false', async () => {
    const rt = await testRuntime({ now: NOW });
    expect(rt.store.reactivateDestination('nobody')).toBe(false);
  });
});
