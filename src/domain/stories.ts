/**
 * Story clustering: translations and syndicated copies of one piece of news
 * share names, tickers, numbers and tags even when their words differ. A post
 * joins the most similar recent story, or starts a new one.
 */
import { foldTerm } from './text.ts';
import type { Tags } from './tagging.ts';

export interface StoryCandidate {
  id: string;
  features: readonly string[];
  /** Latest member's publication time, epoch ms. */
  lastAt: number;
}

export interface StoryRules {
  windowMs: number;
  /** Overlap coefficient |A∩B| / min(|A|,|B|) needed to join. */
  minOverlap: number;
  /** Shared features needed to join, whatever the ratio. */
  minShared: number;
}

export const DEFAULT_STORY_RULES: StoryRules = {
  windowMs: 72 * 3_600_000,
  minOverlap: 0.45,
  minShared: 4,
};

const MAX_FEATURES = 60;
/** Capitalised words that start sentences in many languages and name nothing. */
const COMMON_CAPITALISED = new Set(['the', 'this', 'that', 'and', 'but', 'for', 'with', 'les', 'des', 'una', 'uma', 'per', 'dan', 'yang', 'como', 'para', 'pour', 'dans', 'della', 'dalam', 'ini', 'itu', 'what', 'how', 'why', 'when', 'one', 'two', 'not', 'its', 'our']);

/**
 * Language-independent features of a post: tag ids, numbers, capitalised or
 * mixed-case names, and quoted words that survive translation.
 */
export function storyFeatures(post: { title: string; text: string }, tags: Tags): string[] {
  const features = new Set<string>();
  for (const t of tags.themes) features.add(`theme:${t.id}`);
  for (const t of tags.tokens) features.add(`token:${t.symbol}`);
  const sample = `${post.title}\n${post.text.slice(0, 3000)}`;
  for (const m of sample.matchAll(/\d+(?:[.,]\d+)*\s*%?/g)) {
    const digits = m[0].replace(/[.,\s]/g, '');
    if (digits.replace('%', '').length >= 2 || digits.endsWith('%')) features.add(`num:${digits}`);
    if (features.size >= MAX_FEATURES) break;
  }
  for (const m of sample.matchAll(/\b\p{Lu}[\p{L}\p{N}]{2,}|\b\p{Ll}+\p{Lu}[\p{L}\p{N}]*/gu)) {
    const word = foldTerm(m[0]);
    if (COMMON_CAPITALISED.has(word)) continue;
    features.add(`name:${word}`);
    if (features.size >= MAX_FEATURES * 2) break;
  }
  return [...features];
}

/** Pick the story a post belongs to among recent ones, or none. Pure. */
export function matchStory(
  features: readonly string[],
  publishedAt: number,
  candidates: readonly StoryCandidate[],
  rules: StoryRules = DEFAULT_STORY_RULES,
): { storyId: string; overlap: number; shared: number } | undefined {
  if (features.length === 0) return undefined;
  const mine = new Set(features);
  let best: { storyId: string; overlap: number; shared: number } | undefined;
  for (const story of candidates) {
    if (Math.abs(publishedAt - story.lastAt) > rules.windowMs) continue;
    let shared = 0;
    for (const f of story.features) if (mine.has(f)) shared++;
    const overlap = shared / Math.min(mine.size, story.features.length || 1);
    if (shared < rules.minShared || overlap < rules.minOverlap) continue;
    if (!best || overlap > best.overlap || (overlap === best.overlap && shared > best.shared)) {
      best = { storyId: story.id, overlap: Math.round(overlap * 100) / 100, shared };
    }
  }
  return best;
}
