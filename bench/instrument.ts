/**
 * Timing wrappers around ports: the pipeline under test runs unchanged, the
 * wrappers only add up how long the synchronous work behind each call took.
 */
import type { FeedParser } from '../src/app/ports.ts';
import type { Store } from '../src/app/store.ts';
import { round } from './support.ts';

export type Totals = Record<string, number>;

const TIMED_STORE_METHODS = ['getFeedState', 'saveFeedState', 'insertNewPosts', 'saveAnalysis', 'storyAlerted', 'enqueueAlert'] as const;
const TIMED_STORY_INDEX_METHODS = ['cover', 'match', 'put', 'prune'] as const;

/** `target` with `methods` adding the time of each call to `totals[prefix + name]`; its other members inherited as they are. */
function timedMethods<T extends object>(target: T, methods: readonly (keyof T & string)[], totals: Totals, prefix = ''): T {
  const wrapped = Object.create(target) as T;
  for (const name of methods) {
    const original = (target[name] as (...args: unknown[]) => unknown).bind(target);
    const total = prefix + name;
    totals[total] = 0;
    (wrapped as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const started = performance.now();
      try {
        return original(...args);
      } finally {
        totals[total]! += performance.now() - started;
      }
    };
  }
  return wrapped;
}

/**
 * The store with the listed methods timed into `totals` (ms). better-sqlite3 is
 * synchronous, so the time of a call is the time the event loop was busy with it.
 */
export function timedStore(store: Store, totals: Totals): Store {
  const wrapped = timedMethods(store, TIMED_STORE_METHODS, totals);
  Object.defineProperty(wrapped, 'storyIndex', { value: timedMethods(store.storyIndex, TIMED_STORY_INDEX_METHODS, totals, 'storyIndex.') });
  return wrapped;
}

/**
 * The parser with the synchronous part of each call timed into `totals.parse`.
 * rss-parser/xml2js parse synchronously inside the returned promise's executor,
 * so that part is the whole parse; awaiting would also count other feeds' work.
 */
export function timedParser(parser: FeedParser, totals: Totals): FeedParser {
  totals.parse = 0;
  return {
    parse(text) {
      const started = performance.now();
      try {
        return parser.parse(text);
      } finally {
        totals.parse! += performance.now() - started;
      }
    },
  };
}

export function roundTotals(totals: Totals): Totals {
  return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, round(v, 1)]));
}
