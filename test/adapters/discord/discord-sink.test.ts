import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessageFlags, REST } from 'discord.js';
import { SharedRateLimitError } from '../../../src/app/delivery-sink.ts';
import { RESENT_NOTE } from '../../../src/app/ports.ts';
import {
  DISCORD_RATE_LIMITS,
  DISCORD_REST_OPTIONS,
  classifyDiscordError,
  createDiscordSink,
  createDiscordWebhookSink,
  DISCORD_NONCE_WINDOW_MS,
  discordNonce,
  parseDiscordWebhookUrl,
} from '../../../src/adapters/discord/discord-sink.ts';
import { renderDiscordMessage } from '../../../src/adapters/discord/render-discord.ts';
import { viewAlert } from '../../../src/domain/alert.ts';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordFault } from '../../../src/loopback/discord-api.ts';
import { hostileStoryAlert, hugeMoveAlert, hugeNoticeAlert, sampleCatalyst, sampleMoveAlert, sampleStoryAlert } from '../../fakes/sample-alerts.ts';
import { expectNoSecret, sendExpectingFailure } from '../../fakes/sink-assertions.ts';

const CHANNEL = '123456789012345678';
const WEBHOOK = { id: '876543210987654321', token: 'Wh-SECRET_webhook-token-abcdefghijklmnopqrstuvwxyz0123456789-ABCDEFGHIJKLMNOPQRSTU', channelId: CHANNEL };

let discord: FakeDiscord;
afterEach(async () => {
  await discord?.close();
});

describe('createDiscordSink', () => {
  beforeEach(async () => {
    discord = await startFakeDiscord();
  });

  it('GIVEN a move alert THEN it posts one embed with no mentions and an enforced nonce', async () => {
    const sink = createDiscordSink({ id: 'discord-main', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    const alert = sampleMoveAlert();
    await sink.send(alert, 'delivery:move:TAO:1');

    expect(discord.requests).toHaveLength(1);
    const [request] = discord.requests;
    expect(request).toMatchObject({ method: 'POST', path: `/api/v10/channels/${CHANNEL}/messages`, status: 200 });
    expect(request?.headers.authorization).toBe(`Bot ${discord.token}`);
    expect(request?.body).toEqual({
      ...renderDiscordMessage(viewAlert(alert)),
      allowed_mentions: { parse: [] },
      nonce: discordNonce('delivery:move:TAO:1'),
      enforce_nonce: true,
    });
    expect(discord.messages).toHaveLength(1);
    expect(discord.messages[0]).toMatchObject({ channel_id: CHANNEL, mention_everyone: false, mentions: [], mention_roles: [] });
  });

  it('GIVEN a shared REST instance THEN the sink posts through it', async () => {
    const rest = new REST({ ...DISCORD_REST_OPTIONS, api: discord.api }).setToken(discord.token);
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, rest });
    await sink.send(sampleStoryAlert(), 'd1');
    expect(discord.messages).toHaveLength(1);
  });

  it('GIVEN the same delivery id twice THEN Discord keeps one message', async () => {
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    await sink.send(sampleMoveAlert(), 'delivery-1');
    await sink.send(sampleMoveAlert(), 'delivery-1');
    await sink.send(sampleMoveAlert(), 'delivery-2');
    expect(discord.requests).toHaveLength(3);
    expect(discord.messages).toHaveLength(2);
  });

  it.each([
    { name: 'hostile story', alert: hostileStoryAlert() },
    { name: 'huge move alert', alert: hugeMoveAlert() },
    { name: 'huge notice', alert: hugeNoticeAlert() },
  ])('GIVEN a $name THEN Discord accepts it first time and nobody is pinged', async ({ alert }) => {
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    await sink.send(alert, 'x');
    expect(discord.requests.map((r) => r.status)).toEqual([200]);
    expect(discord.messages[0]).toMatchObject({ mention_everyone: false, mentions: [], mention_roles: [] });
  });

  it.each([
    { nonce: 'a'.repeat(300) },
    { nonce: 'move:TAO:1440:2025-03-14T12:00:00.000Z:discord-main' },
    { nonce: '' },
  ])('GIVEN delivery id of length $nonce.length THEN the nonce is stable and ≤ 25 chars', ({ nonce }) => {
    expect(discordNonce(nonce)).toHaveLength(25);
    expect(discordNonce(nonce)).toBe(discordNonce(nonce));
    expect(discordNonce(`${nonce}x`)).not.toBe(discordNonce(nonce));
  });

  const faults: { name: string; fault: FakeDiscordFault; action: string; status?: number; retryAfterMs?: number; reason: RegExp }[] = [
    { name: '429 with Retry-After', fault: { status: 429, retryAfter: 2 }, action: 'wait', status: 429, retryAfterMs: 2000, reason: /rate limited/ },
    // Discord rounds the header up; @discordjs/rest reads the header, not the body's 1.5.
    { name: '429 with fractional retry_after', fault: { status: 429, retryAfter: 1.5 }, action: 'wait', status: 429, retryAfterMs: 2000, reason: /retry in 2\.0 s/ },
    { name: 'global 429', fault: { status: 429, retryAfter: 7, global: true }, action: 'wait', status: 429, retryAfterMs: 7000, reason: /rate limited globally/ },
    { name: '500', fault: { status: 500 }, action: 'retry', status: 500, reason: /server error 500/ },
    { name: '502', fault: { status: 502 }, action: 'retry', status: 502, reason: /server error 502/ },
    { name: '403 Missing Access', fault: { status: 403 }, action: 'disable', status: 403, reason: /Missing Access.*50001.*cannot see the channel/ },
    { name: '403 Missing Permissions', fault: { status: 403, body: { message: 'Missing Permissions', code: 50013 } }, action: 'disable', status: 403, reason: /Send Messages, Embed Links and Attach Files/ },
    { name: '404 Unknown Channel', fault: { status: 404 }, action: 'disable', status: 404, reason: /Unknown Channel.*10003/ },
    { name: '400 archived thread', fault: { status: 400, body: { message: 'Thread is archived', code: 50083 } }, action: 'disable', status: 400, reason: /archived/ },
    { name: '408', fault: { status: 408, body: { message: 'Request Timeout', code: 0 } }, action: 'retry', status: 408, reason: /timed out/ },
    { name: 'connection reset', fault: { network: 'reset' }, action: 'retry', reason: /could not reach Discord/ },
  ];
  it.each(faults)('GIVEN $name THEN $action', async ({ fault, action, status, retryAfterMs, reason }) => {
    const sink = createDiscordSink({ id: 'discord-main', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    discord.failNext(fault);
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error.action).toBe(action);
    expect(error.details.destination).toBe('discord-main');
    expect(error.details.status).toBe(status);
    expect(error.details.retryAfterMs).toBe(retryAfterMs);
    expect(error.message).toMatch(reason);
    expect(error.message).toContain(`Discord channel ${CHANNEL}`);
    expect(error.details.cause).toBeDefined();
    expectNoSecret(error, discord.token);
    expect(discord.messages).toHaveLength(0);
  });

  it.each([
    { name: 'missing access', state: 'missing-access' as const, code: 50001 },
    { name: 'missing permissions', state: 'missing-permissions' as const, code: 50013 },
  ])('GIVEN a channel with $name THEN disable', async ({ state, code }) => {
    await discord.close();
    discord = await startFakeDiscord({ channels: { [CHANNEL]: state } });
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error).toMatchObject({ action: 'disable', details: { status: 403 } });
    expect(error.message).toContain(`code ${code}`);
  });

  it('GIVEN a channel that does not exist THEN disable', async () => {
    await discord.close();
    discord = await startFakeDiscord({ channels: { '999999999999999999': 'ok' } });
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error).toMatchObject({ action: 'disable', details: { status: 404 } });
  });

  it('GIVEN a wrong token THEN disable, never leak it, and stop calling Discord', async () => {
    const token = 'WRONG-bot-token.SECRET-value-1234567890';
    const sink = createDiscordSink({ id: 'd', token, channelId: CHANNEL, apiRoot: discord.api });
    const first = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(first).toMatchObject({ action: 'disable', details: { status: 401 } });
    expect(first.message).toMatch(/rejected the bot token/);
    expectNoSecret(first, token);

    const second = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd2'));
    expect(second.action).toBe('disable');
    expect(discord.requests).toHaveLength(1);
  });

  it('GIVEN an exhausted bucket THEN the next send waits instead of sleeping inside the client', async () => {
    await discord.close();
    discord = await startFakeDiscord({ rateLimit: { limit: 1, resetAfterMs: 60_000 } });
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    await sink.send(sampleMoveAlert(), 'd1');
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd2'));
    expect(error.action).toBe('wait');
    expect(error.details.retryAfterMs).toBeGreaterThan(0);
    expect(error.details.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect(discord.messages).toHaveLength(1);
  });

  it('GIVEN no answer within the timeout THEN retry', async () => {
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api, timeoutMs: 100 });
    discord.failNext({ network: 'hang' });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error.action).toBe('retry');
    expect(error.message).toMatch(/no response from Discord within 100 ms/);
  });

  it('GIVEN nothing listening THEN retry with the network cause', async () => {
    const api = discord.api;
    await discord.close();
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: api });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error.action).toBe('retry');
    expect(error.message).toMatch(/ECONNREFUSED/);
    discord = await startFakeDiscord(); // for afterEach
  });

  it('GIVEN Discord refuses the embed once THEN the alert is delivered as plain text and the fallback is reported', async () => {
    const warn = vi.fn();
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api, logger: { warn } });
    discord.failNext({ status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: { embeds: { '0': { title: { _errors: [{ code: 'X', message: 'bad' }] } } } } } });
    await sink.send(sampleMoveAlert(), 'd1');

    expect(discord.requests.map((r) => r.status)).toEqual([400, 200]);
    expect(discord.messages).toHaveLength(1);
    expect(discord.messages[0]?.embeds).toEqual([]);
    expect(discord.messages[0]?.content).toMatch(/^\*\*TAO \+25\.0%/);
    expect(discord.requests[1]?.body).toMatchObject({ allowed_mentions: { parse: [] }, nonce: discordNonce('d1'), enforce_nonce: true });
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toMatchObject({ destination: 'd', status: 400 });
  });

  it('GIVEN a silent delivery THEN the post carries SUPPRESS_NOTIFICATIONS, the plain fallback too; others do not', async () => {
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    await sink.send(sampleMoveAlert(), 'd1', { silent: true });
    discord.failNext({ status: 400, body: { message: 'Invalid Form Body', code: 50035 } });
    await sink.send(sampleStoryAlert(), 'd2', { silent: true });
    await sink.send(sampleStoryAlert(), 'd3', { silent: false });
    await sink.send(sampleStoryAlert(), 'd4');
    expect(discord.requests.map((r) => [r.status, (r.body as { flags?: number } | undefined)?.flags])).toEqual([
      [200, MessageFlags.SuppressNotifications],
      [400, MessageFlags.SuppressNotifications],
      [200, MessageFlags.SuppressNotifications],
      [200, undefined],
      [200, undefined],
    ]);
    expect(discord.messages.map((m) => m.flags)).toEqual([4096, 4096, 0, 0]);
  });

  it('GIVEN a global 429 THEN the wait names the bot-wide scope every channel of this bot is paced under', async () => {
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    discord.failNext({ status: 429, retryAfter: 7, global: true });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error).toBeInstanceOf(SharedRateLimitError);
    expect(error).toMatchObject({ action: 'wait', scope: sink.pacing?.rules[1]?.scope, details: { retryAfterMs: 7_000 } });
    expect((error as SharedRateLimitError).scope).toMatch(/^discord:bot:[0-9a-f]{12}$/);
  });

  it('GIVEN a per-route 429 THEN the wait is this destination\'s alone', async () => {
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    discord.failNext({ status: 429, retryAfter: 2 });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error.action).toBe('wait');
    expect(error).not.toBeInstanceOf(SharedRateLimitError);
  });

  it('GIVEN Discord accepted the post but never answered THEN retry, and the retry (same nonce) adds no message', async () => {
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api, timeoutMs: 100 });
    discord.failNext({ network: 'hang-response' });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error.action).toBe('retry');
    await sink.send(sampleMoveAlert(), 'd1');
    expect(discord.requests).toHaveLength(2);
    expect(discord.messages).toHaveLength(1);
  });

  it('GIVEN Discord refuses both forms THEN skip: this alert is set aside, the channel is not held, and the error quotes Discord', async () => {
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    discord.failNext({ status: 400, body: { message: 'Invalid Form Body', code: 50035 }, count: 2 });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error).toMatchObject({ action: 'skip', details: { status: 400 } });
    expect(error.message).toBe(`Discord channel ${CHANNEL}: Discord refused the message: Invalid Form Body (HTTP 400)`);
    expect(discord.requests).toHaveLength(2);
  });

  it('GIVEN a bot sink THEN it declares the nonce window as its idempotency window; a webhook has none', () => {
    expect(createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api }).idempotencyWindowMs).toBe(DISCORD_NONCE_WINDOW_MS);
    expect(createDiscordWebhookSink({ id: 'h', webhookUrl: discord.webhookUrl(WEBHOOK), apiRoot: discord.api }).idempotencyWindowMs).toBeUndefined();
  });
});

describe('Discord sinks: re-sends', () => {
  const ROLE = '444444444444444444';
  const NOTE_LINE = `*${RESENT_NOTE}*`;

  beforeEach(async () => {
    discord = await startFakeDiscord({ webhooks: [WEBHOOK] });
  });

  it('GIVEN a re-sent alert THEN the note is the first line of content, above the role pings; the embed is the usual one', async () => {
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api, mentions: [{ role: ROLE, minSeverity: 'low' }] });
    await sink.send(sampleMoveAlert(), 'd1', { resent: true });
    await sink.send(sampleMoveAlert(), 'd2');
    const [resent, usual] = discord.messages;
    expect(resent?.content).toBe(`${NOTE_LINE}\n<@&${ROLE}>`);
    expect(usual?.content).toBe(`<@&${ROLE}>`);
    expect(resent?.embeds).toEqual(usual?.embeds);
    expect(resent?.mention_roles).toEqual([ROLE]);
  });

  it('GIVEN a re-sent alert through a webhook THEN the note is its content', async () => {
    const sink = createDiscordWebhookSink({ id: 'hook', webhookUrl: discord.webhookUrl(WEBHOOK), apiRoot: discord.api });
    await sink.send(hugeMoveAlert(), 'd1', { resent: true });
    expect(discord.requests.map((r) => r.status)).toEqual([200]);
    expect(discord.messages[0]?.content).toBe(NOTE_LINE);
  });

  it('GIVEN a re-sent alert whose embed is refused THEN the plain fallback opens with the note and stays within 2000 characters', async () => {
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    discord.failNext({ status: 400, body: { message: 'Invalid Form Body', code: 50035 } });
    await sink.send(hugeNoticeAlert(), 'd1', { resent: true });
    expect(discord.requests.map((r) => r.status)).toEqual([400, 200]);
    const content = discord.messages[0]!.content;
    expect(content.startsWith(`${NOTE_LINE}\n`)).toBe(true);
    expect([...content].length).toBeLessThanOrEqual(2000);
  });
});

describe('parseDiscordWebhookUrl', () => {
  const token = 'abcDEF123_-xyz';
  it.each([
    { url: `https://discord.com/api/webhooks/${WEBHOOK.id}/${token}`, expected: { id: WEBHOOK.id, token } },
    { url: `https://discordapp.com/api/webhooks/${WEBHOOK.id}/${token}`, expected: { id: WEBHOOK.id, token } },
    { url: `https://ptb.discord.com/api/v10/webhooks/${WEBHOOK.id}/${token}?thread_id=1`, expected: { id: WEBHOOK.id, token } },
    { url: ` https://canary.discord.com/api/webhooks/${WEBHOOK.id}/${token}/ `, expected: { id: WEBHOOK.id, token } },
    { url: `http://discord.com/api/webhooks/${WEBHOOK.id}/${token}`, expected: undefined },
    { url: `https://evil.example/api/webhooks/${WEBHOOK.id}/${token}`, expected: undefined },
    { url: `https://discord.com.evil.example/api/webhooks/${WEBHOOK.id}/${token}`, expected: undefined },
    { url: `https://discord.com/api/webhooks/${WEBHOOK.id}`, expected: undefined },
    { url: `https://discord.com/api/webhooks/notanid/${token}`, expected: undefined },
    { url: 'not a url', expected: undefined },
  ])('GIVEN $url THEN $expected', ({ url, expected }) => {
    expect(parseDiscordWebhookUrl(url)).toEqual(expected);
  });
});

describe('createDiscordWebhookSink', () => {
  beforeEach(async () => {
    discord = await startFakeDiscord({ webhooks: [WEBHOOK] });
  });

  it('GIVEN a webhook URL that is not one THEN construction fails without echoing it', () => {
    const url = `https://evil.example/api/webhooks/${WEBHOOK.id}/${WEBHOOK.token}`;
    expect(() => createDiscordWebhookSink({ id: 'hook', webhookUrl: url })).toThrow(/Destination "hook"/);
    try {
      createDiscordWebhookSink({ id: 'hook', webhookUrl: url });
    } catch (error) {
      expect(String(error)).not.toContain(WEBHOOK.token);
    }
  });

  it('GIVEN a story alert THEN it executes the webhook with wait=true and no mentions', async () => {
    const sink = createDiscordWebhookSink({ id: 'hook', webhookUrl: discord.webhookUrl(WEBHOOK), apiRoot: discord.api });
    const alert = sampleStoryAlert();
    await sink.send(alert, 'd1');
    await sink.close?.();

    const [request] = discord.requests;
    expect(request).toMatchObject({ path: `/api/v10/webhooks/${WEBHOOK.id}/${WEBHOOK.token}`, query: { wait: 'true' }, status: 200 });
    expect(request?.headers.authorization).toBeUndefined();
    const expected = renderDiscordMessage(viewAlert(alert));
    expect(request?.body).toMatchObject({ embeds: expected.embeds, allowed_mentions: { parse: [] } });
    expect(discord.messages[0]).toMatchObject({ webhook_id: WEBHOOK.id, channel_id: CHANNEL, mention_everyone: false });
  });

  it.each([
    { name: '429', fault: { status: 429, retryAfter: 3 } as FakeDiscordFault, action: 'wait', retryAfterMs: 3000 },
    { name: '404 Unknown Webhook', fault: { status: 404, body: { message: 'Unknown Webhook', code: 10015 } } as FakeDiscordFault, action: 'disable', retryAfterMs: undefined },
    { name: '503', fault: { status: 503 } as FakeDiscordFault, action: 'retry', retryAfterMs: undefined },
  ])('GIVEN $name THEN $action and the webhook token stays secret', async ({ fault, action, retryAfterMs }) => {
    const sink = createDiscordWebhookSink({ id: 'hook', webhookUrl: discord.webhookUrl(WEBHOOK), apiRoot: discord.api });
    discord.failNext(fault);
    const error = await sendExpectingFailure(() => sink.send(sampleStoryAlert(), 'd1'));
    expect(error.action).toBe(action);
    expect(error.details.retryAfterMs).toBe(retryAfterMs);
    expect(error.message).toContain(`Discord webhook ${WEBHOOK.id}`);
    expectNoSecret(error, WEBHOOK.token);
    await sink.close?.();
  });

  it('GIVEN a silent delivery THEN the webhook executes with SUPPRESS_NOTIFICATIONS', async () => {
    const sink = createDiscordWebhookSink({ id: 'hook', webhookUrl: discord.webhookUrl(WEBHOOK), apiRoot: discord.api });
    await sink.send(sampleStoryAlert(), 'd1', { silent: true });
    await sink.send(sampleStoryAlert(), 'd2');
    await sink.close?.();
    expect(discord.requests.map((r) => (r.body as { flags?: number }).flags)).toEqual([MessageFlags.SuppressNotifications, undefined]);
    expect(discord.messages.map((m) => [m.webhook_id, m.flags])).toEqual([
      [WEBHOOK.id, 4096],
      [WEBHOOK.id, 0],
    ]);
  });

  it('GIVEN a global 429 on a webhook THEN an ordinary wait: webhooks share no bot scope', async () => {
    const sink = createDiscordWebhookSink({ id: 'hook', webhookUrl: discord.webhookUrl(WEBHOOK), apiRoot: discord.api });
    discord.failNext({ status: 429, retryAfter: 3, global: true });
    const error = await sendExpectingFailure(() => sink.send(sampleStoryAlert(), 'd1'));
    expect(error.action).toBe('wait');
    expect(error).not.toBeInstanceOf(SharedRateLimitError);
    await sink.close?.();
  });

  it('GIVEN a regenerated webhook token THEN disable', async () => {
    const stale = { ...WEBHOOK, token: 'stale-token-0123456789abcdefghijklmnopqrstuvwxyz' };
    const sink = createDiscordWebhookSink({ id: 'hook', webhookUrl: discord.webhookUrl(stale), apiRoot: discord.api });
    const error = await sendExpectingFailure(() => sink.send(sampleStoryAlert(), 'd1'));
    expect(error).toMatchObject({ action: 'disable', details: { status: 401 } });
    expect(error.message).toMatch(/rejected the webhook token/);
    expectNoSecret(error, stale.token);
    await sink.close?.();
  });
});

describe('classifyDiscordError', () => {
  it.each([
    { name: 'a plain Error', error: new Error('socket hang up'), action: 'retry' },
    { name: 'a non-error value', error: 'boom', action: 'retry' },
    { name: 'an AbortError', error: Object.assign(new Error('aborted'), { name: 'AbortError' }), action: 'retry' },
  ])('GIVEN $name THEN $action', ({ error, action }) => {
    expect(classifyDiscordError(error)).toMatchObject({ action, payload: false });
  });
});

describe('Discord sinks: charts, mentions, pacing', () => {
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
  const chartSpec = { type: 'bars' as const, title: 'x', unit: '%' as const, bars: [{ label: 'TAO 24h', value: 25 }] };
  const withChart = () => sampleMoveAlert({ chart: chartSpec });
  const ROLE = '444444444444444444';

  beforeEach(async () => {
    discord = await startFakeDiscord({ webhooks: [WEBHOOK] });
  });

  it('GIVEN a move alert with a chart THEN one multipart post: payload_json with the embed image, files[0] the PNG', async () => {
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api, charts: async () => PNG });
    await sink.send(withChart(), 'd1');
    const [request] = discord.requests;
    expect(request?.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(request?.files).toEqual([{ field: 'files[0]', filename: 'chart.png', contentType: 'image/png', data: Buffer.from(PNG) }]);
    expect(request?.body).toMatchObject({
      embeds: [{ image: { url: 'attachment://chart.png' } }],
      attachments: [{ id: 0, filename: 'chart.png' }],
      nonce: discordNonce('d1'),
      enforce_nonce: true,
    });
    expect(discord.messages[0]?.attachments).toEqual([{ id: '0', filename: 'chart.png', size: PNG.length, content_type: 'image/png' }]);
  });

  it('GIVEN the chart cannot be drawn THEN the alert goes without it and the failure is logged', async () => {
    const warn = vi.fn();
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api, logger: { warn }, charts: async () => Promise.reject(new Error('no canvas')) });
    await sink.send(withChart(), 'd1');
    expect(discord.messages).toHaveLength(1);
    expect(discord.requests[0]?.files).toEqual([]);
    expect(discord.messages[0]?.embeds[0]?.image).toBeUndefined();
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ destination: 'd', error: 'no canvas' }), expect.stringContaining('without its chart'));
  });

  it('GIVEN the bot may not attach files THEN the alert is resent without the chart rather than the channel deactivated', async () => {
    const warn = vi.fn();
    const sink = createDiscordSink({ id: 'd', token: discord.token, channelId: CHANNEL, apiRoot: discord.api, logger: { warn }, charts: async () => PNG });
    discord.failNext({ status: 403, body: { message: 'Missing Permissions', code: 50013 } });
    await sink.send(withChart(), 'd1');
    expect(discord.requests.map((r) => [r.status, r.files.length])).toEqual([
      [403, 1],
      [200, 0],
    ]);
    expect(discord.messages).toHaveLength(1);
    expect(discord.messages[0]?.embeds[0]?.image).toBeUndefined();
    expect(warn.mock.calls[0]?.[1]).toMatch(/allow Attach Files/);
  });

  it('GIVEN a role rule that matches THEN exactly that role is pinged; feed text still pings nobody', async () => {
    const sink = createDiscordSink({
      id: 'd',
      token: discord.token,
      channelId: CHANNEL,
      apiRoot: discord.api,
      mentions: [
        { role: ROLE, minSeverity: 'high', tokens: ['TAO'], kinds: ['move'] },
        { role: '555555555555555555', minSeverity: 'high', tokens: ['FET'] },
      ],
    });
    await sink.send(sampleMoveAlert({ catalysts: [sampleCatalyst({ title: '@everyone <@&555555555555555555> pump' })] }), 'd1');
    await sink.send(sampleMoveAlert({ severity: 'medium' }), 'd2');
    expect(discord.requests[0]?.body).toMatchObject({ content: `<@&${ROLE}>`, allowed_mentions: { parse: [], roles: [ROLE] } });
    expect(discord.messages.map((m) => [m.mention_roles, m.mention_everyone])).toEqual([
      [[ROLE], false],
      [[], false],
    ]);
  });

  it('GIVEN a webhook destination with a chart and a role THEN both go through the webhook', async () => {
    const sink = createDiscordWebhookSink({ id: 'hook', webhookUrl: discord.webhookUrl(WEBHOOK), apiRoot: discord.api, charts: async () => PNG, mentions: [{ role: ROLE, minSeverity: 'low' }] });
    await sink.send(withChart(), 'd1');
    await sink.close?.();
    const [request] = discord.requests;
    expect(request?.files.map((f) => f.filename)).toEqual(['chart.png']);
    expect(request?.body).toMatchObject({ content: `<@&${ROLE}>`, allowed_mentions: { parse: [], roles: [ROLE] }, embeds: [{ image: { url: 'attachment://chart.png' } }] });
    expect(discord.messages[0]).toMatchObject({ webhook_id: WEBHOOK.id, mention_roles: [ROLE] });
  });

  it('GIVEN sinks THEN they declare Discord limits per channel, per bot and per webhook, never naming a secret', () => {
    const a = createDiscordSink({ id: 'a', token: discord.token, channelId: CHANNEL, apiRoot: discord.api });
    const b = createDiscordSink({ id: 'b', token: discord.token, channelId: '999999999999999999', apiRoot: discord.api });
    const hook = createDiscordWebhookSink({ id: 'h', webhookUrl: discord.webhookUrl(WEBHOOK), apiRoot: discord.api });
    expect(a.pacing?.rules).toEqual([
      { scope: `discord:channel:${CHANNEL}`, ...DISCORD_RATE_LIMITS.channelMessages },
      { scope: expect.stringMatching(/^discord:bot:[0-9a-f]{12}$/), ...DISCORD_RATE_LIMITS.global },
    ]);
    expect(b.pacing?.rules[1]?.scope).toBe(a.pacing?.rules[1]?.scope); // one bot, one global limit
    expect(hook.pacing?.rules.map((r) => [r.scope, r.limit, r.windowMs])).toEqual([
      [`discord:webhook:${WEBHOOK.id}`, 5, 2_000],
      [`discord:webhook:${WEBHOOK.id}`, 30, 60_000],
    ]);
    expect(JSON.stringify([a.pacing, hook.pacing])).not.toContain(discord.token);
    expect(JSON.stringify(hook.pacing)).not.toContain(WEBHOOK.token);
  });
});
