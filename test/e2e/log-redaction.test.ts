/**
 * No token in any log line of a full run: `radar start` in a child process
 * (its stdout and stderr captured whole, LOG_LEVEL=trace) against the loopback
 * Discord gateway and REST API, Telegram Bot API, Binance and a feed host,
 * with failures that put tokens into SDK errors: telegraf's 401 and a reset
 * connection (node-fetch quotes the URL with the bot token), a discord.js
 * REST 401, a 404 on a webhook URL read from a variable named in alerts.yaml
 * (so the logger was never told it is a secret), ccxt 500s; and an admin who
 * pastes the Telegram API URL with the bot token into /feeds add, which no
 * adapter scrubs: only the logger stands between it and the log.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { DEFAULT_CONFIG_DIR } from '../../src/config/paths.ts';
import { startFakeBinance, type FakeBinance } from '../../src/loopback/binance-server.ts';
import { startFakeDiscord, type FakeDiscord } from '../../src/loopback/discord-api.ts';
import { startFakeDiscordGateway, type FakeDiscordGateway } from '../../src/loopback/discord-gateway.ts';
import { startFakeTelegram, type FakeTelegram } from '../../src/loopback/telegram-api.ts';
import { startFeedServer, type FeedServer } from '../fakes/feed-server.ts';
import { sampleMoveAlert, sampleStoryAlert } from '../fakes/sample-alerts.ts';

const TELEGRAM_TOKEN = '7012345678:AAF-radar-e2e-telegram-SECRET-token_9x';
const DISCORD_TOKEN = 'MTAxMjM0NTY3ODkwMTIzNDU2Nw.GaBcDe.radar-e2e-discord-SECRET-token_0123456789';
const HOOK = { id: '876543210987654321', token: 'radar-e2e-webhook-SECRET-token_abcdefghijklmnopqrstuvwxyz0123' };
const SECRETS = [TELEGRAM_TOKEN, DISCORD_TOKEN, HOOK.token];
const CHANNEL = '123456789012345678';
const CHAT = '-1001234567890';
const DISCORD_ADMIN = '999999999999999999';
const ROOT = path.resolve(import.meta.dirname, '../..');

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback news</title><link>http://example.com/</link>
<item><title>Bittensor launches dynamic TAO for subnets</title><link>http://example.com/a</link><guid>a</guid><pubDate>${new Date().toUTCString()}</pubDate></item>
</channel></rss>`;

let feeds: FeedServer;
let binance: FakeBinance;
let discord: FakeDiscord;
let gateway: FakeDiscordGateway;
let telegram: FakeTelegram;
let output = '';
let exitCode: number | null = null;
const lines = () => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
const hasLog = (msg: string, fields: Record<string, unknown> = {}) => lines().some((r) => r.msg === msg && Object.entries(fields).every(([k, v]) => r[k] === v));

function writeConfig(dir: string): void {
  cpSync(DEFAULT_CONFIG_DIR, dir, { recursive: true });
  writeFileSync(path.join(dir, 'feeds.yaml'), `feeds:\n  - { id: loopback, name: Loopback news, url: "${feeds.url('/feed.xml')}", language: en }\n`);
  // Every venue on the fake Binance: nothing may leave the machine.
  const tokens = readFileSync(path.join(dir, 'tokens.yaml'), 'utf8').replace(/venues: \[(?:[^[\]{}]|\{[^}]*\})*\]/g, 'venues: [binance]');
  writeFileSync(path.join(dir, 'tokens.yaml'), tokens);
  const alerts = readFileSync(path.join(dir, 'alerts.yaml'), 'utf8').replace(
    /^destinations: \[\]$/m,
    `destinations:
  - { id: discord, type: discord, channelId: "${CHANNEL}" }
  - { id: hook, type: discord-webhook, urlEnv: RADAR_E2E_HOOK_URL }
  - { id: telegram, type: telegram, chatId: "${CHAT}" }`,
  );
  writeFileSync(path.join(dir, 'alerts.yaml'), alerts);
}

beforeAll(async () => {
  feeds = await startFeedServer({ '/feed.xml': { body: RSS, headers: { 'Content-Type': 'application/rss+xml' } } });
  [binance, discord, telegram] = await Promise.all([startFakeBinance(), startFakeDiscord({ token: DISCORD_TOKEN }), startFakeTelegram({ token: TELEGRAM_TOKEN, maxPollMs: 50 })]);
  // Slash commands on the gateway fake; channel messages go on to the REST fake.
  gateway = await startFakeDiscordGateway({ token: DISCORD_TOKEN, restFallback: discord.origin });

  const dir = mkdtempSync(path.join(tmpdir(), 'radar-redaction-'));
  const configDir = path.join(dir, 'config');
  writeConfig(configDir);
  const dbPath = path.join(dir, 'radar.db');
  const store = openSqliteStore(dbPath);
  const now = Date.now();
  store.enqueueAlert(sampleMoveAlert({ key: 'e2e-move', createdAt: now }), ['discord', 'hook', 'telegram']);
  store.enqueueAlert(sampleStoryAlert({ key: 'e2e-story', createdAt: now }), ['discord', 'hook', 'telegram']);
  store.close();

  telegram.failNext({ status: 401, method: 'getMe' });
  telegram.failNext({ network: 'reset', method: 'sendMessage' });
  telegram.failNext({ status: 500, method: 'sendMessage', count: 5 });
  discord.failNext({ status: 401, match: '/channels/' });
  binance.failNext('*', 500, 20);

  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/setup/no-network.ts', 'src/cli.ts', 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      LOG_LEVEL: 'trace',
      CONFIG_DIR: configDir,
      DB_PATH: dbPath,
      DISCORD_TOKEN,
      DISCORD_API_URL: gateway.api,
      DISCORD_ADMIN_IDS: DISCORD_ADMIN,
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_API_URL: telegram.apiRoot,
      EXCHANGE_API_URLS: `binance=${binance.url}`,
      RADAR_E2E_HOOK_URL: `https://discord.com/api/webhooks/${HOOK.id}/${HOOK.token}`,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.on('exit', (code) => resolve(void (exitCode = code))));

  try {
    await vi.waitFor(
      () => {
        if (exitCode !== null) return; // reported below, without waiting out the timeout
        expect(hasLog('Telegram commands unavailable (alerts still go out): check TELEGRAM_BOT_TOKEN')).toBe(true);
        expect(hasLog('discord commands ready')).toBe(true);
        expect(hasLog('price cycle')).toBe(true);
        expect(hasLog('feed cycle')).toBe(true);
        for (const destination of ['discord', 'hook']) {
          expect(hasLog('destination refused delivery; deactivated it, kept its alerts and told the other destinations (re-activate: radar destinations enable ID)', { destination })).toBe(true);
        }
        expect(hasLog('delivery failed; will retry', { destination: 'telegram' })).toBe(true);
      },
      { timeout: 30_000, interval: 100 },
    );
    if (exitCode !== null) throw new Error(`radar start exited with ${exitCode}`);
    await gateway.sendCommand({
      name: 'feeds',
      subcommand: { name: 'add', options: [{ name: 'url', value: `api.telegram.org/bot${TELEGRAM_TOKEN}/getUpdates` }] },
      userId: DISCORD_ADMIN,
      channelId: CHANNEL,
    });
    await vi.waitFor(() => expect(hasLog('feed URL refused')).toBe(true), { timeout: 10_000, interval: 50 });
  } catch (err) {
    throw new Error(`radar start did not get through the failures; its output:\n${output.slice(-4000)}`, { cause: err });
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}, 60_000);

afterAll(async () => {
  await Promise.all([feeds?.close(), binance?.close(), discord?.close(), gateway?.close(), telegram?.close()]);
});

describe('log redaction over a full run', () => {
  it('GIVEN the failures happened THEN the fakes saw the tokens the logs must not show', () => {
    expect(telegram.requests.filter((r) => r.method === 'getMe').map((r) => r.status)).toContain(401);
    expect(telegram.requests.some((r) => r.method === 'sendMessage')).toBe(true);
    expect(discord.requests.filter((r) => r.path.includes('/channels/')).map((r) => r.status)).toContain(401);
    expect(exitCode).toBe(0);
    expect(hasLog('stopped cleanly')).toBe(true);
  });

  it.each(SECRETS.map((s) => [s]))('GIVEN everything the process wrote THEN %s appears in no form', (secret) => {
    for (const form of new Set([secret, encodeURIComponent(secret), encodeURIComponent(secret).toLowerCase()])) {
      expect(output.includes(form), `found "${form}" in the output`).toBe(false);
    }
  });

  it('GIVEN a token pasted into a chat command THEN its log line keeps the rest of the text', () => {
    expect(lines().find((r) => r.msg === 'feed URL refused')).toMatchObject({ reason: expect.stringMatching(/^"api\.telegram\.org\/bot\[redacted\]\/getUpdates" is not a URL/) });
  });

  it('GIVEN errors were logged THEN they keep their type and message', () => {
    const telegram = lines().find((r) => r.msg === 'Telegram commands unavailable (alerts still go out): check TELEGRAM_BOT_TOKEN');
    expect(telegram).toMatchObject({ err: { type: 'TelegramError', message: '401: Unauthorized', on: { method: 'getMe' } } });
    expect(output).not.toMatch(/"err":\{\}/);
  });
});
