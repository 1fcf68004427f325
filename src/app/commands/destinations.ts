/**
 * Which configured alert destination a chat is, so /subscribe in a channel
 * changes that channel's subscription. Built from alerts.yaml (and the env
 * shortcuts main.ts uses when alerts.yaml lists none), for destinations that
 * are wired to a sink.
 */
import type { AppConfig } from '../../config/load-config.ts';
import type { ChatPlatform } from './types.ts';

export interface ChatDestination {
  id: string;
  platform: ChatPlatform;
  /** Discord channel id; Telegram numeric chat id or "@username". */
  chatId: string;
  /** Telegram forum topic; the destination is that topic only. */
  threadId?: number;
}

export interface DestinationShortcuts {
  /** DISCORD_CHANNEL_ID when the "discord" shortcut destination is wired. */
  discordChannelId?: string;
  /** TELEGRAM_CHAT_ID when the "telegram" shortcut destination is wired. */
  telegramChatId?: string;
}

/** Chat destinations among `wired` (destination ids that have a sink). */
export function chatDestinationsOf(config: AppConfig, shortcuts: DestinationShortcuts, wired: ReadonlySet<string>): ChatDestination[] {
  const out: ChatDestination[] = [];
  for (const d of config.alerts.destinations) {
    if (!wired.has(d.id)) continue;
    if (d.type === 'discord') out.push({ id: d.id, platform: 'discord', chatId: d.channelId });
    if (d.type === 'telegram') out.push({ id: d.id, platform: 'telegram', chatId: String(d.chatId), ...(d.messageThreadId !== undefined ? { threadId: d.messageThreadId } : {}) });
  }
  // The ids main.ts gives the env shortcut destinations.
  if (shortcuts.discordChannelId && wired.has('discord')) out.push({ id: 'discord', platform: 'discord', chatId: shortcuts.discordChannelId });
  if (shortcuts.telegramChatId && wired.has('telegram')) out.push({ id: 'telegram', platform: 'telegram', chatId: shortcuts.telegramChatId });
  return out;
}

export interface ChatAddress {
  platform: ChatPlatform;
  chatId: string;
  /** Telegram public username of the chat, without "@", to match "@channel" destinations. */
  username?: string;
  threadId?: number;
}

/** The destination a chat (and topic) is; a topic-specific destination wins over the whole chat's. */
export function findDestination(list: readonly ChatDestination[], chat: ChatAddress): string | undefined {
  const sameChat = list.filter(
    (d) =>
      d.platform === chat.platform &&
      (d.chatId === chat.chatId || (chat.username !== undefined && d.chatId.toLowerCase() === `@${chat.username.toLowerCase()}`)),
  );
  return (sameChat.find((d) => d.threadId !== undefined && d.threadId === chat.threadId) ?? sameChat.find((d) => d.threadId === undefined))?.id;
}
