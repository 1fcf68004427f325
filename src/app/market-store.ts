/** Persistence the market area needs, beyond the core store. Implemented in adapters/sqlite/market-store.ts. */
export type MarketStore = Record<never, never>;
