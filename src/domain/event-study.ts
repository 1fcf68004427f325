/**
 * Event studies: what a token did after a post, beyond what the market did.
 * For each post and each token it is linked to, the market-model abnormal
 * return (r − β·r_BTC) from publication to +1h, +4h, +24h; then, per theme and
 * per source, the mean abnormal return with its t-statistic ("posts tagged
 * zkML preceded +2.1% mean 24h abnormal return for TAO, n=14, t=2.3"). Pure.
 */
import { abnormalReturn, estimateBeta } from './beta.ts';
import { lastClosedIndex, type Candle } from './candles.ts';
import { formatPercent } from './moves.ts';
import { MINUTE_MS, formatWindow } from './time.ts';

/** One post × token × horizon. */
export interface EventStudyResult {
  horizonMinutes: number;
  /** Close time of the last candle closed at publication: where the return is measured from. */
  startAt: number;
  endAt: number;
  return: number;
  benchmarkReturn: number;
  beta: number;
  abnormalReturn: number;
}

export interface EventStudyInput {
  publishedAt: number;
  candles: readonly Candle[];
  benchmark: readonly Candle[];
  stepMs: number;
  horizonsMinutes: readonly number[];
  /** Per-candle returns behind the β (estimated before publication). */
  betaSamples: number;
  /** A β already estimated for this token and {@link eventStart} (callers studying many posts cache it). */
  beta?: number;
}

/** Where an event's returns are measured from: the close of the candle before the one the post landed in. */
export function eventStart(publishedAt: number, stepMs: number): number {
  return Math.floor(publishedAt / stepMs) * stepMs;
}

/** When an event's horizon ends: whole candles after {@link eventStart}, at least one. */
export function eventEnd(publishedAt: number, horizonMinutes: number, stepMs: number): number {
  return eventStart(publishedAt, stepMs) + Math.max(stepMs, Math.round((horizonMinutes * MINUTE_MS) / stepMs) * stepMs);
}

/** Close of the candle closing exactly at `closeTime`, or undefined. */
function closeAt(candles: readonly Candle[], closeTime: number, stepMs: number): number | undefined {
  const i = lastClosedIndex(candles, closeTime, stepMs);
  const c = candles[i];
  return c !== undefined && c.time + stepMs === closeTime ? c.close : undefined;
}

/**
 * The abnormal return after a post for each horizon whose end candle has
 * closed by `now` (others are left for a later run). Returns are measured
 * from the last close at or before publication, so the post's own candle is
 * inside the window: news lands mid-candle and the reaction starts with it.
 */
export function studyEvent(input: EventStudyInput, now: number): EventStudyResult[] {
  const { candles, benchmark, stepMs } = input;
  const startAt = eventStart(input.publishedAt, stepMs);
  const p0 = closeAt(candles, startAt, stepMs);
  const b0 = closeAt(benchmark, startAt, stepMs);
  if (p0 === undefined || b0 === undefined) return [];
  const beta = input.beta ?? estimateBeta(candles, benchmark, startAt, input.betaSamples, stepMs).beta;
  const out: EventStudyResult[] = [];
  for (const horizonMinutes of input.horizonsMinutes) {
    const endAt = eventEnd(input.publishedAt, horizonMinutes, stepMs);
    if (endAt > now) continue;
    const p1 = closeAt(candles, endAt, stepMs);
    const b1 = closeAt(benchmark, endAt, stepMs);
    if (p1 === undefined || b1 === undefined) continue;
    const r = p1 / p0 - 1;
    const rb = b1 / b0 - 1;
    out.push({ horizonMinutes, startAt, endAt, return: r, benchmarkReturn: rb, beta, abnormalReturn: abnormalReturn(r, rb, beta) });
  }
  return out;
}

/** A stored study, as aggregation needs it. */
export interface EventStudyRecord {
  postId: string;
  storyId: string;
  /** Feed id and display name of the source. */
  feedId: string;
  source: string;
  title: string;
  url: string;
  publishedAt: number;
  symbol: string;
  /** How the post is tied to the token. */
  link: 'mention' | 'theme';
  /** Theme ids and names of the post. */
  themes: { id: string; name: string }[];
  horizonMinutes: number;
  return: number;
  benchmarkReturn: number;
  beta: number;
  abnormalReturn: number;
}

export interface MeanTest {
  n: number;
  mean: number;
  stdev: number;
  /** mean / (stdev / √n); undefined below 2 samples or with no dispersion. */
  t?: number;
}

/**
 * Mean and one-sample t-statistic of abnormal returns. The t assumes
 * independent events; posts clustered in time share market moves, so read a
 * t from overlapping windows as optimistic.
 */
export function meanTest(values: readonly number[]): MeanTest {
  const n = values.length;
  if (n === 0) return { n: 0, mean: 0, stdev: 0 };
  const mean = values.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { n, mean, stdev: 0 };
  const stdev = Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
  return stdev > 0 ? { n, mean, stdev, t: mean / (stdev / Math.sqrt(n)) } : { n, mean, stdev };
}

export interface EventStudySummary extends MeanTest {
  by: 'theme' | 'source';
  /** Theme id or feed id. */
  key: string;
  /** Theme name or source name. */
  label: string;
  symbol: string;
  horizonMinutes: number;
}

/**
 * Aggregate studies per theme (or per source), token and horizon. Per theme a
 * story counts once (its earliest post): translations and syndicated copies
 * are one event, not several. Sorted by |t| (then n), strongest first.
 */
export function summarizeEventStudies(records: readonly EventStudyRecord[], by: 'theme' | 'source'): EventStudySummary[] {
  const groups = new Map<string, { key: string; label: string; symbol: string; horizonMinutes: number; byEvent: Map<string, EventStudyRecord> }>();
  const add = (key: string, label: string, r: EventStudyRecord) => {
    const id = `${key}\u0000${r.symbol}\u0000${r.horizonMinutes}`;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { key, label, symbol: r.symbol, horizonMinutes: r.horizonMinutes, byEvent: new Map() }));
    const event = by === 'theme' ? r.storyId : r.postId;
    const prev = g.byEvent.get(event);
    if (!prev || r.publishedAt < prev.publishedAt) g.byEvent.set(event, r);
  };
  for (const r of records) {
    if (by === 'source') add(r.feedId, r.source, r);
    else for (const t of r.themes) add(t.id, t.name, r);
  }
  return [...groups.values()]
    .map((g) => ({ by, key: g.key, label: g.label, symbol: g.symbol, horizonMinutes: g.horizonMinutes, ...meanTest([...g.byEvent.values()].map((r) => r.abnormalReturn)) }))
    .sort((a, b) => Math.abs(b.t ?? 0) - Math.abs(a.t ?? 0) || b.n - a.n || a.key.localeCompare(b.key) || a.horizonMinutes - b.horizonMinutes);
}

/** "posts tagged zkML preceded +2.1% mean 24h abnormal return for TAO, n=14, t=2.3". */
export function describeEventStudy(s: EventStudySummary): string {
  const who = s.by === 'theme' ? `posts tagged ${s.label}` : `posts from ${s.label}`;
  const t = s.t === undefined ? '' : `, t=${s.t.toFixed(1)}`;
  return `${who} preceded ${formatPercent(s.mean)} mean ${formatWindow(s.horizonMinutes)} abnormal return for ${s.symbol}, n=${s.n}${t}`;
}
