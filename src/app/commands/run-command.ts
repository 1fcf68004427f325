/**
 * One entry point for both chat platforms: route a parsed command to its
 * resolver, guarding admin commands with the one precondition, and turn an
 * unexpected error into a polite reply (logged with its stack for the operator).
 */
import { requireAdmin } from './admin.ts';
import { resolveAlerts } from './alerts-admin.ts';
import { resolveFeeds } from './feeds-admin.ts';
import { resolvePrice, resolveWhy } from './market.ts';
import { COMMANDS, type ParsedCommand } from './parse.ts';
import { resolveSettings, resolveSubscribe, resolveUnsubscribe } from './subscribe.ts';
import { resolveDigest, resolveThemes } from './themes.ts';
import { reply, type CommandContext, type CommandDeps, type Reply } from './types.ts';

function help(ctx: CommandContext, welcome: boolean): Reply {
  const visible = COMMANDS.filter((c) => !(c.telegramOnly && ctx.platform !== 'telegram'));
  return reply('ok', welcome ? 'Narrative Radar' : 'Commands', {
    text: welcome
      ? 'I watch Crypto-AI news in many languages and token prices, and when a token moves I say which story probably moved it.'
      : undefined,
    fields: visible.filter((c) => ctx.isAdmin || !c.admin).map((c) => ({ name: c.usage, value: c.description })),
    footer: ctx.isAdmin ? 'You are an admin here.' : 'Admin commands (/alerts, /feeds) are listed for admins.',
    private: true,
  });
}

async function dispatch(command: ParsedCommand, ctx: CommandContext, deps: CommandDeps): Promise<Reply> {
  switch (command.name) {
    case 'start':
      return help(ctx, true);
    case 'help':
      return help(ctx, false);
    case 'price':
      return resolvePrice(command, deps);
    case 'why':
      return resolveWhy(command, deps);
    case 'themes':
      return resolveThemes(ctx, deps);
    case 'digest':
      return resolveDigest(ctx, deps);
    case 'subscribe':
      return resolveSubscribe(command, ctx, deps);
    case 'unsubscribe':
      return resolveUnsubscribe(command, ctx, deps);
    case 'settings':
      return resolveSettings(ctx, deps);
    case 'alerts':
      return requireAdmin(ctx, deps, `alerts ${command.action.op}`) ?? resolveAlerts(command.action, ctx, deps);
    case 'feeds':
      return requireAdmin(ctx, deps, `feeds ${command.action.op}`) ?? resolveFeeds(command.action, ctx, deps);
    case 'usage': {
      const info = COMMANDS.find((c) => c.name === command.command);
      return reply('invalid', command.problem, { text: `Usage: ${info?.usage ?? `/${command.command}`}` });
    }
  }
}

/** Answer one command. Never throws: a resolver bug becomes an error reply and an error log. */
export async function runCommand(command: ParsedCommand, ctx: CommandContext, deps: CommandDeps): Promise<Reply> {
  try {
    return await dispatch(command, ctx, deps);
  } catch (err) {
    deps.rt.log.error({ err, command: command.name, platform: ctx.platform, chatId: ctx.chatId }, 'command failed (bug?)');
    return reply('error', 'Sorry, something went wrong', { text: 'The error was logged for the operator. Nothing was changed unless a reply said so.' });
  }
}
