/**
 * The persistence port: everything the pipeline keeps between cycles and
 * across restarts. One SQLite adapter implements it.
 */
import type { Alert } from '../domain/alert.ts';
import type { PriorMoveAlert } from '../domain/alert-policy.ts';
import type { Candle } from '../domain/candles.ts';
import type { AnalyzedPost } from '../domain/correlation.ts';
import type { Post } from '../domain/post.ts';
import type { Sentiment } from '../domain/sentiment.ts';
import type { StoryCandidate, StoryMatch, StoryRules } from '../domain/stories.ts';
import type { ThemeTag, TokenTag } from '../domain/tagging.ts';
import type { ChatStore } from './chat-store.ts';
import type { CommandsStore } from './commands-store.ts';
import type { LanguageStore } from './language-store.ts';
import type { MarketStore } from './market-store.ts';

export interface FeedState {
  feedId: string;
  etag?: string;
  lastModified?: string;
  lastSuccessAt?: number;
  lastAttemptAt?: number;
  /** Consecutive failures; 0 after a success. */
  failures: number;
  nextPollAt: number;
  disabledAt?: number;
  disabledReason?: string;
  lastError?: string;
  itemsSeen: number;
}

export interface PostAnalysis {
  language: string;
  themes: ThemeTag[];
  tokens: TokenTag[];
  sentiment: Sentiment;
}

export interface StoryInfo {
  id: string;
  title: string;
  url: string;
  firstAt: number;
  /** Latest member's publication time, epoch ms. */
  lastAt: number;
  /** The story's features after this post joined (what recentStories would now return). */
  features: string[];
  languages: string[];
  sources: string[];
  postCount: number;
}

export interface Delivery {
  id: number;
  alertId: number;
  destination: string;
  /** Sends that failed, refusals included. */
  attempts: number;
  /** Of `attempts`: sends the platform refused as this alert's fault (see {@link CoreStore.markDeliveryRefused}). */
  refusals: number;
  alert: Alert;
  /**
   * Set when a send of this delivery started and its outcome was never recorded: the
   * process died during it, so the platform may already show the alert. Epoch ms of
   * that send's start (see {@link CoreStore.markDeliveryAttempting}).
   */
  interruptedAt?: number;
}

/** A pending delivery whose last send was in flight when the process died. */
export interface InterruptedDelivery {
  id: number;
  alertId: number;
  destination: string;
  /** When the interrupted send started, epoch ms. */
  attemptingAt: number;
}

export interface DeliveryCounts {
  pending: number;
  sent: number;
  dead: number;
}

/**
 * Recent stories by evidence key (see domain/story-index.ts), kept in the store: it survives restarts,
 * and its writes commit or roll back with the transaction they happen in.
 */
export interface StoryIndex {
  /** Index every story whose latest post is at or after `sinceMs` (the ones already indexed stay as they are). */
  cover(sinceMs: number): void;
  /**
   * Index a stored story after a post created or joined it. `joined`: the features of a post that joined
   * the story, which was indexed before: only the keys of those the story kept are new.
   */
  put(story: StoryCandidate, joined?: readonly string[]): void;
  /** matchStory over the indexed stories. */
  match(features: readonly string[], publishedAt: number, rules?: StoryRules): StoryMatch | undefined;
  /** Forget stories whose latest post is older than `beforeMs`. */
  prune(beforeMs: number): void;
  /** Stories indexed. */
  readonly size: number;
}

export interface CoreStore {
  getFeedState(feedId: string): FeedState | undefined;
  saveFeedState(state: FeedState): void;

  /** Insert posts not seen before (by id, canonical URL, or guid/title within the feed); return those. */
  insertNewPosts(posts: readonly Post[]): Post[];
  /** The stories posts can join, indexed by evidence key in the store itself. */
  readonly storyIndex: StoryIndex;
  /** Record a post's analysis and its story membership (creating the story when `storyId` is new). */
  saveAnalysis(post: Post, analysis: PostAnalysis, storyId: string, features: readonly string[]): StoryInfo;
  /** Analyzed posts published at or after `sinceMs`, with their story context. */
  analyzedPostsSince(sinceMs: number): AnalyzedPost[];

  saveCandles(symbol: string, venue: string, timeframe: string, candles: readonly Candle[]): void;
  candles(symbol: string, timeframe: string, sinceMs: number): Candle[];
  lastCandleTime(symbol: string, timeframe: string): number | undefined;
  pruneCandles(olderThanMs: number): number;

  /**
   * Write an alert and one pending delivery per destination, atomically.
   * Returns false (and writes nothing) when an alert with the same key exists.
   */
  enqueueAlert(alert: Alert, destinations: readonly string[]): boolean;
  dueDeliveries(nowMs: number, limit: number): Delivery[];
  /**
   * Record that a delivery is being handed to its chat API now, durably (fsynced) before
   * the platform can show it. Recording its outcome (sent, failed, or
   * {@link CoreStore.clearDeliveryAttempt}) clears the mark; one still set after a restart
   * means the send was interrupted (`Delivery.interruptedAt`).
   */
  markDeliveryAttempting(deliveryId: number, nowMs: number): void;
  /** The platform refused the send before posting anything (rate limit, a refusing destination): no longer in flight, no attempt counted. */
  clearDeliveryAttempt(deliveryId: number): void;
  /** Pending deliveries whose last send was interrupted by the process dying, oldest first. */
  interruptedDeliveries(): InterruptedDelivery[];
  markDelivered(deliveryId: number, nowMs: number): void;
  markDeliveryFailed(deliveryId: number, error: string, nextAttemptAt: number, dead: boolean): void;
  /** Like {@link CoreStore.markDeliveryFailed}, for a send the platform refused as this alert's fault: counted in `refusals` too. */
  markDeliveryRefused(deliveryId: number, error: string, nextAttemptAt: number, dead: boolean): void;
  /** Push every pending delivery of a destination to `untilMs` (rate limit or outage). */
  postponeDestination(destination: string, untilMs: number): void;
  deliveryCounts(): DeliveryCounts;
  /** The latest move alert for a token and direction, optionally over one window only. */
  lastMoveAlert(symbol: string, direction: 'up' | 'down', windowMinutes?: number): PriorMoveAlert | undefined;
  storyAlerted(storyId: string): boolean;

  /** Run `fn` as one transaction (a nested transaction joins it as a savepoint). `fn` must not await. */
  transaction<T>(fn: () => T): T;

  close(): void;
}

/** Everything the bot persists: the core tables plus each area's own. */
export interface Store extends CoreStore, LanguageStore, MarketStore, ChatStore, CommandsStore {}
