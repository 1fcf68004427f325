/**
 * Persistence the language area needs beyond the core store: the narrative
 * series (theme mindshare and sentiment per hour, the sector sentiment index).
 * Implemented in adapters/sqlite/language-store.ts.
 */
import type { NarrativePoint, SeriesPost, ThemeShare } from '../domain/narrative-series.ts';

export interface LanguageStore {
  /**
   * Keep hourly series points; a point replaces the stored one of the same
   * series and hour. With `replaceBuckets` (hour starts), every stored point of
   * those hours is removed first, so an hour re-aggregated after re-analysis
   * keeps no theme it no longer has. One transaction.
   */
  recordNarrativePoints(points: readonly NarrativePoint[], replaceBuckets?: readonly number[]): void;
  /** Points of one series (a theme id or 'sector') whose hour starts in [fromMs, toMs), oldest first. */
  narrativeSeries(series: string, fromMs: number, toMs: number): NarrativePoint[];
  /**
   * Each theme's share of themed posts over [fromMs, toMs), with its share over
   * the period of equal length just before and the change between them.
   */
  mindshare(fromMs: number, toMs: number): ThemeShare[];
  /** Analyzed posts published in [fromMs, toMs), as the series aggregate them. */
  seriesPosts(fromMs: number, toMs: number): SeriesPost[];
}
