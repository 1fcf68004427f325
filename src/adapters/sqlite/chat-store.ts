/**
 * SQLite tables of the chat area (destination_state, deliveries.digest_alert_id);
 * see migrations/004-chat.ts. Synchronous transactions, prepared statements.
 */
import type Database from 'better-sqlite3';
import { PARKED_UNTIL_MS, type ChatStore, type DestinationState } from '../../app/chat-store.ts';
import type { Delivery } from '../../app/store.ts';
import type { Alert } from '../../domain/alert.ts';

type Row = Record<string, unknown>;
const opt = <T>(v: T | null | undefined): T | undefined => (v === null ? undefined : v);

export function createSqliteChatStore(db: Database.Database): ChatStore {
  const q = {
    deactivate: db.prepare(`
      INSERT INTO destination_state (destination, deactivated_at, deactivated_reason) VALUES (?, ?, ?)
      ON CONFLICT (destination) DO UPDATE SET deactivated_at = excluded.deactivated_at, deactivated_reason = excluded.deactivated_reason`),
    park: db.prepare(`UPDATE deliveries SET next_attempt_at = ? WHERE destination = ? AND status = 'pending'`),
    reactivate: db.prepare(`
      UPDATE destination_state SET deactivated_at = NULL, deactivated_reason = NULL, reactivated_at = ?
      WHERE destination = ? AND deactivated_at IS NOT NULL`),
    unpark: db.prepare(`UPDATE deliveries SET next_attempt_at = ? WHERE destination = ? AND status = 'pending'`),
    deactivated: db.prepare(`SELECT destination, deactivated_at, deactivated_reason FROM destination_state WHERE deactivated_at IS NOT NULL`),
    states: db.prepare(`
      WITH names AS (SELECT destination FROM deliveries UNION SELECT destination FROM destination_state),
      counts AS (
        SELECT destination,
               SUM(status = 'pending') AS pending, SUM(status = 'sent') AS sent, SUM(status = 'dead') AS dead,
               SUM(digest_alert_id IS NOT NULL) AS via_digest, MAX(sent_at) AS last_sent_at
        FROM deliveries GROUP BY destination)
      SELECT n.destination, s.deactivated_at, s.deactivated_reason, s.reactivated_at,
             c.pending, c.sent, c.dead, c.via_digest, c.last_sent_at
      FROM names n LEFT JOIN destination_state s USING (destination) LEFT JOIN counts c USING (destination)
      ORDER BY n.destination`),
    pendingCounts: db.prepare(`SELECT destination, COUNT(*) AS n FROM deliveries WHERE status = 'pending' GROUP BY destination`),
    pendingFor: db.prepare(`
      SELECT d.id, d.alert_id, d.destination, d.attempts, d.refusals, d.attempting_at, a.payload
      FROM deliveries d JOIN alerts a ON a.id = d.alert_id
      WHERE d.destination = ? AND d.status = 'pending'
      ORDER BY a.created_at, d.id LIMIT ?`),
    insertAlert: db.prepare(`
      INSERT INTO alerts (key, kind, symbol, direction, story_id, severity, created_at, payload)
      VALUES (@key, @kind, NULL, NULL, NULL, @severity, @createdAt, @payload)
      ON CONFLICT (key) DO NOTHING`),
    insertDelivery: db.prepare(`INSERT INTO deliveries (alert_id, destination, status, next_attempt_at) VALUES (?, ?, 'pending', ?)`),
    markCoalesced: db.prepare(`
      UPDATE deliveries SET status = 'sent', sent_at = ?, digest_alert_id = ?, last_error = NULL
      WHERE id = ? AND destination = ? AND status = 'pending'`),
  };

  const deactivate = db.transaction((destination: string, reason: string, nowMs: number) => {
    q.deactivate.run(destination, nowMs, reason.slice(0, 1000));
    q.park.run(PARKED_UNTIL_MS, destination);
  });

  const reactivate = db.transaction((destination: string, nowMs: number): boolean => {
    if (q.reactivate.run(nowMs, destination).changes === 0) return false;
    q.unpark.run(nowMs, destination);
    return true;
  });

  /** Thrown inside the transaction to roll it back when a delivery changed under us. */
  class Stale extends Error {}

  const coalesce = db.transaction((destination: string, ids: readonly number[], digest: Alert, nowMs: number): boolean => {
    const inserted = q.insertAlert.run({ key: digest.key, kind: digest.kind, severity: digest.severity, createdAt: digest.createdAt, payload: JSON.stringify(digest) });
    if (inserted.changes === 0) return false;
    const digestId = inserted.lastInsertRowid;
    q.insertDelivery.run(digestId, destination, nowMs);
    for (const id of ids) {
      if (q.markCoalesced.run(nowMs, digestId, id, destination).changes === 0) throw new Stale();
    }
    return true;
  });

  return {
    deactivateDestination: (destination, reason, nowMs) => deactivate(destination, reason, nowMs),
    reactivateDestination: (destination, nowMs = Date.now()) => reactivate(destination, nowMs),
    deactivatedDestinations() {
      const rows = q.deactivated.all() as Row[];
      return new Map(rows.map((r) => [String(r.destination), { at: Number(r.deactivated_at), reason: String(r.deactivated_reason ?? '') }]));
    },
    destinationStates(): DestinationState[] {
      return (q.states.all() as Row[]).map((r) => ({
        destination: String(r.destination),
        deactivatedAt: opt(r.deactivated_at as number | null),
        deactivatedReason: opt(r.deactivated_reason as string | null),
        reactivatedAt: opt(r.reactivated_at as number | null),
        pending: Number(r.pending ?? 0),
        sent: Number(r.sent ?? 0),
        dead: Number(r.dead ?? 0),
        viaDigest: Number(r.via_digest ?? 0),
        lastSentAt: opt(r.last_sent_at as number | null),
      }));
    },
    pendingCounts() {
      return new Map((q.pendingCounts.all() as { destination: string; n: number }[]).map((r) => [r.destination, r.n]));
    },
    pendingDeliveriesFor(destination, limit): Delivery[] {
      return (q.pendingFor.all(destination, limit) as Row[]).map((r) => ({
        id: Number(r.id),
        alertId: Number(r.alert_id),
        destination: String(r.destination),
        attempts: Number(r.attempts),
        refusals: Number(r.refusals),
        alert: JSON.parse(String(r.payload)) as Alert,
        ...(r.attempting_at === null ? {} : { interruptedAt: Number(r.attempting_at) }),
      }));
    },
    coalesceDeliveries(destination, ids, digest, nowMs) {
      try {
        return coalesce(destination, ids, digest, nowMs);
      } catch (error) {
        if (error instanceof Stale) return false;
        throw error;
      }
    },
  };
}
