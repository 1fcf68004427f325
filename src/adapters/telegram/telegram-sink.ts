/**
 * Telegram AlertSink: one HTML message per alert through telegraf's Telegram
 * client (a photo with the alert as caption when it has a chart), Telegram's
 * rate limits declared for the delivery worker's pacing, and every failure
 * translated into the action it calls for.
 */
import { createHash } from 'node:crypto';
import { Telegram, TelegramError } from 'telegraf';
import type { DeliverySink } from '../../app/delivery-sink.ts';
import { DeliveryError, RESENT_NOTE, type DeliveryAction, type Logger } from '../../app/ports.ts';
import type { RateRule } from '../../app/rate-limiter.ts';
import { viewAlert, type Alert } from '../../domain/alert.ts';
import { CHART_FILENAME, renderChartSafely, type ChartRenderer } from '../charts/chart-renderer.ts';
import { redactError, redactSecrets } from '../chat/sanitize.ts';
import { renderTelegramCaption, renderTelegramHtml, renderTelegramPlainText, TELEGRAM_CAPTION_LIMIT } from './render-telegram.ts';

export const TELEGRAM_API_ROOT = 'https://api.telegram.org';

/**
 * Telegram's published limits for bots (core.telegram.org/bots/faq): about one
 * message per second in a chat, 20 per minute in a group or channel, 30 per
 * second over all chats. telegraf does not pace or retry; the worker does.
 */
export const TELEGRAM_RATE_LIMITS = {
  perChat: { limit: 1, windowMs: 1_000 },
  perGroup: { limit: 20, windowMs: 60_000 },
  perBot: { limit: 30, windowMs: 1_000 },
} as const satisfies Record<string, Omit<RateRule, 'scope'>>;

/** telegraf's own request timeout is 500 s; a stuck send must not hold the delivery worker that long. */
const DEFAULT_TIMEOUT_MS = 15_000;
/** Used when a 429 carries no retry_after (Telegram always sends it; proxies may not). */
const FALLBACK_RETRY_AFTER_MS = 5_000;

/** telegraf types `signal` with the abort-controller polyfill; node-fetch takes Node's native AbortSignal as is. */
type TelegrafSignal = NonNullable<Parameters<Telegram['callApi']>[2]>['signal'];

/**
 * 400 descriptions that mean the destination (not this message) is unusable, with
 * what an admin should do. Telegram reports these as "Bad Request: …" text only.
 */
const DESTINATION_PROBLEMS: readonly [RegExp, string][] = [
  [/chat not found/i, 'the chat id is wrong, or the bot was never added to the chat'],
  [/message thread not found|topic_deleted/i, 'the forum topic (message_thread_id) does not exist'],
  [/topic_closed/i, 'the forum topic is closed'],
  [/group chat was upgraded to a supergroup/i, 'the group became a supergroup; use its new chat id'],
  [/not enough rights|have no rights|need administrator rights|chat_write_forbidden|chat_restricted/i, 'the bot may not post in this chat; give it permission to send messages'],
  [/bot was kicked|bot is not a member|user is deactivated|peer_id_invalid|bot can't initiate conversation/i, 'the bot cannot reach this chat'],
];

export interface TelegramSinkOptions {
  /** Destination id from config, e.g. "telegram-alerts". */
  id: string;
  /** Bot token from BotFather; redacted from every error (it is part of each request URL). */
  token: string;
  /** Numeric chat id or "@channelusername". */
  chatId: string | number;
  /** Forum topic to post in. */
  messageThreadId?: number;
  /** Default {@link TELEGRAM_API_ROOT}; tests point it at a loopback fake. */
  apiRoot?: string;
  /** Per-request timeout, ms (default 15 000). */
  timeoutMs?: number;
  /** Told when an alert had to be sent as plain text because Telegram refused our HTML, or without its chart. */
  logger?: Pick<Logger, 'warn'>;
  /** Draws an alert's chart; without it alerts go out as text only. */
  charts?: ChartRenderer;
  /** Pacing rules; default Telegram's ({@link TELEGRAM_RATE_LIMITS}) for this chat and bot. */
  rateLimits?: readonly RateRule[];
}

/** Groups, supergroups and channels have negative ids or an @username; users have positive ids. */
function isGroupOrChannel(chatId: string | number): boolean {
  return typeof chatId === 'number' ? chatId < 0 : /^(-|@)/.test(chatId.trim());
}

/** Telegram's default rules for a chat: shared per bot token (by a fingerprint, never the token). */
export function telegramRateRules(token: string, chatId: string | number): RateRule[] {
  const bot = createHash('sha256').update(token).digest('hex').slice(0, 12);
  const chat = `telegram:chat:${bot}:${String(chatId).trim()}`;
  const rules: RateRule[] = [{ scope: chat, ...TELEGRAM_RATE_LIMITS.perChat }];
  if (isGroupOrChannel(chatId)) rules.push({ scope: chat, ...TELEGRAM_RATE_LIMITS.perGroup });
  rules.push({ scope: `telegram:bot:${bot}`, ...TELEGRAM_RATE_LIMITS.perBot });
  return rules;
}

/**
 * An AlertSink posting HTML messages with `sendMessage`. An alert with a chart is
 * one `sendPhoto` with the HTML as caption when it fits the 1024-character caption
 * limit; otherwise the full message goes first and the chart follows as a photo
 * with a short caption (best effort: a failed photo is logged, never retried, so
 * a retry can never repeat the message). Telegram has no idempotency key, so
 * `deliveryId` is unused: a retry after a lost response can duplicate a message,
 * which is the lesser evil next to losing an alert; a `resent` alert (its earlier
 * send was interrupted) opens with a note saying it may have arrived before.
 */
export function createTelegramSink(options: TelegramSinkOptions): DeliverySink {
  const telegram = new Telegram(options.token, { apiRoot: options.apiRoot ?? TELEGRAM_API_ROOT });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const label = `Telegram chat ${options.chatId}${options.messageThreadId === undefined ? '' : ` (topic ${options.messageThreadId})`}`;
  const secrets = [options.token];
  let rejectedToken: TelegramFailure | undefined;

  const fail = (failure: TelegramFailure, cause: unknown): DeliveryError =>
    new DeliveryError(failure.action, redactSecrets(`${label}: ${failure.reason}`, secrets), {
      destination: options.id,
      status: failure.status,
      retryAfterMs: failure.retryAfterMs,
      cause: redactError(cause, secrets),
    });

  const signal = () => ({ signal: AbortSignal.timeout(timeoutMs) as unknown as TelegrafSignal });

  /** A silent delivery: the message arrives without a sound or push notification. */
  const quiet = (silent: boolean) => (silent ? { disable_notification: true } : {});

  const postPhoto = async (png: Uint8Array, caption: string, silent: boolean): Promise<void> => {
    await telegram.callApi(
      'sendPhoto',
      {
        chat_id: options.chatId,
        photo: { source: Buffer.from(png), filename: CHART_FILENAME },
        caption,
        parse_mode: 'HTML',
        message_thread_id: options.messageThreadId,
        ...quiet(silent),
      },
      signal(),
    );
  };

  /** Whether the alert's HTML fits a caption; decides between one photo and message + photo. */
  const fitsCaption = (html: string) => html.length <= TELEGRAM_CAPTION_LIMIT;
  const rules = options.rateLimits ?? telegramRateRules(options.token, options.chatId);

  const post = async (text: string, html: boolean, silent: boolean): Promise<void> => {
    // callApi rather than sendMessage: only callApi accepts the AbortSignal that bounds the request.
    await telegram.callApi(
      'sendMessage',
      {
        chat_id: options.chatId,
        text,
        ...(html ? { parse_mode: 'HTML' as const } : {}),
        link_preview_options: { is_disabled: false },
        message_thread_id: options.messageThreadId,
        ...quiet(silent),
      },
      signal(),
    );
  };

  return {
    id: options.id,
    pacing: {
      rules,
      // A chart that cannot ride as a caption costs a second message in the chat.
      cost: (alert: Alert) => {
        const view = viewAlert(alert);
        return options.charts && view.chart !== undefined && !fitsCaption(renderTelegramHtml(view)) ? 2 : 1;
      },
    },
    async send(alert, _deliveryId, sendOptions) {
      if (rejectedToken) throw fail(rejectedToken, undefined);
      const silent = sendOptions?.silent === true;
      const render = sendOptions?.resent ? { note: RESENT_NOTE } : {};
      const view = viewAlert(alert);
      const html = renderTelegramHtml(view, render);
      const png = await renderChartSafely(view.chart, options.charts, { destination: options.id, alert: alert.key, logger: options.logger });

      if (png && fitsCaption(html)) {
        try {
          await postPhoto(png, html, silent);
          return;
        } catch (error) {
          const failure = classifyTelegramError(error, { timeoutMs });
          if (failure.status === 401) rejectedToken = failure;
          if (failure.action === 'wait' || failure.action === 'disable') throw fail(failure, error);
          // The photo costs the chart, never the alert: say it as text instead.
          options.logger?.warn(
            { destination: options.id, alert: alert.key, status: failure.status, reason: redactSecrets(failure.reason, secrets) },
            'telegram refused the chart photo; sending the alert as text without it',
          );
        }
      }

      try {
        await post(html, true, silent);
      } catch (error) {
        const first = classifyTelegramError(error, { timeoutMs });
        if (first.status === 401) rejectedToken = first;
        if (!first.payload) throw fail(first, error);
        await sendPlain(renderTelegramPlainText(view, render), first, silent);
        return;
      }

      if (png && !fitsCaption(html)) {
        try {
          await postPhoto(png, renderTelegramCaption(view), silent);
        } catch (error) {
          const failure = classifyTelegramError(error, { timeoutMs });
          options.logger?.warn(
            { destination: options.id, alert: alert.key, status: failure.status, reason: redactSecrets(failure.reason, secrets) },
            'telegram refused the chart photo after the alert text; the alert was delivered without its chart',
          );
        }
      }
    },
  };

  /** Telegram refused our HTML: the alert goes as plain text, without the chart. */
  async function sendPlain(text: string, first: TelegramFailure, silent: boolean): Promise<void> {
    options.logger?.warn(
      { destination: options.id, status: first.status, reason: redactSecrets(first.reason, secrets) },
      'telegram refused the alert HTML; sending it as plain text',
    );
    try {
      await post(text, false, silent);
    } catch (error) {
      throw fail(classifyTelegramError(error, { timeoutMs }), error);
    }
  }
}

/** What a failed Telegram call means for delivery. */
export interface TelegramFailure {
  action: DeliveryAction;
  /** For the operator: what happened and what to do. */
  reason: string;
  status?: number;
  retryAfterMs?: number;
  /** Telegram refused this message's content (not the chat): worth one plain-text attempt. */
  payload: boolean;
}

/**
 * Map an error from telegraf to a delivery action:
 * - 429 → `wait` for `parameters.retry_after` seconds;
 * - 401 (token rejected), 404 (no such bot: malformed token or wrong apiRoot), 403 (blocked,
 *   kicked, not a member) and destination-level 400s ("chat not found", topic gone,
 *   no rights, group upgraded) → `disable`;
 * - other 400s ("can't parse entities", "message is too long") → `skip`, flagged `payload`:
 *   this message was refused, not the chat, so the sink first resends it as plain text; if
 *   that is refused too, the worker sets this alert aside and the chat gets the others;
 * - 5xx, 409, timeouts and network errors (FetchError, ECONNREFUSED, …) → `retry`.
 */
export function classifyTelegramError(error: unknown, context: { timeoutMs?: number } = {}): TelegramFailure {
  if (error instanceof TelegramError) {
    const status = error.code;
    const said = `${error.description} (HTTP ${status})`;
    if (status === 429) {
      const seconds = error.parameters?.retry_after ?? retryAfterFromText(error.description);
      const retryAfterMs = seconds === undefined ? FALLBACK_RETRY_AFTER_MS : Math.ceil(seconds * 1000);
      return { action: 'wait', reason: `rate limited: ${said}; retry in ${(retryAfterMs / 1000).toFixed(1)} s`, status, retryAfterMs, payload: false };
    }
    if (status === 401 || status === 404) {
      return { action: 'disable', reason: `Telegram rejected the bot token: ${said}; fix the token (or apiRoot)`, status, payload: false };
    }
    if (status === 403) {
      return { action: 'disable', reason: `${said}: the bot cannot post here; re-add or unblock it`, status, payload: false };
    }
    if (status === 400) {
      const problem = DESTINATION_PROBLEMS.find(([pattern]) => pattern.test(error.description));
      if (problem) {
        const migrateTo = error.parameters?.migrate_to_chat_id;
        const hint = migrateTo === undefined ? problem[1] : `${problem[1]} (${migrateTo})`;
        return { action: 'disable', reason: `${said}: ${hint}`, status, payload: false };
      }
      return { action: 'skip', reason: `Telegram refused the message: ${said}`, status, payload: true };
    }
    return { action: 'retry', reason: `Telegram answered ${said}`, status, payload: false };
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    const within = context.timeoutMs === undefined ? 'in time' : `within ${context.timeoutMs} ms`;
    return { action: 'retry', reason: `no response from Telegram ${within}`, payload: false };
  }
  return { action: 'retry', reason: `could not reach Telegram: ${networkReason(error)}`, payload: false };
}

/** node-fetch says "request to <url with token> failed, reason: X"; the operator needs X. */
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const reason = /, reason: (.*)$/s.exec(error.message)?.[1] ?? error.message;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return code && !reason.includes(code) ? `${reason} (${code})` : reason;
}

/** "Too Many Requests: retry after 3" → 3, for a 429 whose parameters went missing. */
function retryAfterFromText(description: string): number | undefined {
  const match = /retry after (\d+(?:\.\d+)?)/i.exec(description);
  return match ? Number(match[1]) : undefined;
}
