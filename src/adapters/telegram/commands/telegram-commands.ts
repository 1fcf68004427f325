/**
 * The Telegram command bot: telegraf long polling, commands from private
 * chats, groups, forum topics (answered in the same topic) and channels
 * (channel_post updates), admin status from the allow-list, replies in
 * escaped HTML. What a command does lives in app/commands.
 */
import { Telegraf, TelegramError, type Context } from 'telegraf';
import type { Message } from 'telegraf/types';
import { findDestination, type ChatDestination } from '../../../app/commands/destinations.ts';
import { COMMANDS, parseCommandText, type ParsedCommand } from '../../../app/commands/parse.ts';
import type { CommandContext, Reply } from '../../../app/commands/types.ts';
import type { Logger } from '../../../app/ports.ts';
import { redactError } from '../../chat/sanitize.ts';
import { renderTelegramReply } from './render-reply.ts';

export const TELEGRAM_API_ROOT = 'https://api.telegram.org';

/** The user Telegram shows for anonymous group admins; its id says nothing about who wrote. */
const GROUP_ANONYMOUS_BOT_ID = 1087968824;

export interface TelegramCommandsOptions {
  token: string;
  apiRoot?: string;
  /**
   * Allow-listed ids (TELEGRAM_ADMIN_IDS). A user id makes that user an admin;
   * a channel or group id makes posts sent as that chat admin posts (only its
   * admins can post as it), which is how admin commands work in channels.
   */
  adminIds: readonly string[];
  destinations: readonly ChatDestination[];
  run(command: ParsedCommand, ctx: CommandContext): Promise<Reply>;
  log: Logger;
}

export interface CommandBot {
  stop(): Promise<void>;
}

type TextMessage = Message.TextMessage;

/** Who sent a message, and whether they are an admin by the allow-list. */
export function senderOf(msg: TextMessage, adminIds: readonly string[]): { userId?: string; userName?: string; isAdmin: boolean } {
  const from = msg.from && msg.from.id !== GROUP_ANONYMOUS_BOT_ID ? msg.from : undefined;
  const chat = msg.sender_chat;
  if (from) return { userId: String(from.id), userName: from.username ?? from.first_name, isAdmin: adminIds.includes(String(from.id)) };
  if (chat) return { userId: String(chat.id), userName: 'title' in chat ? chat.title : undefined, isAdmin: adminIds.includes(String(chat.id)) };
  return { isAdmin: false };
}

/** The command in a message (`/name@bot payload`), when it starts with one addressed to this bot. */
export function commandOf(msg: TextMessage, botUsername: string): { name: string; payload: string } | undefined {
  const entity = msg.entities?.[0];
  if (!entity || entity.type !== 'bot_command' || entity.offset !== 0) return undefined;
  const [name = '', to] = msg.text.slice(1, entity.length).split('@');
  if (to && to.toLowerCase() !== botUsername.toLowerCase()) return undefined;
  return { name, payload: msg.text.slice(entity.length).trim() };
}

/** Command menus: everyone sees the public commands; each allow-listed user also sees the admin ones in their private chat. */
export async function setTelegramCommandMenus(telegram: Telegraf['telegram'], adminIds: readonly string[]): Promise<void> {
  const menu = (admin: boolean) =>
    COMMANDS.filter((c) => admin || !c.admin).map((c) => ({ command: c.name, description: c.description.slice(0, 256) }));
  await telegram.setMyCommands(menu(false));
  for (const id of adminIds.filter((a) => /^\d+$/.test(a))) {
    await telegram.setMyCommands(menu(true), { scope: { type: 'chat', chat_id: Number(id) } });
  }
}

/** Start long polling; resolves once the bot knows itself (getMe), rejects on a refused token. */
export async function startTelegramCommands(options: TelegramCommandsOptions): Promise<CommandBot> {
  const log = options.log.child({ component: 'telegram-commands' });
  const secrets = [options.token];
  const bot = new Telegraf(options.token, { telegram: { apiRoot: options.apiRoot ?? TELEGRAM_API_ROOT } });

  const answer = async (ctx: Context, msg: TextMessage): Promise<void> => {
    const found = commandOf(msg, ctx.botInfo.username);
    if (!found) return;
    const command = parseCommandText(found.name, found.payload);
    const threadId = msg.is_topic_message ? msg.message_thread_id : undefined;
    const chatId = String(msg.chat.id);
    if (!command) {
      // In groups an unknown command is probably another bot's.
      if (msg.chat.type !== 'private') return;
    }
    const sender = senderOf(msg, options.adminIds);
    const context: CommandContext = {
      platform: 'telegram',
      ...sender,
      destination: findDestination(options.destinations, {
        platform: 'telegram',
        chatId,
        username: 'username' in msg.chat ? msg.chat.username : undefined,
        threadId,
      }),
      chatId,
    };
    const reply: Reply = command
      ? await options.run(command, context)
      : { status: 'invalid', title: `I do not know /${found.name}`, text: 'Send /help for the list of commands.', private: true };
    log.debug({ command: found.name, chatId, threadId, userId: context.userId, status: reply.status }, 'command answered');
    await ctx.telegram.sendMessage(msg.chat.id, renderTelegramReply(reply), {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      // In a forum the answer belongs in the topic the command came from.
      ...(threadId !== undefined ? { message_thread_id: threadId } : {}),
      reply_parameters: { message_id: msg.message_id, allow_sending_without_reply: true },
    });
  };

  bot.on(['message', 'channel_post'], async (ctx) => {
    const msg = (ctx.message ?? ctx.channelPost) as Message | undefined;
    if (!msg || !('text' in msg)) return;
    try {
      await answer(ctx, msg);
    } catch (err) {
      const e = redactError(err, secrets);
      if (e instanceof TelegramError) {
        // 403: blocked or removed from the chat; 429: flooded. A command reply is not worth a retry.
        log.warn({ code: e.code, description: e.description, retryAfter: e.parameters?.retry_after, chatId: msg.chat.id }, 'could not answer a command');
      } else throw e;
    }
  });
  bot.catch((err, ctx) => log.error({ err: redactError(err, secrets), updateId: ctx.update.update_id }, 'command handler failed'));

  let polling: Promise<void> | undefined;
  let settled = false;
  await new Promise<void>((resolve, reject) => {
    polling = bot.launch({ allowedUpdates: ['message', 'channel_post'] }, resolve);
    polling.catch((err: unknown) => reject(redactError(err, secrets)));
  });
  // Failures after start (409: another instance polls with this token; 401: token revoked) end polling.
  const done = polling!
    .catch((err: unknown) => {
      const e = redactError(err, secrets);
      log.error({ err: e, code: e instanceof TelegramError ? e.code : undefined }, 'telegram command polling stopped');
    })
    .finally(() => (settled = true));
  setTelegramCommandMenus(bot.telegram, options.adminIds).catch((err: unknown) =>
    log.warn({ err: redactError(err, secrets) }, 'could not set the Telegram command menu; commands still work when typed'),
  );
  log.info({ username: bot.botInfo?.username }, 'telegram commands ready');
  return {
    async stop() {
      // launch() resolves our start at getMe, then deletes the webhook before it polls: until then
      // bot.stop() throws "not running", so try again until polling exists or launch has ended.
      while (!settled) {
        try {
          bot.stop('shutdown');
          break;
        } catch {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
      await done;
    },
  };
}
