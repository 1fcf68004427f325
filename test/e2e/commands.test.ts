/**
 * End to end for the chat commands: main.ts's wiring (startChatCommands) with
 * env pointing the real discord.js Client at the loopback gateway and telegraf
 * at the loopback Bot API, one runtime on a SQLite file, and `radar config show`
 * and a restart reading what the commands stored.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { APIEmbed } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { withStoredOverrides } from '../../src/app/commands/config-overrides.ts';
import { shouldDeliver } from '../../src/app/commands/subscription.ts';
import { createRuntime, type Runtime } from '../../src/app/runtime.ts';
import type { Store } from '../../src/app/store.ts';
import { configShowCommand } from '../../src/cli/config-show-command.ts';
import { parseEnv } from '../../src/config/env.ts';
import { loadConfig, type AppConfig } from '../../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../../src/config/paths.ts';
import { VirtualClock } from '../../src/demo/virtual-clock.ts';
import { MANAGE_GUILD, startFakeDiscordGateway, type FakeDiscordGateway, type FakeInteractionResponse } from '../../src/loopback/discord-gateway.ts';
import { startFakeTelegram, type FakeTelegram } from '../../src/loopback/telegram-api.ts';
import { startChatCommands } from '../../src/main.ts';
import { SAMPLE_NOW, sampleMoveAlert } from '../fakes/sample-alerts.ts';
import { recordingLogger } from '../fakes/silent-logger.ts';

const DISCORD_CHANNEL = '123456789012345678';
const TELEGRAM_CHAT = -1001234567890;
const TELEGRAM_ADMIN = 1001;
const TELEGRAM_MEMBER = 2002;

let dbPath: string;
let store: Store;
let yaml: AppConfig;
let rt: Runtime;
let gateway: FakeDiscordGateway;
let telegram: FakeTelegram;
let chat: { stop(): Promise<void> };
let messageId = 500;

beforeEach(async () => {
  dbPath = path.join(mkdtempSync(path.join(tmpdir(), 'radar-commands-')), 'radar.db');
  store = openSqliteStore(dbPath);
  yaml = await loadConfig(DEFAULT_CONFIG_DIR);
  const log = recordingLogger();
  rt = createRuntime({
    config: withStoredOverrides(yaml, store, log),
    store,
    clock: new VirtualClock(SAMPLE_NOW + 3_600_000),
    log,
    destinations: [
      { id: 'discord', minSeverity: 'low' },
      { id: 'telegram', minSeverity: 'low' },
    ],
  });
  [gateway, telegram] = await Promise.all([startFakeDiscordGateway(), startFakeTelegram({ maxPollMs: 50 })]);
  const env = parseEnv({
    DISCORD_TOKEN: gateway.token,
    DISCORD_API_URL: gateway.api,
    DISCORD_CHANNEL_ID: DISCORD_CHANNEL,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_URL: telegram.apiRoot,
    TELEGRAM_CHAT_ID: String(TELEGRAM_CHAT),
    TELEGRAM_ADMIN_IDS: String(TELEGRAM_ADMIN),
  });
  chat = await startChatCommands(rt, () => yaml, env, rt.destinations);
});

afterEach(async () => {
  await chat.stop();
  await Promise.all([gateway.close(), telegram.close()]);
  store.close();
});

/** A message in the alert group (optionally in a forum topic); resolves with the bot's reply to it. */
async function tg(text: string, from = TELEGRAM_MEMBER, thread?: number) {
  const id = messageId++;
  const command = /^\/\w+/.exec(text)![0];
  telegram.pushUpdate({
    message: {
      message_id: id,
      date: Math.floor(SAMPLE_NOW / 1000),
      chat: { id: TELEGRAM_CHAT, type: 'supergroup', title: 'Radar', is_forum: thread !== undefined },
      from: { id: from, is_bot: false, first_name: from === TELEGRAM_ADMIN ? 'Alice' : 'Mallory', username: from === TELEGRAM_ADMIN ? 'alice' : 'mallory' },
      text,
      entities: [{ type: 'bot_command', offset: 0, length: command.length }],
      ...(thread !== undefined ? { message_thread_id: thread, is_topic_message: true } : {}),
    },
  });
  const answered = () => telegram.messages.find((m) => (m.params.reply_parameters as { message_id?: number } | undefined)?.message_id === id);
  await vi.waitFor(() => expect(answered()).toBeDefined(), { timeout: 10_000, interval: 20 });
  return answered()!;
}

const embed = (r: FakeInteractionResponse) => (r.body.data as { embeds: APIEmbed[]; flags?: number }).embeds[0]!;

describe('chat commands end to end', () => {
  it('GIVEN a move alert in the store THEN /why TAO answers with the move and its catalysts on both platforms', async () => {
    store.enqueueAlert(sampleMoveAlert(), []);
    const discord = embed(await gateway.sendCommand({ name: 'why', options: [{ name: 'token', value: 'TAO' }], channelId: DISCORD_CHANNEL }));
    expect(discord.title).toContain('TAO +25.0% in 24h');
    expect(discord.fields?.find((f) => f.name === 'Likely catalyst')?.value).toContain('Bittensor launches dynamic TAO for subnets');
    expect(discord.fields?.find((f) => f.name === 'Also relevant')?.value).toContain('AI tokens rally as Nvidia earnings loom');

    const reply = await tg('/why TAO');
    expect(reply.text).toMatch(/^TAO \+25\.0% in 24h, abnormal \+21\.0% vs BTC \(z 4\.1\)\n/);
    expect(reply.text).toContain('Likely catalyst: "Bittensor launches dynamic TAO for subnets" (Decrypt)');
    expect(reply.text).toContain('Also relevant: "AI tokens rally as Nvidia earnings loom" (CoinDesk)');
  });

  it('GIVEN non-admins THEN /alerts set is refused on both platforms, and both attempts are audited', async () => {
    const discord = await gateway.sendCommand({ name: 'alerts', subcommand: { name: 'set', options: [{ name: 'setting', value: 'cooldown' }, { name: 'value', value: '1h' }] }, channelId: DISCORD_CHANNEL });
    expect(embed(discord).title).toBe('Sorry, that is for admins');
    expect((discord.body.data as { flags?: number }).flags).toBe(64);
    expect((await tg('/alerts set cooldown 1h')).text).toMatch(/^Sorry, that is for admins/);
    expect(rt.config.alerts.moves.cooldownMinutes).toBe(240);
    expect(store.listOverrides()).toEqual([]);
    expect(store.auditLog().map((r) => [r.actor.platform, r.outcome])).toEqual([
      ['telegram', 'refused'],
      ['discord', 'refused'],
    ]);
  });

  it('GIVEN admins on both platforms THEN changes are persisted, audited, applied, shown by config show, and survive a restart', async () => {
    expect((await tg('/alerts set cooldown 1h', TELEGRAM_ADMIN)).text).toContain('cooldown: 4h → 1h');
    const discord = await gateway.sendCommand({
      name: 'alerts',
      subcommand: { name: 'set', options: [{ name: 'setting', value: 'threshold:24h' }, { name: 'value', value: '12%' }] },
      channelId: DISCORD_CHANNEL,
      userId: '888888888888888888',
      username: 'modo',
      permissions: MANAGE_GUILD,
    });
    expect(embed(discord).fields).toEqual([{ name: 'threshold:24h', value: '15% → 12%' }]);

    // Applied to the running config.
    expect(rt.config.alerts.moves.cooldownMinutes).toBe(60);
    expect(rt.config.alerts.market.windows.find((w) => w.minutes === 1440)?.threshold).toBe(0.12);
    // Audited with who, where, when, old → new.
    expect(store.auditLog()).toMatchObject([
      { at: SAMPLE_NOW + 3_600_000, actor: { platform: 'discord', userId: '888888888888888888', userName: 'modo' }, target: 'alerts.market.windows[minutes=1440].threshold', oldValue: 0.15, newValue: 0.12, outcome: 'applied' },
      { actor: { platform: 'telegram', userId: String(TELEGRAM_ADMIN), userName: 'alice' }, target: 'alerts.moves.cooldownMinutes', oldValue: 240, newValue: 60, outcome: 'applied' },
    ]);

    // Visible in `radar config show`.
    const lines: string[] = [];
    expect(await configShowCommand(['alerts'], { env: parseEnv({ DB_PATH: dbPath }), out: (l) => lines.push(l) })).toBe(0);
    const shown = lines.join('\n');
    expect(shown).toMatch(/cooldownMinutes: 60 # OVERRIDDEN by telegram:1001 \(alice\) at 2025-03-14 13:00Z; YAML: 240/);
    expect(shown).toMatch(/threshold: 0\.12 # OVERRIDDEN by discord:888888888888888888 \(modo\) at .*; YAML: 0\.15/);
    expect(shown).toContain('# Audit log (latest 2)');
    expect(shown).toMatch(/telegram:1001 \(alice\)\s+alerts set\s+alerts\.moves\.cooldownMinutes\s+240 → 60/);

    // A restart reads the same effective config from the YAML plus the stored overrides.
    await chat.stop();
    store.close();
    const reopened = openSqliteStore(dbPath);
    const restarted = withStoredOverrides(await loadConfig(DEFAULT_CONFIG_DIR), reopened, recordingLogger());
    expect(restarted.alerts.moves.cooldownMinutes).toBe(60);
    expect(restarted.alerts.market.windows.map((w) => w.threshold)).toEqual([0.05, 0.08, 0.12]);
    reopened.close();
    store = openSqliteStore(dbPath); // for afterEach
  });

  it('GIVEN /subscribe in each alert chat THEN what each destination receives follows its subscription', async () => {
    const subscribed = await gateway.sendCommand({ name: 'subscribe', channelId: DISCORD_CHANNEL, options: [{ name: 'topics', value: 'TAO' }] });
    expect(embed(subscribed).title).toBe('Subscription updated');
    expect((await tg('/subscribe moves off')).text).toMatch(/^Subscription updated/);

    const tao = sampleMoveAlert();
    const wld = sampleMoveAlert({ move: { ...tao.move, symbol: 'WLD' } });
    const now = rt.clock.now();
    expect(shouldDeliver(tao, store.getSubscription('discord'), now)).toEqual({ deliver: true, silent: false });
    expect(shouldDeliver(wld, store.getSubscription('discord'), now)).toMatchObject({ deliver: false, reason: 'not-subscribed' });
    expect(shouldDeliver(tao, store.getSubscription('telegram'), now)).toMatchObject({ deliver: false, reason: 'kind-off' });
  });

  it('GIVEN a command in a forum topic of the alert group THEN the reply keeps its message_thread_id', async () => {
    const reply = await tg('/settings', TELEGRAM_MEMBER, 42);
    expect(reply.threadId).toBe(42);
    expect(reply.params.message_thread_id).toBe(42);
    expect(reply.text).toMatch(/^Settings of this chat/);
  });
});

describe('without chat tokens', () => {
  it('GIVEN no DISCORD_TOKEN and no TELEGRAM_BOT_TOKEN THEN no command bot starts and stopping is a no-op', async () => {
    const before = telegram.requests.length;
    const none = await startChatCommands(rt, () => yaml, parseEnv({}), rt.destinations);
    await none.stop();
    expect(telegram.requests.length).toBe(before);
  });
});
