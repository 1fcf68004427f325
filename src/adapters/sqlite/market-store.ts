/** SQLite tables of the market area; see migrations/00x-market.ts. */
import type Database from 'better-sqlite3';
import type { MarketStore } from '../../app/market-store.ts';

export function createSqliteMarketStore(_db: Database.Database): MarketStore {
  return {};
}
