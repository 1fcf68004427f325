/**
 * A loopback imitation of the Telegram Bot API, faithful where our code can
 * tell the difference: `POST /bot<token>/<method>` with JSON, urlencoded or
 * multipart bodies; `{ ok, result }` and `{ ok: false, error_code, description,
 * parameters }` answers with Telegram's own wording; HTML parse_mode parsed into
 * text and entities (so bad markup fails as "can't parse entities"); message
 * length limits; getUpdates long polling with offsets and 409 conflicts.
 *
 *   const telegram = await startFakeTelegram();
 *   const bot = new Telegraf(telegram.token, { telegram: { apiRoot: telegram.apiRoot } });
 *   telegram.pushText('/status');          // the bot receives it on its next getUpdates
 *   …
 *   expect(telegram.messages[0]?.text).toContain('TAO');
 *   await telegram.close();
 *
 * Methods: getMe, sendMessage, sendPhoto, sendChatAction, deleteWebhook, getUpdates,
 * setMyCommands, getMyCommands, deleteMyCommands. Others answer 404 "Not Found".
 * Not imitated: automatic url/mention/hashtag entities and whitespace trimming.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeChatState = 'ok' | 'blocked' | 'kicked';

export interface FakeTelegramOptions {
  /** Token accepted in the path; others get 401 "Unauthorized". Default {@link FAKE_TELEGRAM_TOKEN}. */
  token?: string;
  /** Known chats and the bot's standing there. When given, other chats are 400 "chat not found"; when omitted, any chat works. */
  chats?: Record<string, FakeChatState>;
  /** Longest a getUpdates call is held, whatever its `timeout`, in ms. Default 200. */
  maxPollMs?: number;
  /** Clock for message dates and rate limits. Default Date.now. */
  now?: () => number;
  /**
   * Enforce Telegram's flood limits on sendMessage/sendPhoto (sliding windows):
   * over any of them the fake answers 429 "Too Many Requests: retry after N" with
   * `parameters.retry_after`, as Telegram does. Off by default;
   * {@link TELEGRAM_FLOOD_LIMITS} are the published ones.
   */
  rateLimits?: FakeTelegramRateLimits;
}

export interface FakeTelegramRateLimits {
  /** Messages in one chat. */
  perChat?: { limit: number; windowMs: number };
  /** Messages in one group, supergroup or channel (negative ids, @usernames). */
  perGroup?: { limit: number; windowMs: number };
  /** Messages of the bot over all chats. */
  global?: { limit: number; windowMs: number };
}

/** Telegram's published limits for bots: ~1 message/s per chat, 20/min per group, 30/s overall. */
export const TELEGRAM_FLOOD_LIMITS = {
  perChat: { limit: 1, windowMs: 1_000 },
  perGroup: { limit: 20, windowMs: 60_000 },
  global: { limit: 30, windowMs: 1_000 },
} as const satisfies FakeTelegramRateLimits;

export interface TelegramEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

/** A request as the fake received it. */
export interface FakeTelegramRequest {
  /** Bot API method, e.g. "sendMessage". */
  method: string;
  /** Parameters from the query string and body; JSON-valued form fields are parsed. */
  params: Record<string, unknown>;
  files: FakeTelegramFile[];
  /** error_code or 200; undefined for a reset or hung connection. */
  status?: number;
  /** When it arrived, on the fake's clock. */
  at: number;
}

export interface FakeTelegramFile {
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A message the bot sent, as the chat would see it. */
export interface FakeTelegramMessage {
  method: 'sendMessage' | 'sendPhoto';
  chatId: string;
  threadId?: number;
  /** Text (or caption) after entity parsing: what users read. */
  text: string;
  entities: TelegramEntity[];
  /** The text or caption exactly as sent (HTML source when parse_mode is HTML). */
  raw: string;
  parseMode?: string;
  /** A photo upload, or the URL/file_id string it was sent by. */
  photo?: FakeTelegramFile | string;
  /** Sent with `disable_notification`: members get it without a sound or push. */
  silent: boolean;
  params: Record<string, unknown>;
  /** The Message object the fake answered with. */
  result: Record<string, unknown>;
}

/**
 * One injected failure for the next matching request(s), or for every matching request
 * until a time (`until`: an outage, a 429 storm), answered in Telegram's words by default.
 */
export type FakeTelegramFault = (
  | { status: number; description?: string; retryAfter?: number; migrateToChatId?: number }
  | { network: 'reset' | 'hang' }
) & {
  /** How many requests this fault applies to. Default 1; ignored with `until`. */
  count?: number;
  /** Applies to every matching request that arrives before this time on the fake's clock (ms), then expires. */
  until?: number;
  /** Only this Bot API method (a polling loop would otherwise eat faults meant for sends). */
  method?: string;
};

export interface FakeTelegram {
  /** What telegraf's `apiRoot` takes: `http://127.0.0.1:PORT`. */
  readonly apiRoot: string;
  readonly token: string;
  /** The bot's own user, as getMe returns it. */
  readonly bot: { id: number; is_bot: true; first_name: string; username: string };
  /** Messages the bot sent, oldest first. */
  readonly messages: FakeTelegramMessage[];
  /** Every request, oldest first, including failed ones. */
  readonly requests: FakeTelegramRequest[];
  /** Every setMyCommands call, oldest first. */
  readonly commandSets: { commands: unknown[]; scope?: unknown; language_code?: string }[];
  /** Queue a raw update (update_id is assigned); returns the update_id. */
  pushUpdate(update: Record<string, unknown>): number;
  /** Queue a text message from a user, with a bot_command entity when it starts with "/"; returns the update_id. */
  pushText(text: string, from?: { chatId?: number; userId?: number; username?: string; chatType?: 'private' | 'group' | 'supergroup' }): number;
  failNext(fault: FakeTelegramFault): void;
  /** Forget messages, requests, updates, commands and pending faults. */
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_TELEGRAM_TOKEN = '123456789:FAKE-telegram-token_SECRET-do-not-leak';
const MESSAGE_LIMIT = 4096;
const CAPTION_LIMIT = 1024;

type Result = { ok: true; result: unknown } | { ok: false; error_code: number; description: string; parameters?: Record<string, number> };

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: Record<string, number>,
  ) {
    super(description);
  }
}

const badRequest = (what: string) => new ApiError(400, `Bad Request: ${what}`);

interface Waiter {
  offset: number;
  limit: number;
  finish(answer: Result): void;
}

/** Start the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeTelegram(options: FakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = options.token ?? FAKE_TELEGRAM_TOKEN;
  const now = options.now ?? Date.now;
  const maxPollMs = options.maxPollMs ?? 200;
  const botId = Number(token.split(':', 1)[0]) || 123456789;
  const bot = { id: botId, is_bot: true as const, first_name: 'Narrative Radar', username: 'narrative_radar_test_bot' };

  const messages: FakeTelegramMessage[] = [];
  const requests: FakeTelegramRequest[] = [];
  const commandSets: FakeTelegram['commandSets'] = [];
  const faults: (FakeTelegramFault & { remaining: number })[] = [];
  let updates: Record<string, unknown>[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 1;
  let waiter: Waiter | undefined;

  const seconds = () => Math.floor(now() / 1000);

  function takeFault(method: string): FakeTelegramFault | undefined {
    const t = now();
    for (let i = faults.length - 1; i >= 0; i--) if (faults[i]!.until !== undefined && faults[i]!.until! <= t) faults.splice(i, 1);
    const index = faults.findIndex((f) => f.method === undefined || f.method === method);
    const fault = faults[index];
    if (!fault) return undefined;
    if (fault.until === undefined && --fault.remaining <= 0) faults.splice(index, 1);
    return fault;
  }

  function chatFor(params: Record<string, unknown>): Record<string, unknown> {
    const raw = params.chat_id;
    if (raw === undefined || raw === null || raw === '') throw badRequest('chat_id is empty');
    const id = String(raw);
    const state = options.chats ? options.chats[id] : 'ok';
    if (state === undefined) throw badRequest('chat not found');
    if (state === 'blocked') throw new ApiError(403, 'Forbidden: bot was blocked by the user');
    if (state === 'kicked') throw new ApiError(403, 'Forbidden: bot was kicked from the supergroup chat');
    return describeChat(id);
  }

  /** Sliding-window logs of accepted sends, by limit key. */
  const floodLogs = new Map<string, number[]>();

  /** Throw the 429 Telegram answers when one more message to this chat would exceed a limit; else count it. */
  function spendFlood(chatId: string): void {
    const limits = options.rateLimits;
    if (!limits) return;
    const t = now();
    const group = chatId.startsWith('-') || chatId.startsWith('@');
    const checks = [
      limits.perChat && { key: `chat:${chatId}`, ...limits.perChat },
      group && limits.perGroup && { key: `group:${chatId}`, ...limits.perGroup },
      limits.global && { key: 'global', ...limits.global },
    ].filter((c): c is { key: string; limit: number; windowMs: number } => Boolean(c));
    let retryAtMs = 0;
    for (const check of checks) {
      const log = (floodLogs.get(check.key) ?? []).filter((at) => at > t - check.windowMs);
      floodLogs.set(check.key, log);
      if (log.length >= check.limit) retryAtMs = Math.max(retryAtMs, log[log.length - check.limit]! + check.windowMs);
    }
    if (retryAtMs > 0) {
      const retryAfter = Math.max(1, Math.ceil((retryAtMs - t) / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
    for (const check of checks) floodLogs.get(check.key)!.push(t);
  }

  function sendMessage(params: Record<string, unknown>): Record<string, unknown> {
    const chat = chatFor(params);
    const raw = typeof params.text === 'string' ? params.text : params.text === undefined ? '' : String(params.text);
    if (raw.trim() === '') throw badRequest('message text is empty');
    const parsed = parseFormatted(raw, params.parse_mode);
    if (parsed.text.trim() === '') throw badRequest('message text is empty');
    if (parsed.text.length > MESSAGE_LIMIT) throw badRequest('message is too long');
    spendFlood(String(params.chat_id));
    const threadId = optionalInt(params.message_thread_id);
    const result: Record<string, unknown> = {
      message_id: nextMessageId++,
      from: bot,
      chat,
      date: seconds(),
      text: parsed.text,
      ...(parsed.entities.length > 0 ? { entities: parsed.entities } : {}),
      ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
      ...(isRecord(params.link_preview_options) ? { link_preview_options: params.link_preview_options } : {}),
    };
    messages.push({
      method: 'sendMessage',
      chatId: String(params.chat_id),
      threadId,
      text: parsed.text,
      entities: parsed.entities,
      raw,
      parseMode: typeof params.parse_mode === 'string' ? params.parse_mode : undefined,
      silent: isTrue(params.disable_notification),
      params,
      result,
    });
    return result;
  }

  function sendPhoto(params: Record<string, unknown>, files: FakeTelegramFile[]): Record<string, unknown> {
    const chat = chatFor(params);
    const upload = files.find((f) => f.field === 'photo');
    const photo = upload ?? (typeof params.photo === 'string' && params.photo !== '' ? params.photo : undefined);
    if (photo === undefined) throw badRequest('there is no photo in the request');
    const raw = typeof params.caption === 'string' ? params.caption : '';
    const parsed = parseFormatted(raw, params.parse_mode);
    if (parsed.text.length > CAPTION_LIMIT) throw badRequest('message caption is too long');
    spendFlood(String(params.chat_id));
    const threadId = optionalInt(params.message_thread_id);
    const size = typeof photo === 'string' ? 0 : photo.data.length;
    const result: Record<string, unknown> = {
      message_id: nextMessageId++,
      from: bot,
      chat,
      date: seconds(),
      photo: [{ file_id: `photo-${nextMessageId}`, file_unique_id: `u${nextMessageId}`, width: 800, height: 450, file_size: size }],
      ...(parsed.text !== '' ? { caption: parsed.text } : {}),
      ...(parsed.entities.length > 0 ? { caption_entities: parsed.entities } : {}),
      ...(threadId !== undefined ? { message_thread_id: threadId, is_topic_message: true } : {}),
    };
    messages.push({
      method: 'sendPhoto',
      chatId: String(params.chat_id),
      threadId,
      text: parsed.text,
      entities: parsed.entities,
      raw,
      parseMode: typeof params.parse_mode === 'string' ? params.parse_mode : undefined,
      photo,
      silent: isTrue(params.disable_notification),
      params,
      result,
    });
    return result;
  }

  function pendingFrom(offset: number, limit: number): Record<string, unknown>[] {
    return updates.filter((u) => (u.update_id as number) >= offset).slice(0, limit);
  }

  function getUpdates(params: Record<string, unknown>, res: http.ServerResponse, answer: (r: Result) => void): void {
    const offset = optionalInt(params.offset) ?? 0;
    const limit = Math.min(100, Math.max(1, optionalInt(params.limit) ?? 100));
    const timeoutMs = Math.min(maxPollMs, Math.max(0, (optionalInt(params.timeout) ?? 0) * 1000));
    // An offset confirms every update before it: Telegram forgets them.
    if (offset > 0) updates = updates.filter((u) => (u.update_id as number) >= offset);
    if (offset < 0) updates = updates.slice(offset);
    // Two pollers at once: Telegram ends the older call with 409.
    waiter?.finish({
      ok: false,
      error_code: 409,
      description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });
    const ready = pendingFrom(offset < 0 ? 0 : offset, limit);
    if (ready.length > 0 || timeoutMs === 0) return answer({ ok: true, result: ready });

    let done = false;
    const self: Waiter = {
      offset: offset < 0 ? 0 : offset,
      limit,
      finish(result) {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (waiter === self) waiter = undefined;
        answer(result);
      },
    };
    const timer = setTimeout(() => self.finish({ ok: true, result: [] }), timeoutMs);
    res.on('close', () => self.finish({ ok: true, result: [] }));
    waiter = self;
  }

  function wakePoller(): void {
    if (!waiter) return;
    const ready = pendingFrom(waiter.offset, waiter.limit);
    if (ready.length > 0) waiter.finish({ ok: true, result: ready });
  }

  function call(method: string, params: Record<string, unknown>, files: FakeTelegramFile[]): unknown {
    switch (method) {
      case 'getMe':
        return { ...bot, can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
      case 'sendMessage':
        return sendMessage(params);
      case 'sendPhoto':
        return sendPhoto(params, files);
      case 'sendChatAction':
        chatFor(params);
        return true;
      case 'deleteWebhook':
        if (isTrue(params.drop_pending_updates)) updates = [];
        return true;
      case 'setMyCommands': {
        if (!Array.isArray(params.commands)) throw badRequest('parameter "commands" is required');
        commandSets.push({
          commands: params.commands,
          ...(params.scope !== undefined ? { scope: params.scope } : {}),
          ...(typeof params.language_code === 'string' ? { language_code: params.language_code } : {}),
        });
        return true;
      }
      case 'getMyCommands': {
        const scope = JSON.stringify(params.scope ?? null);
        const lang = typeof params.language_code === 'string' ? params.language_code : undefined;
        const set = [...commandSets].reverse().find((s) => JSON.stringify(s.scope ?? null) === scope && s.language_code === lang);
        return set?.commands ?? [];
      }
      case 'deleteMyCommands':
        commandSets.push({ commands: [] });
        return true;
      default:
        throw new ApiError(404, 'Not Found');
    }
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    const record: FakeTelegramRequest = { method: match?.[2] ?? url.pathname, params: {}, files: [], at: now() };
    requests.push(record);
    const answer = (result: Result) => {
      record.status = result.ok ? 200 : result.error_code;
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(record.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(result));
    };
    const refuse = (error: ApiError) =>
      answer({ ok: false, error_code: error.code, description: error.description, ...(error.parameters ? { parameters: error.parameters } : {}) });

    (async () => {
      // Read first, as a server does before failing: the record then shows what was sent (chat_id…).
      const body = await readParams(req, url);
      record.params = body.params;
      record.files = body.files;
      const fault = takeFault(record.method);
      if (fault) {
        if ('network' in fault) {
          if (fault.network === 'reset') req.socket.destroy();
          return;
        }
        return refuse(faultError(fault));
      }
      if (!match) return refuse(new ApiError(404, 'Not Found'));
      if (match[1] !== token) return refuse(new ApiError(401, 'Unauthorized'));
      if (record.method === 'getUpdates') return getUpdates(body.params, res, answer);
      try {
        answer({ ok: true, result: call(record.method, body.params, body.files) });
      } catch (error) {
        if (error instanceof ApiError) return refuse(error);
        throw error;
      }
    })().catch((error: unknown) => refuse(new ApiError(500, `Internal Server Error: fake telegram bug: ${String(error)}`)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const pushUpdate = (update: Record<string, unknown>): number => {
    const id = nextUpdateId++;
    updates.push({ ...update, update_id: id });
    wakePoller();
    return id;
  };

  return {
    apiRoot,
    token,
    bot,
    messages,
    requests,
    commandSets,
    pushUpdate,
    pushText(text, from = {}) {
      const userId = from.userId ?? 42;
      const chatType = from.chatType ?? 'private';
      const chatId = from.chatId ?? userId;
      const user = { id: userId, is_bot: false, first_name: 'Tester', username: from.username ?? 'tester' };
      const chat = chatType === 'private' ? { id: chatId, type: 'private', first_name: 'Tester', username: user.username } : { id: chatId, type: chatType, title: 'Test group' };
      const command = /^\/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?/.exec(text);
      return pushUpdate({
        message: {
          message_id: nextMessageId++,
          from: user,
          chat,
          date: seconds(),
          text,
          ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
        },
      });
    },
    failNext(fault) {
      faults.push({ ...fault, remaining: fault.count ?? 1 });
    },
    reset() {
      messages.length = 0;
      requests.length = 0;
      commandSets.length = 0;
      faults.length = 0;
      updates = [];
      floodLogs.clear();
    },
    async close() {
      waiter?.finish({ ok: true, result: [] });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const DEFAULT_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad Request: chat not found',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  404: 'Not Found',
  409: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

function faultError(fault: { status: number; description?: string; retryAfter?: number; migrateToChatId?: number }): ApiError {
  if (fault.status === 429) {
    const retryAfter = fault.retryAfter ?? 3;
    return new ApiError(429, fault.description ?? `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
  }
  const description = fault.description ?? DEFAULT_DESCRIPTIONS[fault.status] ?? (http.STATUS_CODES[fault.status] ?? 'Error');
  const parameters = fault.migrateToChatId !== undefined ? { migrate_to_chat_id: fault.migrateToChatId } : undefined;
  return new ApiError(fault.status, description, parameters);
}

function describeChat(id: string): Record<string, unknown> {
  if (id.startsWith('@')) return { id: -1001000000001, type: 'channel', title: id.slice(1), username: id.slice(1) };
  const numeric = Number(id);
  if (numeric > 0) return { id: numeric, type: 'private', first_name: 'Tester' };
  if (id.startsWith('-100')) return { id: numeric, type: 'supergroup', title: 'Test supergroup' };
  return { id: numeric, type: 'group', title: 'Test group' };
}

function optionalInt(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) ? n : undefined;
}

/** Booleans arrive as JSON true or, in form bodies, as the text "true". */
function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Form fields carry objects and arrays as JSON text (reply_markup, link_preview_options, commands…). */
function formValue(value: string): unknown {
  if (/^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return value;
}

async function readParams(req: http.IncomingMessage, url: URL): Promise<{ params: Record<string, unknown>; files: FakeTelegramFile[] }> {
  const params: Record<string, unknown> = {};
  for (const [key, value] of url.searchParams) params[key] = formValue(value);
  const raw = await readBody(req);
  const files: FakeTelegramFile[] = [];
  if (raw.length === 0) return { params, files };
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    const body: unknown = JSON.parse(raw.toString('utf8'));
    if (isRecord(body)) Object.assign(params, body);
  } else if (type.startsWith('multipart/form-data') || type.startsWith('application/x-www-form-urlencoded')) {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    for (const [field, value] of form) {
      if (typeof value === 'string') params[field] = formValue(value);
      else files.push({ field, filename: value.name, contentType: value.type || 'application/octet-stream', data: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { params, files };
}

// ── Formatting ───────────────────────────────────────────────────────────────

function parseFormatted(raw: string, parseMode: unknown): { text: string; entities: TelegramEntity[] } {
  if (parseMode === undefined || parseMode === null || parseMode === '') return { text: raw, entities: [] };
  if (parseMode === 'HTML') return parseTelegramHtml(raw);
  if (parseMode === 'MarkdownV2' || parseMode === 'Markdown') return { text: raw, entities: [] }; // not imitated
  throw badRequest('unsupported parse_mode');
}

const TAG_TYPES: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/**
 * Telegram's HTML: the supported tags only, `&lt; &gt; &amp; &quot;` and numeric
 * references, properly nested. Returns the visible text and its entities (UTF-16
 * offsets), or throws the 400 Telegram answers. A `&` that starts no reference
 * is kept literally, as Telegram does; a stray `<` is an error.
 */
export function parseTelegramHtml(html: string): { text: string; entities: TelegramEntity[] } {
  const fail = (what: string): never => {
    throw badRequest(`can't parse entities: ${what}`);
  };
  const byteOffset = (i: number) => Buffer.byteLength(html.slice(0, i));
  let text = '';
  const entities: TelegramEntity[] = [];
  const open: { tag: string; type: string; offset: number; attrs: Record<string, string> }[] = [];
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '&') {
      const ref = /^&(#\d{1,7}|#x[\da-f]{1,6}|[a-z]+);/i.exec(html.slice(i, i + 12));
      const decoded = ref ? decodeReference(ref[1]!) : undefined;
      if (ref && decoded !== undefined) {
        text += decoded;
        i += ref[0].length;
      } else {
        text += c;
        i++;
      }
      continue;
    }
    if (c !== '<') {
      text += c;
      i++;
      continue;
    }
    const tag = /^<(\/?)([a-z][a-z\d-]*)((?:\s+[a-z-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*(\/?)>/i.exec(html.slice(i));
    if (!tag) fail(`Unclosed start tag at byte offset ${byteOffset(i)}`);
    const [whole, closing, rawName, rawAttrs] = tag!;
    const name = rawName!.toLowerCase();
    if (closing) {
      const top = open.pop();
      if (!top) fail(`Unexpected end tag at byte offset ${byteOffset(i)}`);
      if (top!.tag !== name) fail(`Can't find end tag corresponding to start tag "${top!.tag}"`);
      const length = text.length - top!.offset;
      if (length > 0) {
        const entity: TelegramEntity = { type: top!.type, offset: top!.offset, length };
        if (top!.type === 'text_link') entity.url = top!.attrs.href ?? '';
        if (top!.type === 'custom_emoji') entity.custom_emoji_id = top!.attrs['emoji-id'] ?? '';
        if (top!.type === 'blockquote' && 'expandable' in top!.attrs) entity.type = 'expandable_blockquote';
        entities.push(entity);
      }
    } else {
      const type = TAG_TYPES[name];
      if (type === undefined) fail(`Unsupported start tag "${name}" at byte offset ${byteOffset(i)}`);
      const attrs = parseAttributes(rawAttrs ?? '');
      if (name === 'span' && attrs.class !== 'tg-spoiler') fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(i)}`);
      open.push({ tag: name, type: type!, offset: text.length, attrs });
    }
    i += whole!.length;
  }
  const unclosed = open.at(-1);
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

function decodeReference(ref: string): string | undefined {
  if (ref.startsWith('#')) {
    const code = ref[1] === 'x' || ref[1] === 'X' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return NAMED_ENTITIES[ref.toLowerCase()];
}

function parseAttributes(raw: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of raw.matchAll(/([a-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?/gi)) {
    const value = m[2] ?? m[3] ?? m[4] ?? '';
    attrs[m[1]!.toLowerCase()] = value.replace(/&(#\d{1,7}|#x[\da-f]{1,6}|[a-z]+);/gi, (whole, ref: string) => decodeReference(ref) ?? whole);
  }
  return attrs;
}
