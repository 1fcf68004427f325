/**
 * Catalyst attribution: which recent posts plausibly explain a move. Every
 * candidate carries the reasons for its score; when none clears the floor the
 * answer is "no catalyst found", never a guess.
 */
import type { Move } from './moves.ts';
import type { SectorMove } from './sector-moves.ts';
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

/** Each extra basket member a story is tied to adds this much: sector-wide news names or moves many of them. */
const BREADTH_BOOST = 0.5;
const MAX_BREADTH_MEMBERS = 4;

/**
 * Rank the posts that may have caused a sector move. Each member moving with
 * the basket is scored as a move of its own ({@link findCatalysts}); a story
 * keeps its best member score, raised by half for every further member it is
 * tied to (up to four), because news that moves a sector concerns many of its
 * tokens, while one token's news is that token's move. Pure.
 */
export function findSectorCatalysts(
  move: Pick<SectorMove, 'startedAt' | 'endedAt' | 'direction' | 'members'>,
  posts: readonly AnalyzedPost[],
  themeLinks: ThemeLinks,
  rules: CorrelationRules,
): Catalyst[] {
  const sign = move.direction === 'up' ? 1 : -1;
  const withBasket = move.members.filter((m) => Math.sign(m.return) === sign);
  const byStory = new Map<string, { best: Catalyst; symbols: string[] }>();
  for (const member of withBasket) {
    const found = findCatalysts({ symbol: member.symbol, startedAt: move.startedAt, endedAt: move.endedAt }, posts, themeLinks, { ...rules, maxCatalysts: Number.POSITIVE_INFINITY });
    for (const catalyst of found) {
      const seen = byStory.get(catalyst.storyId);
      if (!seen) byStory.set(catalyst.storyId, { best: catalyst, symbols: [member.symbol] });
      else {
        seen.symbols.push(member.symbol);
        if (catalyst.score > seen.best.score) seen.best = catalyst;
      }
    }
  }
  return [...byStory.values()]
    .map(({ best, symbols }) => {
      const breadth = 1 + BREADTH_BOOST * (Math.min(MAX_BREADTH_MEMBERS, symbols.length) - 1);
      const tied = `tied to ${symbols.length} of ${withBasket.length} members moving with the basket: ${symbols.join(', ')}`;
      return { ...best, score: Math.round(best.score * breadth * 100) / 100, reasons: [tied, ...best.reasons.filter((r) => !r.startsWith('mentions ') && !r.startsWith('theme linked to '))] };
    })
    .sort((a, b) => b.score - a.score || a.publishedAt - b.publishedAt)
    .slice(0, rules.maxCatalysts);
}
