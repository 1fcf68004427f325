/** Persistence the chat commands need (subscriptions, config overrides, audit log). Implemented in adapters/sqlite/commands-store.ts. */
export type CommandsStore = Record<never, never>;
