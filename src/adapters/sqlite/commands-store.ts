/** SQLite tables of the commands area (subscriptions, overrides, audit); see migrations/005-commands.ts. */
import type Database from 'better-sqlite3';
import type { AuditEntry, AuditRecord, CommandsStore, ConfigOverride, Platform } from '../../app/commands-store.ts';
import { subscriptionSchema, type Subscription } from '../../app/commands/subscription.ts';
import type { Alert, MoveAlert } from '../../domain/alert.ts';

type Row = Record<string, unknown>;

const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const parseJson = (v: unknown): unknown => (v === null || v === undefined ? undefined : JSON.parse(String(v)));

export function createSqliteCommandsStore(db: Database.Database): CommandsStore {
  const q = {
    subscription: db.prepare('SELECT settings FROM subscriptions WHERE destination = ?'),
    subscriptions: db.prepare('SELECT settings FROM subscriptions ORDER BY destination'),
    saveSubscription: db.prepare(`
      INSERT INTO subscriptions (destination, settings, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (destination) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`),
    deleteSubscription: db.prepare('DELETE FROM subscriptions WHERE destination = ?'),
    overrides: db.prepare('SELECT key, value, updated_at, platform, user_id, user_name FROM config_overrides ORDER BY id'),
    // Updating in place keeps the row id, and so the override's place in the apply order.
    setOverride: db.prepare(`
      INSERT INTO config_overrides (key, value, updated_at, platform, user_id, user_name)
      VALUES (@key, @value, @updatedAt, @platform, @userId, @userName)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
        platform = excluded.platform, user_id = excluded.user_id, user_name = excluded.user_name`),
    removeOverride: db.prepare('DELETE FROM config_overrides WHERE key = ?'),
    audit: db.prepare(`
      INSERT INTO audit_log (at, platform, user_id, user_name, action, target, old_value, new_value, outcome, detail)
      VALUES (@at, @platform, @userId, @userName, @action, @target, @oldValue, @newValue, @outcome, @detail)`),
    auditLog: db.prepare(`
      SELECT * FROM audit_log
      WHERE (@target IS NULL OR target = @target) AND (@prefix IS NULL OR substr(target, 1, length(@prefix)) = @prefix)
      ORDER BY id DESC LIMIT @limit`),
    latestMove: db.prepare(`SELECT payload FROM alerts WHERE kind = 'move' AND symbol = ? ORDER BY created_at DESC, id DESC LIMIT 1`),
    movesSince: db.prepare(`SELECT payload FROM alerts WHERE kind = 'move' AND created_at >= ? ORDER BY created_at DESC, id DESC`),
  };

  const writeAudit = (e: AuditEntry) =>
    q.audit.run({
      at: e.at,
      platform: e.actor.platform,
      userId: e.actor.userId,
      userName: e.actor.userName ?? null,
      action: e.action,
      target: e.target,
      oldValue: json(e.oldValue),
      newValue: json(e.newValue),
      outcome: e.outcome,
      detail: e.detail ?? null,
    });

  /** Stored rows are re-validated: a row written by hand or by an older build must not crash delivery. */
  const readSubscription = (r: Row | undefined): Subscription | undefined => {
    if (!r) return undefined;
    const parsed = subscriptionSchema.safeParse(parseJson(r.settings));
    return parsed.success ? parsed.data : undefined;
  };

  const saveSubscription = db.transaction((destination: string, subscription: Subscription | undefined, audit: AuditEntry) => {
    if (subscription) q.saveSubscription.run(destination, JSON.stringify(subscription), audit.at);
    else q.deleteSubscription.run(destination);
    writeAudit(audit);
  });

  const setOverride = db.transaction((o: ConfigOverride, audit: AuditEntry) => {
    q.setOverride.run({
      key: o.key,
      value: JSON.stringify(o.value),
      updatedAt: o.updatedAt,
      platform: o.updatedBy.platform,
      userId: o.updatedBy.userId,
      userName: o.updatedBy.userName ?? null,
    });
    writeAudit(audit);
  });

  const removeOverride = db.transaction((key: string, audit: AuditEntry): boolean => {
    const removed = q.removeOverride.run(key).changes > 0;
    if (removed) writeAudit(audit);
    return removed;
  });

  const asMove = (r: Row | undefined): MoveAlert | undefined => {
    if (!r) return undefined;
    const alert = parseJson(r.payload) as Alert;
    return alert.kind === 'move' ? alert : undefined;
  };

  return {
    getSubscription: (destination) => readSubscription(q.subscription.get(destination) as Row | undefined),
    listSubscriptions: () => (q.subscriptions.all() as Row[]).map(readSubscription).filter((s): s is Subscription => s !== undefined),
    saveSubscription: (destination, subscription, audit) => saveSubscription(destination, subscription, audit),
    listOverrides: () =>
      (q.overrides.all() as Row[]).map((r) => ({
        key: String(r.key),
        value: parseJson(r.value),
        updatedAt: Number(r.updated_at),
        updatedBy: { platform: r.platform as Platform, userId: String(r.user_id), ...(r.user_name !== null ? { userName: String(r.user_name) } : {}) },
      })),
    setOverride: (override, audit) => setOverride(override, audit),
    removeOverride: (key, audit) => removeOverride(key, audit),
    recordAudit: (entry) => void writeAudit(entry),
    auditLog(options = {}): AuditRecord[] {
      const rows = q.auditLog.all({ target: options.target ?? null, prefix: options.targetPrefix ?? null, limit: options.limit ?? 100 }) as Row[];
      return rows.map((r) => ({
        id: Number(r.id),
        at: Number(r.at),
        actor: { platform: r.platform as Platform, userId: String(r.user_id), ...(r.user_name !== null ? { userName: String(r.user_name) } : {}) },
        action: String(r.action),
        target: String(r.target),
        ...(r.old_value !== null ? { oldValue: parseJson(r.old_value) } : {}),
        ...(r.new_value !== null ? { newValue: parseJson(r.new_value) } : {}),
        outcome: r.outcome as AuditRecord['outcome'],
        ...(r.detail !== null ? { detail: String(r.detail) } : {}),
      }));
    },
    latestMoveAlert: (symbol) => asMove(q.latestMove.get(symbol) as Row | undefined),
    moveAlertsSince: (sinceMs) => (q.movesSince.all(sinceMs) as Row[]).map(asMove).filter((a): a is MoveAlert => a !== undefined),
  };
}
