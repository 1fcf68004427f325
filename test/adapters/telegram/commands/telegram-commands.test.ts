/**
 * telegraf long polling against the loopback Telegram Bot API: commands from
 * private chats, groups, forum topics and channels; replies in escaped HTML.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderTelegramReply, TELEGRAM_MESSAGE_LIMIT } from '../../../../src/adapters/telegram/commands/render-reply.ts';
import { startTelegramCommands, type CommandBot } from '../../../../src/adapters/telegram/commands/telegram-commands.ts';
import { runCommand } from '../../../../src/app/commands/run-command.ts';
import { parseTelegramHtml, startFakeTelegram, type FakeTelegram } from '../../../../src/loopback/telegram-api.ts';
import { HOSTILE_TEXT, sampleCatalyst } from '../../../fakes/sample-alerts.ts';
import { commandsFixture, seedMoveAlert, TELEGRAM_CHAT, type CommandsFixture } from '../../../app/commands/fixtures.ts';

const ADMIN = 1001;
const MEMBER = 2002;
const FORUM = -1005555555555;
const CHANNEL = -1009999999999;

let telegram: FakeTelegram;
let bot: CommandBot | undefined;
let f: CommandsFixture;
let messageId = 1000;

beforeEach(async () => {
  f = await commandsFixture();
  telegram = await startFakeTelegram({ maxPollMs: 50 });
  bot = await startTelegramCommands({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    adminIds: [String(ADMIN), String(CHANNEL)],
    destinations: [
      { id: 'tg-main', platform: 'telegram', chatId: TELEGRAM_CHAT },
      { id: 'tg-topic', platform: 'telegram', chatId: String(FORUM), threadId: 7 },
    ],
    run: (command, ctx) => runCommand(command, ctx, f.deps),
    log: f.rt.log,
  });
});

afterEach(async () => {
  await bot?.stop();
  await telegram.close();
});

interface Push {
  chat?: Record<string, unknown>;
  from?: number;
  thread?: number;
  channel?: boolean;
}

/** Queue a message (or channel post) whose text starts with a command; returns its message_id. */
function push(text: string, { chat, from = MEMBER, thread, channel }: Push = {}): number {
  const id = messageId++;
  const command = /^\/[\w@]+/.exec(text);
  const message = {
    message_id: id,
    date: 1_741_953_600,
    chat: chat ?? { id: from, type: 'private', first_name: 'Tester' },
    ...(channel ? { sender_chat: chat } : { from: { id: from, is_bot: false, first_name: from === ADMIN ? 'Alice' : 'Mallory', username: from === ADMIN ? 'alice' : 'mallory' } }),
    text,
    ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
    ...(thread !== undefined ? { message_thread_id: thread, is_topic_message: true } : {}),
  };
  telegram.pushUpdate(channel ? { channel_post: message } : { message });
  return id;
}

const group = { id: Number(TELEGRAM_CHAT), type: 'supergroup', title: 'Radar' };

async function replies(n: number) {
  await vi.waitFor(() => expect(telegram.messages.length).toBeGreaterThanOrEqual(n), { timeout: 10_000, interval: 20 });
  return telegram.messages;
}

describe('Telegram commands', () => {
  it('GIVEN /why TAO in a private chat THEN the reply is HTML with the move, its numbers and catalysts', async () => {
    seedMoveAlert(f.rt.store);
    const asked = push('/why TAO');
    const [reply] = await replies(1);
    expect(reply).toMatchObject({ chatId: String(MEMBER), parseMode: 'HTML' });
    expect(reply!.raw).toMatch(/^<b><a href="https:\/\/decrypt\.co\/2025\/03\/14\/bittensor-subnet-launch">TAO \+25\.0% in 24h, abnormal \+21\.0% vs BTC \(z 4\.1\)<\/a><\/b>/);
    expect(reply!.text).toContain('Likely catalyst: "Bittensor launches dynamic TAO for subnets" (Decrypt)');
    expect(reply!.text).toContain('z-score: 4.1');
    expect(reply!.params.reply_parameters).toMatchObject({ message_id: asked });
  });

  it('GIVEN feed text full of markup THEN it arrives escaped, as text, and Telegram accepts the HTML', async () => {
    seedMoveAlert(f.rt.store, { catalysts: [sampleCatalyst({ title: HOSTILE_TEXT, source: '<i>Evil</i> & Co' })] });
    push('/why tao');
    const [reply] = await replies(1);
    expect(reply!.raw).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(reply!.raw).toContain('(&lt;i&gt;Evil&lt;/i&gt; &amp; Co)');
    expect(reply!.text).toContain('<b>bold</b> **bold**');
    expect(reply!.entities.filter((e) => e.type === 'italic' && reply!.text.slice(e.offset, e.offset + e.length) === 'Evil')).toEqual([]);
  });

  it('GIVEN a member who is not allow-listed THEN /alerts set is refused politely, nothing changes, and the attempt is audited', async () => {
    push('/alerts set cooldown 1h', { chat: group, from: MEMBER });
    const [reply] = await replies(1);
    expect(reply!.text).toMatch(/^Sorry, that is for admins\n/);
    expect(reply!.text).toContain('TELEGRAM_ADMIN_IDS');
    expect(f.rt.config.alerts.moves.cooldownMinutes).toBe(240);
    expect(f.rt.store.auditLog()).toMatchObject([{ action: 'alerts set', outcome: 'refused', actor: { platform: 'telegram', userId: String(MEMBER), userName: 'mallory' } }]);
  });

  it('GIVEN an allow-listed admin THEN /alerts set is persisted, audited and applied', async () => {
    push('/alerts set cooldown 1h', { chat: group, from: ADMIN });
    const [reply] = await replies(1);
    expect(reply!.text).toContain('cooldown: 4h → 1h');
    expect(f.rt.config.alerts.moves.cooldownMinutes).toBe(60);
    expect(f.rt.store.auditLog()).toMatchObject([{ outcome: 'applied', oldValue: 240, newValue: 60, actor: { userId: String(ADMIN) } }]);
  });

  it('GIVEN a command in a forum topic THEN the reply stays in that topic and the topic’s destination subscribes', async () => {
    push('/subscribe TAO', { chat: { id: FORUM, type: 'supergroup', title: 'Forum', is_forum: true }, thread: 7 });
    const [reply] = await replies(1);
    expect(reply).toMatchObject({ chatId: String(FORUM), threadId: 7 });
    expect(reply!.text).toMatch(/^Subscription updated/);
    expect(f.rt.store.getSubscription('tg-topic')?.tokens).toEqual(['TAO']);
  });

  it('GIVEN channel posts THEN commands are answered in the channel, and an allow-listed channel counts as admin', async () => {
    const chat = { id: CHANNEL, type: 'channel', title: 'Radar channel' };
    push('/alerts mute WLD', { chat, channel: true });
    const [reply] = await replies(1);
    expect(reply!.chatId).toBe(String(CHANNEL));
    expect(f.rt.config.alerts.moves.muted).toEqual(['WLD']);
    expect(f.rt.store.auditLog()).toMatchObject([{ outcome: 'applied', actor: { userId: String(CHANNEL), userName: 'Radar channel' } }]);
  });

  it('GIVEN a command addressed to another bot THEN it is ignored; addressed to this bot THEN it is answered', async () => {
    push('/why@some_other_bot TAO', { chat: group });
    const mine = push(`/why@${telegram.bot.username} TAO`, { chat: group });
    await replies(1);
    // Updates are handled in order: once the second is answered, the first was skipped.
    expect(telegram.messages).toHaveLength(1);
    expect(telegram.messages[0]!.params.reply_parameters).toMatchObject({ message_id: mine });
  });

  it('GIVEN the bot starts THEN everyone gets the public command menu and each admin user the full one', async () => {
    await vi.waitFor(() => expect(telegram.commandSets).toHaveLength(2), { timeout: 10_000, interval: 20 });
    const [everyone, admin] = telegram.commandSets;
    expect(everyone!.scope).toBeUndefined();
    expect((everyone!.commands as { command: string }[]).map((c) => c.command)).not.toContain('alerts');
    expect(admin!.scope).toEqual({ type: 'chat', chat_id: ADMIN });
    expect((admin!.commands as { command: string }[]).map((c) => c.command)).toContain('feeds');
  });
});

describe('renderTelegramReply', () => {
  it('GIVEN a reply over every limit THEN the HTML fits 4096 characters and still parses', () => {
    const huge = '<b>&amp; 🤖 '.repeat(1_000);
    const html = renderTelegramReply({ status: 'ok', title: huge, url: 'https://example.com/?a=1&b="2"', text: huge, fields: Array.from({ length: 30 }, () => ({ name: huge, value: huge })), footer: huge, private: false });
    expect(html.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
    expect(() => parseTelegramHtml(html)).not.toThrow();
    expect(html).toContain('href="https://example.com/?a=1&amp;b=%222%22"');
  });
});
