/**
 * Persistence the market area needs, beyond the core store: the sector index
 * series, event studies, and sector alert history. Implemented in
 * adapters/sqlite/market-store.ts.
 */
import type { PriorMoveAlert } from '../domain/alert-policy.ts';
import type { EventStudyRecord } from '../domain/event-study.ts';
import type { SectorIndexPoint } from '../domain/sector-index.ts';

/** A post as the event study needs it: who published it and what it is tied to. */
export interface StudyPost {
  id: string;
  storyId: string;
  feedId: string;
  source: string;
  title: string;
  url: string;
  publishedAt: number;
  themes: { id: string; name: string }[];
  tokens: string[];
}

export interface EventStudyFilter {
  /** Theme id the post was tagged with. */
  theme?: string;
  /** Feed id (or source name) of the post. */
  source?: string;
  symbol?: string;
  sinceMs?: number;
}

export interface MarketStore {
  /** Upsert index points of a basket (by name and timeframe). */
  saveSectorIndex(name: string, timeframe: string, points: readonly SectorIndexPoint[]): void;
  /** Index points at or after `sinceMs` (and before `untilMs` when given), oldest first. */
  sectorIndex(name: string, timeframe: string, sinceMs: number, untilMs?: number): SectorIndexPoint[];
  lastSectorIndexPoint(name: string, timeframe: string): SectorIndexPoint | undefined;
  /** Delete a basket's index points older than `olderThanMs` (retention, like candles); returns how many. */
  pruneSectorIndex(name: string, timeframe: string, olderThanMs: number): number;

  /**
   * Analyzed posts published at or after `publishedSince` and first seen (fetched) after
   * `fetchedAfter` (all when absent), oldest first, with their source's feed id, for event studies.
   */
  postsToStudy(publishedSince: number, fetchedAfter?: number): StudyPost[];
  /** Keys "postId symbol horizonMinutes" of the studies already stored for these posts. */
  studiedKeys(postIds: readonly string[]): Set<string>;
  /** Insert studies; one already stored for the same post, token and horizon is kept. */
  saveEventStudies(records: readonly EventStudyRecord[], computedAt: number): void;
  eventStudies(filter?: EventStudyFilter): EventStudyRecord[];

  /** URLs of a story's posts, oldest first (translations and copies included). */
  storyUrls(storyId: string): string[];

  /** The latest sector alert in a direction, optionally over one window only. */
  lastSectorAlert(name: string, direction: 'up' | 'down', windowMinutes?: number): PriorMoveAlert | undefined;
}

/** Key of one study in {@link MarketStore.studiedKeys}. */
export function studyKey(postId: string, symbol: string, horizonMinutes: number): string {
  return `${postId} ${symbol} ${horizonMinutes}`;
}
