import { TelegramError } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderTelegramCaption, renderTelegramHtml, TELEGRAM_CAPTION_LIMIT, TELEGRAM_MESSAGE_LIMIT } from '../../../src/adapters/telegram/render-telegram.ts';
import { RESENT_NOTE } from '../../../src/app/ports.ts';
import { classifyTelegramError, createTelegramSink, TELEGRAM_RATE_LIMITS, telegramRateRules } from '../../../src/adapters/telegram/telegram-sink.ts';
import { viewAlert } from '../../../src/domain/alert.ts';
import { startFakeTelegram, type FakeTelegram, type FakeTelegramFault } from '../../../src/loopback/telegram-api.ts';
import { hostileStoryAlert, hugeMoveAlert, sampleMoveAlert, sampleStoryAlert } from '../../fakes/sample-alerts.ts';
import { expectNoSecret, sendExpectingFailure } from '../../fakes/sink-assertions.ts';

const CHAT = -1001234567890;
let telegram: FakeTelegram;

beforeEach(async () => {
  telegram = await startFakeTelegram();
});
afterEach(async () => {
  await telegram.close();
});

/** A Telegram token is "<bot id>:<secret>"; the secret part must not leak even on its own. */
const tokenSecrets = (token: string) => [token, token.split(':')[1]!];

describe('createTelegramSink', () => {
  it('GIVEN a move alert THEN one HTML message with previews on and the title linked', async () => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot });
    const alert = sampleMoveAlert();
    await sink.send(alert, 'd1');

    expect(telegram.requests.map((r) => [r.method, r.status])).toEqual([['sendMessage', 200]]);
    expect(telegram.requests[0]?.params).toEqual({
      chat_id: CHAT,
      text: renderTelegramHtml(viewAlert(alert)),
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: false },
    });
    const [message] = telegram.messages;
    expect(message).toMatchObject({ chatId: String(CHAT), parseMode: 'HTML', threadId: undefined });
    expect(message?.text.startsWith('TAO +25.0% in 24h')).toBe(true);
    const titleLength = 'TAO +25.0% in 24h, abnormal +21.0% vs BTC (z 4.1)'.length;
    expect(message?.entities).toContainEqual({ type: 'bold', offset: 0, length: titleLength });
    expect(message?.entities).toContainEqual({ type: 'text_link', offset: 0, length: titleLength, url: 'https://decrypt.co/2025/03/14/bittensor-subnet-launch' });
  });

  it('GIVEN a forum topic and a channel username THEN both are sent', async () => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: '@radar_alerts', messageThreadId: 77, apiRoot: telegram.apiRoot });
    await sink.send(sampleStoryAlert(), 'd1');
    expect(telegram.requests[0]?.params).toMatchObject({ chat_id: '@radar_alerts', message_thread_id: 77 });
    expect(telegram.messages[0]).toMatchObject({ chatId: '@radar_alerts', threadId: 77 });
  });

  it.each([
    { name: 'hostile story', alert: hostileStoryAlert() },
    { name: 'huge move alert', alert: hugeMoveAlert() },
  ])('GIVEN a $name THEN Telegram parses it first time', async ({ alert }) => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot });
    await sink.send(alert, 'd1');
    expect(telegram.requests.map((r) => r.status)).toEqual([200]);
    expect(telegram.messages[0]?.entities.every((e) => e.url === undefined || e.url.startsWith('https://'))).toBe(true);
  });

  const faults: { name: string; fault: FakeTelegramFault; action: string; status?: number; retryAfterMs?: number; reason: RegExp }[] = [
    { name: '429', fault: { status: 429, retryAfter: 3 }, action: 'wait', status: 429, retryAfterMs: 3000, reason: /retry after 3/ },
    { name: '429 with a long wait', fault: { status: 429, retryAfter: 35 }, action: 'wait', status: 429, retryAfterMs: 35_000, reason: /retry in 35\.0 s/ },
    { name: '403 blocked', fault: { status: 403 }, action: 'disable', status: 403, reason: /bot was blocked by the user/ },
    { name: '403 kicked', fault: { status: 403, description: 'Forbidden: bot was kicked from the supergroup chat' }, action: 'disable', status: 403, reason: /kicked/ },
    { name: '403 not a member', fault: { status: 403, description: 'Forbidden: bot is not a member of the channel chat' }, action: 'disable', status: 403, reason: /not a member/ },
    { name: '400 chat not found', fault: { status: 400 }, action: 'disable', status: 400, reason: /chat not found.*chat id is wrong/ },
    { name: '400 topic gone', fault: { status: 400, description: 'Bad Request: message thread not found' }, action: 'disable', status: 400, reason: /forum topic/ },
    { name: '400 no rights', fault: { status: 400, description: 'Bad Request: not enough rights to send text messages to the chat' }, action: 'disable', status: 400, reason: /permission/ },
    {
      name: '400 group upgraded',
      fault: { status: 400, description: 'Bad Request: group chat was upgraded to a supergroup chat', migrateToChatId: -100999 },
      action: 'disable',
      status: 400,
      reason: /new chat id \(-100999\)/,
    },
    { name: '401', fault: { status: 401 }, action: 'disable', status: 401, reason: /rejected the bot token/ },
    { name: '500', fault: { status: 500 }, action: 'retry', status: 500, reason: /Internal Server Error/ },
    { name: '502', fault: { status: 502 }, action: 'retry', status: 502, reason: /Bad Gateway/ },
    { name: 'connection reset', fault: { network: 'reset' }, action: 'retry', reason: /could not reach Telegram: socket hang up/ },
  ];
  it.each(faults)('GIVEN $name THEN $action', async ({ fault, action, status, retryAfterMs, reason }) => {
    const sink = createTelegramSink({ id: 'tg-alerts', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot });
    telegram.failNext({ ...fault, method: 'sendMessage' });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error.action).toBe(action);
    expect(error.details).toMatchObject({ destination: 'tg-alerts', status, retryAfterMs });
    expect(error.message).toMatch(reason);
    expect(error.message).toContain(`Telegram chat ${CHAT}`);
    expectNoSecret(error, ...tokenSecrets(telegram.token));
    expect(telegram.messages).toHaveLength(0);
  });

  it.each([
    { state: 'blocked' as const, reason: /blocked/ },
    { state: 'kicked' as const, reason: /kicked/ },
  ])('GIVEN a chat where the bot is $state THEN disable', async ({ state, reason }) => {
    await telegram.close();
    telegram = await startFakeTelegram({ chats: { [String(CHAT)]: state } });
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error).toMatchObject({ action: 'disable', details: { status: 403 } });
    expect(error.message).toMatch(reason);
  });

  it('GIVEN an unknown chat THEN disable', async () => {
    await telegram.close();
    telegram = await startFakeTelegram({ chats: { '42': 'ok' } });
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error).toMatchObject({ action: 'disable', details: { status: 400 } });
  });

  it('GIVEN a wrong token THEN disable once, never leak it, and stop calling Telegram', async () => {
    const token = '987654321:WRONG-SECRET-token_value';
    const sink = createTelegramSink({ id: 'tg', token, chatId: CHAT, apiRoot: telegram.apiRoot });
    const first = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(first).toMatchObject({ action: 'disable', details: { status: 401 } });
    expectNoSecret(first, ...tokenSecrets(token));
    const second = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd2'));
    expect(second.action).toBe('disable');
    expect(telegram.requests).toHaveLength(1);
  });

  it('GIVEN no answer within the timeout THEN retry', async () => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot, timeoutMs: 100 });
    telegram.failNext({ network: 'hang' });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error.action).toBe('retry');
    expect(error.message).toMatch(/no response from Telegram within 100 ms/);
  });

  it('GIVEN nothing listening THEN retry, and the URL in the cause has no token', async () => {
    const apiRoot = telegram.apiRoot;
    await telegram.close();
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error.action).toBe('retry');
    expect(error.message).toMatch(/ECONNREFUSED/);
    expectNoSecret(error, ...tokenSecrets(telegram.token));
    telegram = await startFakeTelegram(); // for afterEach
  });

  it("GIVEN Telegram can't parse our HTML once THEN the alert goes out as plain text and the fallback is reported", async () => {
    const warn = vi.fn();
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot, logger: { warn } });
    telegram.failNext({ status: 400, description: "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3" });
    await sink.send(sampleMoveAlert(), 'd1');

    expect(telegram.requests.map((r) => r.status)).toEqual([400, 200]);
    expect(telegram.requests[1]?.params.parse_mode).toBeUndefined();
    expect(telegram.messages[0]?.text.startsWith('[HIGH] TAO +25.0%')).toBe(true);
    expect(telegram.messages[0]?.entities).toEqual([]);
    expect(warn).toHaveBeenCalledOnce();
  });

  it('GIVEN a silent delivery THEN disable_notification on the message and the plain fallback; not otherwise', async () => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot });
    await sink.send(sampleMoveAlert(), 'd1', { silent: true });
    telegram.failNext({ status: 400, description: "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3" });
    await sink.send(sampleStoryAlert(), 'd2', { silent: true });
    await sink.send(sampleStoryAlert(), 'd3');
    expect(telegram.requests.map((r) => [r.status, r.params.disable_notification])).toEqual([
      [200, true],
      [400, true],
      [200, true],
      [200, undefined],
    ]);
    expect(telegram.messages.map((m) => [m.parseMode, m.silent])).toEqual([
      ['HTML', true],
      [undefined, true],
      ['HTML', false],
    ]);
  });

  it('GIVEN Telegram refuses both forms THEN skip: this alert is set aside, the chat is not held, and the error quotes Telegram', async () => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot });
    telegram.failNext({ status: 400, description: 'Bad Request: message is too long', count: 2 });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error).toMatchObject({ action: 'skip', details: { status: 400 } });
    expect(error.message).toBe(`Telegram chat ${CHAT}: Telegram refused the message: Bad Request: message is too long (HTTP 400)`);
    expect(telegram.requests).toHaveLength(2);
  });

  it('GIVEN the plain fallback fails for want of a network THEN retry (the chat may be down), not skip', async () => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot });
    telegram.failNext({ status: 400, description: "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3" });
    telegram.failNext({ network: 'reset' });
    const error = await sendExpectingFailure(() => sink.send(sampleMoveAlert(), 'd1'));
    expect(error.action).toBe('retry');
  });
});

describe('createTelegramSink re-sends', () => {
  it('GIVEN a re-sent alert THEN the note is its first line, in italics, and the rest is the usual message', async () => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot });
    await sink.send(sampleMoveAlert(), 'd1', { resent: true });
    await sink.send(sampleMoveAlert(), 'd2', { resent: false });
    const [resent, usual] = telegram.messages;
    expect(resent?.text).toBe(`${RESENT_NOTE}\n${usual?.text}`);
    expect(resent?.raw).toBe(`<i>${RESENT_NOTE}</i>\n${renderTelegramHtml(viewAlert(sampleMoveAlert()))}`);
    expect(resent?.entities[0]).toEqual({ type: 'italic', offset: 0, length: RESENT_NOTE.length });
    expect(usual?.text.startsWith('TAO +25.0%')).toBe(true);
  });

  it.each([
    { name: 'hostile story', alert: hostileStoryAlert() },
    { name: 'huge move alert', alert: hugeMoveAlert() },
  ])('GIVEN a re-sent $name THEN it still fits the limit and Telegram parses it first time', async ({ alert }) => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot });
    await sink.send(alert, 'd1', { resent: true });
    expect(telegram.requests.map((r) => r.status)).toEqual([200]);
    expect(String(telegram.requests[0]?.params.text).length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expect(telegram.messages[0]?.text.startsWith(RESENT_NOTE)).toBe(true);
  });

  it('GIVEN a re-sent alert whose HTML is refused THEN the plain fallback carries the note too', async () => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot });
    telegram.failNext({ status: 400, description: "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 3" });
    await sink.send(hugeMoveAlert(), 'd1', { resent: true });
    expect(telegram.messages[0]).toMatchObject({ parseMode: undefined });
    expect(telegram.messages[0]?.text.startsWith(`${RESENT_NOTE}\n[`)).toBe(true);
    expect(telegram.messages[0]?.text.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
  });

  it('GIVEN a re-sent alert with a chart that fits a caption THEN the caption opens with the note', async () => {
    const chart = { type: 'bars' as const, title: 'x', unit: '%' as const, bars: [{ label: 'TAO 24h', value: 25 }] };
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot, charts: async () => new Uint8Array([0x89, 0x50, 0x4e, 0x47]) });
    await sink.send(sampleMoveAlert({ chart, catalysts: [] }), 'd1', { resent: true });
    expect(telegram.messages.map((m) => m.method)).toEqual(['sendPhoto']);
    expect(telegram.messages[0]?.text.startsWith(RESENT_NOTE)).toBe(true);
    expect(telegram.messages[0]?.raw.length).toBeLessThanOrEqual(TELEGRAM_CAPTION_LIMIT);
  });
});

describe('classifyTelegramError', () => {
  it.each([
    {
      name: '429 without parameters',
      error: new TelegramError({ error_code: 429, description: 'Too Many Requests: retry after 12' }),
      expected: { action: 'wait', retryAfterMs: 12_000 },
    },
    {
      name: '429 without any hint',
      error: new TelegramError({ error_code: 429, description: 'Too Many Requests' }),
      expected: { action: 'wait', retryAfterMs: 5_000 },
    },
    { name: '404 (malformed token)', error: new TelegramError({ error_code: 404, description: 'Not Found' }), expected: { action: 'disable' } },
    { name: '409', error: new TelegramError({ error_code: 409, description: 'Conflict' }), expected: { action: 'retry' } },
    { name: 'a TimeoutError', error: Object.assign(new Error('timed out'), { name: 'TimeoutError' }), expected: { action: 'retry' } },
    { name: 'a non-error', error: 42, expected: { action: 'retry' } },
  ])('GIVEN $name THEN $expected.action', ({ error, expected }) => {
    expect(classifyTelegramError(error)).toMatchObject({ ...expected, payload: false });
  });
});

describe('createTelegramSink charts and pacing', () => {
  const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7, 7]);
  const chart = { type: 'bars' as const, title: 'x', unit: '%' as const, bars: [{ label: 'TAO 24h', value: 25 }] };
  const shortMove = () => sampleMoveAlert({ chart, catalysts: [] });
  const longMove = () => ({ ...hugeMoveAlert(), chart });

  it('GIVEN a chart and an alert that fits a caption THEN one sendPhoto with the HTML as caption', async () => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot, charts: async () => PNG });
    const html = renderTelegramHtml(viewAlert(shortMove()));
    expect(html.length).toBeLessThanOrEqual(1024);
    await sink.send(shortMove(), 'd1');
    expect(telegram.requests.map((r) => [r.method, r.status])).toEqual([['sendPhoto', 200]]);
    const [message] = telegram.messages;
    expect(message).toMatchObject({ method: 'sendPhoto', raw: html, parseMode: 'HTML', photo: { field: 'photo', filename: 'chart.png', data: Buffer.from(PNG) } });
    expect(sink.pacing?.cost?.(shortMove())).toBe(1);
  });

  it('GIVEN a chart and an alert too long for a caption THEN the full message first, then the photo with a short caption', async () => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot, charts: async () => PNG });
    await sink.send(longMove(), 'd1');
    expect(telegram.messages.map((m) => m.method)).toEqual(['sendMessage', 'sendPhoto']);
    expect(telegram.messages[0]?.raw).toBe(renderTelegramHtml(viewAlert(longMove())));
    expect(telegram.messages[1]?.raw).toBe(renderTelegramCaption(viewAlert(longMove())));
    expect(sink.pacing?.cost?.(longMove())).toBe(2);
  });

  it.each([
    { name: 'one photo with the caption', alert: shortMove, methods: ['sendPhoto'] },
    { name: 'a message then the photo', alert: longMove, methods: ['sendMessage', 'sendPhoto'] },
  ])('GIVEN a silent alert with a chart sent as $name THEN every part is silent', async ({ alert, methods }) => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot, charts: async () => PNG });
    await sink.send(alert(), 'd1', { silent: true });
    expect(telegram.messages.map((m) => [m.method, m.silent])).toEqual(methods.map((m) => [m, true]));
  });

  it('GIVEN the photo after the text fails THEN the alert still counts as delivered and the loss is logged', async () => {
    const warn = vi.fn();
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot, charts: async () => PNG, logger: { warn } });
    telegram.failNext({ status: 500, method: 'sendPhoto' });
    await sink.send(longMove(), 'd1');
    expect(telegram.messages.map((m) => m.method)).toEqual(['sendMessage']);
    expect(warn.mock.calls[0]?.[1]).toMatch(/delivered without its chart/);
  });

  it('GIVEN the single photo fails with a server error THEN the alert goes as text without the chart', async () => {
    const warn = vi.fn();
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot, charts: async () => PNG, logger: { warn } });
    telegram.failNext({ status: 502, method: 'sendPhoto' });
    await sink.send(shortMove(), 'd1');
    expect(telegram.messages.map((m) => m.method)).toEqual(['sendMessage']);
    expect(warn.mock.calls[0]?.[1]).toMatch(/sending the alert as text without it/);
  });

  it.each([
    { name: '429', fault: { status: 429, retryAfter: 4 }, action: 'wait' },
    { name: '403 kicked', fault: { status: 403, description: 'Forbidden: bot was kicked from the supergroup chat' }, action: 'disable' },
  ])('GIVEN the single photo answers $name THEN $action, without a text fallback', async ({ fault, action }) => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot, charts: async () => PNG });
    telegram.failNext({ ...fault, method: 'sendPhoto' });
    const error = await sendExpectingFailure(() => sink.send(shortMove(), 'd1'));
    expect(error.action).toBe(action);
    expect(telegram.requests.map((r) => r.method)).toEqual(['sendPhoto']);
  });

  it('GIVEN the chart cannot be drawn THEN text only, logged', async () => {
    const warn = vi.fn();
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId: CHAT, apiRoot: telegram.apiRoot, charts: async () => Promise.reject(new Error('no fonts')), logger: { warn } });
    await sink.send(shortMove(), 'd1');
    expect(telegram.messages.map((m) => m.method)).toEqual(['sendMessage']);
    expect(warn).toHaveBeenCalledWith(expect.objectContaining({ error: 'no fonts' }), expect.any(String));
  });

  it.each([
    { chatId: -1001234567890 as string | number, rules: [[1, 1_000], [20, 60_000], [30, 1_000]] },
    { chatId: '@radar_alerts', rules: [[1, 1_000], [20, 60_000], [30, 1_000]] },
    { chatId: 42, rules: [[1, 1_000], [30, 1_000]] },
  ])('GIVEN chat $chatId THEN Telegram limits for that kind of chat, shared per bot', ({ chatId, rules }) => {
    const sink = createTelegramSink({ id: 'tg', token: telegram.token, chatId, apiRoot: telegram.apiRoot });
    expect(sink.pacing?.rules.map((r) => [r.limit, r.windowMs])).toEqual(rules);
    expect(sink.pacing?.rules.at(-1)?.scope).toBe(telegramRateRules(telegram.token, 7).at(-1)?.scope);
    expect(JSON.stringify(sink.pacing?.rules)).not.toContain(telegram.token.split(':')[1]);
    expect(TELEGRAM_RATE_LIMITS.perGroup).toEqual({ limit: 20, windowMs: 60_000 });
  });
});
