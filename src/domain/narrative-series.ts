/**
 * Narrative time series: per hour, how much of the conversation each theme
 * holds ("mindshare") and in what tone, and a sector sentiment index for the
 * Crypto-AI sector as a whole. Pure aggregation; the store keeps the points.
 *
 * The sector index counts each story once per hour, so one announcement
 * syndicated into ten feeds and five languages is one voice, not fifteen, and
 * weighs each story by the strongest source carrying it.
 */
import { HOUR_MS } from './time.ts';

/** The series id of the sector sentiment index; every other series id is a theme id. */
export const SECTOR_SERIES = 'sector';

/** One analyzed post as the series need it. */
export interface SeriesPost {
  id: string;
  storyId: string;
  publishedAt: number;
  /** Weight of the source (1 = ordinary). */
  sourceWeight: number;
  /** Ids of the themes tagged on the post. */
  themes: readonly string[];
  /** Symbols of the tokens tagged on the post. */
  tokens: readonly string[];
  /** Market tone in [-1, 1]. */
  sentiment: number;
}

/** One hour of one series. */
export interface NarrativePoint {
  /** A theme id, or {@link SECTOR_SERIES}. */
  series: string;
  /** Start of the UTC hour, epoch ms. */
  bucketStart: number;
  /** Posts in the hour: tagged with the theme, or (sector) about the AI sector. */
  posts: number;
  /** Distinct stories among those posts. */
  stories: number;
  /**
   * Theme: posts / bucketPosts, the theme's share of themed posts in the hour
   * (a post with two themes counts for both, so shares can add up past 1).
   * Sector: 1, the whole conversation.
   */
  share: number;
  /** Theme: mean post sentiment. Sector: the index, story-deduplicated and source-weighted. */
  sentiment: number;
  /** Posts with at least one theme in the hour: the denominator of every share. */
  bucketPosts: number;
}

/** A theme's share of all themed posts over a period, against the period of equal length before it. */
export interface ThemeShare {
  themeId: string;
  posts: number;
  share: number;
  previousPosts: number;
  previousShare: number;
  /** share − previousShare, in share units (0.05 = five points more of the conversation). */
  change: number;
}

export interface SeriesOptions {
  /**
   * Tokens of the AI-sector basket: a post mentioning one is a sector post
   * even without a theme ("TAO jumps 20%"). Themed posts always are.
   */
  sectorTokens?: ReadonlySet<string>;
}

/** Start of the UTC hour holding `ms`. */
export function hourBucket(ms: number): number {
  return Math.floor(ms / HOUR_MS) * HOUR_MS;
}

const round = (x: number) => Math.round(x * 10_000) / 10_000 + 0;

/**
 * The sector index of one hour: each story's posts average into one story
 * tone (weighted by source), and stories average weighted by the strongest
 * source that carried them. Non-positive weights count as zero; if every
 * weight is zero, stories count equally.
 */
function sectorIndex(posts: readonly SeriesPost[]): number {
  const stories = new Map<string, { sum: number; weight: number; plain: number; count: number; maxWeight: number }>();
  for (const p of posts) {
    const w = Math.max(0, p.sourceWeight);
    const s = stories.get(p.storyId) ?? { sum: 0, weight: 0, plain: 0, count: 0, maxWeight: 0 };
    s.sum += w * p.sentiment;
    s.weight += w;
    s.plain += p.sentiment;
    s.count++;
    s.maxWeight = Math.max(s.maxWeight, w);
    stories.set(p.storyId, s);
  }
  let sum = 0;
  let weight = 0;
  let plainSum = 0;
  for (const s of stories.values()) {
    const tone = s.weight > 0 ? s.sum / s.weight : s.plain / s.count;
    sum += s.maxWeight * tone;
    weight += s.maxWeight;
    plainSum += tone;
  }
  if (stories.size === 0) return 0;
  return weight > 0 ? sum / weight : plainSum / stories.size;
}

/**
 * Hourly points for every theme seen and for the sector, from analyzed posts.
 * A post listed twice (same id) counts once. Hours without sector or themed
 * posts get no points. Sorted by hour, then series id. Pure.
 */
export function aggregateNarrativeSeries(posts: readonly SeriesPost[], options: SeriesOptions = {}): NarrativePoint[] {
  const unique = new Map<string, SeriesPost>();
  for (const p of posts) unique.set(p.id, p);
  const byHour = new Map<number, SeriesPost[]>();
  for (const p of unique.values()) {
    const bucket = hourBucket(p.publishedAt);
    const list = byHour.get(bucket);
    if (list) list.push(p);
    else byHour.set(bucket, [p]);
  }

  const points: NarrativePoint[] = [];
  for (const [bucketStart, hourPosts] of [...byHour.entries()].sort((a, b) => a[0] - b[0])) {
    const themed = hourPosts.filter((p) => p.themes.length > 0);
    const bucketPosts = themed.length;
    const byTheme = new Map<string, SeriesPost[]>();
    for (const p of themed) {
      for (const theme of new Set(p.themes)) {
        const list = byTheme.get(theme);
        if (list) list.push(p);
        else byTheme.set(theme, [p]);
      }
    }
    const hourPoints: NarrativePoint[] = [];
    for (const [theme, list] of byTheme) {
      if (theme === SECTOR_SERIES) continue; // a theme cannot shadow the sector index
      hourPoints.push({
        series: theme,
        bucketStart,
        posts: list.length,
        stories: new Set(list.map((p) => p.storyId)).size,
        share: round(list.length / bucketPosts),
        sentiment: round(list.reduce((s, p) => s + p.sentiment, 0) / list.length),
        bucketPosts,
      });
    }
    const sector = hourPosts.filter((p) => p.themes.length > 0 || p.tokens.some((t) => options.sectorTokens?.has(t)));
    if (sector.length > 0) {
      hourPoints.push({
        series: SECTOR_SERIES,
        bucketStart,
        posts: sector.length,
        stories: new Set(sector.map((p) => p.storyId)).size,
        share: 1,
        sentiment: round(sectorIndex(sector)),
        bucketPosts,
      });
    }
    points.push(...hourPoints.sort((a, b) => (a.series < b.series ? -1 : a.series > b.series ? 1 : 0)));
  }
  return points;
}

/**
 * Each theme's share of themed posts in the current period, and how it moved
 * against the previous one. Shares are total theme posts over total themed
 * posts across the period's hours (not a mean of hourly shares, so a quiet
 * hour counts as little as it weighs). Sorted by share, largest first. Pure.
 */
export function computeMindshare(current: readonly NarrativePoint[], previous: readonly NarrativePoint[]): ThemeShare[] {
  const summarize = (points: readonly NarrativePoint[]) => {
    const perTheme = new Map<string, number>();
    const bucketTotals = new Map<number, number>();
    for (const p of points) {
      bucketTotals.set(p.bucketStart, Math.max(bucketTotals.get(p.bucketStart) ?? 0, p.bucketPosts));
      if (p.series !== SECTOR_SERIES) perTheme.set(p.series, (perTheme.get(p.series) ?? 0) + p.posts);
    }
    const total = [...bucketTotals.values()].reduce((s, n) => s + n, 0);
    return { perTheme, total };
  };
  const now = summarize(current);
  const before = summarize(previous);
  const themes = new Set([...now.perTheme.keys(), ...before.perTheme.keys()]);
  return [...themes]
    .map((themeId) => {
      const posts = now.perTheme.get(themeId) ?? 0;
      const previousPosts = before.perTheme.get(themeId) ?? 0;
      const share = now.total === 0 ? 0 : posts / now.total;
      const previousShare = before.total === 0 ? 0 : previousPosts / before.total;
      return { themeId, posts, share: round(share), previousPosts, previousShare: round(previousShare), change: round(share - previousShare) };
    })
    .sort((a, b) => b.share - a.share || (a.themeId < b.themeId ? -1 : 1));
}
