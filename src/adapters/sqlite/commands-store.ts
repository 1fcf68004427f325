/** SQLite tables of the commands area (subscriptions, overrides, audit); see migrations/005-commands.ts. */
import type Database from 'better-sqlite3';
import type { CommandsStore } from '../../app/commands-store.ts';

export function createSqliteCommandsStore(_db: Database.Database): CommandsStore {
  return {};
}
