/**
 * The Discord command bot: a discord.js gateway client that turns slash
 * commands into neutral commands, decides who is an admin from Discord's own
 * facts (Manage Server, or an allow-listed user id), runs the resolver and
 * renders its reply. Everything else (what a command does) lives in
 * app/commands.
 */
import { Client, DiscordAPIError, Events, Options, PermissionFlagsBits, type ChatInputCommandInteraction, type Interaction } from 'discord.js';
import { findDestination, type ChatDestination } from '../../../app/commands/destinations.ts';
import type { ParsedCommand } from '../../../app/commands/parse.ts';
import type { CommandContext, Reply } from '../../../app/commands/types.ts';
import type { Logger } from '../../../app/ports.ts';
import { redactError } from '../../chat/sanitize.ts';
import { parseSlashCommand } from './definitions.ts';
import { renderDiscordReply } from './render-reply.ts';

export const DISCORD_API_ROOT = 'https://discord.com/api';

const LEAN_CACHES = Options.cacheWithLimits({
  UserManager: 0,
  GuildMemberManager: 0,
  MessageManager: 0,
  ThreadManager: 0,
  ThreadMemberManager: 0,
  ReactionManager: 0,
  PresenceManager: 0,
  VoiceStateManager: 0,
  GuildEmojiManager: 0,
  GuildStickerManager: 0,
});

export interface DiscordCommandsOptions {
  token: string;
  /** REST root, default {@link DISCORD_API_ROOT}; the gateway URL comes from `GET /gateway/bot` there. */
  apiRoot?: string;
  /** User ids that are admins wherever they are (DISCORD_ADMIN_IDS). */
  adminIds: readonly string[];
  destinations: readonly ChatDestination[];
  run(command: ParsedCommand, ctx: CommandContext): Promise<Reply>;
  log: Logger;
}

export interface CommandBot {
  stop(): Promise<void>;
}

/** Admin here: Manage Server in this guild (Discord computes the member's permissions), or allow-listed. */
export function isDiscordAdmin(interaction: Pick<ChatInputCommandInteraction, 'memberPermissions' | 'user'>, adminIds: readonly string[]): boolean {
  return interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) === true || adminIds.includes(interaction.user.id);
}

/** Log in, wait until the gateway is ready, and answer slash commands until stopped. Rejects on a bad token. */
export async function startDiscordCommands(options: DiscordCommandsOptions): Promise<CommandBot> {
  const log = options.log.child({ component: 'discord-commands' });
  const secrets = [options.token];
  // No intents: interactions arrive without any, and an answer needs no guild state. With Guilds, every guild
  // the bot is in would be kept whole (channels, roles, emojis, threads); the limits cover what an
  // interaction itself would add (its user, member and resolved options).
  const client = new Client({ intents: [], rest: { api: options.apiRoot ?? DISCORD_API_ROOT }, makeCache: LEAN_CACHES });

  const answer = async (interaction: ChatInputCommandInteraction): Promise<void> => {
    const command = parseSlashCommand({
      commandName: interaction.commandName,
      getSubcommand: () => interaction.options.getSubcommand(false),
      getString: (name) => interaction.options.getString(name),
    });
    const ctx: CommandContext = {
      platform: 'discord',
      userId: interaction.user.id,
      userName: interaction.user.username,
      isAdmin: isDiscordAdmin(interaction, options.adminIds),
      destination: findDestination(options.destinations, { platform: 'discord', chatId: interaction.channelId }),
      chatId: interaction.channelId,
    };
    const reply: Reply = command
      ? await options.run(command, ctx)
      : { status: 'invalid', title: `/${interaction.commandName} is not a command of this version`, text: 'An admin can refresh the command list with `npm run deploy-commands`.', private: true };
    log.debug({ command: interaction.commandName, userId: ctx.userId, status: reply.status }, 'slash command answered');
    await interaction.reply(renderDiscordReply(reply));
  };

  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    if (!interaction.isChatInputCommand()) return;
    answer(interaction).catch((err: unknown) => {
      // 10062: the 3-second window to answer passed; 40060: already answered. Neither is worth a retry.
      const code = err instanceof DiscordAPIError ? err.code : undefined;
      log.warn({ err: redactError(err, secrets), code, command: interaction.commandName }, 'could not answer a slash command');
    });
  });
  client.on(Events.Error, (err) => log.error({ err: redactError(err, secrets) }, 'discord client error'));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(options.token);
    await ready;
  } catch (err) {
    await client.destroy();
    throw redactError(err, secrets);
  }
  log.info({ user: client.user?.tag, applicationId: client.application?.id }, 'discord commands ready');
  return {
    async stop() {
      await client.destroy();
    },
  };
}
