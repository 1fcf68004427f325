/**
 * Ports: the small interfaces the application needs from the outside world.
 * Each belongs to its consumer; adapters implement them, tests fake them.
 */
import type { Alert } from '../domain/alert.ts';
import type { Candle } from '../domain/candles.ts';

/** The subset of pino the app uses; any structured logger fits. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

// ── Feeds ────────────────────────────────────────────────────────────────────

export interface FeedRequest {
  url: string;
  /** Validators from the previous successful fetch, for a conditional GET. */
  etag?: string;
  lastModified?: string;
  timeoutMs: number;
  /** The body is cut off (and the fetch fails) past this many bytes, after decompression. */
  maxBytes: number;
}

export type FetchResult =
  | { status: 'not-modified'; finalUrl: string }
  | {
      status: 'ok';
      finalUrl: string;
      etag?: string;
      lastModified?: string;
      contentType?: string;
      /** Decoded text (charset from header, BOM or XML prolog). */
      body: string;
    };

export type FeedErrorKind = 'network' | 'timeout' | 'http' | 'gone' | 'too-large' | 'not-a-feed' | 'parse';

/** A feed could not be fetched or read. `retryable` false means backing off will not help. */
export class FeedError extends Error {
  override readonly name = 'FeedError';
  constructor(
    readonly kind: FeedErrorKind,
    message: string,
    readonly details: {
      url?: string;
      status?: number;
      retryable: boolean;
      /** The delay the server asked for (Retry-After on a 429 or 503), ms; the next poll waits at least this long. */
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
  }
  get retryable(): boolean {
    return this.details.retryable;
  }
}

export interface FeedFetcher {
  fetch(request: FeedRequest): Promise<FetchResult>;
}

/** An item as the feed gave it, before normalization. All text untrusted. */
export interface RawItem {
  guid?: string;
  link?: string;
  title?: string;
  /** Full content HTML when present, else the description/summary HTML. */
  html?: string;
  /** ISO or RFC 822 date string as found. */
  published?: string;
  author?: string;
  categories: string[];
  language?: string;
}

export interface ParsedFeed {
  format: 'rss' | 'atom' | 'rdf' | 'json';
  title?: string;
  link?: string;
  language?: string;
  items: RawItem[];
  /** What was fixed so that malformed XML would parse ("escaped 3 bare \"&\""), for the publisher; absent when nothing was. */
  repairs?: string[];
}

export interface FeedParser {
  /** Throws {@link FeedError} of kind 'parse' or 'not-a-feed' with a reason a person can act on. */
  parse(text: string): Promise<ParsedFeed>;
}

// ── Market ───────────────────────────────────────────────────────────────────

export type ExchangeAction = 'retry' | 'back-off' | 'skip-symbol' | 'give-up';

/** An exchange call failed; `action` says what the caller should do about it. */
export class ExchangeError extends Error {
  override readonly name = 'ExchangeError';
  constructor(
    readonly action: ExchangeAction,
    message: string,
    readonly details: {
      venue: string;
      symbol?: string;
      /** The delay the venue asked for (Retry-After on a 429 or 418), ms; only with action `back-off`. */
      retryAfterMs?: number;
      cause?: unknown;
    },
  ) {
    super(message, { cause: details.cause });
  }
}

export interface PriceSource {
  /** ccxt exchange id, e.g. "binance". */
  readonly venue: string;
  /** Whether the venue lists the pair (markets are loaded once and cached). */
  hasMarket(pair: string): Promise<boolean>;
  /** Closed and in-progress candles from `sinceMs`, oldest first. */
  candles(pair: string, timeframe: string, sinceMs: number, limit?: number): Promise<Candle[]>;
  close?(): Promise<void>;
}

// ── Delivery ─────────────────────────────────────────────────────────────────

/**
 * What the delivery worker does after a failed send:
 * - `retry`: the platform is unreachable or failing; back off the whole destination;
 * - `wait`: rate limited; wait `retryAfterMs`, then go on (no attempt counted);
 * - `disable`: the destination refuses the bot for good (blocked, kicked, no access);
 * - `skip`: the platform refused this alert, not the destination (HTTP 400: too long,
 *   markup it cannot parse, even in the sink's plain fallback). The destination keeps
 *   delivering the others; this alert is retried alone a few times, then marked dead
 *   and the admins are told.
 */
export type DeliveryAction = 'retry' | 'wait' | 'disable' | 'skip';

/** A chat API refused or failed a send; `action` tells the delivery worker what to do. */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  constructor(
    readonly action: DeliveryAction,
    message: string,
    readonly details: { destination: string; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
  }
}

/** How one alert is delivered, as the destination's subscription decided. */
export interface SendOptions {
  /**
   * Deliver without a notification (quiet hours, a kind set to `silent`):
   * Discord SUPPRESS_NOTIFICATIONS, Telegram disable_notification. Default false.
   */
  silent?: boolean;
  /**
   * This alert may already be in the chat: an earlier send of it was in flight when the
   * process died, and the platform cannot drop the repeat (Telegram and Discord webhooks
   * have no idempotency key; a Discord bot's nonce is remembered only for a few minutes).
   * The sink says so in a short first line, so a reader who sees it twice knows why. Default false.
   */
  resent?: boolean;
}

/** The first line a sink adds to a `resent` alert. */
export const RESENT_NOTE = '↻ Re-sent after an interrupted delivery — you may already have this alert.';

export interface AlertSink {
  /** Destination id from config, e.g. "discord-main". */
  readonly id: string;
  /**
   * Deliver one alert. `deliveryId` is stable across retries so platforms
   * that support idempotency (Discord nonce) can drop duplicates.
   * Throws {@link DeliveryError}.
   */
  send(alert: Alert, deliveryId: string, options?: SendOptions): Promise<void>;
  close?(): Promise<void>;
}
