/** Persistence the chat area needs, beyond the core store. Implemented in adapters/sqlite/chat-store.ts. */
export type ChatStore = Record<never, never>;
