/**
 * Register the slash commands with Discord: for one guild (instant, for
 * testing) or globally (every server the bot is in; Discord may take a while
 * to show changes). A PUT replaces the whole set, so it is idempotent.
 */
import { DiscordAPIError, REST, Routes } from 'discord.js';
import { redactError } from '../../chat/sanitize.ts';
import { DISCORD_API_ROOT } from './discord-commands.ts';
import { slashCommandDefinitions } from './definitions.ts';

export interface DeployOptions {
  token: string;
  apiRoot?: string;
  /** The application id; looked up with the token (`GET /applications/@me`) when absent. */
  applicationId?: string;
  /** Register for this guild only; global when absent. */
  guildId?: string;
}

export interface DeployResult {
  applicationId: string;
  scope: 'guild' | 'global';
  commands: string[];
}

/** What went wrong, for the operator running the command. */
function explain(err: unknown, options: DeployOptions): Error {
  if (err instanceof DiscordAPIError) {
    const hint =
      err.status === 401
        ? 'Discord rejected DISCORD_TOKEN: copy the bot token again (Developer Portal → Bot → Reset Token)'
        : err.status === 403 || err.code === 50001
          ? options.guildId
            ? `the bot cannot register commands in guild ${options.guildId}: invite it with the applications.commands scope (OAuth2 → URL Generator)`
            : 'the bot may not register commands: check the application id'
          : err.status === 400
            ? `Discord refused the command definitions: ${err.message}`
            : `Discord answered ${err.status}: ${err.message}`;
    return new Error(hint, { cause: redactError(err, [options.token]) });
  }
  return new Error(`could not reach Discord: ${err instanceof Error ? err.message : String(err)}`, { cause: redactError(err, [options.token]) });
}

export async function deployDiscordCommands(options: DeployOptions): Promise<DeployResult> {
  const rest = new REST({ api: options.apiRoot ?? DISCORD_API_ROOT, retries: 1 }).setToken(options.token);
  const body = slashCommandDefinitions();
  try {
    const applicationId = options.applicationId ?? ((await rest.get(Routes.currentApplication())) as { id: string }).id;
    const route = options.guildId ? Routes.applicationGuildCommands(applicationId, options.guildId) : Routes.applicationCommands(applicationId);
    await rest.put(route, { body });
    return { applicationId, scope: options.guildId ? 'guild' : 'global', commands: body.map((c) => c.name) };
  } catch (err) {
    throw explain(err, options);
  }
}
