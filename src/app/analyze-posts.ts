/**
 * Analysis of newly seen posts: tags, sentiment, story membership, and the
 * story alert decision. Runs right after a feed poll stores new posts.
 */
import { decideStory } from '../domain/alert-policy.ts';
import type { StoryAlert } from '../domain/alert.ts';
import type { AnalyzedPost } from '../domain/correlation.ts';
import type { Post } from '../domain/post.ts';
import { scoreSentiment } from '../domain/sentiment.ts';
import { DEFAULT_STORY_RULES, matchStory, storyFeatures } from '../domain/stories.ts';
import { tagPost, type Tagger } from '../domain/tagging.ts';
import { queueAlert, type Runtime } from './runtime.ts';
import type { PostAnalysis } from './store.ts';

/** Tags and sentiment of one post. Pure. */
export function analyzePost(tagger: Tagger, post: Pick<Post, 'title' | 'text' | 'lang'>): PostAnalysis {
  const tags = tagPost(tagger, post);
  return { language: post.lang ?? 'und', themes: tags.themes, tokens: tags.tokens, sentiment: scoreSentiment(post) };
}

export interface AnalyzeResult {
  analyzed: number;
  alertsQueued: number;
}

/** Analyze posts (oldest first, so stories start with the original), store results, queue story alerts. */
export function analyzeNewPosts(rt: Runtime, posts: readonly Post[]): AnalyzeResult {
  const now = rt.clock.now();
  const sorted = [...posts].sort((a, b) => a.publishedAt - b.publishedAt);
  let alertsQueued = 0;
  for (const post of sorted) {
    const analysis = analyzePost(rt.tagger, post);
    const features = storyFeatures(post, analysis);
    const candidates = rt.store.recentStories(post.publishedAt - DEFAULT_STORY_RULES.windowMs);
    const match = matchStory(features, post.publishedAt, candidates);
    const story = rt.store.saveAnalysis(post, analysis, match?.storyId ?? post.id, features);

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
    rt.log.debug({ post: post.id, story: story.id, themes: view.themes.map((t) => t.id), decision }, 'post analyzed');
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
  return { analyzed: sorted.length, alertsQueued };
}
