/**
 * `radar doctor` against loopback imitations of everything it talks to: a feed
 * host, Binance (through ccxt), Telegram (through telegraf) and Discord's REST
 * API (through discord.js), with the same env API roots the bot uses.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { doctorCommand, type DoctorReport } from '../../src/cli/doctor-command.ts';
import type { Candle } from '../../src/domain/candles.ts';
import { startFakeBinance, type FakeBinance } from '../../src/loopback/binance-server.ts';
import { startFakeDiscord, type FakeDiscord } from '../../src/loopback/discord-api.ts';
import { startFakeTelegram, type FakeTelegram } from '../../src/loopback/telegram-api.ts';
import { startFeedServer, type FeedServer } from '../fakes/feed-server.ts';

const HOUR = 3_600_000;
const NOW = Math.floor(Date.UTC(2025, 3, 10, 12, 20) / HOUR) * HOUR + 20 * 60_000;
const DISCORD_TOKEN = 'doctor-discord-token.SECRET-do-not-leak';
const CHANNEL_OK = '123456789012345678';
const CHANNEL_HIDDEN = '223456789012345678';
const CHAT_OK = '-1001234567890';
const CHAT_KICKED = '-1009999999999';

const RSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>Good feed</title><link>https://good.example/</link>
<item><title>One</title><link>https://good.example/1</link></item><item><title>Two</title><link>https://good.example/2</link></item>
</channel></rss>`;

function hourly(closeAt: number, count: number, price: number): Candle[] {
  return Array.from({ length: count }, (_, i) => {
    const time = closeAt - (count - 1 - i) * HOUR;
    return { time, open: price, high: price * 1.01, low: price * 0.99, close: price, volume: 1000 };
  });
}

let dir: string;
let feeds: FeedServer;
let binance: FakeBinance;
let telegram: FakeTelegram;
let discord: FakeDiscord;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'radar-doctor-'));
  feeds = await startFeedServer({
    '/good.xml': { body: RSS, headers: { 'content-type': 'application/rss+xml' } },
    '/sloppy.xml': { body: RSS.replace('Good feed', 'AT&T feed'), headers: { 'content-type': 'application/rss+xml' } },
    '/gone.xml': { status: 410, body: 'gone' },
    '/page.html': { body: '<!doctype html><html><head><title>News</title></head><body><p>Not a feed</p></body></html>', headers: { 'content-type': 'text/html' } },
  });
  binance = await startFakeBinance();
  const currentHour = Math.floor(NOW / HOUR) * HOUR;
  binance.setCandles('TAOUSDT', '1h', hourly(currentHour, 48, 400));
  binance.setCandles('BTCUSDT', '1h', hourly(currentHour, 48, 80_000));
  binance.setCandles('FETUSDT', '1h', hourly(currentHour - 30 * HOUR, 48, 1)); // stopped a day ago
  telegram = await startFakeTelegram({ chats: { [CHAT_OK]: 'ok', [CHAT_KICKED]: 'kicked' } });
  discord = await startFakeDiscord({ token: DISCORD_TOKEN, channels: { [CHANNEL_OK]: 'ok', [CHANNEL_HIDDEN]: 'missing-access' } });
});

afterAll(async () => {
  await Promise.all([feeds.close(), binance.close(), telegram.close(), discord.close()]);
  rmSync(dir, { recursive: true, force: true });
});

function configDir(name: string, files: Record<string, string>): string {
  const folder = path.join(dir, name);
  mkdirSync(folder, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(folder, file), text);
  return folder;
}

const TOKENS = `quote: USDT
tokens:
  - { symbol: TAO, name: Bittensor, venues: [binance] }
  - { symbol: AKT, name: Akash Network, venues: [binance] }
  - { symbol: BTC, name: Bitcoin, venues: [binance], benchmark: true, sector: false }
`;

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    DISCORD_TOKEN,
    DISCORD_API_URL: discord.api,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_URL: telegram.apiRoot,
    EXCHANGE_API_URLS: `binance=${binance.url}`,
    ...extra,
  };
}

async function run(args: string[], rawEnv: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const code = await doctorCommand(args, { rawEnv, out: (l) => out.push(l), now: () => NOW });
  return { code, out, text: out.join('\n') };
}

const statuses = (report: DoctorReport) => report.checks.map((c) => [c.section, c.name, c.status]);

describe('radar doctor', () => {
  it('GIVEN one broken thing of each kind THEN --json lists every check with a fix for each failure, exit 1, and no token anywhere', async () => {
    const config = configDir('mixed', {
      'feeds.yaml': `feeds:
  - { id: good, name: Good, url: "${feeds.url('/good.xml')}" }
  - { id: sloppy, name: Sloppy, url: "${feeds.url('/sloppy.xml')}" }
  - { id: gone, name: Gone, url: "${feeds.url('/gone.xml')}" }
  - { id: page, name: Page, url: "${feeds.url('/page.html')}" }
  - { id: off, name: Off, url: "${feeds.url('/off.xml')}", enabled: false }
`,
      'tokens.yaml': TOKENS,
      'alerts.yaml': `destinations:
  - { id: discord-main, type: discord, channelId: "${CHANNEL_OK}" }
  - { id: discord-hidden, type: discord, channelId: "${CHANNEL_HIDDEN}" }
  - { id: tg, type: telegram, chatId: "${CHAT_OK}" }
  - { id: tg-old, type: telegram, chatId: "${CHAT_KICKED}" }
`,
    });
    const { code, out, text } = await run(['--json'], env({ CONFIG_DIR: config, DB_PATH: path.join(dir, 'mixed', 'data', 'radar.db') }));
    expect(code).toBe(1);
    const report = JSON.parse(text) as DoctorReport;
    expect(report.ok).toBe(false);
    expect(statuses(report)).toEqual([
      ['environment', 'environment', 'ok'],
      ['config', 'config', 'ok'],
      ['database', path.join(dir, 'mixed', 'data', 'radar.db'), 'warn'],
      ['feeds', 'good', 'ok'],
      ['feeds', 'sloppy', 'warn'],
      ['feeds', 'gone', 'fail'],
      ['feeds', 'page', 'fail'],
      ['exchanges', 'binance', 'ok'],
      ['exchanges', 'TAO', 'ok'],
      ['exchanges', 'AKT', 'fail'],
      ['exchanges', 'BTC', 'ok'],
      ['chat', 'Discord bot', 'ok'],
      ['chat', `Discord channel ${CHANNEL_OK}`, 'ok'],
      ['chat', `Discord channel ${CHANNEL_HIDDEN}`, 'fail'],
      ['chat', 'Telegram bot', 'ok'],
      ['chat', `Telegram chat ${CHAT_OK}`, 'ok'],
      ['chat', `Telegram chat ${CHAT_KICKED}`, 'fail'],
    ]);
    const check = (name: string) => report.checks.find((c) => c.name === name)!;
    expect(check('good').detail).toBe('2 items (rss), "Good feed"');
    expect(check('sloppy')).toMatchObject({
      detail: '2 items (rss), "AT&T feed"; malformed XML, read after repairs: escaped 1 bare "&" (write &amp;)',
      fix: 'the bot reads it, but ask its publisher to fix the XML: other readers may reject it',
    });
    expect(check('gone').fix).toMatch(/^the feed was removed or moved/);
    expect(check('page').fix).toMatch(/^the URL serves a web page, not a feed/);
    expect(check('TAO').detail).toBe('binance TAO/USDT, last 1h candle 20m ago');
    expect(check('AKT')).toMatchObject({ detail: 'binance does not list AKT/USDT', fix: expect.stringMatching(/^add a venue that lists it to tokens\.yaml/) });
    expect(check('Discord bot').detail).toBe(`Narrative Radar (id 111111111111111111); DISCORD_TOKEN set (${DISCORD_TOKEN.length} chars)`);
    expect(check(`Discord channel ${CHANNEL_OK}`).detail).toBe('destination "discord-main": #alerts, visible to the bot');
    expect(check(`Discord channel ${CHANNEL_HIDDEN}`).fix).toMatch(/^the bot cannot see the channel/);
    expect(check('Telegram bot').detail).toBe(`@${telegram.bot.username} (id ${telegram.bot.id}); TELEGRAM_BOT_TOKEN set (${telegram.token.length} chars)`);
    expect(check(`Telegram chat ${CHAT_KICKED}`).fix).toMatch(/^the bot was blocked or removed/);
    for (const c of report.checks.filter((c) => c.status === 'fail')) expect(c.fix, c.name).toBeTruthy();
    expect(out.join('\n')).not.toContain(DISCORD_TOKEN);
    expect(out.join('\n')).not.toContain(telegram.token);
  });

  it('GIVEN a broken config file and a malformed token THEN the text report points at file, line and key, skips what depends on it, exit 1', async () => {
    const config = configDir('broken', { 'feeds.yaml': 'feeds:\n  - { id: good, name: Good, url: "https://good.example/feed.xml", pollMinutes: -5 }\n' });
    const { code, out } = await run([], { CONFIG_DIR: config, DB_PATH: path.join(dir, 'broken.db'), TELEGRAM_BOT_TOKEN: 'oops', TELEGRAM_CHAT_ID: CHAT_OK });
    expect(code).toBe(1);
    expect(out[0]).toBe('Environment');
    expect(out[1]).toBe('  ✗ TELEGRAM_BOT_TOKEN: a Telegram bot token looks like 123456:ABC-DEF… (from @BotFather)');
    expect(out[2]).toBe('      fix: correct or unset TELEGRAM_BOT_TOKEN (see .env.example)');
    expect(out).toContain('Config');
    const configLines = out.slice(out.indexOf('Config'), out.indexOf('Database'));
    expect(configLines[1]).toBe('  ✗ config: Invalid configuration (1 problem):');
    expect(configLines.some((l) => l.includes(`${path.join(config, 'feeds.yaml')}:2`) && l.includes('feeds[0].pollMinutes'))).toBe(true);
    expect(configLines.at(-1)).toBe(`      fix: edit the keys at the lines shown, then run \`radar config check ${config}\``);
    expect(out).toContain('  - feeds: not checked: the config did not load');
    expect(out).toContain('  - tokens: not checked: the config did not load');
    // The bad token counts as unset: the shortcut chat then has no token to use.
    expect(out).toContain(`  ✗ Telegram chat ${CHAT_OK}: destination "telegram" needs a bot token, and TELEGRAM_BOT_TOKEN is not set`);
    expect(out.at(-1)).toBe('3 problems, 1 warning, 0 ok: see the "fix:" lines above.');
    expect(out.join('\n')).not.toContain('oops');
  });

  it('GIVEN everything works, with a feed disabled in the database and a halted market THEN warnings only, exit 0', async () => {
    const config = configDir('good', {
      'feeds.yaml': `feeds:\n  - { id: good, name: Good, url: "${feeds.url('/good.xml')}" }\n`,
      'tokens.yaml': `quote: USDT
tokens:
  - { symbol: TAO, name: Bittensor, venues: [binance] }
  - { symbol: FET, name: Artificial Superintelligence Alliance, venues: [binance] }
  - { symbol: BTC, name: Bitcoin, venues: [binance], benchmark: true, sector: false }
`,
    });
    const dbPath = path.join(dir, 'good.db');
    const store = openSqliteStore(dbPath);
    store.saveFeedState({ feedId: 'good', failures: 12, nextPollAt: 0, itemsSeen: 0, disabledAt: NOW - 2 * HOUR, disabledReason: 'HTTP 503 twelve times' });
    store.close();
    const { code, out } = await run([], env({ CONFIG_DIR: config, DB_PATH: dbPath, DISCORD_CHANNEL_ID: CHANNEL_OK, TELEGRAM_CHAT_ID: CHAT_OK }));
    expect(code).toBe(0);
    expect(out.find((l) => l.includes(dbPath))).toMatch(/^ {2}✓ .*: writable, \d+ migrations applied$/);
    expect(out).toContain('  ! good: 2 items (rss), "Good feed"; but disabled in the database 2h ago (HTTP 503 twelve times)');
    expect(out).toContain('      fix: it works now: `radar feeds enable good`');
    expect(out).toContain('  ! FET: binance lists FET/USDT but sent no 1h candle for the last 3h');
    expect(out).toContain('      fix: the market may be halted or delisted: check it on the exchange, or put another venue first in tokens.yaml');
    expect(out).toContain(`  ✓ Discord channel ${CHANNEL_OK}: destination "discord": #alerts, visible to the bot`);
    expect(out).toContain(`  ✓ Telegram chat ${CHAT_OK}: destination "telegram": the bot may post there`);
    expect(out.at(-1)).toBe('0 problems, 2 warnings, 10 ok: see the "fix:" lines above.');
  });
});
