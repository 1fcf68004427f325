/**
 * A loopback imitation of Discord's v10 REST API for sending messages, faithful
 * where our code can tell the difference: status codes and error bodies,
 * X-RateLimit-* headers and 429s, `Invalid Form Body` validation against the
 * real length limits, nonce deduplication with `enforce_nonce`, and how
 * `allowed_mentions` decides who gets pinged.
 *
 *   const discord = await startFakeDiscord();
 *   const rest = new REST({ api: discord.api }).setToken(discord.token);
 *   …
 *   expect(discord.messages).toHaveLength(1);
 *   await discord.close();
 *
 * Routes: `POST /api/v10/channels/:id/messages` (bot auth) and
 * `POST /api/v10/webhooks/:id/:token[?wait=true]`, each with JSON or multipart
 * (`payload_json` + `files[n]`) bodies; and the reads `radar doctor` makes with
 * the bot token: `GET /api/v10/users/@me` and `GET /api/v10/channels/:id`.
 * Anything else is a Discord-style 404.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIEmbed } from 'discord.js';

export type FakeChannelState = 'ok' | 'missing-access' | 'missing-permissions';

export interface FakeWebhook {
  id: string;
  token: string;
  channelId: string;
}

export interface FakeDiscordOptions {
  /** The bot token accepted as `Authorization: Bot <token>`. Default {@link FAKE_DISCORD_TOKEN}. */
  token?: string;
  /**
   * Known channels and what the bot may do there. When given, any other id is
   * `404 Unknown Channel`; when omitted, every channel id exists and accepts posts.
   */
  channels?: Record<string, FakeChannelState>;
  /** Names `GET /channels/:id` reports, by channel id. Default "alerts". */
  channelNames?: Record<string, string>;
  /** Known webhooks. When omitted, any webhook id/token pair is accepted. */
  webhooks?: readonly FakeWebhook[];
  /**
   * Per-channel (or per-webhook) bucket, fixed window. Default 1000 per second:
   * headers are always present and truthful, but ordinary tests never hit it.
   * Discord's usual limit for posting is `{ limit: 5, resetAfterMs: 5000 }`.
   */
  rateLimit?: { limit: number; resetAfterMs: number };
  /**
   * Per bot token over every route, fixed window: Discord's global limit is
   * `{ limit: 50, resetAfterMs: 1000 }`. Off by default. Exceeding it answers a
   * global 429 (`X-RateLimit-Global`).
   */
  globalRateLimit?: { limit: number; resetAfterMs: number };
  /**
   * Send the X-RateLimit-* bucket headers (default true). @discordjs/rest reads them
   * against the real clock, so a test or benchmark driving the fake on a virtual
   * clock turns them off and lets the fake's own buckets (and 429s) judge the pace.
   */
  rateLimitHeaders?: boolean;
  /** How long a nonce is remembered for `enforce_nonce` ("a few minutes" per Discord). Default 5 min. */
  nonceWindowMs?: number;
  /** Clock for timestamps, snowflakes, nonce windows and buckets. Default Date.now. */
  now?: () => number;
}

/** A request as the fake received it. */
export interface FakeDiscordRequest {
  method: string;
  /** Without the query, e.g. `/api/v10/channels/1/messages`. */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** The JSON body, or the parsed `payload_json` of a multipart body; undefined when empty. */
  body: unknown;
  files: FakeDiscordFile[];
  /** What the fake answered; undefined for a reset or hung connection (and for a dropped response). */
  status?: number;
  /** When it arrived, on the fake's clock. */
  at: number;
}

export interface FakeDiscordFile {
  /** Form field, e.g. `files[0]`. */
  field: string;
  filename: string;
  contentType: string;
  data: Buffer;
}

/** A visible message, shaped like Discord's message object (the fields our code can observe). */
export interface FakeDiscordMessage {
  id: string;
  type: 0;
  channel_id: string;
  content: string;
  // Discord stamps the embeds it stores as "rich".
  embeds: (Omit<APIEmbed, 'type'> & { type: 'rich' })[];
  attachments: { id: string; filename: string; size: number; content_type: string }[];
  author: { id: string; username: string; discriminator: string; avatar: null; bot: true; global_name: null };
  mentions: { id: string; username: string }[];
  mention_roles: string[];
  mention_everyone: boolean;
  pinned: false;
  tts: boolean;
  timestamp: string;
  edited_timestamp: null;
  flags: number;
  components: unknown[];
  nonce?: string | number;
  webhook_id?: string;
}

/**
 * One injected failure for the next matching request(s), or for every matching
 * request until a time (`until`: an outage, a 429 storm). An HTTP fault answers
 * with `status` and a Discord-shaped default body (429: rate-limit body and
 * headers from `retryAfter` seconds; 403 Missing Access; 404 Unknown Channel;
 * …), overridable with `body`/`headers`. A network fault resets the connection
 * or never answers (for timeout tests).
 */
export type FakeDiscordFault = (
  | {
      status: number;
      body?: unknown;
      headers?: Record<string, string>;
      retryAfter?: number;
      global?: boolean;
      /** For a 429: send the bucket headers (default true); false sends only Retry-After, as a proxy might. */
      bucketHeaders?: boolean;
    }
  /**
   * `reset` closes the connection unanswered; `hang` never answers; `drop-response`
   * processes the request (the message is posted) and then resets the connection:
   * the platform accepted it but the sender never learns, as in a crash between send and ack;
   * `hang-response` processes it and never answers: the sender times out on a posted message.
   */
  | { network: 'reset' | 'hang' | 'drop-response' | 'hang-response' }
) & {
  /** How many requests this fault applies to. Default 1; ignored with `until`. */
  count?: number;
  /** Applies to every matching request that arrives before this time on the fake's clock (ms), then expires. */
  until?: number;
  /** Only requests whose path contains this (string) or matches it (RegExp). */
  match?: string | RegExp;
};

export interface FakeDiscord {
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  /** What `new REST({ api })` takes: `http://127.0.0.1:PORT/api`. */
  readonly api: string;
  readonly token: string;
  /** Visible messages, oldest first (a deduplicated nonce adds nothing). */
  readonly messages: FakeDiscordMessage[];
  /** Every request received, oldest first, including failed ones. */
  readonly requests: FakeDiscordRequest[];
  failNext(fault: FakeDiscordFault): void;
  /** The URL Discord would show for a webhook, for `parseDiscordWebhookUrl`; send with `apiRoot: fake.api`. */
  webhookUrl(webhook: Pick<FakeWebhook, 'id' | 'token'>): string;
  /** Forget messages, requests, pending faults, nonces and buckets. */
  reset(): void;
  close(): Promise<void>;
}

export const FAKE_DISCORD_TOKEN = 'fake-discord-bot-token.SECRET-do-not-leak';
const DISCORD_EPOCH = 1_420_070_400_000n;
const DEFAULT_RATE_LIMIT = { limit: 1000, resetAfterMs: 1000 };
const DEFAULT_WEBHOOK_CHANNEL = '222222222222222222';
const BOT_USER_ID = '111111111111111111';
const BOT_USERNAME = 'Narrative Radar';
/** The server every channel of the fake belongs to. */
const GUILD_ID = '444444444444444444';

type Route =
  | { kind: 'channel-messages'; channelId: string }
  | { kind: 'webhook'; webhookId: string; webhookToken: string }
  | { kind: 'current-user' }
  | { kind: 'channel'; channelId: string };

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Start the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const token = options.token ?? FAKE_DISCORD_TOKEN;
  const now = options.now ?? Date.now;
  const rateLimit = options.rateLimit ?? DEFAULT_RATE_LIMIT;
  const nonceWindowMs = options.nonceWindowMs ?? 5 * 60_000;

  const messages: FakeDiscordMessage[] = [];
  const requests: FakeDiscordRequest[] = [];
  const faults: (FakeDiscordFault & { remaining: number })[] = [];
  const nonces = new Map<string, { message: FakeDiscordMessage; at: number }>();
  const buckets = new Map<string, { remaining: number; resetAt: number }>();
  const globalBuckets = new Map<string, { remaining: number; resetAt: number }>();
  const sendHeaders = options.rateLimitHeaders !== false;
  let sequence = 0n;

  const snowflake = (): string => ((BigInt(now()) - DISCORD_EPOCH) << 22n | (sequence++ & 0xfffn)).toString();

  function takeFault(path: string): FakeDiscordFault | undefined {
    const t = now();
    for (let i = faults.length - 1; i >= 0; i--) if (faults[i]!.until !== undefined && faults[i]!.until! <= t) faults.splice(i, 1);
    const index = faults.findIndex((f) => matches(f.match, path));
    const fault = faults[index];
    if (!fault) return undefined;
    if (fault.until === undefined && --fault.remaining <= 0) faults.splice(index, 1);
    return fault;
  }

  /** Count the request against its bucket; the headers describe the bucket after it. */
  function spend(key: string, hash: string): { limited: boolean; headers: Record<string, string>; resetAfter: number } {
    const t = now();
    let bucket = buckets.get(key);
    if (!bucket || bucket.resetAt <= t) {
      bucket = { remaining: rateLimit.limit, resetAt: t + rateLimit.resetAfterMs };
      buckets.set(key, bucket);
    }
    const limited = bucket.remaining <= 0;
    if (!limited) bucket.remaining--;
    const resetAfter = (bucket.resetAt - t) / 1000;
    const headers: Record<string, string> = {
      'X-RateLimit-Limit': String(rateLimit.limit),
      'X-RateLimit-Remaining': String(bucket.remaining),
      'X-RateLimit-Reset': (bucket.resetAt / 1000).toFixed(3),
      'X-RateLimit-Reset-After': resetAfter.toFixed(3),
      'X-RateLimit-Bucket': hash,
    };
    if (limited) Object.assign(headers, { 'Retry-After': String(Math.ceil(resetAfter)), 'X-RateLimit-Scope': 'user' });
    return { limited, resetAfter, headers: sendHeaders ? headers : limited ? { 'Retry-After': headers['Retry-After']!, 'X-RateLimit-Scope': 'user' } : {} };
  }

  /** Count a request against its bot's global window; the 429 to answer when it is over. */
  function spendGlobal(key: string): Answer | undefined {
    const limit = options.globalRateLimit;
    if (!limit) return undefined;
    const t = now();
    let bucket = globalBuckets.get(key);
    if (!bucket || bucket.resetAt <= t) {
      bucket = { remaining: limit.limit, resetAt: t + limit.resetAfterMs };
      globalBuckets.set(key, bucket);
    }
    if (bucket.remaining > 0) {
      bucket.remaining--;
      return undefined;
    }
    const retryAfter = (bucket.resetAt - t) / 1000;
    return {
      status: 429,
      headers: { 'Retry-After': String(Math.ceil(retryAfter)), 'X-RateLimit-Global': 'true', 'X-RateLimit-Scope': 'global' },
      body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true },
    };
  }

  function createMessage(route: Extract<Route, { kind: 'channel-messages' | 'webhook' }>, body: Record<string, unknown>, files: FakeDiscordFile[], author: FakeDiscordMessage['author']) {
    const content = typeof body.content === 'string' ? body.content : '';
    const message: FakeDiscordMessage = {
      id: snowflake(),
      type: 0,
      channel_id: route.kind === 'channel-messages' ? route.channelId : webhookChannel(route.webhookId),
      content,
      embeds: (Array.isArray(body.embeds) ? (body.embeds as APIEmbed[]) : []).map((embed) => ({ ...embed, type: 'rich' as const })),
      attachments: files.map((file, i) => ({ id: String(i), filename: file.filename, size: file.data.length, content_type: file.contentType })),
      author,
      ...resolveMentions(content, body.allowed_mentions),
      pinned: false,
      tts: body.tts === true,
      timestamp: new Date(now()).toISOString(),
      edited_timestamp: null,
      flags: typeof body.flags === 'number' ? body.flags : 0,
      components: [],
    };
    if (typeof body.nonce === 'string' || typeof body.nonce === 'number') message.nonce = body.nonce;
    if (route.kind === 'webhook') message.webhook_id = route.webhookId;
    return message;
  }

  function webhookChannel(id: string): string {
    return options.webhooks?.find((w) => w.id === id)?.channelId ?? DEFAULT_WEBHOOK_CHANNEL;
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, record: FakeDiscordRequest): Promise<Answer | 'hang' | 'reset'> {
    const fault = takeFault(record.path);
    if (fault && 'network' in fault && (fault.network === 'drop-response' || fault.network === 'hang-response')) {
      await handleValid(req, record);
      record.status = undefined;
      return fault.network === 'drop-response' ? 'reset' : 'hang';
    }
    if (fault) {
      // Read first, as a server does before failing: the record then shows what was sent (nonce, flags).
      await recordBody(req, record);
      if ('network' in fault) return fault.network === 'hang' ? 'hang' : 'reset';
      return faultAnswer(fault, now());
    }
    return handleValid(req, record);
  }

  async function handleValid(req: http.IncomingMessage, record: FakeDiscordRequest): Promise<Answer> {

    const route = parseRoute(record.path);
    if (!route) return { status: 404, body: { message: '404: Not Found', code: 0 } };
    if (route.kind === 'current-user' || route.kind === 'channel') {
      if (req.method !== 'GET') return { status: 405, body: { message: '405: Method Not Allowed', code: 0 } };
      return handleRead(req, route);
    }
    if (req.method !== 'POST') return { status: 405, body: { message: '405: Method Not Allowed', code: 0 } };

    let author: FakeDiscordMessage['author'];
    if (route.kind === 'channel-messages') {
      if (req.headers.authorization !== `Bot ${token}`) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
      const state = options.channels ? options.channels[route.channelId] : 'ok';
      if (state === undefined) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
      if (state === 'missing-access') return { status: 403, body: { message: 'Missing Access', code: 50001 } };
      if (state === 'missing-permissions') return { status: 403, body: { message: 'Missing Permissions', code: 50013 } };
      author = { id: BOT_USER_ID, username: BOT_USERNAME, discriminator: '0000', avatar: null, bot: true, global_name: null };
    } else {
      const known = options.webhooks?.find((w) => w.id === route.webhookId);
      if (options.webhooks && !known) return { status: 404, body: { message: 'Unknown Webhook', code: 10015 } };
      if (known && known.token !== route.webhookToken) return { status: 401, body: { message: 'Invalid Webhook Token', code: 50027 } };
      author = { id: route.webhookId, username: 'Captain Hook', discriminator: '0000', avatar: null, bot: true, global_name: null };
    }

    if (route.kind === 'channel-messages') {
      const global = spendGlobal(String(req.headers.authorization));
      if (global) return global;
    }
    const bucketKey = route.kind === 'channel-messages' ? `channel:${route.channelId}` : `webhook:${route.webhookId}`;
    const bucket = spend(bucketKey, route.kind === 'channel-messages' ? 'f4k3ch4nn3lm3ss4g3s' : 'f4k3w3bh00k');
    if (bucket.limited) {
      return { status: 429, headers: bucket.headers, body: { message: 'You are being rate limited.', retry_after: bucket.resetAfter, global: false } };
    }

    let parsed: { body: unknown; files: FakeDiscordFile[] };
    try {
      parsed = await readDiscordBody(req, record.headers);
    } catch {
      return { status: 400, headers: bucket.headers, body: { message: 'The request body contains invalid JSON.', code: 50109 } };
    }
    record.body = parsed.body;
    record.files = parsed.files;
    const body = isRecord(parsed.body) ? parsed.body : {};

    const invalid = validateMessage(body, parsed.files.length);
    if (invalid) return { ...invalid, headers: bucket.headers };

    if (route.kind === 'channel-messages' && body.enforce_nonce === true && (typeof body.nonce === 'string' || typeof body.nonce === 'number')) {
      const key = `${route.channelId}:${String(body.nonce)}`;
      // Forget nonces past the window, or a long run (the soak) keeps every message ever sent. A key is only
      // set when absent (a fresh one is answered from the map), so the Map's insertion order is the order of `at`.
      for (const [oldKey, entry] of nonces) {
        if (now() - entry.at < nonceWindowMs) break;
        nonces.delete(oldKey);
      }
      const seen = nonces.get(key);
      if (seen && now() - seen.at < nonceWindowMs) return { status: 200, headers: bucket.headers, body: seen.message };
      const message = createMessage(route, body, parsed.files, author);
      nonces.set(key, { message, at: now() });
      messages.push(message);
      return { status: 200, headers: bucket.headers, body: message };
    }

    const message = createMessage(route, body, parsed.files, author);
    messages.push(message);
    if (route.kind === 'webhook' && record.query.wait !== 'true') return { status: 204, headers: bucket.headers };
    return { status: 200, headers: bucket.headers, body: message };
  }

  /** `GET /users/@me` and `GET /channels/:id`: what the bot token may see, with Discord's status codes and error bodies. */
  function handleRead(req: http.IncomingMessage, route: Extract<Route, { kind: 'current-user' | 'channel' }>): Answer {
    if (req.headers.authorization !== `Bot ${token}`) return { status: 401, body: { message: '401: Unauthorized', code: 0 } };
    const global = spendGlobal(String(req.headers.authorization));
    if (global) return global;
    const bucket = spend(route.kind === 'channel' ? `read:channel:${route.channelId}` : 'read:users/@me', route.kind === 'channel' ? 'f4k3ch4nn3lr34d' : 'f4k3us3rm3');
    if (bucket.limited) {
      return { status: 429, headers: bucket.headers, body: { message: 'You are being rate limited.', retry_after: bucket.resetAfter, global: false } };
    }
    if (route.kind === 'current-user') {
      return {
        status: 200,
        headers: bucket.headers,
        body: { id: BOT_USER_ID, username: BOT_USERNAME, discriminator: '0000', global_name: null, avatar: null, bot: true, system: false, mfa_enabled: false, banner: null, accent_color: null, locale: 'en-US', verified: true, flags: 0, public_flags: 0 },
      };
    }
    // Discord shows a channel to a bot that may view it; sending is checked only when it posts.
    const state = options.channels ? options.channels[route.channelId] : 'ok';
    if (state === undefined) return { status: 404, headers: bucket.headers, body: { message: 'Unknown Channel', code: 10003 } };
    if (state === 'missing-access') return { status: 403, headers: bucket.headers, body: { message: 'Missing Access', code: 50001 } };
    return {
      status: 200,
      headers: bucket.headers,
      body: {
        id: route.channelId,
        type: 0,
        guild_id: GUILD_ID,
        name: options.channelNames?.[route.channelId] ?? 'alerts',
        position: 0,
        permission_overwrites: [],
        topic: null,
        nsfw: false,
        last_message_id: null,
        rate_limit_per_user: 0,
        parent_id: null,
        flags: 0,
      },
    };
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const record: FakeDiscordRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
      files: [],
      at: now(),
    };
    requests.push(record);
    handle(req, res, record)
      .then((answer) => {
        if (answer === 'hang') return; // closeAllConnections() ends it
        if (answer === 'reset') return void req.socket.destroy();
        record.status = answer.status;
        respond(res, answer);
      })
      .catch((error: unknown) => {
        record.status = 500;
        respond(res, { status: 500, body: { message: `fake discord bug: ${String(error)}`, code: 0 } });
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    api: `${origin}/api`,
    token,
    messages,
    requests,
    failNext(fault) {
      faults.push({ ...fault, remaining: fault.count ?? 1 });
    },
    webhookUrl: ({ id, token: webhookToken }) => `https://discord.com/api/webhooks/${id}/${webhookToken}`,
    reset() {
      messages.length = 0;
      requests.length = 0;
      faults.length = 0;
      nonces.clear();
      buckets.clear();
      globalBuckets.clear();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function recordBody(req: http.IncomingMessage, record: FakeDiscordRequest): Promise<void> {
  try {
    const parsed = await readDiscordBody(req, record.headers);
    record.body = parsed.body;
    record.files = parsed.files;
  } catch {
    // Not JSON: the fault answers anyway.
  }
}

function parseRoute(path: string): Route | undefined {
  const channel = /^\/api\/v10\/channels\/(\d+)\/messages\/?$/.exec(path);
  if (channel) return { kind: 'channel-messages', channelId: channel[1]! };
  if (/^\/api\/v10\/users\/@me\/?$/.test(path)) return { kind: 'current-user' };
  const channelRead = /^\/api\/v10\/channels\/(\d+)\/?$/.exec(path);
  if (channelRead) return { kind: 'channel', channelId: channelRead[1]! };
  const webhook = /^\/api\/v10\/webhooks\/(\d+)\/([^/]+)\/?$/.exec(path);
  if (webhook) return { kind: 'webhook', webhookId: webhook[1]!, webhookToken: decodeURIComponent(webhook[2]!) };
  return undefined;
}

function matches(filter: string | RegExp | undefined, path: string): boolean {
  if (filter === undefined) return true;
  return typeof filter === 'string' ? path.includes(filter) : filter.test(path);
}

const DEFAULT_FAULT_BODIES: Record<number, { message: string; code: number }> = {
  400: { message: '400: Bad Request', code: 0 },
  401: { message: '401: Unauthorized', code: 0 },
  403: { message: 'Missing Access', code: 50001 },
  404: { message: 'Unknown Channel', code: 10003 },
  405: { message: '405: Method Not Allowed', code: 0 },
  500: { message: '500: Internal Server Error', code: 0 },
  502: { message: '502: Bad Gateway', code: 0 },
  503: { message: '503: Service Unavailable', code: 0 },
};

function faultAnswer(
  fault: { status: number; body?: unknown; headers?: Record<string, string>; retryAfter?: number; global?: boolean; bucketHeaders?: boolean },
  nowMs: number,
): Answer {
  if (fault.status !== 429) {
    const body = fault.body ?? DEFAULT_FAULT_BODIES[fault.status] ?? { message: `${fault.status}: ${http.STATUS_CODES[fault.status] ?? 'Error'}`, code: 0 };
    return { status: fault.status, body, headers: fault.headers };
  }
  const retryAfter = fault.retryAfter ?? 1.5;
  const body = fault.body ?? { message: 'You are being rate limited.', retry_after: retryAfter, global: fault.global === true };
  if (fault.bucketHeaders === false) return { status: 429, body, headers: { 'Retry-After': String(Math.ceil(retryAfter)), ...fault.headers } };
  const headers: Record<string, string> = {
    'Retry-After': String(Math.ceil(retryAfter)),
    'X-RateLimit-Limit': '5',
    'X-RateLimit-Remaining': '0',
    'X-RateLimit-Reset': ((nowMs + retryAfter * 1000) / 1000).toFixed(3),
    'X-RateLimit-Reset-After': retryAfter.toFixed(3),
    'X-RateLimit-Bucket': 'f4k3ch4nn3lm3ss4g3s',
    'X-RateLimit-Scope': fault.global ? 'global' : 'user',
    ...(fault.global ? { 'X-RateLimit-Global': 'true' } : {}),
    ...fault.headers,
  };
  return { status: 429, body, headers };
}

function respond(res: http.ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = { ...answer.headers };
  if (answer.body === undefined) {
    res.writeHead(answer.status, headers).end();
    return;
  }
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  if (typeof answer.body !== 'string') headers['Content-Type'] = 'application/json';
  res.writeHead(answer.status, headers).end(text);
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function readDiscordBody(req: http.IncomingMessage, headers: http.IncomingHttpHeaders): Promise<{ body: unknown; files: FakeDiscordFile[] }> {
  const raw = await readBody(req);
  const type = headers['content-type'] ?? '';
  if (raw.length === 0) return { body: undefined, files: [] };
  if (type.startsWith('multipart/form-data')) {
    // The WHATWG Request parser handles multipart exactly as browsers send it.
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    const files: FakeDiscordFile[] = [];
    let body: unknown;
    for (const [field, value] of form) {
      if (typeof value === 'string') {
        if (field === 'payload_json') body = JSON.parse(value);
        continue;
      }
      files.push({ field, filename: value.name, contentType: value.type || 'application/octet-stream', data: Buffer.from(await value.arrayBuffer()) });
    }
    return { body, files };
  }
  return { body: JSON.parse(raw.toString('utf8')), files: [] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ── Mentions ─────────────────────────────────────────────────────────────────

/** Who a message pings, per Discord's rules: only `content` mentions, filtered by `allowed_mentions`. */
function resolveMentions(content: string, allowed: unknown): Pick<FakeDiscordMessage, 'mentions' | 'mention_roles' | 'mention_everyone'> {
  // Without allowed_mentions Discord parses everything.
  const rules = isRecord(allowed) ? allowed : { parse: ['everyone', 'users', 'roles'] };
  const parse = Array.isArray(rules.parse) ? (rules.parse as string[]) : [];
  const users = Array.isArray(rules.users) ? (rules.users as string[]) : [];
  const roles = Array.isArray(rules.roles) ? (rules.roles as string[]) : [];
  const mentionedUsers = [...content.matchAll(/<@!?(\d{17,20})>/g)].map((m) => m[1]!).filter((id) => parse.includes('users') || users.includes(id));
  const mentionedRoles = [...content.matchAll(/<@&(\d{17,20})>/g)].map((m) => m[1]!).filter((id) => parse.includes('roles') || roles.includes(id));
  return {
    mention_everyone: parse.includes('everyone') && /@(everyone|here)\b/.test(content),
    mentions: [...new Set(mentionedUsers)].map((id) => ({ id, username: `user-${id}` })),
    mention_roles: [...new Set(mentionedRoles)],
  };
}

// ── Validation ───────────────────────────────────────────────────────────────

type ErrorTree = { _errors?: { code: string; message: string }[] } & { [key: string]: ErrorTree | { code: string; message: string }[] | undefined };

/** Discord counts characters as code points. */
function chars(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** The 400 Discord would answer for this body, or undefined when it would accept it. */
function validateMessage(body: Record<string, unknown>, fileCount: number): Answer | undefined {
  const errors: ErrorTree = {};
  const add = (path: (string | number)[], code: string, message: string) => {
    let node = errors;
    for (const key of path) node = (node[String(key)] ??= {}) as ErrorTree;
    (node._errors ??= []).push({ code, message });
  };
  const maxLength = (path: (string | number)[], value: unknown, max: number, required = false) => {
    if (value === undefined || value === null) {
      if (required) add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
      return;
    }
    if (typeof value !== 'string') return add(path, 'STRING_TYPE_CONVERT', 'Could not interpret value as string.');
    if (required && value.trim() === '') return add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    if (chars(value) > max) add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  };

  maxLength(['content'], body.content, 2000);
  if (typeof body.nonce === 'string' && chars(body.nonce) > 25) add(['nonce'], 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
  if (typeof body.nonce === 'number' && !Number.isInteger(body.nonce)) add(['nonce'], 'NUMBER_TYPE_COERCE', `Value "${body.nonce}" is not int.`);

  const embeds = Array.isArray(body.embeds) ? (body.embeds as unknown[]) : [];
  if (embeds.length > 10) add(['embeds'], 'BASE_TYPE_MAX_LENGTH', 'Must be 10 or fewer in length.');
  let total = 0;
  embeds.forEach((raw, i) => {
    const embed = isRecord(raw) ? raw : {};
    const at = (...path: (string | number)[]) => ['embeds', i, ...path];
    maxLength(at('title'), embed.title, 256);
    maxLength(at('description'), embed.description, 4096);
    if (embed.url !== undefined) {
      const ok = typeof embed.url === 'string' && URL.canParse(embed.url) && /^https?:$/.test(new URL(embed.url).protocol);
      if (!ok) add(at('url'), 'URL_TYPE_INVALID_URL', 'Not a well formed URL.');
      else maxLength(at('url'), embed.url, 2048);
    }
    if (embed.color !== undefined) {
      if (typeof embed.color !== 'number' || !Number.isInteger(embed.color) || embed.color < 0) add(at('color'), 'NUMBER_TYPE_COERCE', `Value "${String(embed.color)}" is not int.`);
      else if (embed.color > 0xffffff) add(at('color'), 'NUMBER_TYPE_MAX', 'int value should be less than or equal to 16777215.');
    }
    const footer = isRecord(embed.footer) ? embed.footer : undefined;
    if (footer) maxLength(at('footer', 'text'), footer.text, 2048, true);
    const author = isRecord(embed.author) ? embed.author : undefined;
    if (author) maxLength(at('author', 'name'), author.name, 256, true);
    const fields = Array.isArray(embed.fields) ? (embed.fields as unknown[]) : [];
    if (fields.length > 25) add(at('fields'), 'BASE_TYPE_MAX_LENGTH', 'Must be 25 or fewer in length.');
    fields.forEach((rawField, j) => {
      const field = isRecord(rawField) ? rawField : {};
      maxLength(at('fields', j, 'name'), field.name, 256, true);
      maxLength(at('fields', j, 'value'), field.value, 1024, true);
      total += textLength(field.name) + textLength(field.value);
    });
    total += textLength(embed.title) + textLength(embed.description) + textLength(footer?.text) + textLength(author?.name);
  });
  if (total > 6000) add(['embeds'], 'MAX_EMBED_SIZE_EXCEEDED', 'Embed size exceeds maximum size of 6000');

  if (isRecord(body.allowed_mentions) && Array.isArray(body.allowed_mentions.parse)) {
    (body.allowed_mentions.parse as unknown[]).forEach((value, i) => {
      if (value !== 'everyone' && value !== 'users' && value !== 'roles') {
        add(['allowed_mentions', 'parse', i], 'ENUM_TYPE_COERCE', `Value "${String(value)}" is not a valid enum value.`);
      }
    });
  }

  if (Object.keys(errors).length > 0) return { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors } };

  const hasContent = typeof body.content === 'string' && body.content.trim() !== '';
  const hasStickers = Array.isArray(body.sticker_ids) && body.sticker_ids.length > 0;
  if (!hasContent && embeds.length === 0 && fileCount === 0 && !hasStickers && body.poll === undefined) {
    return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
  }
  return undefined;
}

function textLength(value: unknown): number {
  return typeof value === 'string' ? chars(value) : 0;
}
