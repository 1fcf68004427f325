/**
 * Discord AlertSinks: a bot posting to a channel, or a channel webhook. Both
 * render the same embed (with the alert's chart attached as a PNG, and the
 * destination's configured role pings), declare Discord's rate limits for the
 * delivery worker's pacing, and translate every failure into the action it
 * calls for (see {@link classifyDiscordError}); they differ only in how the body is posted.
 */
import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, MessageFlags, RateLimitError, REST, Routes, WebhookClient, type RESTOptions } from 'discord.js';
import { SharedRateLimitError, UncertainDeliveryError, type DeliverySink } from '../../app/delivery-sink.ts';
import { DeliveryError, RESENT_NOTE, type DeliveryAction, type Logger, type SendOptions } from '../../app/ports.ts';
import type { RateRule } from '../../app/rate-limiter.ts';
import { viewAlert } from '../../domain/alert.ts';
import { CHART_FILENAME, renderChartSafely, type ChartRenderer } from '../charts/chart-renderer.ts';
import { redactError, redactSecrets } from '../chat/sanitize.ts';
import { mentionedRoles, type MentionRule } from './mentions.ts';
import { renderDiscordFallback, renderDiscordMessage, type DiscordMessage } from './render-discord.ts';

export const DISCORD_API_ROOT = 'https://discord.com/api';

/**
 * Discord's documented limits, for the worker's pacing. @discordjs/rest also
 * tracks the live per-route buckets from the X-RateLimit headers and, with
 * `rejectOnRateLimit`, reports an exhausted one as a `wait`; these rules keep
 * us from reaching that point (and from the 429s that count against a bot).
 */
export const DISCORD_RATE_LIMITS = {
  /** POST /channels/{id}/messages: the usual bucket of a channel. */
  channelMessages: { limit: 5, windowMs: 5_000 },
  /** Every request of one bot token. */
  global: { limit: 50, windowMs: 1_000 },
  /** Executing one webhook. */
  webhook: { limit: 5, windowMs: 2_000 },
  /** Messages a channel takes through one webhook per minute. */
  webhookPerMinute: { limit: 30, windowMs: 60_000 },
} as const satisfies Record<string, Omit<RateRule, 'scope'>>;

/** A short stable name for a secret, so shared rate-limit scopes never contain it. */
function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

/**
 * REST settings for a send-only sink. @discordjs/rest would otherwise sleep
 * through 429s without limit and retry 5xx/timeouts at once without backoff;
 * the delivery worker owns waiting and retrying (backoff, jitter, attempt cap),
 * so each send is exactly one HTTP attempt that reports what happened.
 */
export const DISCORD_REST_OPTIONS = {
  /** Throw RateLimitError instead of waiting, for a 429 and for an exhausted bucket alike. */
  rejectOnRateLimit: () => true,
  /** Attempts after the first, for 5xx and timeouts. */
  retries: 0,
  /** ms per attempt. */
  timeout: 10_000,
  /** ms added to rate-limit waits; the worker adds its own jitter. */
  offset: 0,
} as const satisfies Partial<RESTOptions>;

/**
 * How long Discord is relied on to drop a repeated nonce with `enforce_nonce`, ms.
 * Discord says "the past few minutes"; two stays on the safe side.
 */
export const DISCORD_NONCE_WINDOW_MS = 2 * 60_000;

/** Used when a 429 carries no Retry-After or reset header (Discord always sends one; proxies may not). */
const FALLBACK_RETRY_AFTER_MS = 5_000;

/** Discord error codes that mean "this destination cannot take messages", with what an admin should do. */
const DESTINATION_CODES = new Map<number, string>([
  [10003, 'the channel was deleted or the id is wrong'],
  [10015, 'the webhook was deleted; create a new one and update the URL'],
  [50001, 'the bot cannot see the channel; add it to the server and allow View Channel'],
  [50007, 'the recipient does not accept messages from the bot'],
  [50008, 'the channel is not a text channel'],
  [50013, 'the bot lacks permissions; allow Send Messages, Embed Links and Attach Files in the channel'],
  [50024, 'the channel type does not allow this'],
  [50027, 'the webhook token is invalid; the webhook was probably regenerated'],
  [50083, 'the thread is archived'],
  [160005, 'the thread is locked'],
]);

export interface DiscordSinkOptions {
  /** Destination id from config, e.g. "discord-main". */
  id: string;
  /** Bot token; used to authorise a REST we create and redacted from every error. */
  token: string;
  channelId: string;
  /** Base URL without version, default {@link DISCORD_API_ROOT}; tests point it at a loopback fake. */
  apiRoot?: string;
  /** A REST instance to share (already holding the token); configure it like {@link DISCORD_REST_OPTIONS}. */
  rest?: REST;
  /** Per-request timeout, ms; default {@link DISCORD_REST_OPTIONS}.timeout. Ignored with an injected `rest`. */
  timeoutMs?: number;
  /** Told when an alert had to be sent in the plain fallback form (a renderer bug worth fixing) or without its chart. */
  logger?: Pick<Logger, 'warn'>;
  /** Roles to ping, each when an alert passes its filter; nothing else ever pings. */
  mentions?: readonly MentionRule[];
  /** Draws an alert's chart; without it alerts go out without images. */
  charts?: ChartRenderer;
  /** Pacing rules; default Discord's ({@link DISCORD_RATE_LIMITS}) for this channel and bot. */
  rateLimits?: readonly RateRule[];
  /** Clock for the nonce window (ms), default Date.now; tests pass their virtual one. */
  now?: () => number;
}

/**
 * An AlertSink posting embeds to a channel as a bot (`POST /channels/{id}/messages`).
 * Sends carry a nonce derived from the delivery id with `enforce_nonce`, so a retry
 * after a lost response returns the first message instead of posting a duplicate.
 * Discord remembers a nonce for a few minutes only: after an attempt that may have
 * posted (timeout, connection lost), failures of that delivery are reported as
 * {@link UncertainDeliveryError} so the worker retries inside that window.
 * A chart goes as a multipart upload (`payload_json` + `files[0]`) shown as the embed image.
 */
export function createDiscordSink(options: DiscordSinkOptions): DeliverySink {
  const timeoutMs = options.timeoutMs ?? DISCORD_REST_OPTIONS.timeout;
  const rest =
    options.rest ??
    new REST({ ...DISCORD_REST_OPTIONS, timeout: timeoutMs, api: options.apiRoot ?? DISCORD_API_ROOT }).setToken(options.token);
  const route = Routes.channelMessages(options.channelId);
  const botScope = `discord:bot:${fingerprint(options.token)}`;
  return createDiscordDelivery({
    id: options.id,
    label: `Discord channel ${options.channelId}`,
    credential: 'bot token',
    secrets: [options.token],
    timeoutMs,
    logger: options.logger,
    mentions: options.mentions ?? [],
    charts: options.charts,
    rateLimits: options.rateLimits ?? [
      { scope: `discord:channel:${options.channelId}`, ...DISCORD_RATE_LIMITS.channelMessages },
      { scope: botScope, ...DISCORD_RATE_LIMITS.global },
    ],
    globalScope: botScope,
    dedup: { windowMs: DISCORD_NONCE_WINDOW_MS, now: options.now ?? Date.now },
    post: async (message, files, deliveryId) => {
      const body = { ...message, nonce: discordNonce(deliveryId), enforce_nonce: true };
      if (files.length === 0) await rest.post(route, { body });
      else await rest.post(route, { body, files: files.map((f) => ({ name: f.name, data: Buffer.from(f.data), contentType: 'image/png' })) });
    },
  });
}

export interface DiscordWebhookSinkOptions {
  id: string;
  /** `https://discord.com/api/webhooks/{id}/{token}` as Discord shows it. Contains a secret. */
  webhookUrl: string;
  /** Where requests go, default {@link DISCORD_API_ROOT}; the URL's host is only validated. */
  apiRoot?: string;
  timeoutMs?: number;
  logger?: Pick<Logger, 'warn'>;
  mentions?: readonly MentionRule[];
  charts?: ChartRenderer;
  /** Pacing rules; default Discord's webhook limits for this webhook. */
  rateLimits?: readonly RateRule[];
}

/**
 * An AlertSink posting through a channel webhook: no bot or permissions needed.
 * Discord's webhook API takes no nonce, so a retry after a lost response can
 * duplicate a message; prefer the bot sink where that matters.
 * Throws a plain Error (without the secret URL) when `webhookUrl` is not a webhook URL.
 */
export function createDiscordWebhookSink(options: DiscordWebhookSinkOptions): DeliverySink {
  const credentials = parseDiscordWebhookUrl(options.webhookUrl);
  if (credentials === undefined) {
    throw new Error(
      `Destination "${options.id}": the Discord webhook URL is not of the form https://discord.com/api/webhooks/<id>/<token>`,
    );
  }
  const timeoutMs = options.timeoutMs ?? DISCORD_REST_OPTIONS.timeout;
  // WebhookClient({ url }) only accepts discord.com URLs; id + token + rest.api lets tests use a fake.
  const webhook = new WebhookClient(credentials, {
    rest: { ...DISCORD_REST_OPTIONS, timeout: timeoutMs, api: options.apiRoot ?? DISCORD_API_ROOT },
  });
  return createDiscordDelivery({
    id: options.id,
    label: `Discord webhook ${credentials.id}`,
    credential: 'webhook token',
    secrets: [credentials.token, options.webhookUrl],
    timeoutMs,
    logger: options.logger,
    mentions: options.mentions ?? [],
    charts: options.charts,
    rateLimits: options.rateLimits ?? [
      { scope: `discord:webhook:${credentials.id}`, ...DISCORD_RATE_LIMITS.webhook },
      { scope: `discord:webhook:${credentials.id}`, ...DISCORD_RATE_LIMITS.webhookPerMinute },
    ],
    post: async (message, files) => {
      await webhook.send({
        content: message.content,
        embeds: message.embeds,
        allowedMentions: message.allowed_mentions,
        ...(message.flags === undefined ? {} : { flags: message.flags }),
        // discord.js adds the matching `attachments` entries itself.
        ...(files.length > 0 ? { files: files.map((f) => ({ attachment: Buffer.from(f.data), name: f.name, description: 'Price chart' })) } : {}),
      });
    },
    close: async () => webhook.destroy(),
  });
}

const WEBHOOK_URL =
  /^https:\/\/(?:ptb\.|canary\.)?(?:discord|discordapp)\.com\/api(?:\/v\d{1,2})?\/webhooks\/(\d{17,20})\/([\w-]{1,200})\/?(?:\?.*)?$/i;

/** The id and token of a Discord webhook URL, or undefined when it is not one. */
export function parseDiscordWebhookUrl(url: string): { id: string; token: string } | undefined {
  const match = WEBHOOK_URL.exec(url.trim());
  if (!match) return undefined;
  const [, id, token] = match;
  return id !== undefined && token !== undefined ? { id, token } : undefined;
}

/**
 * Discord nonces are at most 25 characters; delivery ids can be longer. A hash
 * keeps the mapping stable across retries and process restarts.
 */
export function discordNonce(deliveryId: string): string {
  return createHash('sha256').update(deliveryId).digest('base64url').slice(0, 25);
}

// ── Shared delivery core ─────────────────────────────────────────────────────

interface DiscordFile {
  name: string;
  data: Uint8Array;
}

interface DiscordDelivery {
  id: string;
  /** Names the destination in error messages, e.g. "Discord channel 123". */
  label: string;
  credential: 'bot token' | 'webhook token';
  secrets: string[];
  timeoutMs: number;
  logger: Pick<Logger, 'warn'> | undefined;
  mentions: readonly MentionRule[];
  charts: ChartRenderer | undefined;
  rateLimits: readonly RateRule[];
  /**
   * The pacing scope Discord's global limit binds: every channel of one bot. A global
   * 429 then pauses them all, not only the destination that met it. None for webhooks.
   */
  globalScope?: string;
  /** How long the platform drops a repeat of a delivery id (the bot's nonce); none for webhooks. */
  dedup?: { windowMs: number; now: () => number };
  post(message: DiscordMessage, files: readonly DiscordFile[], deliveryId: string): Promise<void>;
  close?(): Promise<void>;
}

function createDiscordDelivery(delivery: DiscordDelivery): DeliverySink {
  let rejectedCredential: DiscordFailure | undefined;
  /** Delivery ids whose message Discord may already show, with when the first such attempt was made. */
  const maybePosted = new Map<string, number>();

  const fail = (failure: DiscordFailure, cause: unknown): DeliveryError => {
    const message = redactSecrets(`${delivery.label}: ${failure.reason}`, delivery.secrets);
    const details = { destination: delivery.id, status: failure.status, retryAfterMs: failure.retryAfterMs, cause: redactError(cause, delivery.secrets) };
    if (failure.action === 'wait' && failure.global && delivery.globalScope !== undefined) {
      return new SharedRateLimitError(message, details, delivery.globalScope);
    }
    return new DeliveryError(failure.action, message, details);
  };

  /** Like {@link fail}, but keeps the retries of a delivery that may have posted inside the nonce window. */
  const failDelivery = (failure: DiscordFailure, cause: unknown, deliveryId: string): DeliveryError => {
    const dedup = delivery.dedup;
    if (!dedup || failure.action !== 'retry') return fail(failure, cause);
    const now = dedup.now();
    for (const [id, since] of maybePosted) if (since + dedup.windowMs <= now && id !== deliveryId) maybePosted.delete(id);
    if (failure.uncertain && !maybePosted.has(deliveryId)) maybePosted.set(deliveryId, now);
    const since = maybePosted.get(deliveryId);
    if (since === undefined) return fail(failure, cause);
    const leftMs = since + dedup.windowMs - now;
    if (leftMs <= 0) {
      maybePosted.delete(deliveryId);
      delivery.logger?.warn(
        { destination: delivery.id, deliveryId },
        'an earlier attempt may have posted this alert and Discord no longer drops the repeat by nonce; the next retry can show it twice',
      );
      return fail(failure, cause);
    }
    const base = fail(failure, cause);
    // Half of what is left, so the retry lands inside the window even on a coarse delivery schedule.
    return new UncertainDeliveryError(base.message, base.details, Math.max(1_000, Math.floor(leftMs / 2)));
  };

  return {
    id: delivery.id,
    pacing: { rules: delivery.rateLimits },
    ...(delivery.dedup ? { idempotencyWindowMs: delivery.dedup.windowMs } : {}),
    async send(alert, deliveryId, options) {
      // After a 401 @discordjs/rest drops its token and later calls fail with a
      // confusing client-side error; a rejected credential does not recover anyway.
      if (rejectedCredential) throw fail(rejectedCredential, undefined);
      const view = viewAlert(alert);
      const roles = mentionedRoles(alert, delivery.mentions);
      const png = await renderChartSafely(view.chart, delivery.charts, { destination: delivery.id, alert: alert.key, logger: delivery.logger });
      const files = png ? [{ name: CHART_FILENAME, data: png }] : [];
      const note = options?.resent ? RESENT_NOTE : undefined;
      let first: DiscordFailure;
      try {
        await delivery.post(withFlags(renderDiscordMessage(view, { roles, note, image: png ? CHART_FILENAME : undefined }), options), files, deliveryId);
        maybePosted.delete(deliveryId);
        return;
      } catch (error) {
        first = classifyDiscordError(error, delivery);
        if (first.status === 401) rejectedCredential = first;
        if (files.length > 0 && first.code === MISSING_PERMISSIONS) {
          // Most likely Attach Files is not granted: the channel still takes the alert without its chart.
          delivery.logger?.warn(
            { destination: delivery.id, reason: redactSecrets(first.reason, delivery.secrets) },
            'discord refused the chart upload; sending the alert without it (allow Attach Files in the channel)',
          );
          try {
            await delivery.post(withFlags(renderDiscordMessage(view, { roles, note }), options), [], deliveryId);
            maybePosted.delete(deliveryId);
            return;
          } catch (retryError) {
            throw failDelivery(classifyDiscordError(retryError, delivery), retryError, deliveryId);
          }
        }
        if (!first.payload) throw failDelivery(first, error, deliveryId);
      }
      delivery.logger?.warn(
        { destination: delivery.id, status: first.status, reason: redactSecrets(first.reason, delivery.secrets) },
        'discord rejected the alert embed; sending it as plain text',
      );
      try {
        // Same delivery id, same nonce: the rejected request created no message. No chart: it may be what was refused.
        await delivery.post(withFlags(renderDiscordFallback(view, { roles, note }), options), [], deliveryId);
        maybePosted.delete(deliveryId);
      } catch (error) {
        throw failDelivery(classifyDiscordError(error, delivery), error, deliveryId);
      }
    },
    close: delivery.close,
  };
}

/** A silent delivery posts with SUPPRESS_NOTIFICATIONS: shown in the channel, no push or sound. */
function withFlags(message: DiscordMessage, options: SendOptions | undefined): DiscordMessage {
  return options?.silent ? { ...message, flags: MessageFlags.SuppressNotifications } : message;
}

/** Discord's JSON error code for a permission the bot lacks in the channel. */
const MISSING_PERMISSIONS = 50013;

/** What a failed Discord call means for delivery. */
export interface DiscordFailure {
  action: DeliveryAction;
  /** For the operator: what happened and what to do. */
  reason: string;
  status?: number;
  /** Discord's JSON error code, when it sent one. */
  code?: number;
  retryAfterMs?: number;
  /** A 429 of the bot's global limit: it holds for every channel of the bot, not only this one. */
  global?: boolean;
  /** The request went out and the answer was lost (timeout, connection dropped): Discord may have posted it. */
  uncertain?: boolean;
  /** Discord refused this message's content (not the destination): worth one plainer attempt. */
  payload: boolean;
}

/**
 * Map an error from @discordjs/rest to a delivery action:
 * - 429 / exhausted bucket (RateLimitError) → `wait` for Retry-After (header; the body's
 *   `retry_after` is not exposed by @discordjs/rest, and Discord sends both), flagged
 *   `global` for the bot-wide limit (X-RateLimit-Global);
 * - 401 → `disable` (credential rejected); 403, 404 and destination-level codes
 *   (Unknown Channel, Missing Access, Missing Permissions, …) → `disable`;
 * - other 4xx (400 Invalid Form Body, 413) → `skip`, flagged `payload`: the message
 *   itself was refused. Disabling a channel for one bad alert would be wrong; the sink
 *   first resends it in plain form, and if that is refused too the worker sets this
 *   alert aside while the channel gets the others;
 * - 5xx, timeouts and network errors → `retry`; flagged `uncertain` when the request may
 *   have gone out (a timeout, a connection lost mid-request), not when it never could
 *   (connection refused, unknown host).
 */
export function classifyDiscordError(error: unknown, context: { credential?: string; timeoutMs?: number } = {}): DiscordFailure {
  if (error instanceof RateLimitError) {
    const retryAfterMs = Math.ceil(
      error.retryAfter > 0 ? error.retryAfter : error.timeToReset > 0 ? error.timeToReset : FALLBACK_RETRY_AFTER_MS,
    );
    const scope = error.global ? 'globally ' : '';
    return {
      action: 'wait',
      reason: `rate limited ${scope}on ${error.method.toUpperCase()} ${error.route}; retry in ${(retryAfterMs / 1000).toFixed(1)} s`,
      status: 429,
      retryAfterMs,
      ...(error.global ? { global: true } : {}),
      payload: false,
    };
  }
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : undefined;
    const said = `${firstLine(error.message)} (HTTP ${error.status}${code ? `, code ${code}` : ''})`;
    const destinationProblem = code === undefined ? undefined : DESTINATION_CODES.get(code);
    if (error.status === 401) {
      const credential = context.credential ?? 'token';
      return { action: 'disable', reason: `Discord rejected the ${credential}: ${said}; fix the ${credential}`, status: 401, payload: false };
    }
    if (destinationProblem !== undefined || error.status === 403 || error.status === 404) {
      return {
        action: 'disable',
        reason: `${said}: ${destinationProblem ?? 'the destination refuses messages'}`,
        status: error.status,
        ...(code !== undefined ? { code } : {}),
        payload: false,
      };
    }
    if (error.status === 408) return { action: 'retry', reason: `${said}: request timed out`, status: 408, payload: false };
    return { action: 'skip', reason: `Discord refused the message: ${flattenErrors(error.message)} (HTTP ${error.status})`, status: error.status, payload: true };
  }
  if (error instanceof HTTPError) {
    return { action: 'retry', reason: `Discord server error ${error.status} ${error.message}`.trim(), status: error.status, payload: false };
  }
  if (error instanceof Error && error.name === 'AbortError') {
    const within = context.timeoutMs === undefined ? 'in time' : `within ${context.timeoutMs} ms`;
    return { action: 'retry', reason: `no response from Discord ${within}`, uncertain: true, payload: false };
  }
  const code = errorCode(error) ?? (error instanceof Error ? errorCode(error.cause) : undefined);
  return {
    action: 'retry',
    reason: `could not reach Discord: ${describeNetworkError(error)}`,
    ...(code !== undefined && NEVER_SENT_CODES.has(code) ? {} : { uncertain: true }),
    payload: false,
  };
}

/** Network errors that mean the request never reached Discord (nothing can have been posted). */
const NEVER_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}

/** "Invalid Form Body\nembeds[0].title[BASE_TYPE_MAX_LENGTH]: …" → one line for logs. */
function flattenErrors(message: string): string {
  return message.split('\n').join('; ');
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = errorCode(error) ?? errorCode(error.cause);
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  return typeof error.code === 'string' ? error.code : undefined;
}
