/**
 * `radar deploy-commands [--guild ID] [--app ID]` (npm run deploy-commands):
 * register the Discord slash commands, for one guild (shows at once) or
 * globally, and set the Telegram command menus, for each platform whose
 * token is set.
 */
import { parseArgs } from 'node:util';
import { Telegram } from 'telegraf';
import { deployDiscordCommands } from '../adapters/discord/commands/deploy.ts';
import { setTelegramCommandMenus, TELEGRAM_API_ROOT } from '../adapters/telegram/commands/telegram-commands.ts';
import type { Env } from '../config/env.ts';

export interface DeployCommandsOptions {
  env: Env;
  out: (line: string) => void;
  err: (line: string) => void;
}

export async function deployCommandsCommand(args: string[], { env, out, err }: DeployCommandsOptions): Promise<number> {
  const { values } = parseArgs({ args, options: { guild: { type: 'string' }, app: { type: 'string' } } });
  if (!env.DISCORD_TOKEN && !env.TELEGRAM_BOT_TOKEN) {
    err('Set DISCORD_TOKEN (and/or TELEGRAM_BOT_TOKEN) to deploy commands: see .env.example');
    return 1;
  }
  if (values.guild !== undefined && !/^\d{15,22}$/.test(values.guild)) {
    err(`--guild takes a server id (a 17–20 digit number; Developer Mode → right-click the server → Copy Server ID), not "${values.guild}"`);
    return 2;
  }
  let failed = false;
  if (env.DISCORD_TOKEN) {
    try {
      const r = await deployDiscordCommands({ token: env.DISCORD_TOKEN, apiRoot: env.DISCORD_API_URL, applicationId: values.app, guildId: values.guild });
      out(`✔ Discord: ${r.commands.length} slash commands registered ${r.scope === 'guild' ? `in guild ${values.guild}` : 'globally (Discord may take up to an hour to show changes)'}: ${r.commands.map((c) => `/${c}`).join(' ')}`);
    } catch (e) {
      failed = true;
      err(`✘ Discord: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  if (env.TELEGRAM_BOT_TOKEN) {
    try {
      await setTelegramCommandMenus(new Telegram(env.TELEGRAM_BOT_TOKEN, { apiRoot: env.TELEGRAM_API_URL ?? TELEGRAM_API_ROOT }), env.TELEGRAM_ADMIN_IDS);
      out(`✔ Telegram: command menu set${env.TELEGRAM_ADMIN_IDS.length > 0 ? `, with admin commands for ${env.TELEGRAM_ADMIN_IDS.length} admin(s)` : ''}`);
    } catch (e) {
      failed = true;
      // telegraf errors quote the request URL, which holds the token.
      err(`✘ Telegram: ${(e instanceof Error ? e.message : String(e)).split(env.TELEGRAM_BOT_TOKEN).join('[REDACTED]')}`);
    }
  }
  return failed ? 1 : 0;
}
