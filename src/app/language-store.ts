/** Persistence the language area needs, beyond the core store. Implemented in adapters/sqlite/language-store.ts. */
export type LanguageStore = Record<never, never>;
