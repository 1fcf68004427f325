/**
 * Event studies, kept up to date: once the candles exist, measure each
 * analyzed post's linked tokens at +1h, +4h, +24h (market-model abnormal
 * return), store the results, and optionally follow up on alerted stories
 * that moved their token. Aggregates come from {@link summarizeEventStudies}.
 */
import type { NoticeAlert } from '../domain/alert.ts';
import { estimateBeta } from '../domain/beta.ts';
import { timeframeMs, type Candle } from '../domain/candles.ts';
import { eventEnd, eventStart, studyEvent, type EventStudyRecord } from '../domain/event-study.ts';
import { formatPercent } from '../domain/moves.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, formatWindow } from '../domain/time.ts';
import type { CandleReader } from './detect-moves.ts';
import { studyKey, type StudyPost } from './market-store.ts';
import { queueAlert, type Runtime } from './runtime.ts';

/** A post taken up for study, with the horizons still to measure per linked token. */
interface PendingStudy {
  post: StudyPost;
  tokens: Map<string, { link: 'mention' | 'theme'; horizons: number[] }>;
  /** When its earliest horizon left ends: runs before then skip it. */
  nextDueAt: number;
}

function nextDueAt(p: Pick<PendingStudy, 'post' | 'tokens'>, step: number): number {
  let next = Number.POSITIVE_INFINITY;
  for (const t of p.tokens.values()) for (const h of t.horizons) next = Math.min(next, eventEnd(p.post.publishedAt, h, step));
  return next;
}

/**
 * Memory between runs, so each run reads only the posts that arrived since the
 * last one and measures each horizon once, when its candle has closed.
 */
export interface EventStudyState {
  lastRunAt?: number;
  pending: Map<string, PendingStudy>;
  /** Posts taken up (pending or done), by id → publication time, so a post is taken up once. */
  seen: Map<string, number>;
  /** β per "SYMBOL startAt": posts published in the same candle share it. */
  betas: Map<string, number>;
  /** When memory was last pruned. */
  prunedAt?: number;
}

export function createEventStudyState(): EventStudyState {
  return { pending: new Map(), seen: new Map(), betas: new Map() };
}

export interface EventStudyRunResult {
  /** Studies (post × token × horizon) stored. */
  stored: number;
  followUps: number;
}

/** How far back a run without memory (a restart) looks for posts still to study, beyond the longest horizon. */
const CATCH_UP_MS = 2 * DAY_MS;
/** Posts are analyzed right after they are stored, but a cycle may fall in between: look this far behind the last run. */
const LATE_ANALYSIS_MS = HOUR_MS;
/** A horizon whose candles are still missing this long after it ended is given up. */
const GIVE_UP_MS = DAY_MS;

/** Tokens a post is tied to, with how: a mention beats a theme link. Benchmarks and unknown tokens are left out. */
export function linkedTokens(post: Pick<StudyPost, 'tokens' | 'themes'>, themeTokens: ReadonlyMap<string, readonly string[]>, tracked: ReadonlySet<string>): Map<string, 'mention' | 'theme'> {
  const out = new Map<string, 'mention' | 'theme'>();
  for (const symbol of post.tokens) if (tracked.has(symbol)) out.set(symbol, 'mention');
  for (const theme of post.themes) {
    for (const symbol of themeTokens.get(theme.id) ?? []) if (tracked.has(symbol) && !out.has(symbol)) out.set(symbol, 'theme');
  }
  return out;
}

/** Take up the posts that arrived since the last run (all recent ones on a first run, minus what is stored). */
function takeUpNewPosts(rt: Runtime, state: EventStudyState, now: number, step: number): void {
  const horizons = rt.config.alerts.correlation.eventStudy.horizonsMinutes;
  const oldest = now - Math.max(...horizons) * MINUTE_MS - CATCH_UP_MS;
  const fresh = rt.store.postsToStudy(oldest, state.lastRunAt === undefined ? undefined : state.lastRunAt - LATE_ANALYSIS_MS).filter((p) => !state.seen.has(p.id));
  if (fresh.length === 0) return;
  // Only a run without memory can meet posts whose studies are already stored (a restart).
  const done = state.lastRunAt === undefined ? rt.store.studiedKeys(fresh.map((p) => p.id)) : new Set<string>();
  const tracked = new Set(rt.config.tokens.tokens.filter((t) => !t.benchmark).map((t) => t.symbol));
  const themeTokens = new Map(rt.config.themes.themes.map((t) => [t.id, t.tokens]));
  for (const post of fresh) {
    state.seen.set(post.id, post.publishedAt);
    const tokens = new Map<string, { link: 'mention' | 'theme'; horizons: number[] }>();
    for (const [symbol, link] of linkedTokens(post, themeTokens, tracked)) {
      const left = horizons.filter((h) => !done.has(studyKey(post.id, symbol, h)));
      if (left.length > 0) tokens.set(symbol, { link, horizons: left });
    }
    if (tokens.size > 0) state.pending.set(post.id, { post, tokens, nextDueAt: nextDueAt({ post, tokens }, step) });
  }
}

/**
 * Study the horizons that have ended since the last run, store them, and
 * forget what is done. Pass the same `state` every cycle; without one, each
 * call starts afresh (catching up over the last days; stored studies are
 * never stored twice).
 */
export function runEventStudies(rt: Runtime, state: EventStudyState = createEventStudyState(), reader: CandleReader = rt.store): EventStudyRunResult {
  const now = rt.clock.now();
  const { market } = rt.config.alerts;
  const step = timeframeMs(market.timeframe);
  takeUpNewPosts(rt, state, now, step);
  state.lastRunAt = now;

  // What is due: horizons whose end candle has closed.
  const due: { pending: PendingStudy; symbol: string; horizons: number[] }[] = [];
  let earliest = Number.POSITIVE_INFINITY;
  for (const pending of state.pending.values()) {
    if (pending.nextDueAt > now) continue;
    for (const [symbol, t] of pending.tokens) {
      const horizons = t.horizons.filter((h) => eventEnd(pending.post.publishedAt, h, step) <= now);
      if (horizons.length === 0) continue;
      due.push({ pending, symbol, horizons });
      earliest = Math.min(earliest, pending.post.publishedAt);
    }
  }
  const records: EventStudyRecord[] = [];
  if (due.length > 0) {
    const betaSamples = Math.round((market.betaDays * DAY_MS) / step);
    const since = eventStart(earliest, step) - (betaSamples + 2) * step;
    const series = new Map<string, readonly Candle[]>();
    const candlesOf = (symbol: string) => {
      let c = series.get(symbol);
      if (!c) series.set(symbol, (c = reader.candles(symbol, market.timeframe, since)));
      return c;
    };
    const benchmark = candlesOf(market.benchmark);
    for (const { pending, symbol, horizons } of due) {
      const { post } = pending;
      const candles = candlesOf(symbol);
      const startAt = eventStart(post.publishedAt, step);
      const betaKey = `${symbol} ${startAt}`;
      let beta = state.betas.get(betaKey);
      if (beta === undefined) state.betas.set(betaKey, (beta = estimateBeta(candles, benchmark, startAt, betaSamples, step).beta));
      const results = studyEvent({ publishedAt: post.publishedAt, candles, benchmark, stepMs: step, horizonsMinutes: horizons, betaSamples, beta }, now);
      const token = pending.tokens.get(symbol)!;
      for (const r of results) {
        records.push({
          postId: post.id,
          storyId: post.storyId,
          feedId: post.feedId,
          source: post.source,
          title: post.title,
          url: post.url,
          publishedAt: post.publishedAt,
          symbol,
          link: token.link,
          themes: post.themes,
          horizonMinutes: r.horizonMinutes,
          return: r.return,
          benchmarkReturn: r.benchmarkReturn,
          beta: r.beta,
          abnormalReturn: r.abnormalReturn,
        });
      }
      const measured = new Set(results.map((r) => r.horizonMinutes));
      // Horizons without candles wait for them, up to a point.
      token.horizons = token.horizons.filter((h) => !measured.has(h) && eventEnd(post.publishedAt, h, step) > now - GIVE_UP_MS);
      if (token.horizons.length === 0) pending.tokens.delete(symbol);
      if (pending.tokens.size === 0) state.pending.delete(post.id);
      else pending.nextDueAt = nextDueAt(pending, step);
    }
  }
  if (now - (state.prunedAt ?? Number.NEGATIVE_INFINITY) >= 6 * HOUR_MS) {
    forgetOld(state, now - Math.max(...rt.config.alerts.correlation.eventStudy.horizonsMinutes) * MINUTE_MS - CATCH_UP_MS - DAY_MS, step);
    state.prunedAt = now;
  }
  if (records.length > 0) rt.store.saveEventStudies(records, now);
  const followUps = rt.config.alerts.correlation.eventStudy.followUp ? queueFollowUps(rt, records, now) : 0;
  return { stored: records.length, followUps };
}

/** Drop memory of posts too old to be taken up again, and their β. */
function forgetOld(state: EventStudyState, before: number, step: number): void {
  for (const [id, publishedAt] of state.seen) {
    if (publishedAt >= before) continue;
    state.seen.delete(id);
    state.pending.delete(id);
  }
  for (const key of state.betas.keys()) if (Number(key.slice(key.indexOf(' ') + 1)) < before - step) state.betas.delete(key);
}

/** A note under an alerted story: what its token did after it, beyond the market. */
function queueFollowUps(rt: Runtime, records: readonly EventStudyRecord[], now: number): number {
  const { horizonsMinutes, followUpMinAbnormal } = rt.config.alerts.correlation.eventStudy;
  const longest = Math.max(...horizonsMinutes);
  let queued = 0;
  for (const r of records) {
    if (r.horizonMinutes !== longest || Math.abs(r.abnormalReturn) < followUpMinAbnormal || !rt.store.storyAlerted(r.storyId)) continue;
    const window = formatWindow(longest);
    const notice: NoticeAlert = {
      kind: 'notice',
      key: `follow-up:${r.storyId}:${r.symbol}`,
      createdAt: now,
      severity: 'low',
      reason: `|abnormal return| ≥ ${formatPercent(followUpMinAbnormal).slice(1)} within ${window}`,
      title: `Follow-up: ${r.symbol} ${formatPercent(r.abnormalReturn)} vs BTC in the ${window} after "${r.title}"`,
      text: `${r.symbol} returned ${formatPercent(r.return)} (BTC ${formatPercent(r.benchmarkReturn)}, β ${r.beta.toFixed(2)}) in the ${window} after ${r.source} published "${r.title}" (${r.url}).`,
    };
    if (queueAlert(rt, notice)) queued++;
  }
  if (queued > 0) rt.onAlertsQueued?.();
  return queued;
}
