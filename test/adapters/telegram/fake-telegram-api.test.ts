/**
 * The fake is shared by adapter, end-to-end and benchmark tests: these pin down
 * that it behaves like the Bot API where telegraf and our code can tell.
 */
import { Input, Telegraf, Telegram, TelegramError } from 'telegraf';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseTelegramHtml, startFakeTelegram, TELEGRAM_FLOOD_LIMITS, type FakeTelegram } from '../../../src/loopback/telegram-api.ts';

let telegram: FakeTelegram;
beforeEach(async () => {
  telegram = await startFakeTelegram();
});
afterEach(async () => {
  await telegram.close();
});

async function call(method: string, body: unknown, init: { token?: string; contentType?: string } = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const contentType = init.contentType ?? 'application/json';
  const res = await fetch(`${telegram.apiRoot}/bot${init.token ?? telegram.token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('fake Telegram Bot API', () => {
  it('GIVEN a telegraf bot launched against it THEN commands arrive by long polling and replies are recorded', async () => {
    const bot = new Telegraf(telegram.token, { telegram: { apiRoot: telegram.apiRoot } });
    bot.command('status', (ctx) => ctx.reply(`ok, ${ctx.from.username}`));
    const launched = new Promise<void>((resolve) => void bot.launch(resolve));
    await launched;
    telegram.pushText('/status');
    const confirmed = () => telegram.requests.filter((r) => r.method === 'getUpdates').some((r) => r.params.offset === 2);
    // Wait for the reply and for the poll that confirms update 1 (it may still be in flight when the reply lands).
    await vi.waitFor(() => expect([telegram.messages.length, confirmed()]).toEqual([1, true]), { timeout: 5_000, interval: 20 });
    bot.stop('test done');

    expect(telegram.messages[0]).toMatchObject({ method: 'sendMessage', chatId: '42', text: 'ok, tester' });
    const methods = telegram.requests.map((r) => r.method);
    expect(methods.slice(0, 3)).toEqual(['getMe', 'deleteWebhook', 'getUpdates']);
    // The second getUpdates confirmed update 1 by asking from offset 2.
    expect(confirmed()).toBe(true);
  });

  it('GIVEN a photo upload THEN the multipart file and HTML caption are parsed', async () => {
    const client = new Telegram(telegram.token, { apiRoot: telegram.apiRoot });
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const result = await client.sendPhoto(7, Input.fromBuffer(png, 'chart.png'), { caption: '<b>TAO</b> 24h', parse_mode: 'HTML' });

    expect(result.caption).toBe('TAO 24h');
    const [message] = telegram.messages;
    expect(message).toMatchObject({ method: 'sendPhoto', chatId: '7', text: 'TAO 24h', entities: [{ type: 'bold', offset: 0, length: 3 }] });
    expect(message?.photo).toMatchObject({ field: 'photo', filename: 'chart.png', data: png });
  });

  it('GIVEN an urlencoded request THEN JSON-valued fields are decoded', async () => {
    const body = new URLSearchParams({ chat_id: '5', text: 'hi', link_preview_options: '{"is_disabled":true}' }).toString();
    const { status, json } = await call('sendMessage', body, { contentType: 'application/x-www-form-urlencoded' });
    expect(status).toBe(200);
    expect(json).toMatchObject({ ok: true, result: { text: 'hi', chat: { id: 5, type: 'private' }, link_preview_options: { is_disabled: true } } });
  });

  it.each([
    { name: 'a wrong token', method: 'getMe', body: {}, token: '1:nope', status: 401, description: 'Unauthorized' },
    { name: 'an unknown method', method: 'sendTelepathy', body: {}, token: undefined, status: 404, description: 'Not Found' },
    { name: 'no chat', method: 'sendMessage', body: { text: 'x' }, token: undefined, status: 400, description: 'Bad Request: chat_id is empty' },
    { name: 'empty text', method: 'sendMessage', body: { chat_id: 1, text: ' ' }, token: undefined, status: 400, description: 'Bad Request: message text is empty' },
    { name: 'too long', method: 'sendMessage', body: { chat_id: 1, text: 'x'.repeat(4097) }, token: undefined, status: 400, description: 'Bad Request: message is too long' },
    {
      name: 'long HTML whose text fits',
      method: 'sendMessage',
      body: { chat_id: 1, text: `<b>${'x'.repeat(4096)}</b>`, parse_mode: 'HTML' },
      token: undefined,
      status: 200,
      description: undefined,
    },
    {
      name: 'bad HTML',
      method: 'sendMessage',
      body: { chat_id: 1, text: '<blink>x</blink>', parse_mode: 'HTML' },
      token: undefined,
      status: 400,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "blink" at byte offset 0',
    },
  ])('GIVEN $name THEN $status', async ({ method, body, token, status, description }) => {
    const answer = await call(method, body, { token });
    expect(answer.status).toBe(status);
    if (description === undefined) expect(answer.json.ok).toBe(true);
    else expect(answer.json).toEqual({ ok: false, error_code: status, description });
  });

  it('GIVEN a 429 fault for sendMessage THEN telegraf sees TelegramError with retry_after, and other methods are untouched', async () => {
    telegram.failNext({ status: 429, retryAfter: 9, method: 'sendMessage' });
    const client = new Telegram(telegram.token, { apiRoot: telegram.apiRoot });
    await expect(client.getMe()).resolves.toMatchObject({ is_bot: true });
    const error = await client.sendMessage(1, 'x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TelegramError);
    expect(error).toMatchObject({ code: 429, description: 'Too Many Requests: retry after 9', parameters: { retry_after: 9 } });
    await expect(client.sendMessage(1, 'x')).resolves.toMatchObject({ text: 'x' });
  });

  it('GIVEN a fault with count THEN it applies that many times', async () => {
    telegram.failNext({ status: 502, count: 2 });
    expect((await call('getMe', {})).status).toBe(502);
    expect((await call('getMe', {})).status).toBe(502);
    expect((await call('getMe', {})).status).toBe(200);
  });

  it('GIVEN a fault until a time THEN every matching request fails until then, and it expires', async () => {
    await telegram.close();
    let t = 1_000_000;
    telegram = await startFakeTelegram({ now: () => t });
    telegram.failNext({ status: 503, method: 'sendMessage', until: t + 60_000 });
    for (let i = 0; i < 3; i++) expect((await call('sendMessage', { chat_id: 1, text: 'x' })).status).toBe(503);
    expect((await call('getMe', {})).status).toBe(200);
    t += 60_000;
    expect((await call('sendMessage', { chat_id: 1, text: 'x' })).status).toBe(200);
  });

  it('GIVEN disable_notification THEN the message is recorded as silent, in JSON and in form bodies', async () => {
    await call('sendMessage', { chat_id: 1, text: 'quiet', disable_notification: true });
    await call('sendMessage', 'chat_id=1&text=quiet-form&disable_notification=true', { contentType: 'application/x-www-form-urlencoded' });
    await call('sendMessage', { chat_id: 1, text: 'loud' });
    expect(telegram.messages.map((m) => [m.text, m.silent])).toEqual([
      ['quiet', true],
      ['quiet-form', true],
      ['loud', false],
    ]);
  });

  it('GIVEN updates and offsets THEN confirmed updates are forgotten', async () => {
    telegram.pushText('one');
    telegram.pushText('two');
    const first = await call('getUpdates', { timeout: 0 });
    expect((first.json.result as { update_id: number }[]).map((u) => u.update_id)).toEqual([1, 2]);
    const second = await call('getUpdates', { offset: 2, timeout: 0 });
    expect((second.json.result as { update_id: number }[]).map((u) => u.update_id)).toEqual([2]);
    const third = await call('getUpdates', { timeout: 0 });
    expect((third.json.result as unknown[]).length).toBe(1);
  });

  it('GIVEN a long poll THEN a pushed update ends it, and a second poller gets 409', async () => {
    await telegram.close();
    telegram = await startFakeTelegram({ maxPollMs: 10_000 });
    const first = call('getUpdates', { timeout: 30 });
    await vi.waitFor(() => expect(telegram.requests).toHaveLength(1), { interval: 5 });
    const second = call('getUpdates', { timeout: 30 });
    expect((await first).json).toMatchObject({ ok: false, error_code: 409 });
    await vi.waitFor(() => expect(telegram.requests).toHaveLength(2), { interval: 5 });
    telegram.pushText('/start');
    expect((await second).json).toMatchObject({ ok: true, result: [{ update_id: 1, message: { text: '/start', entities: [{ type: 'bot_command', offset: 0, length: 6 }] } }] });
  });

  it('GIVEN setMyCommands THEN getMyCommands returns them per scope', async () => {
    const client = new Telegram(telegram.token, { apiRoot: telegram.apiRoot });
    await client.setMyCommands([{ command: 'status', description: 'Radar status' }]);
    await client.setMyCommands([{ command: 'mute', description: 'Mute alerts' }], { scope: { type: 'all_chat_administrators' } });
    await expect(client.getMyCommands()).resolves.toEqual([{ command: 'status', description: 'Radar status' }]);
    await expect(client.getMyCommands({ scope: { type: 'all_chat_administrators' } })).resolves.toEqual([{ command: 'mute', description: 'Mute alerts' }]);
    expect(telegram.commandSets).toHaveLength(2);
  });

  it('GIVEN reset THEN records, updates and faults are gone', async () => {
    telegram.pushText('x');
    telegram.failNext({ status: 500 });
    await call('sendMessage', { chat_id: 1, text: 'y' });
    telegram.failNext({ status: 500 });
    telegram.reset();
    expect(telegram.requests).toEqual([]);
    expect((await call('getUpdates', { timeout: 0 })).json.result).toEqual([]);
  });
});

describe('parseTelegramHtml', () => {
  it.each([
    { html: 'a &lt;b&gt; &amp; &quot;q&quot; &#129302; &#x1F916;', text: 'a <b> & "q" 🤖 🤖' },
    { html: 'AT&T & co', text: 'AT&T & co' },
    { html: '<b>b <i>bi</i></b> <a href="https://x.com/?a=1&amp;b=2">l</a>', text: 'b bi l' },
    { html: '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', text: 'st' },
    { html: '<blockquote expandable>q</blockquote>', text: 'q' },
  ])('GIVEN $html THEN text $text', ({ html, text }) => {
    expect(parseTelegramHtml(html).text).toBe(text);
  });

  it('GIVEN nested tags THEN entities carry UTF-16 offsets and link urls', () => {
    expect(parseTelegramHtml('🤖 <b>b <i>bi</i></b> <a href="https://x.com/?a=1&amp;b=2">l</a>').entities).toEqual([
      { type: 'bold', offset: 3, length: 4 },
      { type: 'italic', offset: 5, length: 2 },
      { type: 'text_link', offset: 8, length: 1, url: 'https://x.com/?a=1&b=2' },
    ]);
  });

  it.each([
    { html: 'a < b', error: 'Unclosed start tag at byte offset 2' },
    { html: '<x>y</x>', error: 'Unsupported start tag "x" at byte offset 0' },
    { html: '<b>bold', error: 'Can\'t find end tag corresponding to start tag "b"' },
    { html: '<b><i>x</b></i>', error: 'Can\'t find end tag corresponding to start tag "i"' },
    { html: 'é</b>', error: 'Unexpected end tag at byte offset 2' },
    { html: '<span>x</span>', error: 'Tag "span" must have class "tg-spoiler" at byte offset 0' },
  ])('GIVEN $html THEN "$error"', ({ html, error }) => {
    expect(() => parseTelegramHtml(html)).toThrow(`Bad Request: can't parse entities: ${error}`);
  });
});

describe('fake Telegram Bot API flood limits', () => {
  it('GIVEN Telegram flood limits THEN a second message within a second in one chat is 429 with retry_after, other chats unaffected', async () => {
    await telegram.close();
    let t = 1_000_000;
    telegram = await startFakeTelegram({ rateLimits: TELEGRAM_FLOOD_LIMITS, now: () => t });
    const client = new Telegram(telegram.token, { apiRoot: telegram.apiRoot });
    await client.sendMessage(-100123, 'one');
    const error = await client.sendMessage(-100123, 'two').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TelegramError);
    expect(error).toMatchObject({ code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    await client.sendMessage(42, 'elsewhere');
    t += 1000;
    await client.sendMessage(-100123, 'two');
    expect(telegram.messages.map((m) => m.text)).toEqual(['one', 'elsewhere', 'two']);
  });

  it('GIVEN 20 messages to a group within a minute THEN the 21st waits for the oldest to leave the window', async () => {
    await telegram.close();
    let t = 1_000_000;
    telegram = await startFakeTelegram({ rateLimits: TELEGRAM_FLOOD_LIMITS, now: () => t });
    const client = new Telegram(telegram.token, { apiRoot: telegram.apiRoot });
    for (let i = 0; i < 20; i++) {
      await client.sendMessage('@channel_name', `m${i}`);
      t += 1000;
    }
    const error = await client.sendMessage('@channel_name', 'm20').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 429, parameters: { retry_after: 40 } });
    expect(telegram.requests.at(-1)?.at).toBe(t);
  });
});
