import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../../src/adapters/sqlite/sqlite-store.ts';
import type { AuditEntry } from '../../../src/app/commands-store.ts';
import { defaultSubscription } from '../../../src/app/commands/subscription.ts';
import { SAMPLE_NOW, sampleMoveAlert, sampleStoryAlert } from '../../fakes/sample-alerts.ts';

const alice = { platform: 'discord' as const, userId: '42', userName: 'alice' };
const audit = (target: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({ at: SAMPLE_NOW, actor: alice, action: 'test', target, outcome: 'applied', ...extra });

describe('SQLite commands store', () => {
  it('GIVEN a subscription saved THEN it reads back, survives reopening, and deleting writes an audit entry too', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'radar-cmd-')), 'radar.db');
    const store = openSqliteStore(file);
    const sub = { ...defaultSubscription('tg-main'), tokens: ['TAO'], quietHours: { from: '22:00', to: '07:00' }, timeZone: 'Europe/Berlin' };
    store.saveSubscription('tg-main', sub, audit('subscription:tg-main', { newValue: sub }));
    store.close();

    const reopened = openSqliteStore(file);
    expect(reopened.getSubscription('tg-main')).toEqual(sub);
    expect(reopened.listSubscriptions()).toEqual([sub]);
    reopened.saveSubscription('tg-main', undefined, audit('subscription:tg-main', { oldValue: sub }));
    expect(reopened.getSubscription('tg-main')).toBeUndefined();
    expect(reopened.auditLog({ target: 'subscription:tg-main' }).map((r) => [r.oldValue === undefined, r.newValue === undefined])).toEqual([
      [false, true],
      [true, false],
    ]);
    reopened.close();
  });

  it('GIVEN overrides updated THEN each keeps its first place in the order', () => {
    const store = openSqliteStore(':memory:');
    const set = (key: string, value: unknown, at: number) => store.setOverride({ key, value, updatedAt: at, updatedBy: alice }, audit(key, { at, newValue: value }));
    set('alerts.moves.cooldownMinutes', 60, 1);
    set('alerts.moves.muted', ['WLD'], 2);
    set('alerts.moves.cooldownMinutes', 30, 3);
    expect(store.listOverrides()).toEqual([
      { key: 'alerts.moves.cooldownMinutes', value: 30, updatedAt: 3, updatedBy: alice },
      { key: 'alerts.moves.muted', value: ['WLD'], updatedAt: 2, updatedBy: alice },
    ]);
    expect(store.removeOverride('alerts.moves.muted', audit('alerts.moves.muted'))).toBe(true);
    expect(store.removeOverride('alerts.moves.muted', audit('alerts.moves.muted'))).toBe(false);
    // Three sets and one removal were audited; the no-op removal was not.
    expect(store.auditLog().map((r) => r.target)).toEqual(['alerts.moves.muted', 'alerts.moves.cooldownMinutes', 'alerts.moves.muted', 'alerts.moves.cooldownMinutes']);
    expect(store.auditLog({ targetPrefix: 'alerts.moves.c', limit: 1 })).toMatchObject([{ target: 'alerts.moves.cooldownMinutes', newValue: 30 }]);
  });

  it('GIVEN refused attempts THEN they are audited with their reason and no value', () => {
    const store = openSqliteStore(':memory:');
    store.recordAudit(audit('alerts', { outcome: 'refused', detail: 'not an admin' }));
    expect(store.auditLog()).toEqual([{ id: 1, at: SAMPLE_NOW, actor: alice, action: 'test', target: 'alerts', outcome: 'refused', detail: 'not an admin' }]);
  });

  it('GIVEN move and story alerts THEN the latest move per token and the moves of a period are found', () => {
    const store = openSqliteStore(':memory:');
    const older = sampleMoveAlert({ key: 'm1', createdAt: SAMPLE_NOW - 7_200_000 });
    const newer = sampleMoveAlert({ key: 'm2', createdAt: SAMPLE_NOW, move: { ...older.move, direction: 'down', return: -0.2 } });
    const other = sampleMoveAlert({ key: 'm3', createdAt: SAMPLE_NOW - 3_600_000, move: { ...older.move, symbol: 'AKT' } });
    for (const a of [older, newer, other, sampleStoryAlert()]) store.enqueueAlert(a, []);
    expect(store.latestMoveAlert('TAO')?.key).toBe('m2');
    expect(store.latestMoveAlert('FET')).toBeUndefined();
    expect(store.moveAlertsSince(SAMPLE_NOW - 3_600_000).map((a) => a.key)).toEqual(['m2', 'm3']);
  });
});
