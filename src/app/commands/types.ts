/**
 * What every command resolver takes and returns: parsed arguments, the
 * context of the person asking, the dependencies, and a platform-neutral
 * reply that thin adapters render (Discord embed, Telegram HTML).
 */
import type { AppConfig } from '../../config/load-config.ts';
import type { Actor, Platform } from '../commands-store.ts';
import type { Runtime } from '../runtime.ts';

export type ChatPlatform = Exclude<Platform, 'cli'>;

export interface CommandContext {
  platform: ChatPlatform;
  /** Who sent the command: a user id, or in a Telegram channel the channel's id. Absent when the platform gives none. */
  userId?: string;
  userName?: string;
  /** Decided by the adapter from platform facts (Manage Server, allow-listed ids); resolvers only read it. */
  isAdmin: boolean;
  /** The configured alert destination this chat is, if it is one. */
  destination?: string;
  /** The platform's chat or channel id, for messages telling an admin what to configure. */
  chatId: string;
}

export type ReplyStatus = 'ok' | 'empty' | 'invalid' | 'refused' | 'error';

/**
 * A command's answer. Every string may contain feed-derived or user-typed
 * text: renderers escape all of it and apply their platform's length limits.
 */
export interface Reply {
  status: ReplyStatus;
  title: string;
  url?: string;
  text?: string;
  fields?: { name: string; value: string }[];
  footer?: string;
  /** Only the person who asked sees it where the platform allows (Discord ephemeral replies). */
  private: boolean;
}

/** How feed URLs added from chat are checked. */
export interface FeedUrlPolicy {
  /** Accept loopback, private and link-local addresses (off by default: a chat command must not reach the LAN). */
  allowPrivate: boolean;
  /** Addresses a host name resolves to; names are refused when absent and private addresses are not allowed. */
  lookup?: (hostname: string) => Promise<string[]>;
}

export interface CommandDeps {
  rt: Runtime;
  /** The YAML config without overrides: every change re-applies all overrides onto it. */
  baseConfig: () => AppConfig;
  feedUrls: FeedUrlPolicy;
}

/** The audit actor for a command context. */
export function actorOf(ctx: CommandContext): Actor {
  return { platform: ctx.platform, userId: ctx.userId ?? 'unknown', ...(ctx.userName ? { userName: ctx.userName } : {}) };
}

export function reply(status: ReplyStatus, title: string, rest: Partial<Omit<Reply, 'status' | 'title'>> = {}): Reply {
  return { status, title, private: status !== 'ok' && status !== 'empty', ...rest };
}
