/**
 * The feed cycle: poll every due feed (conditional GET), parse, normalize,
 * store new posts and analyze them. One bad feed never stops the others;
 * repeated failures back off and finally disable the feed with a notice.
 */
import type { FeedConfig } from '../config/schema.ts';
import type { NoticeAlert } from '../domain/alert.ts';
import { nextPollAfterFailure, nextPollAfterSuccess, shouldWarnAboutFailure } from '../domain/feed-schedule.ts';
import { normalizeItem } from '../domain/normalize-item.ts';
import type { Post } from '../domain/post.ts';
import { analyzeNewPosts } from './analyze-posts.ts';
import { mapLimit } from './concurrency.ts';
import { FeedError, type FeedFetcher, type FeedParser } from './ports.ts';
import { queueAlert, type Runtime } from './runtime.ts';
import type { FeedState } from './store.ts';

export interface FeedPollDeps {
  fetcher: FeedFetcher;
  parser: FeedParser;
  /** Feeds polled at once. */
  concurrency?: number;
}

export interface FeedPollOutcome {
  feedId: string;
  status: 'new-items' | 'unchanged' | 'not-modified' | 'failed' | 'disabled';
  newPosts: number;
  error?: string;
}

export interface FeedCycleResult {
  polled: number;
  newPosts: number;
  failed: number;
  alertsQueued: number;
  outcomes: FeedPollOutcome[];
}

/** Consecutive non-retryable failures (a feed URL that serves HTML, 403…) before disabling. */
const NON_RETRYABLE_FAILURE_LIMIT = 3;

function initialState(feedId: string): FeedState {
  return { feedId, failures: 0, nextPollAt: 0, itemsSeen: 0 };
}

function rulesFor(rt: Runtime, feed: FeedConfig) {
  const d = rt.config.feeds.defaults;
  return { pollMinutes: feed.pollMinutes ?? d.pollMinutes, maxBackoffMinutes: d.maxBackoffMinutes, disableAfterFailures: d.disableAfterFailures };
}

/**
 * Log the XML repairs a feed needed to parse, when they differ from the last
 * poll's: a feed read with repairs is kept, but its publisher should fix it.
 */
function reportRepairs(rt: Runtime, feed: FeedConfig, repairs: readonly string[] | undefined): void {
  const seen = (rt.feedRepairs ??= new Map());
  const now = repairs?.join('; ') ?? '';
  if ((seen.get(feed.id) ?? '') === now) return;
  if (now === '') seen.delete(feed.id);
  else {
    seen.set(feed.id, now);
    rt.log.warn({ feed: feed.id, url: feed.url, repairs }, 'feed is malformed XML; read after repairs (ask its publisher to fix it)');
  }
}

/** Fetch, parse and store one feed; returns the new posts. Throws FeedError. */
async function fetchFeed(rt: Runtime, deps: FeedPollDeps, feed: FeedConfig, state: FeedState): Promise<{ posts: Post[]; notModified: boolean; state: FeedState }> {
  const d = rt.config.feeds.defaults;
  const result = await deps.fetcher.fetch({
    url: feed.url,
    etag: state.etag,
    lastModified: state.lastModified,
    timeoutMs: d.timeoutSeconds * 1000,
    maxBytes: d.maxBytes,
  });
  if (result.status === 'not-modified') return { posts: [], notModified: true, state };
  const parsed = await deps.parser.parse(result.body);
  reportRepairs(rt, feed, parsed.repairs);
  const fetchedAt = rt.clock.now();
  const posts: Post[] = [];
  for (const item of parsed.items) {
    const normalized = normalizeItem(
      item,
      { id: feed.id, name: feed.name, language: feed.language ?? parsed.language, weight: feed.weight, link: parsed.link ?? result.finalUrl },
      fetchedAt,
    );
    if ('skipped' in normalized) rt.log.debug({ feed: feed.id, reason: normalized.skipped }, 'feed item skipped');
    else posts.push(normalized);
  }
  const fresh = rt.store.insertNewPosts(posts);
  return { posts: fresh, notModified: false, state: { ...state, etag: result.etag, lastModified: result.lastModified } };
}

async function pollOne(rt: Runtime, deps: FeedPollDeps, feed: FeedConfig, state: FeedState): Promise<{ outcome: FeedPollOutcome; posts: Post[] }> {
  const log = rt.log.child({ feed: feed.id });
  const rules = rulesFor(rt, feed);
  try {
    const { posts, notModified, state: next } = await fetchFeed(rt, deps, feed, state);
    const now = rt.clock.now();
    if (state.failures > 0) log.info({ url: feed.url, failures: state.failures }, 'feed recovered');
    rt.store.saveFeedState({
      ...next,
      lastAttemptAt: now,
      lastSuccessAt: now,
      failures: 0,
      lastError: undefined,
      nextPollAt: nextPollAfterSuccess(feed.id, now, rules),
      itemsSeen: state.itemsSeen + posts.length,
    });
    const status = notModified ? 'not-modified' : posts.length > 0 ? 'new-items' : 'unchanged';
    return { outcome: { feedId: feed.id, status, newPosts: posts.length }, posts };
  } catch (err) {
    const now = rt.clock.now();
    const failures = state.failures + 1;
    const message = err instanceof Error ? err.message : String(err);
    const permanent = err instanceof FeedError && err.kind === 'gone';
    // Errors that waiting will not fix (HTML instead of a feed, 401/403, too large) get a short leash.
    const limit = err instanceof FeedError && !err.retryable ? Math.min(NON_RETRYABLE_FAILURE_LIMIT, rules.disableAfterFailures) : rules.disableAfterFailures;
    const disable = permanent || failures >= limit;
    if (!(err instanceof FeedError)) log.error({ err, url: feed.url }, 'unexpected error while polling feed (bug?)');
    else if (shouldWarnAboutFailure(failures) || disable) {
      log.warn({ url: feed.url, kind: err.kind, failures, error: message }, 'feed poll failed');
    } else log.debug({ url: feed.url, kind: err.kind, failures }, 'feed poll failed again');

    rt.store.saveFeedState({
      ...state,
      lastAttemptAt: now,
      failures,
      lastError: message,
      nextPollAt: nextPollAfterFailure(feed.id, failures, now, rules, err instanceof FeedError ? err.details.retryAfterMs : undefined),
      ...(disable ? { disabledAt: now, disabledReason: permanent ? message : `${failures} consecutive failures; last: ${message}` } : {}),
    });
    if (disable) {
      const notice: NoticeAlert = {
        kind: 'notice',
        key: `feed-disabled:${feed.id}:${now}`,
        createdAt: now,
        severity: 'medium',
        reason: permanent ? 'feed is gone' : `${failures} consecutive failures`,
        title: `Feed disabled: ${feed.name}`,
        text: `${feed.url} was disabled after ${failures} failed poll${failures === 1 ? '' : 's'}. Last error: ${message}. Fix the URL in feeds.yaml, then re-enable it (radar feeds enable ${feed.id}).`,
      };
      queueAlert(rt, notice);
    }
    return { outcome: { feedId: feed.id, status: disable ? 'disabled' : 'failed', newPosts: 0, error: message }, posts: [] };
  }
}

/** Poll every enabled, due, not-disabled feed once. */
export async function pollFeeds(rt: Runtime, deps: FeedPollDeps): Promise<FeedCycleResult> {
  const now = rt.clock.now();
  const due: { feed: FeedConfig; state: FeedState }[] = [];
  for (const feed of rt.config.feeds.feeds) {
    if (!feed.enabled) continue;
    const state = rt.store.getFeedState(feed.id) ?? initialState(feed.id);
    if (state.disabledAt !== undefined || state.nextPollAt > now) continue;
    due.push({ feed, state });
  }
  let newPosts = 0;
  let failed = 0;
  let alertsQueued = 0;
  const outcomes = await mapLimit(due, deps.concurrency ?? 16, async ({ feed, state }) => {
    const { outcome, posts } = await pollOne(rt, deps, feed, state);
    // Analyze as each feed lands, so alerts do not wait for the slowest feed of the cycle.
    if (posts.length > 0) {
      const analysis = analyzeNewPosts(rt, posts);
      alertsQueued += analysis.alertsQueued;
      if (analysis.alertsQueued > 0) rt.onAlertsQueued?.();
    }
    newPosts += outcome.newPosts;
    if (outcome.status === 'failed' || outcome.status === 'disabled') failed++;
    return outcome;
  });
  return { polled: due.length, newPosts, failed, alertsQueued, outcomes };
}
