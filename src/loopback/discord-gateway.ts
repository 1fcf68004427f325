/**
 * A loopback imitation of the parts of Discord a slash-command bot talks to,
 * beside the message REST fake (discord-api.ts): the gateway (a WebSocket on
 * the same port) and the REST routes of commands and interactions.
 *
 *   const gateway = await startFakeDiscordGateway({ restFallback: discord.origin });
 *   const client = new Client({ intents: [], rest: { api: gateway.api } });
 *   await client.login(gateway.token);
 *   const response = await gateway.sendCommand({ name: 'why', options: [{ name: 'token', value: 'TAO' }] });
 *   expect(response.body).toMatchObject({ type: 4, data: { … } });
 *
 * Gateway: HELLO (op 10), IDENTIFY (op 2, token checked: 4004 otherwise) →
 * READY with no guilds (so the client is ready at once), heartbeats (op 1 →
 * op 11), and INTERACTION_CREATE dispatches from {@link FakeDiscordGateway.sendCommand}.
 * REST (v10): `GET /gateway/bot`, `GET /applications/@me`,
 * `PUT /applications/:app/commands`, `PUT /applications/:app/guilds/:guild/commands`,
 * `POST /interactions/:id/:token/callback`, `PATCH|POST /webhooks/:app/:token[/messages/@original]`.
 * Any other request is forwarded to `restFallback` (the message fake) when given,
 * so one API root serves the whole client; otherwise it is a Discord-style 404.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export const FAKE_GATEWAY_TOKEN = 'fake-discord-gateway-token.SECRET-do-not-leak';
export const FAKE_APPLICATION_ID = '333333333333333333';
export const FAKE_GUILD_ID = '444444444444444444';
/** Manage Guild (1 << 5) and the usual member permissions; the default `permissions` of admin commands. */
export const MANAGE_GUILD = 1n << 5n;
const MEMBER_PERMISSIONS = (1n << 10n) | (1n << 11n) | (1n << 31n); // view channel, send messages, use application commands

export interface FakeCommandOption {
  name: string;
  /** 3 string, 4 integer, 5 boolean, 10 number; default 3. */
  type?: number;
  value: string | number | boolean;
}

export interface FakeCommandInput {
  name: string;
  /** A subcommand and its options, e.g. { name: 'set', options: [...] }. */
  subcommand?: { name: string; options?: FakeCommandOption[] };
  options?: FakeCommandOption[];
  userId?: string;
  username?: string;
  /** Omit (with `dm: true`) for a direct message. */
  guildId?: string;
  channelId?: string;
  /** The member's permissions in the channel, a bit set. Default: an ordinary member (no Manage Guild). */
  permissions?: bigint;
  dm?: boolean;
}

/** An answer the bot gave to an interaction. */
export interface FakeInteractionResponse {
  interactionId: string;
  /** "callback" (the first answer) or "edit"/"followup" (webhook calls after a deferral). */
  via: 'callback' | 'edit' | 'followup';
  /** The body as sent, e.g. `{ type: 4, data: { embeds, flags } }` for a callback. */
  body: Record<string, unknown>;
}

export interface FakeCommandDeployment {
  applicationId: string;
  guildId?: string;
  commands: Record<string, unknown>[];
}

export interface FakeDiscordGateway {
  readonly origin: string;
  /** What `new Client({ rest: { api } })` and `new REST({ api })` take. */
  readonly api: string;
  readonly token: string;
  readonly applicationId: string;
  readonly responses: FakeInteractionResponse[];
  readonly deployments: FakeCommandDeployment[];
  /** Resolves when a client has identified (READY sent). */
  readonly identified: Promise<void>;
  /** The gateway intents of the last identify: the guild state Discord would then send the client. */
  readonly intents: number | undefined;
  /** Dispatch a slash command; resolves with the bot's first answer to it. */
  sendCommand(input: FakeCommandInput): Promise<FakeInteractionResponse>;
  close(): Promise<void>;
}

export interface FakeDiscordGatewayOptions {
  token?: string;
  applicationId?: string;
  /** Origin (http://127.0.0.1:PORT) to forward unknown REST requests to, e.g. the message fake. */
  restFallback?: string;
  /** Clock for snowflakes. Default Date.now. */
  now?: () => number;
}

const DISCORD_EPOCH = 1_420_070_400_000n;

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON bodies, and the `payload_json` part of multipart ones (replies with files). */
async function readJson(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readBody(req);
  if (raw.length === 0) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data')) {
    const form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': type }, body: raw }).formData();
    const payload = form.get('payload_json');
    return typeof payload === 'string' ? (JSON.parse(payload) as Record<string, unknown>) : {};
  }
  return JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
}

/** Start the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeDiscordGateway(options: FakeDiscordGatewayOptions = {}): Promise<FakeDiscordGateway> {
  const token = options.token ?? FAKE_GATEWAY_TOKEN;
  const applicationId = options.applicationId ?? FAKE_APPLICATION_ID;
  const now = options.now ?? Date.now;
  const responses: FakeInteractionResponse[] = [];
  const deployments: FakeCommandDeployment[] = [];
  const waiting = new Map<string, (r: FakeInteractionResponse) => void>();
  const tokens = new Map<string, string>(); // interaction token → id
  const sockets = new Set<WebSocket>();
  let sequence = 0n;
  let dispatchSeq = 0;
  let ready: WebSocket | undefined;
  let markIdentified: () => void = () => {};
  const identified = new Promise<void>((resolve) => (markIdentified = resolve));
  let intents: number | undefined;
  const onReady: (() => void)[] = [];

  const snowflake = () => (((BigInt(now()) - DISCORD_EPOCH) << 22n) | (sequence++ & 0xfffn)).toString();

  const record = (response: FakeInteractionResponse) => {
    responses.push(response);
    const resolve = waiting.get(response.interactionId);
    if (resolve && response.via === 'callback') {
      waiting.delete(response.interactionId);
      resolve(response);
    }
  };

  const send = (res: http.ServerResponse, status: number, body?: unknown) => {
    if (body === undefined) return void res.writeHead(status).end();
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  };

  async function forward(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!options.restFallback) return send(res, 404, { message: '404: Not Found', code: 0 });
    const body = await readBody(req);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && k !== 'host' && k !== 'content-length') headers.set(k, v);
    const answer = await fetch(`${options.restFallback}${req.url ?? '/'}`, { method: req.method, headers, body: body.length > 0 ? body : undefined });
    const out: Record<string, string> = {};
    answer.headers.forEach((v, k) => {
      if (k !== 'content-length' && k !== 'transfer-encoding' && k !== 'connection') out[k] = v;
    });
    res.writeHead(answer.status, out).end(Buffer.from(await answer.arrayBuffer()));
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname.replace(/^\/api\/v10/, '');
    const botAuth = req.headers.authorization === `Bot ${token}`;
    let m: RegExpExecArray | null;
    if (req.method === 'GET' && path === '/gateway/bot') {
      if (!botAuth) return send(res, 401, { message: '401: Unauthorized', code: 0 });
      return send(res, 200, {
        url: origin.replace(/^http/, 'ws'),
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
      });
    }
    if (req.method === 'GET' && path === '/applications/@me') {
      if (!botAuth) return send(res, 401, { message: '401: Unauthorized', code: 0 });
      return send(res, 200, { id: applicationId, name: 'Narrative Radar', flags: 0, bot_public: false, description: '' });
    }
    if (req.method === 'PUT' && (m = /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/.exec(path))) {
      if (!botAuth) return send(res, 401, { message: '401: Unauthorized', code: 0 });
      if (m[1] !== applicationId) return send(res, 403, { message: 'Missing Access', code: 50001 });
      const commands = (await readJson(req)) as unknown as Record<string, unknown>[];
      if (!Array.isArray(commands)) return send(res, 400, { message: 'Invalid Form Body', code: 50035 });
      deployments.push({ applicationId: m[1], ...(m[2] ? { guildId: m[2] } : {}), commands });
      return send(res, 200, commands.map((c) => ({ ...c, id: snowflake(), application_id: applicationId, version: snowflake(), ...(m![2] ? { guild_id: m![2] } : {}) })));
    }
    if (req.method === 'POST' && (m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path))) {
      const [, id, itoken] = m;
      if (tokens.get(itoken!) !== id) return send(res, 404, { message: 'Unknown interaction', code: 10062 });
      if (responses.some((r) => r.interactionId === id && r.via === 'callback')) {
        return send(res, 400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      }
      const body = await readJson(req);
      record({ interactionId: id!, via: 'callback', body });
      if (url.searchParams.get('with_response') === 'true') {
        return send(res, 200, { interaction: { id, type: 2 }, resource: { type: body.type } });
      }
      return send(res, 204);
    }
    if ((m = /^\/webhooks\/(\d+)\/([^/]+)(\/messages\/@original)?$/.exec(path)) && (req.method === 'PATCH' || req.method === 'POST')) {
      const id = tokens.get(m[2]!);
      if (m[1] !== applicationId || id === undefined) return send(res, 404, { message: 'Unknown Webhook', code: 10015 });
      const body = await readJson(req);
      record({ interactionId: id, via: req.method === 'PATCH' ? 'edit' : 'followup', body });
      return send(res, 200, { id: snowflake(), channel_id: '0', content: body.content ?? '', embeds: body.embeds ?? [], flags: body.flags ?? 0 });
    }
    return forward(req, res);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, { message: `fake gateway bug: ${String(error)}`, code: 0 }));
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      if (ready === socket) ready = undefined;
    });
    const dispatch = (t: string, d: unknown) => socket.send(JSON.stringify({ op: 0, t, s: ++dispatchSeq, d }));
    socket.send(JSON.stringify({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null }));
    socket.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { op: number; d: unknown };
      if (message.op === 1) return socket.send(JSON.stringify({ op: 11, d: null, s: null, t: null }));
      if (message.op === 2) {
        const identify = message.d as { token?: string; intents?: number };
        intents = identify.intents;
        if (identify.token !== token && identify.token !== `Bot ${token}`) return socket.close(4004, 'Authentication failed.');
        ready = socket;
        dispatch('READY', {
          v: 10,
          user: { id: applicationId, username: 'Narrative Radar', discriminator: '0000', global_name: null, avatar: null, bot: true, flags: 0 },
          // No guilds: otherwise the client waits for a GUILD_CREATE per guild before it is ready.
          guilds: [],
          session_id: 'fake-session',
          resume_gateway_url: origin.replace(/^http/, 'ws'),
          shard: [0, 1],
          application: { id: applicationId, flags: 0 },
        });
        markIdentified();
        for (const f of onReady.splice(0)) f();
        return;
      }
      if (message.op === 6) return socket.send(JSON.stringify({ op: 9, d: false, s: null, t: null })); // no resume: identify again
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function interactionPayload(input: FakeCommandInput, id: string, itoken: string): Record<string, unknown> {
    const userId = input.userId ?? '555555555555555555';
    const user = { id: userId, username: input.username ?? 'tester', discriminator: '0', global_name: input.username ?? 'Tester', avatar: null };
    const guildId = input.dm ? undefined : (input.guildId ?? FAKE_GUILD_ID);
    const channelId = input.channelId ?? '666666666666666666';
    const permissions = String(input.permissions ?? MEMBER_PERMISSIONS);
    const options = input.subcommand
      ? [{ type: 1, name: input.subcommand.name, options: (input.subcommand.options ?? []).map((o) => ({ type: 3, ...o })) }]
      : (input.options ?? []).map((o) => ({ type: 3, ...o }));
    return {
      id,
      application_id: applicationId,
      type: 2,
      token: itoken,
      version: 1,
      locale: 'en-US',
      app_permissions: String(MEMBER_PERMISSIONS),
      entitlements: [],
      authorizing_integration_owners: guildId ? { '0': guildId } : { '1': userId },
      context: guildId ? 0 : 1,
      channel_id: channelId,
      channel: guildId ? { id: channelId, type: 0, guild_id: guildId, name: 'alerts', permissions } : { id: channelId, type: 1, recipients: [user] },
      data: { id: snowflake(), name: input.name, type: 1, options, ...(guildId ? { guild_id: guildId } : {}) },
      ...(guildId
        ? {
            guild_id: guildId,
            guild_locale: 'en-US',
            member: { user, roles: [], permissions, joined_at: new Date(now()).toISOString(), deaf: false, mute: false, flags: 0, pending: false, nick: null, avatar: null },
          }
        : { user }),
    };
  }

  return {
    origin,
    api: `${origin}/api`,
    token,
    applicationId,
    responses,
    deployments,
    identified,
    get intents() {
      return intents;
    },
    async sendCommand(input) {
      if (!ready) await new Promise<void>((resolve) => onReady.push(resolve));
      const id = snowflake();
      const itoken = `interaction-token-${id}`;
      tokens.set(itoken, id);
      const answered = new Promise<FakeInteractionResponse>((resolve) => waiting.set(id, resolve));
      ready!.send(JSON.stringify({ op: 0, t: 'INTERACTION_CREATE', s: ++dispatchSeq, d: interactionPayload(input, id, itoken) }));
      return answered;
    },
    async close() {
      for (const socket of sockets) socket.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
