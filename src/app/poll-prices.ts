/**
 * The price cycle: for every configured token, find the first venue that
 * lists it, fetch the candles missing since the last stored one (backfilling
 * on first run), and store them under the token's current symbol, whatever
 * the pair is called on the venue (RNDR/USDT history is RENDER's). Holes in
 * the stored series are fetched again. One bad symbol or venue never blocks
 * the rest: a failed request sends that token to its next venue for the
 * cycle; a venue that keeps failing, or asks us to slow down, is backed off
 * (for at least its Retry-After, reported once, not once per symbol) and its
 * tokens fall back to their next venue until it answers again. A pair the
 * venue no longer knows (delisted) is warned about once and not asked for
 * again for a day.
 */
import type { TokenConfig } from '../config/schema.ts';
import { continuesSeries, findCandleGaps, timeframeMs, type Candle } from '../domain/candles.ts';
import { shouldWarnAboutFailure } from '../domain/feed-schedule.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../domain/time.ts';
import { ExchangeError, type PriceSource } from './ports.ts';
import type { Runtime } from './runtime.ts';

/** Builds (or returns the cached) price source for a venue id such as "binance". */
export type PriceSourceProvider = (venue: string) => Promise<PriceSource>;

export interface PricePollDeps {
  sources: PriceSourceProvider;
}

export interface PriceCycleResult {
  symbols: number;
  candlesStored: number;
  failed: string[];
}

interface VenueChoice {
  venue: string;
  pair: string;
}

interface RememberedVenue extends VenueChoice {
  resolvedAt: number;
  /** More preferred venues skipped because they were failing: go back to them once they answer. */
  passedOver: string[];
}

/** Memory of the cycle between runs: where each symbol trades, and failure streaks for quiet logging. */
export interface PricePollState {
  venueOf: Map<string, RememberedVenue>;
  symbolFailures: Map<string, number>;
  /** Consecutive failed requests per venue, whichever symbol they were for; a success resets it. */
  venueFailures: Map<string, number>;
  venueBackoffUntil: Map<string, number>;
  /** Pairs a venue said it does not know ("venue pair"): not asked for again until `until`. */
  delisted: Map<string, { since: number; until: number }>;
  /** Repair attempts per gap and venue ("SYMBOL venue firstMissingTime"), so a hole a venue cannot fill is not asked for forever. */
  gapAttempts: Map<string, number>;
}

export function createPricePollState(): PricePollState {
  return { venueOf: new Map(), symbolFailures: new Map(), venueFailures: new Map(), venueBackoffUntil: new Map(), delisted: new Map(), gapAttempts: new Map() };
}

export function venueCandidates(token: TokenConfig, quote: string): VenueChoice[] {
  return token.venues.map((v) => (typeof v === 'string' ? { venue: v, pair: `${token.symbol}/${quote}` } : { venue: v.exchange, pair: v.pair }));
}

/** A fallback venue is only a stand-in: check the preferred ones again after this long. */
const VENUE_RECHECK_MS = 6 * HOUR_MS;
const MAX_CANDLES_PER_CYCLE = 5000;
/** Holes refetched per token and cycle; more wait for the next cycle. */
const MAX_GAPS_PER_CYCLE = 10;
/** Attempts per venue before a hole is accepted as that venue's (an outage on their side, a halted market). */
const MAX_GAP_ATTEMPTS = 3;
/**
 * Failed requests in a row before a venue counts as down. One 5xx or timeout is often one bad
 * node behind the load balancer: that token retries on its next venue and the others carry on.
 * Rate limits (429/418) and failing market lists count at once.
 */
const VENUE_DOWN_AFTER_FAILURES = 2;
/** A delisted pair is asked for again after this long, in case it was relisted. */
const DELISTED_RECHECK_MS = DAY_MS;
/** Retry-After is honoured up to this (Binance IP bans last from 2 minutes to 3 days). */
const MAX_RETRY_AFTER_MS = 3 * DAY_MS;

const VENUE_DOWN = 'exchange unavailable; its tokens use their next venue meanwhile';

function venueBackoffMs(failures: number): number {
  return Math.min(30 * MINUTE_MS, MINUTE_MS * 2 ** Math.max(0, failures - 1));
}

/** Counts a failed request; backs the venue off when that makes it down (see {@link VENUE_DOWN_AFTER_FAILURES}). */
function venueFailed(rt: Runtime, state: PricePollState, venue: string, err: ExchangeError, countsAtOnce: boolean): void {
  const failures = (state.venueFailures.get(venue) ?? 0) + 1;
  state.venueFailures.set(venue, failures);
  const log = rt.log.child({ venue });
  if (!countsAtOnce && err.action === 'retry' && failures < VENUE_DOWN_AFTER_FAILURES) {
    log.debug({ action: err.action, failures, error: err.message }, 'exchange request failed; not counted as down yet');
    return;
  }
  const { retryAfterMs } = err.details;
  const backoffMs = Math.max(venueBackoffMs(failures), Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
  state.venueBackoffUntil.set(venue, rt.clock.now() + backoffMs);
  const fields = { action: err.action, failures, backoffMs, ...(retryAfterMs === undefined ? {} : { retryAfterMs }), error: err.message };
  if (shouldWarnAboutFailure(failures)) log.warn(fields, VENUE_DOWN);
  else log.debug(fields, 'exchange still unavailable');
}

function venueSucceeded(rt: Runtime, state: PricePollState, venue: string): void {
  const failures = state.venueFailures.get(venue);
  // Only a venue that was backed off "comes back"; a single failed request was never reported as down.
  if (failures && state.venueBackoffUntil.has(venue)) rt.log.child({ venue }).info({ failures }, 'exchange reachable again');
  state.venueFailures.delete(venue);
  state.venueBackoffUntil.delete(venue);
}

const delistKey = (choice: VenueChoice) => `${choice.venue} ${choice.pair}`;

function isDelisted(state: PricePollState, choice: VenueChoice, now: number): boolean {
  return (state.delisted.get(delistKey(choice))?.until ?? 0) > now;
}

/** The venue said it does not know the pair: warn once, and stop asking for a day. */
function markDelisted(rt: Runtime, state: PricePollState, token: TokenConfig, choice: VenueChoice, err: ExchangeError): void {
  const now = rt.clock.now();
  const key = delistKey(choice);
  const known = state.delisted.get(key);
  state.delisted.set(key, { since: known?.since ?? now, until: now + DELISTED_RECHECK_MS });
  const fields = { symbol: token.symbol, venue: choice.venue, pair: choice.pair, recheckInMs: DELISTED_RECHECK_MS, error: err.message };
  if (known === undefined) rt.log.warn(fields, 'pair no longer listed on venue (delisted?); not asked for again for a day');
  else rt.log.debug(fields, 'pair still not listed on venue');
}

/** Every venue of the token has said it no longer lists the pair: already warned about, per pair. */
function delistedEverywhere(rt: Runtime, state: PricePollState, token: TokenConfig): boolean {
  const now = rt.clock.now();
  return venueCandidates(token, rt.config.tokens.quote).every((c) => isDelisted(state, c, now));
}

/** Venue-level trouble (unreachable, rate limited) as opposed to a problem with one pair. */
function isVenueFailure(err: unknown): err is ExchangeError {
  return err instanceof ExchangeError && err.action !== 'skip-symbol';
}

/** The venue to price `token` on now, skipping those in `failedThisCycle`. */
async function resolveVenue(rt: Runtime, deps: PricePollDeps, state: PricePollState, token: TokenConfig, failedThisCycle: ReadonlySet<string>): Promise<VenueChoice> {
  const now = rt.clock.now();
  const cached = state.venueOf.get(token.symbol);
  const candidates = venueCandidates(token, rt.config.tokens.quote);
  const backedOff = (venue: string) => (state.venueBackoffUntil.get(venue) ?? 0) > now;
  if (
    cached &&
    !failedThisCycle.has(cached.venue) &&
    // A remembered venue that has since gone down is no choice: resolve again so its tokens fall back.
    !backedOff(cached.venue) &&
    !isDelisted(state, cached, now) &&
    // A preferred venue passed over while it was failing is tried again as soon as its backoff ends.
    !cached.passedOver.some((venue) => !backedOff(venue)) &&
    (now - cached.resolvedAt < VENUE_RECHECK_MS || cached.venue === candidates[0]?.venue)
  ) {
    return cached;
  }
  const notes: string[] = [];
  const passedOver: string[] = [];
  for (const choice of candidates) {
    if (failedThisCycle.has(choice.venue) || backedOff(choice.venue)) {
      notes.push(`${choice.venue} unavailable`);
      passedOver.push(choice.venue);
      continue;
    }
    if (isDelisted(state, choice, now)) {
      notes.push(`${choice.venue} stopped listing ${choice.pair}`);
      continue;
    }
    try {
      const source = await deps.sources(choice.venue);
      // No venueSucceeded() here: hasMarket() may answer from a market list cached long ago,
      // which says nothing about whether the venue is reachable now. candles() decides that.
      const listed = await source.hasMarket(choice.pair);
      if (listed) {
        if (cached?.venue !== choice.venue) rt.log.info({ symbol: token.symbol, venue: choice.venue, pair: choice.pair }, 'token priced on venue');
        state.venueOf.set(token.symbol, { ...choice, resolvedAt: now, passedOver });
        return choice;
      }
      notes.push(`${choice.venue} does not list ${choice.pair}`);
    } catch (err) {
      if (!isVenueFailure(err)) throw err;
      // Without its market list a venue can price nothing: down at once.
      venueFailed(rt, state, choice.venue, err, true);
      notes.push(`${choice.venue} unavailable`);
      passedOver.push(choice.venue);
    }
  }
  const anyDown = passedOver.length > 0;
  throw new ExchangeError(anyDown ? 'retry' : 'skip-symbol', `${token.symbol}: no venue can price it now (${notes.join('; ')})${anyDown ? '' : '; add a venue that lists it in tokens.yaml'}`, { venue: 'all', symbol: token.symbol });
}

async function pollToken(rt: Runtime, deps: PricePollDeps, state: PricePollState, token: TokenConfig): Promise<number> {
  const { timeframe, backfillDays } = rt.config.alerts.market;
  const step = timeframeMs(timeframe);
  const candidates = venueCandidates(token, rt.config.tokens.quote);
  // A venue that fails this token's request is skipped for the rest of the cycle, so each attempt tries the next venue.
  const failedThisCycle = new Set<string>();
  for (;;) {
    const choice = await resolveVenue(rt, deps, state, token, failedThisCycle);
    const now = rt.clock.now();
    // Re-fetch the last stored candle: it was probably still open when stored.
    const last = rt.store.lastCandleTime(token.symbol, timeframe);
    const backfill = last === undefined;
    const since = last ?? now - backfillDays * DAY_MS;
    const limit = Math.min(MAX_CANDLES_PER_CYCLE, Math.ceil((now - since) / step) + 1);
    let source: PriceSource;
    let candles: Candle[];
    try {
      source = await deps.sources(choice.venue);
      candles = await source.candles(choice.pair, timeframe, since, limit);
      rt.store.saveCandles(token.symbol, choice.venue, timeframe, candles);
      venueSucceeded(rt, state, choice.venue);
      state.delisted.delete(delistKey(choice));
    } catch (err) {
      // A pair that disappears (delisting) or a venue that fails sends the symbol back to venue resolution.
      state.venueOf.delete(token.symbol);
      if (err instanceof ExchangeError && err.action === 'skip-symbol') markDelisted(rt, state, token, choice, err);
      else if (isVenueFailure(err)) venueFailed(rt, state, choice.venue, err, false);
      else throw err;
      failedThisCycle.add(choice.venue);
      if (candidates.every((c) => failedThisCycle.has(c.venue))) throw err;
      continue;
    }
    // The current pair is stored; what follows is best effort and never fails the token.
    let stored = candles.length;
    if (backfill && (candles[0]?.time ?? now) > since + step) stored += await backfillFormerTickers(rt, source, token, choice, since, candles);
    stored += await repairGaps(rt, source, state, token, choice, now);
    return stored;
  }
}

/** Runs `fetch`; an exchange error is logged and swallowed (repairs retry later), anything else is a bug and propagates. */
async function bestEffort<T>(rt: Runtime, what: string, context: Record<string, unknown>, fetch: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fetch();
  } catch (err) {
    if (!(err instanceof ExchangeError)) throw err;
    rt.log.debug({ ...context, action: err.action, error: err.message }, what);
    return undefined;
  }
}

/**
 * A renamed token (RNDR → RENDER) has its older history under the former
 * ticker. On backfill, when the current pair's history starts late, fetch the
 * earlier part from the same venue under each former ticker (tokens.yaml
 * `tickers`) and store it under the current symbol.
 */
async function backfillFormerTickers(rt: Runtime, source: PriceSource, token: TokenConfig, choice: VenueChoice, since: number, current: readonly Candle[]): Promise<number> {
  const firstCurrent = current[0]?.time ?? rt.clock.now();
  const { timeframe } = rt.config.alerts.market;
  const step = timeframeMs(timeframe);
  const [base, quote] = choice.pair.split('/');
  for (const ticker of token.tickers) {
    if (ticker === base) continue;
    const pair = `${ticker}/${quote}`;
    const context = { symbol: token.symbol, venue: choice.venue, pair };
    const older = await bestEffort(rt, 'former ticker history unavailable', context, async () => {
      if (!(await source.hasMarket(pair))) return [];
      const limit = Math.min(MAX_CANDLES_PER_CYCLE, Math.ceil((firstCurrent - since) / step));
      return (await source.candles(pair, timeframe, since, limit)).filter((c) => c.time < firstCurrent);
    });
    if (!older || older.length === 0) continue;
    if (!continuesSeries(older, current, step)) {
      rt.log.warn({ ...context }, 'former ticker prices do not continue the current pair (a swap, not a rename?); not used as history');
      continue;
    }
    rt.store.saveCandles(token.symbol, choice.venue, timeframe, older);
    rt.log.info({ ...context, candles: older.length }, 'history under a former ticker stored under the current symbol');
    return older.length;
  }
  return 0;
}

/**
 * Fetch again the candles missing inside the stored series of the last
 * `gapRepairDays` (a venue outage, a poll that failed for hours). A hole the
 * venue still cannot fill after a few attempts is left alone, with one log line,
 * until the token is priced on another venue.
 */
async function repairGaps(rt: Runtime, source: PriceSource, state: PricePollState, token: TokenConfig, choice: VenueChoice, now: number): Promise<number> {
  const { timeframe, gapRepairDays } = rt.config.alerts.market;
  if (gapRepairDays <= 0) return 0;
  const step = timeframeMs(timeframe);
  const gaps = findCandleGaps(rt.store.candles(token.symbol, timeframe, now - gapRepairDays * DAY_MS), step);
  let repaired = 0;
  // Per venue: a hole the fallback venue could not fill may be filled by the preferred one once it is back.
  const keyOf = (gap: { from: number }) => `${token.symbol} ${choice.venue} ${gap.from}`;
  for (const gap of gaps.filter((g) => (state.gapAttempts.get(keyOf(g)) ?? 0) < MAX_GAP_ATTEMPTS).slice(0, MAX_GAPS_PER_CYCLE)) {
    const key = keyOf(gap);
    const context = { symbol: token.symbol, venue: choice.venue, from: new Date(gap.from).toISOString(), missing: gap.missing };
    const limit = Math.min(MAX_CANDLES_PER_CYCLE, gap.missing);
    const fetched = await bestEffort(rt, 'gap repair failed', context, () => source.candles(choice.pair, timeframe, gap.from, limit));
    const filling = (fetched ?? []).filter((c) => c.time >= gap.from && c.time <= gap.to);
    if (filling.length > 0) rt.store.saveCandles(token.symbol, choice.venue, timeframe, filling);
    repaired += filling.length;
    if (filling.length >= gap.missing) {
      state.gapAttempts.delete(key);
      rt.log.info(context, 'gap in stored candles repaired');
      continue;
    }
    const attempts = (state.gapAttempts.get(key) ?? 0) + 1;
    state.gapAttempts.set(key, attempts);
    if (attempts >= MAX_GAP_ATTEMPTS) rt.log.info({ ...context, attempts, filled: filling.length }, 'venue has no candles for this gap; leaving it');
  }
  return repaired;
}

/** Fetch and store candles for every configured token. */
export async function pollPrices(rt: Runtime, deps: PricePollDeps, state: PricePollState): Promise<PriceCycleResult> {
  let candlesStored = 0;
  const failed: string[] = [];
  for (const token of rt.config.tokens.tokens) {
    const log = rt.log.child({ symbol: token.symbol });
    try {
      candlesStored += await pollToken(rt, deps, state, token);
      const streak = state.symbolFailures.get(token.symbol) ?? 0;
      if (streak > 0) log.info({ failures: streak }, 'prices recovered');
      state.symbolFailures.delete(token.symbol);
    } catch (err) {
      failed.push(token.symbol);
      const streak = (state.symbolFailures.get(token.symbol) ?? 0) + 1;
      state.symbolFailures.set(token.symbol, streak);
      if (!(err instanceof ExchangeError)) log.error({ err }, 'unexpected error while fetching prices (bug?)');
      // Venue outages are reported per venue and delistings per pair; only other problems particular to this token warn here.
      else if (err.action === 'skip-symbol' && shouldWarnAboutFailure(streak) && !delistedEverywhere(rt, state, token)) log.warn({ failures: streak, error: err.message }, 'token cannot be priced');
      else log.debug({ action: err.action, failures: streak, error: err.message }, 'price fetch failed');
    }
  }
  return { symbols: rt.config.tokens.tokens.length, candlesStored, failed };
}
