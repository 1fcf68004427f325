/**
 * What a story index needs to know, so a new post is compared only with the
 * few stories it could join instead of with every story of the last 72 hours.
 *
 * matchStory lets a post join a story only when they share an identity (URL,
 * long title), or an evidence key that is an event (figure, quote, cited link,
 * product) on both sides, or at least five evidence keys; tags alone never count.
 * An index counts the keys each story shares with the post and hands matchStory
 * just the stories that pass that necessary test ({@link mayJoin}), in the order
 * they were created: the answer is the same as over all recent stories. The
 * index itself lives in the store (adapters/sqlite/story-index-store.ts), so its
 * size is not the bot's memory.
 */
import { featureRole, NAMES_WITHOUT_EVENT } from './stories.ts';

/** The keys of a story's or a post's features that the index looks up. */
export interface StoryKeys {
  /** Non-context keys. */
  evidence: Set<string>;
  /** Keys some event-kind feature has. */
  events: Set<string>;
  /** Keys some URL, link or title feature has. */
  identities: Set<string>;
}

export function storyKeys(features: readonly string[]): StoryKeys {
  const keys: StoryKeys = { evidence: new Set(), events: new Set(), identities: new Set() };
  for (const feature of features) {
    const role = featureRole(feature);
    if (!role || role.context) continue;
    keys.evidence.add(role.key);
    if (role.event) keys.events.add(role.key);
    if (role.identity) keys.identities.add(role.key);
  }
  return keys;
}

/** Flags of a story that shares keys with a post: it shares an identity key (URL, link, title) with the post… */
export const SHARES_IDENTITY = 1;
/** …or a key that is an event (figure, quote, cited link, product) on both sides. */
export const SHARES_EVENT = 2;

/**
 * Whether a story that shares `sharedKeys` evidence keys with a post, with `flags`, can pass matchStory:
 * the necessary test an index applies before handing stories to matchStory.
 */
export function mayJoin(sharedKeys: number, flags: number): boolean {
  // One shared quote plus shared tags can be enough, so a single event key qualifies.
  return (flags & (SHARES_IDENTITY | SHARES_EVENT)) !== 0 || sharedKeys >= NAMES_WITHOUT_EVENT;
}
