import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, lineScrubber } from '../../../src/adapters/logging/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const TOKEN = '123456789:AAH-secret-telegram-token_xyz';
const DISCORD = 'fake-discord-bot-token.SECRET.abc';
const HOOK = 'Wh-SECRET_webhook-token-abcdefghijklmnopqrstuvwxyz0123456789';

/** Every form a secret could take in a line: raw, URL-encoded (either hex case), JSON-escaped. */
function leaks(out: string, secret: string): string[] {
  const forms = [secret, encodeURIComponent(secret), encodeURIComponent(secret).toLowerCase()];
  return forms.filter((f) => out.includes(f));
}

describe('createLogger', () => {
  it('GIVEN a secret anywhere in a record, message or error THEN it never reaches the output', () => {
    const { lines, stream } = capture();
    const log = createLogger({ level: 'debug', secrets: [TOKEN], destination: stream });
    const err = new Error(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed`);
    log.error({ err, url: `https://api.telegram.org/bot${TOKEN}/getMe`, nested: { deeper: [TOKEN] } }, `sending with ${TOKEN}`);
    log.child({ token: 'plain-token-field' }).warn({ headers: { authorization: 'Bot abc.def' } }, 'child');
    const out = lines.join('');
    expect(out).not.toContain(TOKEN);
    expect(out).not.toContain('plain-token-field');
    expect(out).not.toContain('Bot abc.def');
    expect(out.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(5);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 50, msg: 'sending with [redacted]', url: 'https://api.telegram.org/bot[redacted]/getMe' });
  });

  it('GIVEN SDK-shaped errors THEN message, stack and causes are kept and every token form is scrubbed', () => {
    const { lines, stream, records } = capture();
    const log = createLogger({ level: 'trace', secrets: [TOKEN, DISCORD, HOOK], destination: stream });
    // node-fetch (under telegraf): the URL with the token in message and stack, with a cause.
    const fetchError = new Error(`request to http://127.0.0.1:1/bot${TOKEN}/sendMessage failed, reason: socket hang up`, { cause: new Error(`inner ${encodeURIComponent(TOKEN)}`) });
    // telegraf TelegramError: `on` with the method and payload, `response` from the API.
    const telegramError = Object.assign(new Error('409: Conflict'), { on: { method: 'getUpdates', payload: { url: `https://x/bot${TOKEN}/` } }, response: { ok: false, description: `token ${TOKEN}` } });
    // discord.js DiscordAPIError: the webhook URL with its token, the request body.
    const discordError = Object.assign(new Error('Unknown Webhook'), { url: `http://127.0.0.1:1/api/v10/webhooks/876543210987654321/${HOOK}?wait=true`, requestBody: { json: { content: 'x' } }, request: { headers: { Authorization: `Bot ${DISCORD}` } } });
    const deep: Record<string, unknown> = {};
    let node = deep;
    for (let i = 0; i < 12; i++) node = node.a = {};
    node.secret = TOKEN;

    log.error({ err: fetchError }, 'send failed');
    log.warn({ error: telegramError }, 'polling stopped');
    log.error({ err: discordError, config: { url: `http://x/webhooks/876543210987654321/${encodeURIComponent(HOOK)}` } }, 'webhook failed');
    log.info({ deep }, 'deep');
    log.error(fetchError);

    const out = lines.join('');
    for (const secret of [TOKEN, DISCORD, HOOK]) expect(leaks(out, secret)).toEqual([]);
    const [fetched, polling, webhook] = records();
    expect(fetched).toMatchObject({ err: { type: 'Error', message: 'request to http://127.0.0.1:1/bot[redacted]/sendMessage failed, reason: socket hang up: inner [redacted]' } });
    expect((fetched!.err as { stack: string }).stack).toMatch(/^Error: request to .*\n\s+at .*[\s\S]*caused by: Error: inner \[redacted\]/);
    expect(polling).toMatchObject({ error: { type: 'Error', message: '409: Conflict', on: { method: 'getUpdates' }, response: { description: 'token [redacted]' } } });
    expect(webhook).toMatchObject({ err: { message: 'Unknown Webhook', url: 'http://127.0.0.1:1/api/v10/webhooks/876543210987654321/[redacted]?wait=true' } });
  });

  it.each([
    ['a Telegram token nobody declared', 'https://api.telegram.org/bot7012345678:AAGk2x-ZyZyZyZyZyZyZyZyZyZyZyZyZyZyZ/getMe', 'https://api.telegram.org/bot7012345678:[redacted]/getMe'],
    ['a URL-encoded one', 'bot7012345678%3AAAGk2x-ZyZyZyZyZyZyZyZyZyZyZyZyZyZyZ', 'bot7012345678%3A[redacted]'],
    ['a webhook URL from a variable named in alerts.yaml', 'https://discord.com/api/webhooks/123456789012345678/abcDEF_ghi-JKLmnoPQRstuVWXyz0123456789', 'https://discord.com/api/webhooks/123456789012345678/[redacted]'],
    ['an Authorization header in text', 'Authorization: Bot MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz01234', 'Authorization: Bot [redacted]'],
    ['a Discord bot token', 'token MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz01234 used', 'token [redacted] used'],
  ])('GIVEN %s THEN its shape is scrubbed', (_what, text, expected) => {
    expect(lineScrubber([])(text)).toBe(expected);
  });

  it.each([
    ['ordinary log fields', '{"level":30,"time":1795436751057,"key":"move:TAO:up:1440:498732","msg":"alert queued"}'],
    ['a feed URL', '{"url":"https://www.coindesk.com/arc/outboundfeeds/rss/?outputType=xml"}'],
  ])('GIVEN %s THEN nothing is scrubbed', (_what, line) => {
    expect(lineScrubber([TOKEN])(line)).toBe(line);
  });

  it('GIVEN a secret shorter than 6 characters THEN it is not matched (it would eat ordinary text)', () => {
    expect(lineScrubber(['abc'])('abcdef')).toBe('abcdef');
  });
});
