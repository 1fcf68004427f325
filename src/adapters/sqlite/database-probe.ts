/**
 * Checks on the SQLite file from the outside, for /healthz and `radar doctor`:
 * can we take the write lock, and are the migrations current. A connection of
 * its own, so a probe never runs inside (or disturbs) the store's transactions.
 *
 * It belongs beside sqlite-store.ts; it lives here until that folder's owner
 * adopts it (see the ops report).
 */
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations.ts';

export interface DatabaseCheck {
  writable: boolean;
  /** Why not, in SQLite's or the OS's words. */
  error?: string;
}

/** How long a probe waits for another process's write to finish (the bot's own writes never span a probe). */
const PROBE_BUSY_TIMEOUT_MS = 250;

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Take and release the write lock: fails when the file, its folder or the disk refuse writes, or another process holds the lock. */
function tryWriteLock(db: Database.Database): void {
  db.exec('BEGIN IMMEDIATE');
  db.exec('ROLLBACK');
}

export interface DatabaseProbe {
  check(): DatabaseCheck;
  close(): void;
}

/** A probe for /healthz, keeping one connection open between checks (reopened after a failure). */
export function createDatabaseProbe(file: string): DatabaseProbe {
  let db: Database.Database | undefined;
  const drop = () => {
    if (db?.open) db.close();
    db = undefined;
  };
  return {
    check() {
      try {
        db ??= new Database(file, { fileMustExist: true, timeout: PROBE_BUSY_TIMEOUT_MS });
        tryWriteLock(db);
        return { writable: true };
      } catch (err) {
        drop();
        return { writable: false, error: messageOf(err) };
      }
    },
    close: drop,
  };
}

export interface DatabaseInspection {
  file: string;
  exists: boolean;
  writable: boolean;
  error?: string;
  /** Migrations this build knows, in order. */
  known: string[];
  /** Known migrations not yet applied (applied on the next start). */
  pending: string[];
  /** Applied migrations this build does not know: the file was written by a newer version. */
  unknown: string[];
}

/** Nearest folder on the way up that exists, to tell whether a missing file could be created. */
function existingAncestor(dir: string): string {
  let current = path.resolve(dir);
  while (!existsSync(current) && path.dirname(current) !== current) current = path.dirname(current);
  return current;
}

/**
 * Inspect the database at `file` without changing it: no migration is run and
 * a missing file is not created (its folder is checked instead).
 */
export function inspectDatabase(file: string): DatabaseInspection {
  const known = MIGRATIONS.filter((m) => m.sql.trim() !== '').map((m) => m.name);
  const base = { file, known, pending: [] as string[], unknown: [] as string[] };
  if (!existsSync(file)) {
    const folder = existingAncestor(path.dirname(file));
    try {
      accessSync(folder, constants.W_OK);
      return { ...base, exists: false, writable: true, pending: known };
    } catch (err) {
      return { ...base, exists: false, writable: false, pending: known, error: `cannot create it: ${folder} is not writable (${messageOf(err)})` };
    }
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: PROBE_BUSY_TIMEOUT_MS });
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;
    const applied = hasTable ? (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map((r) => r.name) : [];
    const result = { ...base, exists: true, pending: known.filter((n) => !applied.includes(n)), unknown: applied.filter((n) => !known.includes(n)) };
    try {
      tryWriteLock(db);
      return { ...result, writable: true };
    } catch (err) {
      return { ...result, writable: false, error: messageOf(err) };
    }
  } catch (err) {
    return { ...base, exists: true, writable: false, error: `cannot open it as SQLite: ${messageOf(err)}` };
  } finally {
    if (db?.open) db.close();
  }
}
