/** SQLite tables of the language area; see migrations/00x-language.ts. */
import type Database from 'better-sqlite3';
import type { LanguageStore } from '../../app/language-store.ts';

export function createSqliteLanguageStore(_db: Database.Database): LanguageStore {
  return {};
}
