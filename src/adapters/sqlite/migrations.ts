/**
 * Schema migrations, applied in order and recorded by name. Append only: a
 * released migration never changes, because databases in the field have
 * already run it. An empty migration is not applied (and so not recorded).
 * Each runs in one transaction with its record (SQLite DDL is transactional),
 * so a process killed midway leaves it unapplied and the next start runs it again.
 */
import core from './migrations/001-core.ts';
import language from './migrations/002-language.ts';
import market from './migrations/003-market.ts';
import chat from './migrations/004-chat.ts';
import commands from './migrations/005-commands.ts';
import crashRecovery from './migrations/006-crash-recovery.ts';
import refusals from './migrations/007-refusals.ts';
import storyIndex from './migrations/008-story-index.ts';

export interface Migration {
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { name: '001-core', sql: core },
  { name: '002-language', sql: language },
  { name: '003-market', sql: market },
  { name: '004-chat', sql: chat },
  { name: '005-commands', sql: commands },
  { name: '006-crash-recovery', sql: crashRecovery },
  { name: '007-refusals', sql: refusals },
  { name: '008-story-index', sql: storyIndex },
];
