/**
 * Catalyst attribution: which recent posts plausibly explain a move. Every
 * candidate carries the reasons for its score; when none clears the floor the
 * answer is "no catalyst found", never a guess.
 */
import type { Move } from './moves.ts';
import { HOUR_MS, formatDuration } from './time.ts';

/** A post with what analysis found in it, as correlation needs it. */
export interface AnalyzedPost {
  id: string;
  url: string;
  title: string;
  source: string;
  sourceWeight: number;
  publishedAt: number;
  storyId: string;
  /** Languages the story has appeared in so far (including this post's). */
  storyLanguages: string[];
  /** Distinct sources carrying the story. */
  storySources: number;
  themes: { id: string; name: string; score: number }[];
  tokens: { symbol: string; score: number }[];
  sentiment: { score: number; label: string };
}

export interface CorrelationRules {
  lookbackHours: number;
  /** Half-life of time proximity, in hours. */
  halfLifeHours: number;
  minScore: number;
  maxCatalysts: number;
}

export interface Catalyst {
  postId: string;
  storyId: string;
  url: string;
  title: string;
  source: string;
  publishedAt: number;
  themes: string[];
  score: number;
  reasons: string[];
  /** Sentiment of the post shown (the story's original). */
  sentiment?: { score: number; label: string };
}

/** Which themes move which tokens (from the taxonomy). */
export type ThemeLinks = ReadonlyMap<string, readonly string[]>;

const EXPLICIT_WEIGHT = 1;
const THEME_WEIGHT = 0.6;
/** A post that lands while the move is under way may have fed it, but it cannot have started it. */
const IN_MOVE_DISCOUNT = 0.5;

/**
 * Rank the posts that may have caused `move`. A post is a candidate when it
 * was published in the lookback before the move began or during the move,
 * and names the token or carries a theme linked to it. Its score multiplies:
 * relevance (explicit mention 1, linked theme 0.6) × tag strength (from the
 * tag scores that tie it to the token) × time proximity (halving every
 * `halfLifeHours` before the start; discounted, the more so the later, during
 * the move) × source weight × story size (translations and copies count once,
 * shown as the story's original post, and add 15% per extra language or
 * source, up to 4). Candidates below `minScore` are dropped: an empty result
 * means "no catalyst found". Pure.
 */
export function findCatalysts(
  move: Pick<Move, 'symbol' | 'startedAt' | 'endedAt'>,
  posts: readonly AnalyzedPost[],
  themeLinks: ThemeLinks,
  rules: CorrelationRules,
): Catalyst[] {
  const from = move.startedAt - rules.lookbackHours * HOUR_MS;
  const bestPerStory = new Map<string, Catalyst>();
  const firstOfStory = new Map<string, AnalyzedPost>();
  for (const post of posts) {
    const first = firstOfStory.get(post.storyId);
    if (!first || post.publishedAt < first.publishedAt) firstOfStory.set(post.storyId, post);
  }

  for (const post of posts) {
    if (post.publishedAt < from || post.publishedAt >= move.endedAt) continue;
    const reasons: string[] = [];
    const explicit = post.tokens.find((t) => t.symbol === move.symbol);
    const linkedThemes = post.themes.filter((t) => themeLinks.get(t.id)?.includes(move.symbol));
    if (!explicit && linkedThemes.length === 0) continue;

    let relevance: number;
    if (explicit) {
      relevance = EXPLICIT_WEIGHT;
      reasons.push(`mentions ${move.symbol}`);
    } else {
      relevance = THEME_WEIGHT;
      reasons.push(`theme linked to ${move.symbol}: ${linkedThemes.map((t) => t.name).join(', ')}`);
    }
    // Tag strength: how firmly the post is about this token, from the tags that tie it to the token.
    const tagScore = Math.max(explicit?.score ?? 0, ...linkedThemes.map((t) => t.score));
    const tagStrength = Math.min(1, 0.4 + 0.2 * Math.max(0, tagScore));
    if (tagStrength < 1) reasons.push(`weak tag (score ${tagScore})`);

    const lead = move.startedAt - post.publishedAt;
    let proximity = Math.pow(0.5, Math.max(0, lead) / (rules.halfLifeHours * HOUR_MS));
    if (lead >= 0) reasons.push(`${formatDuration(lead)} before the move`);
    else {
      // The later in the move, the less of it the post can explain.
      const progress = -lead / Math.max(1, move.endedAt - move.startedAt);
      proximity *= IN_MOVE_DISCOUNT * (1 - progress);
      reasons.push(`${formatDuration(-lead)} after the move began`);
    }

    const storyBoost = 1 + 0.15 * Math.min(4, Math.max(post.storyLanguages.length, post.storySources) - 1);
    if (post.storyLanguages.length > 1) reasons.push(`story in ${post.storyLanguages.length} languages`);
    else if (post.storySources > 1) reasons.push(`story from ${post.storySources} sources`);
    if (post.sourceWeight !== 1) reasons.push(`source weight ${post.sourceWeight}`);

    const score = Math.round(relevance * tagStrength * proximity * post.sourceWeight * storyBoost * 100) / 100;
    if (score < rules.minScore) continue;
    // Translations and copies are one story, shown as its original post; the best-placed member sets the score.
    const shown = firstOfStory.get(post.storyId) ?? post;
    if (shown !== post) reasons.push(`via "${post.title}" (${post.source})`);
    const candidate: Catalyst = {
      postId: shown.id,
      storyId: post.storyId,
      url: shown.url,
      title: shown.title,
      source: shown.source,
      publishedAt: shown.publishedAt,
      themes: shown.themes.map((t) => t.name),
      score,
      reasons,
      sentiment: shown.sentiment,
    };
    const prev = bestPerStory.get(post.storyId);
    if (!prev || score > prev.score) bestPerStory.set(post.storyId, candidate);
  }
  return [...bestPerStory.values()]
    .sort((a, b) => b.score - a.score || a.publishedAt - b.publishedAt)
    .slice(0, rules.maxCatalysts);
}
