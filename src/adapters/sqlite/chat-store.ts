/** SQLite tables of the chat area; see migrations/00x-chat.ts. */
import type Database from 'better-sqlite3';
import type { ChatStore } from '../../app/chat-store.ts';

export function createSqliteChatStore(_db: Database.Database): ChatStore {
  return {};
}
