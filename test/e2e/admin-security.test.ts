/**
 * Admin-only commands end to end on both platforms: every admin command of
 * parse.ts, each sub-action, sent as a real gateway interaction (Discord) and
 * a real getUpdates update (Telegram) through main.ts's wiring. People not
 * on the allow-lists are refused with nothing changed; allow-listed people
 * succeed. Feed URLs typed in chat are held to the SSRF policy on both.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIEmbed } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { COMMANDS } from '../../src/app/commands/parse.ts';
import { createRuntime, type Runtime } from '../../src/app/runtime.ts';
import type { Store } from '../../src/app/store.ts';
import { parseEnv } from '../../src/config/env.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../../src/config/paths.ts';
import { VirtualClock } from '../../src/demo/virtual-clock.ts';
import { startFakeDiscordGateway, type FakeCommandInput, type FakeDiscordGateway } from '../../src/loopback/discord-gateway.ts';
import { startFakeTelegram, type FakeTelegram } from '../../src/loopback/telegram-api.ts';
import { startChatCommands } from '../../src/main.ts';
import { SAMPLE_NOW } from '../fakes/sample-alerts.ts';
import { recordingLogger } from '../fakes/silent-logger.ts';

const DISCORD_CHANNEL = '123456789012345678';
const DISCORD_ADMIN = '700000000000000001';
const DISCORD_MEMBER = '700000000000000002';
const TELEGRAM_CHAT = -1001234567890;
const TELEGRAM_ADMIN = 1001;
const TELEGRAM_MEMBER = 2002;
const REFUSED = 'Sorry, that is for admins';
const WAIT = { timeout: 10_000, interval: 20 };

interface Harness {
  rt: Runtime;
  store: Store;
  gateway: FakeDiscordGateway;
  telegram: FakeTelegram;
  stop(): Promise<void>;
}

let open: Harness | undefined;
afterEach(async () => {
  await open?.stop();
  open = undefined;
});

async function start(extraEnv: Record<string, string> = {}): Promise<Harness> {
  const store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'radar-admin-')), 'radar.db'));
  const yaml = await loadConfig(DEFAULT_CONFIG_DIR);
  const rt = createRuntime({
    config: yaml,
    store,
    clock: new VirtualClock(SAMPLE_NOW),
    log: recordingLogger(),
    destinations: [
      { id: 'discord', minSeverity: 'low' },
      { id: 'telegram', minSeverity: 'low' },
    ],
  });
  const [gateway, telegram] = await Promise.all([startFakeDiscordGateway(), startFakeTelegram({ maxPollMs: 50 })]);
  const env = parseEnv({
    DISCORD_TOKEN: gateway.token,
    DISCORD_API_URL: gateway.api,
    DISCORD_CHANNEL_ID: DISCORD_CHANNEL,
    DISCORD_ADMIN_IDS: DISCORD_ADMIN,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_URL: telegram.apiRoot,
    TELEGRAM_CHAT_ID: String(TELEGRAM_CHAT),
    TELEGRAM_ADMIN_IDS: String(TELEGRAM_ADMIN),
    ...extraEnv,
  });
  const chat = await startChatCommands(rt, () => yaml, env, rt.destinations);
  open = {
    rt,
    store,
    gateway,
    telegram,
    async stop() {
      await chat.stop();
      await Promise.all([gateway.close(), telegram.close()]);
      store.close();
    },
  };
  return open;
}

let messageId = 100;

/** A message in the alert group; resolves with the text of the bot's reply to it. */
async function telegramSays(h: Harness, text: string, from: number): Promise<string> {
  const id = messageId++;
  const command = /^\/\w+/.exec(text)![0];
  h.telegram.pushUpdate({
    message: {
      message_id: id,
      date: Math.floor(SAMPLE_NOW / 1000),
      chat: { id: TELEGRAM_CHAT, type: 'supergroup', title: 'Radar' },
      from: { id: from, is_bot: false, first_name: 'Someone' },
      text,
      entities: [{ type: 'bot_command', offset: 0, length: command.length }],
    },
  });
  const answered = () => h.telegram.messages.find((m) => (m.params.reply_parameters as { message_id?: number } | undefined)?.message_id === id);
  await vi.waitFor(() => expect(answered()).toBeDefined(), WAIT);
  return answered()!.text;
}

/** A slash command in the alert channel; resolves with the title and text of the reply embed, markdown escapes removed. */
async function discordSays(h: Harness, input: Omit<FakeCommandInput, 'userId' | 'channelId'>, userId: string): Promise<string> {
  const response = await h.gateway.sendCommand({ ...input, userId, channelId: DISCORD_CHANNEL });
  const embed = (response.body.data as { embeds: APIEmbed[] }).embeds[0]!;
  return [embed.title, embed.description, ...(embed.fields ?? []).map((f) => `${f.name}: ${f.value}`)].filter(Boolean).join('\n').replace(/\\(.)/g, '$1');
}

const sub = (name: string, options: Record<string, string> = {}) => ({ name, options: Object.entries(options).map(([n, value]) => ({ name: n, value })) });

interface AdminCase {
  command: string;
  op: string;
  telegram: string;
  discord: Omit<FakeCommandInput, 'userId' | 'channelId'>;
}

/** Every sub-action of every admin command, in an order that succeeds when run by an admin. */
function adminCases(feedId: string): AdminCase[] {
  return [
    { command: 'alerts', op: 'show', telegram: '/alerts show', discord: { name: 'alerts', subcommand: sub('show') } },
    { command: 'alerts', op: 'set', telegram: '/alerts set cooldown 1h', discord: { name: 'alerts', subcommand: sub('set', { setting: 'cooldown', value: '2h' }) } },
    { command: 'alerts', op: 'mute', telegram: '/alerts mute WLD', discord: { name: 'alerts', subcommand: sub('mute', { target: 'FET' }) } },
    { command: 'alerts', op: 'unmute', telegram: '/alerts unmute WLD', discord: { name: 'alerts', subcommand: sub('unmute', { target: 'FET' }) } },
    { command: 'alerts', op: 'quiet', telegram: '/alerts quiet 22:00-07:00', discord: { name: 'alerts', subcommand: sub('quiet', { hours: '23:00-06:00' }) } },
    { command: 'alerts', op: 'reset', telegram: '/alerts reset cooldown', discord: { name: 'alerts', subcommand: sub('reset', { setting: 'cooldown' }) } },
    { command: 'feeds', op: 'list', telegram: '/feeds list', discord: { name: 'feeds', subcommand: sub('list') } },
    { command: 'feeds', op: 'status', telegram: `/feeds status ${feedId}`, discord: { name: 'feeds', subcommand: sub('status', { id: feedId }) } },
    { command: 'feeds', op: 'add', telegram: '/feeds add http://93.184.215.14/tg.xml tg-blog', discord: { name: 'feeds', subcommand: sub('add', { url: 'http://93.184.215.14/dc.xml', id: 'dc-blog' }) } },
    { command: 'feeds', op: 'disable', telegram: `/feeds disable ${feedId}`, discord: { name: 'feeds', subcommand: sub('disable', { id: feedId }) } },
    { command: 'feeds', op: 'enable', telegram: `/feeds enable ${feedId}`, discord: { name: 'feeds', subcommand: sub('enable', { id: feedId }) } },
  ];
}

/** Everything an admin command can change. */
function sideEffects(h: Harness) {
  return {
    config: structuredClone(h.rt.config),
    overrides: h.store.listOverrides(),
    subscriptions: ['discord', 'telegram'].map((d) => h.store.getSubscription(d) ?? null),
    feedStates: h.rt.config.feeds.feeds.map((f) => h.store.getFeedState(f.id) ?? null),
  };
}

describe('admin-only commands', () => {
  it('GIVEN the cases THEN they cover every admin command of parse.ts and each of its actions', () => {
    const cases = adminCases('x');
    expect(new Set(cases.map((c) => c.command))).toEqual(new Set(COMMANDS.filter((c) => c.admin).map((c) => c.name)));
    expect(cases.map((c) => `${c.command} ${c.op}`)).toEqual([
      ...['show', 'set', 'mute', 'unmute', 'quiet', 'reset'].map((op) => `alerts ${op}`),
      ...['list', 'status', 'add', 'disable', 'enable'].map((op) => `feeds ${op}`),
    ]);
    for (const c of cases) expect(c.telegram.startsWith(`/${c.command} ${c.op}`)).toBe(true);
  });

  it('GIVEN people not on the allow-lists THEN every admin command is refused on both platforms and nothing changes', async () => {
    const h = await start();
    const before = sideEffects(h);
    for (const c of adminCases(h.rt.config.feeds.feeds[0]!.id)) {
      expect(await telegramSays(h, c.telegram, TELEGRAM_MEMBER), c.telegram).toMatch(new RegExp(`^${REFUSED}`));
      expect(await discordSays(h, c.discord, DISCORD_MEMBER), `/${c.discord.name} ${c.op}`).toMatch(new RegExp(`^${REFUSED}`));
    }
    expect(sideEffects(h)).toEqual(before);
    const audit = h.store.auditLog({ limit: 100 });
    expect(audit).toHaveLength(22);
    expect(new Set(audit.map((a) => a.outcome))).toEqual(new Set(['refused']));
  });

  it('GIVEN allow-listed people THEN every admin command succeeds on both platforms, with its effect', async () => {
    const h = await start();
    const feedId = h.rt.config.feeds.feeds[0]!.id;
    for (const c of adminCases(feedId)) {
      const telegram = await telegramSays(h, c.telegram, TELEGRAM_ADMIN);
      expect(telegram, c.telegram).not.toMatch(new RegExp(`^(${REFUSED}|Sorry, something went wrong|Feed not)`));
      const discord = await discordSays(h, c.discord, DISCORD_ADMIN);
      expect(discord, `/${c.discord.name} ${c.op}`).not.toMatch(new RegExp(`^(${REFUSED}|Sorry, something went wrong|Feed not)`));
      if (c.op === 'set') expect(h.rt.config.alerts.moves.cooldownMinutes).toBe(120);
      if (c.op === 'mute') expect(h.rt.config.alerts.moves.muted).toEqual(expect.arrayContaining(['WLD', 'FET']));
      if (c.op === 'disable') expect(h.rt.config.feeds.feeds.find((f) => f.id === feedId)?.enabled).toBe(false);
    }
    expect(h.rt.config.alerts.moves.cooldownMinutes).toBe(240); // reset
    expect(h.rt.config.alerts.moves.muted).toEqual([]);
    expect(h.rt.config.feeds.feeds.find((f) => f.id === feedId)?.enabled).toBe(true);
    expect(h.rt.config.feeds.feeds.map((f) => f.id)).toEqual(expect.arrayContaining(['tg-blog', 'dc-blog']));
    expect(h.store.getSubscription('telegram')?.quietHours).toMatchObject({ from: '22:00', to: '07:00' });
    expect(h.store.getSubscription('discord')?.quietHours).toMatchObject({ from: '23:00', to: '06:00' });
    expect(h.store.auditLog({ limit: 100 }).filter((a) => a.outcome === 'refused')).toEqual([]);
  });
});

describe('feed URLs added from chat', () => {
  const PRIVATE = ['http://127.0.0.1:8080/feed.xml', 'http://2130706433/feed.xml', 'http://0x7f.1/feed.xml', 'http://[::ffff:10.0.0.1]/feed.xml', 'http://169.254.169.254/latest/meta-data/', 'http://localhost/feed'];

  it.each(PRIVATE)('GIVEN %s from an admin THEN it is refused on both platforms and no feed is added', async (url) => {
    const h = await start();
    const feeds = h.rt.config.feeds.feeds.length;
    expect(await telegramSays(h, `/feeds add ${url}`, TELEGRAM_ADMIN)).toMatch(/^Feed not added\n[\s\S]*ALLOW_PRIVATE_FEED_URLS=true/);
    expect(await discordSays(h, { name: 'feeds', subcommand: sub('add', { url }) }, DISCORD_ADMIN)).toMatch(/^Feed not added\n[\s\S]*ALLOW_PRIVATE_FEED_URLS=true/);
    expect(h.rt.config.feeds.feeds).toHaveLength(feeds);
    expect(h.store.listOverrides()).toEqual([]);
  });

  it('GIVEN a scheme other than http(s) THEN it is refused even with private addresses allowed', async () => {
    const h = await start({ ALLOW_PRIVATE_FEED_URLS: 'true' });
    expect(await telegramSays(h, '/feeds add file:///etc/passwd', TELEGRAM_ADMIN)).toMatch(/^Feed not added\nonly http:\/\/ and https:\/\/ feeds are supported, not file:/);
    expect(await discordSays(h, { name: 'feeds', subcommand: sub('add', { url: 'ftp://127.0.0.1/feed' }) }, DISCORD_ADMIN)).toMatch(/^Feed not added\nonly http:\/\/ and https:\/\/ feeds are supported, not ftp:/);
    expect(h.store.listOverrides()).toEqual([]);
  });

  it('GIVEN ALLOW_PRIVATE_FEED_URLS=true THEN an admin may add a loopback feed', async () => {
    const h = await start({ ALLOW_PRIVATE_FEED_URLS: 'true' });
    expect(await telegramSays(h, '/feeds add http://127.0.0.1:8080/feed.xml lan-feed', TELEGRAM_ADMIN)).toMatch(/^Feed added: 127\.0\.0\.1 \(lan-feed\)/);
    expect(h.rt.config.feeds.feeds.find((f) => f.id === 'lan-feed')?.url).toBe('http://127.0.0.1:8080/feed.xml');
  });
});
