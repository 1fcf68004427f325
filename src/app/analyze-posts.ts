/**
 * Analysis of newly seen posts: tags, sentiment, story membership, and the
 * story alert decision. Runs right after a feed poll stores new posts.
 */
import { recordNarrativeSeries, type AnalyzedForSeries } from './record-narrative-series.ts';
import { decideStory } from '../domain/alert-policy.ts';
import type { StoryAlert } from '../domain/alert.ts';
import type { AnalyzedPost } from '../domain/correlation.ts';
import { detectLanguage, type LanguageDetection } from '../domain/language.ts';
import type { Post } from '../domain/post.ts';
import { scorePreparedSentiment } from '../domain/sentiment.ts';
import { DEFAULT_STORY_RULES, storyFeatures } from '../domain/stories.ts';
import { HOUR_MS } from '../domain/time.ts';
import { tagPreparedPost, type Tagger } from '../domain/tagging.ts';
import { preparePost } from '../domain/text.ts';
import { queueAlert, type Runtime } from './runtime.ts';
import type { PostAnalysis } from './store.ts';

/** How much of the body language detection reads: the title and the opening say it. */
const LANGUAGE_SAMPLE_CHARS = 1_500;

/** The language of a post, from its title and opening, with the declared language as fallback. Pure. */
export function detectPostLanguage(post: Pick<Post, 'title' | 'text' | 'lang'>): LanguageDetection {
  return detectLanguage(`${post.title}\n${post.text.slice(0, LANGUAGE_SAMPLE_CHARS)}`, { hint: post.lang });
}

/**
 * Language, tags and sentiment of one post. The language is detected from
 * the text; the item's or feed's declared language (`lang`) is the fallback
 * for text too short or mixed to tell ("und" when there is neither). Pure.
 */
export function analyzePost(tagger: Tagger, post: Pick<Post, 'title' | 'text' | 'lang'>): PostAnalysis {
  const { language } = detectPostLanguage(post);
  // Tagging and sentiment share one reading of the text.
  const prepared = preparePost(post);
  const tags = tagPreparedPost(tagger, prepared, { language });
  return { language, themes: tags.themes, tokens: tags.tokens, sentiment: scorePreparedSentiment(prepared, language) };
}

export interface AnalyzeResult {
  analyzed: number;
  alertsQueued: number;
}

/**
 * How long past the matching window an idle story stays indexed: a post a few
 * hours late finds its stories still indexed. An older one (a feed's backlog)
 * has the store index the older stories again first, so matching is the same
 * either way.
 */
const STORY_INDEX_MARGIN_MS = 6 * HOUR_MS;

/**
 * Analyze posts (oldest first, so stories start with the original), store
 * results, queue story alerts. One transaction for the batch: each commit
 * rewrites the pages it touched into the WAL, and a failure stores nothing.
 */
export function analyzeNewPosts(rt: Runtime, posts: readonly Post[]): AnalyzeResult {
  try {
    return rt.store.transaction(() => analyzeBatch(rt, posts));
  } catch (error) {
    // The rolled-back series posts may already be cached; reload them from the store next time.
    rt.seriesBuckets = undefined;
    throw error;
  }
}

function analyzeBatch(rt: Runtime, posts: readonly Post[]): AnalyzeResult {
  const now = rt.clock.now();
  const sorted = [...posts].sort((a, b) => a.publishedAt - b.publishedAt);
  let alertsQueued = 0;
  const forSeries: AnalyzedForSeries[] = [];
  const stories = rt.store.storyIndex;
  // In whole hours: one larger delete an hour rather than a sliver each batch.
  stories.prune(Math.floor((now - DEFAULT_STORY_RULES.windowMs - STORY_INDEX_MARGIN_MS) / HOUR_MS) * HOUR_MS);
  // Oldest first: the first post reaches furthest back for stories to join.
  stories.cover((sorted[0]?.publishedAt ?? now) - DEFAULT_STORY_RULES.windowMs);
  for (const post of sorted) {
    const analysis = analyzePost(rt.tagger, post);
    const features = storyFeatures({ title: post.title, text: post.text, url: post.url, language: analysis.language }, analysis);
    const match = stories.match(features, post.publishedAt);
    const story = rt.store.saveAnalysis(post, analysis, match?.storyId ?? post.id, features);
    stories.put({ id: story.id, features: story.features, lastAt: story.lastAt }, match ? features : undefined);
    forSeries.push({ post, analysis, storyId: story.id });

    const view: AnalyzedPost = {
      id: post.id,
      url: post.url,
      title: post.title,
      source: post.source,
      sourceWeight: post.sourceWeight,
      publishedAt: post.publishedAt,
      storyId: story.id,
      storyLanguages: story.languages,
      storySources: story.sources.length,
      themes: analysis.themes.map((t) => ({ id: t.id, name: t.name, score: t.score })),
      tokens: analysis.tokens.map((t) => ({ symbol: t.symbol, score: t.score })),
      sentiment: analysis.sentiment,
    };
    const decision = decideStory(view, rt.store.storyAlerted(story.id), { ...rt.config.alerts.stories, mutedThemes: rt.config.alerts.stories.muted }, now);
    rt.log.debug(
      { post: post.id, language: analysis.language, story: story.id, storyReasons: match?.reasons, themes: view.themes.map((t) => t.id), decision },
      'post analyzed',
    );
    if (!decision.send) continue;
    const alert: StoryAlert = {
      kind: 'story',
      key: `story:${story.id}`,
      createdAt: now,
      severity: decision.severity,
      reason: decision.reason,
      story: {
        id: story.id,
        title: post.title,
        url: post.url,
        source: post.source,
        publishedAt: post.publishedAt,
        languages: story.languages,
        sources: story.sources.length,
      },
      themes: view.themes,
      tokens: view.tokens.map((t) => t.symbol),
      sentiment: { score: analysis.sentiment.score, label: analysis.sentiment.label },
    };
    if (queueAlert(rt, alert)) alertsQueued++;
  }
  recordNarrativeSeries(rt, forSeries);
  return { analyzed: sorted.length, alertsQueued };
}
