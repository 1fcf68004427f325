/**
 * A hand-written {@link PriceSource} for app tests: which pairs a venue lists,
 * the candles it has per pair, and errors injected per method (optionally per
 * pair), consumed in order. Every call is recorded.
 */
import type { PriceSourceProvider } from '../../src/app/poll-prices.ts';
import { ExchangeError, type ExchangeAction, type PriceSource } from '../../src/app/ports.ts';
import type { Candle } from '../../src/domain/candles.ts';

export interface CandlesCall {
  pair: string;
  timeframe: string;
  sinceMs: number;
  limit?: number;
}

type Method = 'hasMarket' | 'candles';

interface Injected {
  error: Error;
  /** Only calls for this pair consume it; any pair when undefined. */
  pair?: string;
}

export class FakePriceSource implements PriceSource {
  readonly hasMarketCalls: string[] = [];
  readonly candleCalls: CandlesCall[] = [];
  private readonly series = new Map<string, Candle[]>();
  private readonly injected: Record<Method, Injected[]> = { hasMarket: [], candles: [] };

  /** `pairs`: each listed pair and the candles the venue has for it (oldest first). */
  constructor(
    readonly venue: string,
    pairs: Record<string, readonly Candle[]> = {},
  ) {
    for (const [pair, candles] of Object.entries(pairs)) this.list(pair, candles);
  }

  /** List a pair (again), optionally replacing its candles. */
  list(pair: string, candles?: readonly Candle[]): void {
    this.series.set(pair, [...(candles ?? this.series.get(pair) ?? [])]);
  }

  /** Stop listing a pair: hasMarket says false and candles() fails with 'skip-symbol', as after a delisting. */
  delist(pair: string): void {
    this.series.delete(pair);
  }

  /** Add candles to a listed pair, e.g. the hours that passed. */
  append(pair: string, candles: readonly Candle[]): void {
    const current = this.series.get(pair);
    if (!current) throw new Error(`${this.venue} does not list ${pair}; list() it first`);
    current.push(...candles);
  }

  /**
   * Make the next `count` calls of `method` (for `pair`, or any pair) fail.
   * An action builds an {@link ExchangeError}; pass an Error to throw something else.
   */
  failNext(method: Method, failure: ExchangeAction | Error, options: { count?: number; pair?: string } = {}): void {
    for (let i = 0; i < (options.count ?? 1); i++) {
      const error =
        typeof failure === 'string'
          ? new ExchangeError(failure, `${this.venue}: injected ${failure} on ${method}`, { venue: this.venue, symbol: options.pair })
          : failure;
      this.injected[method].push({ error, pair: options.pair });
    }
  }

  async hasMarket(pair: string): Promise<boolean> {
    this.hasMarketCalls.push(pair);
    this.throwInjected('hasMarket', pair);
    return this.series.has(pair);
  }

  async candles(pair: string, timeframe: string, sinceMs: number, limit?: number): Promise<Candle[]> {
    this.candleCalls.push(limit === undefined ? { pair, timeframe, sinceMs } : { pair, timeframe, sinceMs, limit });
    this.throwInjected('candles', pair);
    const series = this.series.get(pair);
    if (!series) throw new ExchangeError('skip-symbol', `${this.venue} does not list ${pair}`, { venue: this.venue, symbol: pair });
    const from = series.filter((c) => c.time >= sinceMs);
    return limit === undefined ? from : from.slice(0, limit);
  }

  private throwInjected(method: Method, pair: string): void {
    const queue = this.injected[method];
    const i = queue.findIndex((f) => f.pair === undefined || f.pair === pair);
    if (i < 0) return;
    const [{ error }] = queue.splice(i, 1) as [Injected];
    throw error;
  }
}

/**
 * A {@link PriceSourceProvider} over fake venues. An unknown venue id is
 * refused with 'give-up', as the ccxt factory does. `requested` records lookups.
 */
export function fakeVenues(...sources: FakePriceSource[]): PriceSourceProvider & { requested: string[] } {
  const byVenue = new Map(sources.map((s) => [s.venue, s]));
  const requested: string[] = [];
  const provider = async (venue: string) => {
    requested.push(venue);
    const source = byVenue.get(venue);
    if (!source) throw new ExchangeError('give-up', `unknown venue "${venue}"`, { venue });
    return source;
  };
  return Object.assign(provider, { requested });
}

/** Flat hourly candles (open times `from`, `from + step`, … up to and including `to`) at `price`. */
export function hourlyCandles(from: number, to: number, price = 100, stepMs = 3_600_000): Candle[] {
  const out: Candle[] = [];
  for (let t = from; t <= to; t += stepMs) out.push({ time: t, open: price, high: price, low: price, close: price, volume: 1 });
  return out;
}
