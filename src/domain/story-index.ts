/**
 * Recent stories indexed by feature, so a new post is compared only with the
 * few stories it could join instead of with every story of the last 72 hours.
 *
 * matchStory lets a post join a story only when they share an identity (URL,
 * long title), or an evidence key that is an event (figure, quote, cited link,
 * product) on both sides, or at least five evidence keys; tags alone never count.
 * The index counts shared keys along the post's own posting lists and hands
 * matchStory just the stories that pass that necessary test, in the order they
 * were indexed: the answer is the same as over all recent stories.
 */
import { DEFAULT_STORY_RULES, featureRole, matchStory, NAMES_WITHOUT_EVENT, type StoryCandidate, type StoryMatch, type StoryRules } from './stories.ts';

export interface StoryIndex {
  /** Add a story, or replace its features and lastAt after a post joined it. */
  put(story: StoryCandidate): void;
  /** {@link matchStory} over the indexed stories. */
  match(features: readonly string[], publishedAt: number, rules?: StoryRules): StoryMatch | undefined;
  /** Forget stories whose latest post is older than `beforeMs`. */
  prune(beforeMs: number): void;
  readonly size: number;
}

interface Keys {
  /** Non-context keys. */
  evidence: Set<string>;
  /** Keys some event-kind feature has. */
  events: Set<string>;
  /** Keys some URL, link or title feature has. */
  identities: Set<string>;
}

/**
 * What an indexed story keeps of its keys: enough to take it out of the posting lists again.
 * Arrays, not Sets: tens of thousands of stories are indexed, and only a post's own keys are looked up.
 */
interface StoredKeys {
  evidence: readonly string[];
  events: readonly string[];
}

function keysOf(features: readonly string[]): Keys {
  const keys: Keys = { evidence: new Set(), events: new Set(), identities: new Set() };
  for (const feature of features) {
    const role = featureRole(feature);
    if (!role || role.context) continue;
    keys.evidence.add(role.key);
    if (role.event) keys.events.add(role.key);
    if (role.identity) keys.identities.add(role.key);
  }
  return keys;
}

/**
 * Slots by key. Most keys (a URL, a title, a quote) belong to one story: such a
 * key maps to its slot number, and only keys that several stories share get a
 * Set, which costs ~100 bytes more each over tens of thousands of keys.
 */
class Postings {
  private readonly byKey = new Map<string, number | Set<number>>();
  /** The slots of `key`: one slot number, a Set of several, or undefined. */
  get(key: string): number | ReadonlySet<number> | undefined {
    return this.byKey.get(key);
  }
  /** Move `slot` from the keys of `before` to the keys of `after`. */
  update(slot: number, before: readonly string[], after: ReadonlySet<string>): void {
    const was = new Set(before);
    for (const key of before) if (!after.has(key)) this.remove(key, slot);
    for (const key of after) if (!was.has(key)) this.add(key, slot);
  }
  private add(key: string, slot: number): void {
    const slots = this.byKey.get(key);
    if (slots === undefined) this.byKey.set(key, slot);
    else if (typeof slots === 'number') this.byKey.set(key, new Set([slots, slot]));
    else slots.add(slot);
  }
  private remove(key: string, slot: number): void {
    const slots = this.byKey.get(key);
    if (slots === slot) this.byKey.delete(key);
    else if (typeof slots === 'object' && slots.delete(slot) && slots.size === 1) this.byKey.set(key, slots.values().next().value!);
  }
}

const IDENTITY = 1;
const EVENT = 2;

export function createStoryIndex(stories: readonly StoryCandidate[] = []): StoryIndex {
  // Stories live in numbered slots, so counting shared keys is typed-array arithmetic, not map updates.
  const entries: ({ story: StoryCandidate; order: number; keys: StoredKeys } | undefined)[] = [];
  const slotOf = new Map<string, number>();
  const freeSlots: number[] = [];
  const evidence = new Postings();
  const events = new Postings();
  let counts = new Int32Array(1024);
  let flags = new Uint8Array(1024);
  let added = 0;
  const noKeys: ReadonlySet<string> = new Set();
  const noStoredKeys: readonly string[] = [];

  const index: StoryIndex = {
    put(story) {
      let slot = slotOf.get(story.id);
      if (slot === undefined) {
        slot = freeSlots.pop() ?? entries.length;
        slotOf.set(story.id, slot);
      }
      const known = entries[slot];
      const keys = keysOf(story.features);
      evidence.update(slot, known?.keys.evidence ?? noStoredKeys, keys.evidence);
      events.update(slot, known?.keys.events ?? noStoredKeys, keys.events);
      entries[slot] = { story, order: known?.order ?? added++, keys: { evidence: [...keys.evidence], events: keys.events.size > 0 ? [...keys.events] : noStoredKeys } };
    },
    match(features, publishedAt, rules = DEFAULT_STORY_RULES) {
      if (counts.length < entries.length) {
        counts = new Int32Array(entries.length * 2);
        flags = new Uint8Array(entries.length * 2);
      }
      const mine = keysOf(features);
      const touched: number[] = [];
      const count = (slot: number, identity: boolean) => {
        const n = counts[slot]!;
        if (n === 0) touched.push(slot);
        counts[slot] = n + 1;
        if (identity) flags[slot]! |= IDENTITY;
      };
      for (const key of mine.evidence) {
        const identity = mine.identities.has(key);
        const slots = evidence.get(key);
        if (typeof slots === 'number') count(slots, identity);
        else if (slots) for (const slot of slots) count(slot, identity);
      }
      // Event keys are evidence keys on both sides, so every slot flagged here was touched above and is reset below.
      for (const key of mine.events) {
        const slots = events.get(key);
        if (typeof slots === 'number') flags[slots]! |= EVENT;
        else if (slots) for (const slot of slots) flags[slot]! |= EVENT;
      }
      const candidates: { story: StoryCandidate; order: number }[] = [];
      for (const slot of touched) {
        const n = counts[slot]!;
        const f = flags[slot]!;
        counts[slot] = 0;
        flags[slot] = 0;
        // One shared quote plus shared tags can be enough, so a single event key qualifies.
        if (f & (IDENTITY | EVENT) || n >= NAMES_WITHOUT_EVENT) candidates.push(entries[slot]!);
      }
      candidates.sort((a, b) => a.order - b.order);
      return matchStory(features, publishedAt, candidates.map((c) => c.story), rules);
    },
    prune(beforeMs) {
      for (const [id, slot] of slotOf) {
        const entry = entries[slot]!;
        if (entry.story.lastAt >= beforeMs) continue;
        evidence.update(slot, entry.keys.evidence, noKeys);
        events.update(slot, entry.keys.events, noKeys);
        entries[slot] = undefined;
        slotOf.delete(id);
        freeSlots.push(slot);
      }
    },
    get size() {
      return slotOf.size;
    },
  };
  for (const story of stories) index.put(story);
  return index;
}
