/**
 * The price cycle: for every configured token, find the first venue that
 * lists it, fetch the candles missing since the last stored one (backfilling
 * on first run), and store them. One bad symbol or venue never blocks the rest.
 */
import type { TokenConfig } from '../config/schema.ts';
import { shouldWarnAboutFailure } from '../domain/feed-schedule.ts';
import { timeframeMs } from '../domain/candles.ts';
import { DAY_MS } from '../domain/time.ts';
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
  venueOf: Map<string, VenueChoice>;
  failures: Map<string, number>;
  venueBackoffUntil: Map<string, number>;
}

export function createPricePollState(): PricePollState {
  return { venueOf: new Map(), failures: new Map(), venueBackoffUntil: new Map() };
}

export function venueCandidates(token: TokenConfig, quote: string): VenueChoice[] {
  return token.venues.map((v) => (typeof v === 'string' ? { venue: v, pair: `${token.symbol}/${quote}` } : { venue: v.exchange, pair: v.pair }));
}

const BACK_OFF_MS = 5 * 60_000;
const MAX_CANDLES_PER_CYCLE = 5000;

async function resolveVenue(rt: Runtime, deps: PricePollDeps, state: PricePollState, token: TokenConfig): Promise<VenueChoice | undefined> {
  const cached = state.venueOf.get(token.symbol);
  if (cached) return cached;
  const now = rt.clock.now();
  for (const choice of venueCandidates(token, rt.config.tokens.quote)) {
    if ((state.venueBackoffUntil.get(choice.venue) ?? 0) > now) continue;
    const source = await deps.sources(choice.venue);
    if (await source.hasMarket(choice.pair)) {
      state.venueOf.set(token.symbol, choice);
      return choice;
    }
    rt.log.info({ symbol: token.symbol, venue: choice.venue, pair: choice.pair }, 'pair not listed on venue; trying the next one');
  }
  return undefined;
}

async function pollToken(rt: Runtime, deps: PricePollDeps, state: PricePollState, token: TokenConfig): Promise<number> {
  const { timeframe, backfillDays } = rt.config.alerts.market;
  const choice = await resolveVenue(rt, deps, state, token);
  if (!choice) {
    throw new ExchangeError('skip-symbol', `${token.symbol}: no configured venue lists it (${venueCandidates(token, rt.config.tokens.quote).map((v) => `${v.venue} ${v.pair}`).join(', ')}); add a venue in tokens.yaml`, { venue: 'all', symbol: token.symbol });
  }
  const step = timeframeMs(timeframe);
  const now = rt.clock.now();
  const last = rt.store.lastCandleTime(token.symbol, timeframe);
  // Re-fetch the last stored candle: it was probably still open when stored.
  const since = last ?? now - backfillDays * DAY_MS;
  const limit = Math.min(MAX_CANDLES_PER_CYCLE, Math.ceil((now - since) / step) + 1);
  const source = await deps.sources(choice.venue);
  try {
    const candles = await source.candles(choice.pair, timeframe, since, limit);
    rt.store.saveCandles(token.symbol, choice.venue, timeframe, candles);
    return candles.length;
  } catch (err) {
    // A pair that disappears (delisting) sends the symbol back to venue resolution next cycle.
    if (err instanceof ExchangeError && err.action === 'skip-symbol') state.venueOf.delete(token.symbol);
    if (err instanceof ExchangeError && err.action === 'back-off') state.venueBackoffUntil.set(choice.venue, now + BACK_OFF_MS);
    throw err;
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
      const streak = state.failures.get(token.symbol) ?? 0;
      if (streak > 0) log.info({ failures: streak }, 'prices recovered');
      state.failures.delete(token.symbol);
    } catch (err) {
      failed.push(token.symbol);
      const streak = (state.failures.get(token.symbol) ?? 0) + 1;
      state.failures.set(token.symbol, streak);
      if (!(err instanceof ExchangeError)) log.error({ err }, 'unexpected error while fetching prices (bug?)');
      else if (shouldWarnAboutFailure(streak)) log.warn({ action: err.action, venue: err.details.venue, failures: streak, error: err.message }, 'price fetch failed');
      else log.debug({ action: err.action, failures: streak }, 'price fetch failed again');
    }
  }
  return { symbols: rt.config.tokens.tokens.length, candlesStored, failed };
}
