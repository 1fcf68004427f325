/**
 * The price cycle: for every configured token, find the first venue that
 * lists it, fetch the candles missing since the last stored one (backfilling
 * on first run), and store them. One bad symbol or venue never blocks the
 * rest: a venue that cannot be reached is backed off (and reported once, not
 * once per symbol) and its tokens fall back to their next venue.
 */
import type { TokenConfig } from '../config/schema.ts';
import { timeframeMs } from '../domain/candles.ts';
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

/** Memory of the cycle between runs: where each symbol trades, and failure streaks for quiet logging. */
export interface PricePollState {
  venueOf: Map<string, VenueChoice & { resolvedAt: number }>;
  symbolFailures: Map<string, number>;
  venueFailures: Map<string, number>;
  venueBackoffUntil: Map<string, number>;
}

export function createPricePollState(): PricePollState {
  return { venueOf: new Map(), symbolFailures: new Map(), venueFailures: new Map(), venueBackoffUntil: new Map() };
}

export function venueCandidates(token: TokenConfig, quote: string): VenueChoice[] {
  return token.venues.map((v) => (typeof v === 'string' ? { venue: v, pair: `${token.symbol}/${quote}` } : { venue: v.exchange, pair: v.pair }));
}

/** A fallback venue is only a stand-in: check the preferred ones again after this long. */
const VENUE_RECHECK_MS = 6 * HOUR_MS;
const MAX_CANDLES_PER_CYCLE = 5000;

function venueBackoffMs(failures: number): number {
  return Math.min(30 * MINUTE_MS, MINUTE_MS * 2 ** Math.max(0, failures - 1));
}

function venueFailed(rt: Runtime, state: PricePollState, venue: string, err: ExchangeError): void {
  const failures = (state.venueFailures.get(venue) ?? 0) + 1;
  state.venueFailures.set(venue, failures);
  state.venueBackoffUntil.set(venue, rt.clock.now() + venueBackoffMs(failures));
  const log = rt.log.child({ venue });
  if (shouldWarnAboutFailure(failures)) log.warn({ action: err.action, failures, error: err.message }, 'exchange unavailable; its tokens use their next venue meanwhile');
  else log.debug({ failures }, 'exchange still unavailable');
}

function venueSucceeded(rt: Runtime, state: PricePollState, venue: string): void {
  const failures = state.venueFailures.get(venue);
  if (failures) rt.log.child({ venue }).info({ failures }, 'exchange reachable again');
  state.venueFailures.delete(venue);
  state.venueBackoffUntil.delete(venue);
}

/** Venue-level trouble (unreachable, rate limited) as opposed to a problem with one pair. */
function isVenueFailure(err: unknown): err is ExchangeError {
  return err instanceof ExchangeError && err.action !== 'skip-symbol';
}

async function resolveVenue(rt: Runtime, deps: PricePollDeps, state: PricePollState, token: TokenConfig): Promise<VenueChoice> {
  const now = rt.clock.now();
  const cached = state.venueOf.get(token.symbol);
  const candidates = venueCandidates(token, rt.config.tokens.quote);
  const backedOff = (venue: string) => (state.venueBackoffUntil.get(venue) ?? 0) > now;
  // A remembered venue that has since gone down is no choice: resolve again so its tokens fall back.
  if (cached && !backedOff(cached.venue) && (now - cached.resolvedAt < VENUE_RECHECK_MS || cached.venue === candidates[0]?.venue)) return cached;
  const notes: string[] = [];
  for (const choice of candidates) {
    if (backedOff(choice.venue)) {
      notes.push(`${choice.venue} unavailable`);
      continue;
    }
    try {
      const source = await deps.sources(choice.venue);
      // No venueSucceeded() here: hasMarket() may answer from a market list cached long ago,
      // which says nothing about whether the venue is reachable now. candles() decides that.
      const listed = await source.hasMarket(choice.pair);
      if (listed) {
        if (cached?.venue !== choice.venue) rt.log.info({ symbol: token.symbol, venue: choice.venue, pair: choice.pair }, 'token priced on venue');
        state.venueOf.set(token.symbol, { ...choice, resolvedAt: now });
        return choice;
      }
      notes.push(`${choice.venue} does not list ${choice.pair}`);
    } catch (err) {
      if (!isVenueFailure(err)) throw err;
      venueFailed(rt, state, choice.venue, err);
      notes.push(`${choice.venue} unavailable`);
    }
  }
  const anyDown = notes.some((n) => n.endsWith('unavailable'));
  throw new ExchangeError(anyDown ? 'retry' : 'skip-symbol', `${token.symbol}: no venue can price it now (${notes.join('; ')})${anyDown ? '' : '; add a venue that lists it in tokens.yaml'}`, { venue: 'all', symbol: token.symbol });
}

async function pollToken(rt: Runtime, deps: PricePollDeps, state: PricePollState, token: TokenConfig): Promise<number> {
  const { timeframe, backfillDays } = rt.config.alerts.market;
  const step = timeframeMs(timeframe);
  const venues = venueCandidates(token, rt.config.tokens.quote).length;
  // A venue that fails is backed off before resolving again, so each attempt tries the next venue.
  for (let attempt = 1; ; attempt++) {
    const choice = await resolveVenue(rt, deps, state, token);
    const now = rt.clock.now();
    // Re-fetch the last stored candle: it was probably still open when stored.
    const since = rt.store.lastCandleTime(token.symbol, timeframe) ?? now - backfillDays * DAY_MS;
    const limit = Math.min(MAX_CANDLES_PER_CYCLE, Math.ceil((now - since) / step) + 1);
    try {
      const source = await deps.sources(choice.venue);
      const candles = await source.candles(choice.pair, timeframe, since, limit);
      rt.store.saveCandles(token.symbol, choice.venue, timeframe, candles);
      venueSucceeded(rt, state, choice.venue);
      return candles.length;
    } catch (err) {
      // A pair that disappears (delisting) or a venue that goes down sends the symbol back to venue resolution.
      state.venueOf.delete(token.symbol);
      if (!isVenueFailure(err)) throw err;
      venueFailed(rt, state, choice.venue, err);
      if (attempt >= venues) throw err;
    }
  }
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
      // Venue outages are reported per venue; only problems particular to this token warn here.
      else if (err.action === 'skip-symbol' && shouldWarnAboutFailure(streak)) log.warn({ failures: streak, error: err.message }, 'token cannot be priced');
      else log.debug({ action: err.action, failures: streak, error: err.message }, 'price fetch failed');
    }
  }
  return { symbols: rt.config.tokens.tokens.length, candlesStored, failed };
}
