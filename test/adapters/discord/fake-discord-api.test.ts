/**
 * The fake is shared by adapter, end-to-end and benchmark tests: these pin down
 * that it behaves like Discord where @discordjs/rest and our code can tell.
 */
import { DiscordAPIError, REST, Routes } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../../../src/loopback/discord-api.ts';

const CHANNEL = '123456789012345678';
let discord: FakeDiscord;
afterEach(async () => {
  await discord?.close();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; json: unknown }> {
  const res = await fetch(`${discord.api}/v10${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bot ${discord.token}`, ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text === '' ? undefined : JSON.parse(text) };
}

describe('fake Discord REST API', () => {
  it('GIVEN a multipart message with a file through REST THEN payload_json and the attachment are recorded', async () => {
    discord = await startFakeDiscord();
    const rest = new REST({ api: discord.api }).setToken(discord.token);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 9, 9]);
    await rest.post(Routes.channelMessages(CHANNEL), {
      body: { content: 'chart', attachments: [{ id: 0, filename: 'tao.png' }] },
      files: [{ name: 'tao.png', data: png, contentType: 'image/png' }],
    });
    expect(discord.requests[0]?.body).toMatchObject({ content: 'chart' });
    expect(discord.requests[0]?.files).toEqual([{ field: 'files[0]', filename: 'tao.png', contentType: 'image/png', data: png }]);
    expect(discord.messages[0]?.attachments).toEqual([{ id: '0', filename: 'tao.png', size: png.length, content_type: 'image/png' }]);
  });

  it('GIVEN a webhook without wait THEN 204 and the message is still posted', async () => {
    discord = await startFakeDiscord();
    const res = await post('/webhooks/876543210987654321/tok', { content: 'hi' }, { authorization: '' });
    expect(res.status).toBe(204);
    expect(discord.messages[0]).toMatchObject({ content: 'hi', webhook_id: '876543210987654321' });
  });

  it.each([
    { name: 'no allowed_mentions', allowed: undefined, everyone: true, users: ['123456789012345678'], roles: ['987654321098765432'] },
    { name: 'parse: []', allowed: { parse: [] }, everyone: false, users: [], roles: [] },
    { name: 'parse: users', allowed: { parse: ['users'] }, everyone: false, users: ['123456789012345678'], roles: [] },
  ])('GIVEN $name THEN pings follow Discord rules', async ({ allowed, everyone, users, roles }) => {
    discord = await startFakeDiscord();
    const content = '@everyone <@123456789012345678> <@&987654321098765432>';
    const res = await post(`/channels/${CHANNEL}/messages`, { content, ...(allowed ? { allowed_mentions: allowed } : {}) });
    expect(res.json).toMatchObject({ mention_everyone: everyone, mentions: users.map((id) => ({ id })), mention_roles: roles });
  });

  it.each([
    {
      name: 'a 257-char title',
      body: { embeds: [{ title: 'x'.repeat(257) }] },
      errors: { embeds: { '0': { title: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 256 or fewer in length.' }] } } } },
    },
    {
      name: 'an empty field value',
      body: { embeds: [{ fields: [{ name: 'n', value: '' }] }] },
      errors: { embeds: { '0': { fields: { '0': { value: { _errors: [{ code: 'BASE_TYPE_REQUIRED', message: 'This field is required' }] } } } } } },
    },
    {
      name: 'a javascript: url',
      body: { embeds: [{ title: 't', url: 'javascript:alert(1)' }] },
      errors: { embeds: { '0': { url: { _errors: [{ code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' }] } } } },
    },
    {
      name: 'more than 6000 characters in embeds',
      body: { embeds: [{ description: 'd'.repeat(4000) }, { description: 'd'.repeat(2001) }] },
      errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED', message: 'Embed size exceeds maximum size of 6000' }] } },
    },
    {
      name: 'a 26-char nonce',
      body: { content: 'x', nonce: 'n'.repeat(26) },
      errors: { nonce: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }] } },
    },
  ])('GIVEN $name THEN 400 Invalid Form Body with the path of the error', async ({ body, errors }) => {
    discord = await startFakeDiscord();
    const res = await post(`/channels/${CHANNEL}/messages`, body);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ message: 'Invalid Form Body', code: 50035, errors });
    expect(discord.messages).toHaveLength(0);
  });

  it('GIVEN an Invalid Form Body through REST THEN DiscordAPIError flattens the path', async () => {
    discord = await startFakeDiscord();
    const rest = new REST({ api: discord.api }).setToken(discord.token);
    const error = await rest.post(Routes.channelMessages(CHANNEL), { body: { embeds: [{ title: 'x'.repeat(300) }] } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).message).toBe('Invalid Form Body\nembeds[0].title[BASE_TYPE_MAX_LENGTH]: Must be 256 or fewer in length.');
  });

  it.each([
    { name: 'an empty message', body: { content: '  ' }, status: 400, json: { message: 'Cannot send an empty message', code: 50006 } },
    { name: 'a wrong token', body: { content: 'x' }, status: 401, json: { message: '401: Unauthorized', code: 0 }, headers: { authorization: 'Bot nope' } },
    { name: 'no token', body: { content: 'x' }, status: 401, json: { message: '401: Unauthorized', code: 0 }, headers: { authorization: '' } },
  ])('GIVEN $name THEN $status', async ({ body, status, json, headers }) => {
    discord = await startFakeDiscord();
    const res = await post(`/channels/${CHANNEL}/messages`, body, headers);
    expect(res).toMatchObject({ status, json });
  });

  it('GIVEN an unknown route THEN a Discord-style 404', async () => {
    discord = await startFakeDiscord();
    expect(await post('/guilds/1/bans', {})).toMatchObject({ status: 404, json: { message: '404: Not Found', code: 0 } });
  });

  it('GIVEN enforce_nonce THEN a repeat within the window returns the first message, and after it posts anew', async () => {
    let now = 1_700_000_000_000;
    discord = await startFakeDiscord({ now: () => now, nonceWindowMs: 60_000 });
    const body = { content: 'x', nonce: 'n1', enforce_nonce: true };
    const first = await post(`/channels/${CHANNEL}/messages`, body);
    const again = await post(`/channels/${CHANNEL}/messages`, body);
    expect((again.json as { id: string }).id).toBe((first.json as { id: string }).id);
    expect(discord.messages).toHaveLength(1);
    now += 60_001;
    await post(`/channels/${CHANNEL}/messages`, body);
    expect(discord.messages).toHaveLength(2);
  });

  it('GIVEN a nonce without enforce_nonce THEN duplicates are posted and the nonce echoed', async () => {
    discord = await startFakeDiscord();
    await post(`/channels/${CHANNEL}/messages`, { content: 'x', nonce: 'n1' });
    await post(`/channels/${CHANNEL}/messages`, { content: 'x', nonce: 'n1' });
    expect(discord.messages.map((m) => m.nonce)).toEqual(['n1', 'n1']);
  });

  it('GIVEN a bucket of 2 THEN headers count down and the third call is a 429 like Discord', async () => {
    const now = 1_700_000_000_000;
    discord = await startFakeDiscord({ now: () => now, rateLimit: { limit: 2, resetAfterMs: 1_500 } });
    const a = await post(`/channels/${CHANNEL}/messages`, { content: 'a' });
    const b = await post(`/channels/${CHANNEL}/messages`, { content: 'b' });
    const c = await post(`/channels/${CHANNEL}/messages`, { content: 'c' });
    expect([a.headers.get('x-ratelimit-remaining'), b.headers.get('x-ratelimit-remaining')]).toEqual(['1', '0']);
    expect(a.headers.get('x-ratelimit-limit')).toBe('2');
    expect(a.headers.get('x-ratelimit-reset-after')).toBe('1.500');
    expect(a.headers.get('x-ratelimit-reset')).toBe('1700000001.500');
    expect(a.headers.get('x-ratelimit-bucket')).toBeTruthy();
    expect(c.status).toBe(429);
    expect(c.headers.get('retry-after')).toBe('2');
    expect(c.headers.get('x-ratelimit-scope')).toBe('user');
    expect(c.json).toEqual({ message: 'You are being rate limited.', retry_after: 1.5, global: false });
    // Another channel has its own bucket.
    expect((await post('/channels/999999999999999999/messages', { content: 'd' })).status).toBe(200);
  });

  it('GIVEN faults with match and count THEN only matching requests fail, that many times', async () => {
    discord = await startFakeDiscord();
    discord.failNext({ status: 503, count: 2, match: '/webhooks/' });
    expect((await post(`/channels/${CHANNEL}/messages`, { content: 'x' })).status).toBe(200);
    expect((await post('/webhooks/1/t', { content: 'x' })).status).toBe(503);
    expect((await post('/webhooks/1/t', { content: 'x' })).status).toBe(503);
    expect((await post('/webhooks/1/t', { content: 'x' })).status).toBe(204);
    expect(discord.requests.map((r) => r.status)).toEqual([200, 503, 503, 204]);
  });

  it('GIVEN a default 429 fault THEN Discord-shaped body and headers', async () => {
    discord = await startFakeDiscord();
    discord.failNext({ status: 429 });
    const res = await post(`/channels/${CHANNEL}/messages`, { content: 'x' });
    expect(res.json).toEqual({ message: 'You are being rate limited.', retry_after: 1.5, global: false });
    expect(res.headers.get('retry-after')).toBe('2');
  });

  it('GIVEN reset THEN everything recorded is forgotten', async () => {
    discord = await startFakeDiscord();
    await post(`/channels/${CHANNEL}/messages`, { content: 'x', nonce: 'n', enforce_nonce: true });
    discord.failNext({ status: 500 });
    discord.reset();
    expect((await post(`/channels/${CHANNEL}/messages`, { content: 'x', nonce: 'n', enforce_nonce: true })).status).toBe(200);
    expect(discord.messages).toHaveLength(1);
    expect(discord.requests).toHaveLength(1);
  });
});

describe('fake Discord REST API: delivery faults and limits', () => {
  it('GIVEN a dropped response THEN the message exists but the sender sees a reset, and a retry with the nonce adds nothing', async () => {
    discord = await startFakeDiscord();
    discord.failNext({ network: 'drop-response' });
    const body = { content: 'once', nonce: 'n-1', enforce_nonce: true };
    await expect(post(`/channels/${CHANNEL}/messages`, body)).rejects.toThrow();
    expect(discord.messages).toHaveLength(1);
    expect((await post(`/channels/${CHANNEL}/messages`, body)).status).toBe(200);
    expect(discord.messages).toHaveLength(1);
    expect(discord.requests.map((r) => r.status)).toEqual([undefined, 200]);
  });

  it('GIVEN a hung response THEN the message exists and the sender never hears back', async () => {
    discord = await startFakeDiscord();
    discord.failNext({ network: 'hang-response' });
    const body = { content: 'once', nonce: 'n-2', enforce_nonce: true };
    await expect(
      fetch(`${discord.api}/v10/channels/${CHANNEL}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bot ${discord.token}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toThrow();
    expect(discord.messages).toHaveLength(1);
    expect((await post(`/channels/${CHANNEL}/messages`, body)).status).toBe(200);
    expect(discord.messages).toHaveLength(1);
  });

  it('GIVEN a fault until a time THEN every matching request fails until then, whatever the count', async () => {
    let t = 1_000_000;
    discord = await startFakeDiscord({ now: () => t });
    discord.failNext({ status: 429, retryAfter: 3, bucketHeaders: false, until: t + 10_000, match: '/channels/' });
    for (let i = 0; i < 3; i++) expect((await post(`/channels/${CHANNEL}/messages`, { content: `x${i}` })).status).toBe(429);
    expect((await post('/webhooks/1/t', { content: 'x' })).status).toBe(204);
    t += 10_000;
    expect((await post(`/channels/${CHANNEL}/messages`, { content: 'y' })).status).toBe(200);
  });

  it('GIVEN a global limit THEN the request past it gets a global 429', async () => {
    let t = 1_000_000;
    discord = await startFakeDiscord({ globalRateLimit: { limit: 2, resetAfterMs: 1000 }, now: () => t });
    expect((await post(`/channels/${CHANNEL}/messages`, { content: 'a' })).status).toBe(200);
    expect((await post('/channels/999999999999999999/messages', { content: 'b' })).status).toBe(200);
    const limited = await post(`/channels/${CHANNEL}/messages`, { content: 'c' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-ratelimit-global')).toBe('true');
    expect(limited.json).toMatchObject({ global: true, retry_after: 1 });
    t += 1000;
    expect((await post(`/channels/${CHANNEL}/messages`, { content: 'd' })).status).toBe(200);
  });

  it('GIVEN bucket headers off THEN only a 429 carries Retry-After, and the bucket still holds', async () => {
    let t = 1_000_000;
    discord = await startFakeDiscord({ rateLimit: { limit: 1, resetAfterMs: 5000 }, rateLimitHeaders: false, now: () => t });
    const ok = await post(`/channels/${CHANNEL}/messages`, { content: 'a' });
    expect(ok.headers.get('x-ratelimit-remaining')).toBeNull();
    t += 1000;
    const limited = await post(`/channels/${CHANNEL}/messages`, { content: 'b' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('4');
    expect(limited.json).toMatchObject({ retry_after: 4 });
    expect(discord.requests.map((r) => r.at)).toEqual([1_000_000, 1_001_000]);
  });

  it('GIVEN a 429 fault without bucket headers THEN only Retry-After', async () => {
    discord = await startFakeDiscord();
    discord.failNext({ status: 429, retryAfter: 2, bucketHeaders: false });
    const limited = await post(`/channels/${CHANNEL}/messages`, { content: 'a' });
    expect([limited.status, limited.headers.get('retry-after'), limited.headers.get('x-ratelimit-remaining')]).toEqual([429, '2', null]);
  });
});

describe('fake Discord REST API: what the bot token may read (radar doctor)', () => {
  const HIDDEN = '223456789012345678';
  const MUTED = '323456789012345678';
  const restWith = (token: string) => new REST({ api: discord.api, retries: 0, rejectOnRateLimit: () => true }).setToken(token);
  const apiError = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => (error instanceof DiscordAPIError ? { status: error.status, code: error.code, message: error.message } : error),
    );

  it('GIVEN the bot token THEN GET /users/@me is the bot user; another token is a 401', async () => {
    discord = await startFakeDiscord();
    expect(await restWith(discord.token).get(Routes.user())).toMatchObject({ id: '111111111111111111', username: 'Narrative Radar', bot: true });
    expect(await apiError(restWith('someone-else').get(Routes.user()))).toEqual({ status: 401, code: 0, message: '401: Unauthorized' });
  });

  it('GIVEN channel states THEN GET /channels/:id answers as Discord: 200 where the bot may view, 403 Missing Access, 404 Unknown Channel', async () => {
    discord = await startFakeDiscord({ channels: { [CHANNEL]: 'ok', [HIDDEN]: 'missing-access', [MUTED]: 'missing-permissions' }, channelNames: { [CHANNEL]: 'ai-alerts' } });
    const rest = restWith(discord.token);
    expect(await rest.get(Routes.channel(CHANNEL))).toMatchObject({ id: CHANNEL, type: 0, name: 'ai-alerts', guild_id: '444444444444444444' });
    // Viewing needs View Channel only; Send Messages is checked when it posts.
    expect(await rest.get(Routes.channel(MUTED))).toMatchObject({ id: MUTED, name: 'alerts' });
    expect(await apiError(rest.get(Routes.channel(HIDDEN)))).toEqual({ status: 403, code: 50001, message: 'Missing Access' });
    expect(await apiError(rest.get(Routes.channel('423456789012345678')))).toEqual({ status: 404, code: 10003, message: 'Unknown Channel' });
    expect(await apiError(restWith('someone-else').get(Routes.channel(CHANNEL)))).toMatchObject({ status: 401 });
    expect(discord.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', `/api/v10/channels/${CHANNEL}`, 200],
      ['GET', `/api/v10/channels/${MUTED}`, 200],
      ['GET', `/api/v10/channels/${HIDDEN}`, 403],
      ['GET', '/api/v10/channels/423456789012345678', 404],
      ['GET', `/api/v10/channels/${CHANNEL}`, 401],
    ]);
  });

  it('GIVEN no channel list THEN every channel is visible; a POST to a read route is a 405', async () => {
    discord = await startFakeDiscord();
    expect(await restWith(discord.token).get(Routes.channel(CHANNEL))).toMatchObject({ id: CHANNEL });
    expect(await post(`/channels/${CHANNEL}`, {})).toMatchObject({ status: 405 });
  });

  it('GIVEN an injected fault on a read route THEN the read fails with it', async () => {
    discord = await startFakeDiscord();
    discord.failNext({ status: 503, match: '/users/@me' });
    const error = await restWith(discord.token).get(Routes.user()).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(discord.requests.map((r) => r.status)).toEqual([503]);
  });
});
