import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabaseProbe, inspectDatabase } from '../../../src/adapters/sqlite/database-probe.ts';
import { openSqliteDatabase } from '../../../src/adapters/sqlite/sqlite-store.ts';
import { MIGRATIONS } from '../../../src/adapters/sqlite/migrations.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'radar-probe-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const KNOWN = MIGRATIONS.filter((m) => m.sql.trim() !== '').map((m) => m.name);

describe('createDatabaseProbe', () => {
  it('GIVEN another process holds the write lock THEN not writable ("database is locked"), and writable once it lets go', () => {
    const file = path.join(dir, 'locked.db');
    openSqliteDatabase(file).close();
    const probe = createDatabaseProbe(file);
    const other = new Database(file);
    try {
      expect(probe.check()).toEqual({ writable: true });
      other.exec('BEGIN IMMEDIATE');
      expect(probe.check()).toEqual({ writable: false, error: 'database is locked' });
      other.exec('ROLLBACK');
      expect(probe.check()).toEqual({ writable: true });
    } finally {
      other.close();
      probe.close();
    }
  });

  it('GIVEN the file is gone THEN not writable, with SQLite saying why (and nothing is created)', () => {
    const file = path.join(dir, 'missing.db');
    const probe = createDatabaseProbe(file);
    expect(probe.check()).toMatchObject({ writable: false, error: expect.stringContaining('unable to open database file') });
    expect(inspectDatabase(file).exists).toBe(false);
    probe.close();
  });
});

describe('inspectDatabase', () => {
  it('GIVEN no file in a writable folder THEN it could be created and every migration is pending', () => {
    expect(inspectDatabase(path.join(dir, 'sub', 'new.db'))).toEqual({ file: path.join(dir, 'sub', 'new.db'), exists: false, writable: true, known: KNOWN, pending: KNOWN, unknown: [] });
  });

  it('GIVEN a migrated database THEN current; GIVEN one a newer version wrote THEN its unknown migrations; GIVEN one missing a migration THEN pending', () => {
    const file = path.join(dir, 'versions.db');
    const db = openSqliteDatabase(file);
    expect(inspectDatabase(file)).toMatchObject({ exists: true, writable: true, pending: [], unknown: [] });
    db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, 0)').run('999-future');
    db.prepare('DELETE FROM schema_migrations WHERE name = ?').run(KNOWN.at(-1));
    db.close();
    expect(inspectDatabase(file)).toMatchObject({ exists: true, writable: true, pending: [KNOWN.at(-1)], unknown: ['999-future'] });
  });

  it('GIVEN a file that is not SQLite THEN it says so', async () => {
    const file = path.join(dir, 'not-a-db.db');
    (await import('node:fs')).writeFileSync(file, 'hello, this is text and certainly not a database file '.repeat(20));
    expect(inspectDatabase(file)).toMatchObject({ exists: true, writable: false, error: expect.stringMatching(/^cannot open it as SQLite: file is not a database/) });
  });
});
