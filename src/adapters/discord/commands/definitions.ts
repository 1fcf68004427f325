/**
 * The slash commands as Discord registers them (`radar deploy-commands`), and
 * the mapping from an interaction's options back to the neutral
 * {@link ParsedCommand} the resolvers take. Admin commands are visible to
 * everyone on purpose: allow-listed admins may lack Manage Server, and the
 * server-side precondition refuses everyone else politely.
 */
import { SlashCommandBuilder, type RESTPostAPIChatInputApplicationCommandsJSONBody, type SlashCommandStringOption } from 'discord.js';
import { COMMANDS, splitArgs, type CommandName, type ParsedCommand, type SubscriptionChange } from '../../../app/commands/parse.ts';
import { KIND_MODES, SEVERITIES, SUBSCRIPTION_KINDS } from '../../../app/commands/subscription.ts';
import { DIGEST_LANGUAGES } from '../../../domain/digest.ts';

const describe = (name: CommandName) => COMMANDS.find((c) => c.name === name)!.description.slice(0, 100);
const choices = (values: readonly string[]) => values.map((v) => ({ name: v, value: v }));

const token = (o: SlashCommandStringOption) => o.setName('token').setDescription('Ticker, e.g. TAO').setRequired(true).setMaxLength(20);
const feedId = (o: SlashCommandStringOption) => o.setName('id').setDescription('Feed id, e.g. coindesk').setRequired(true).setMaxLength(64);

/** Every slash command, as the JSON `PUT /applications/{app}/commands` takes. */
export function slashCommandDefinitions(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    new SlashCommandBuilder().setName('price').setDescription(describe('price')).addStringOption(token),
    new SlashCommandBuilder().setName('why').setDescription(describe('why')).addStringOption(token),
    new SlashCommandBuilder().setName('themes').setDescription(describe('themes')),
    new SlashCommandBuilder().setName('digest').setDescription(describe('digest')),
    new SlashCommandBuilder()
      .setName('subscribe')
      .setDescription(describe('subscribe'))
      .addStringOption((o) => o.setName('topics').setDescription('Tokens or themes to follow, space-separated (e.g. TAO gpu-compute)').setMaxLength(200))
      .addStringOption((o) => o.setName('severity').setDescription('Minimum severity of move and story alerts').addChoices(...choices(SEVERITIES)))
      .addStringOption((o) => o.setName('kind').setDescription('An alert kind to switch (with mode)').addChoices(...choices(SUBSCRIPTION_KINDS)))
      .addStringOption((o) => o.setName('mode').setDescription('on, silent (no notification) or off').addChoices(...choices(KIND_MODES)))
      .addStringOption((o) => o.setName('digest_time').setDescription('Daily digest at HH:MM local time, or off').setMaxLength(5))
      .addStringOption((o) => o.setName('timezone').setDescription('IANA time zone, e.g. Europe/Berlin').setMaxLength(64))
      .addStringOption((o) => o.setName('language').setDescription('Language of digest labels').addChoices(...choices(DIGEST_LANGUAGES))),
    new SlashCommandBuilder()
      .setName('unsubscribe')
      .setDescription(describe('unsubscribe'))
      .addStringOption((o) => o.setName('topics').setDescription('Tokens or themes to drop, space-separated, or all').setRequired(true).setMaxLength(200)),
    new SlashCommandBuilder().setName('settings').setDescription(describe('settings')),
    new SlashCommandBuilder()
      .setName('alerts')
      .setDescription(describe('alerts'))
      .addSubcommand((s) => s.setName('show').setDescription('Current thresholds, cooldowns, mutes and quiet hours'))
      .addSubcommand((s) =>
        s
          .setName('set')
          .setDescription('Change a setting')
          .addStringOption((o) => o.setName('setting').setDescription('e.g. threshold:24h, abnormal, min-z, cooldown, story-score').setRequired(true).setMaxLength(40))
          .addStringOption((o) => o.setName('value').setDescription('e.g. 12%, 4h, 2').setRequired(true).setMaxLength(20)),
      )
      .addSubcommand((s) => s.setName('mute').setDescription('Never alert on a token or theme').addStringOption((o) => o.setName('target').setDescription('Token or theme').setRequired(true).setMaxLength(64)))
      .addSubcommand((s) => s.setName('unmute').setDescription('Alert on a muted token or theme again').addStringOption((o) => o.setName('target').setDescription('Token or theme').setRequired(true).setMaxLength(64)))
      .addSubcommand((s) => s.setName('quiet').setDescription('Quiet hours of this channel (alerts arrive silently)').addStringOption((o) => o.setName('hours').setDescription('e.g. 22:00-07:00, or off').setRequired(true).setMaxLength(20)))
      .addSubcommand((s) => s.setName('reset').setDescription('Back to alerts.yaml').addStringOption((o) => o.setName('setting').setDescription('A setting, mutes, or all').setRequired(true).setMaxLength(40))),
    new SlashCommandBuilder()
      .setName('feeds')
      .setDescription(describe('feeds'))
      .addSubcommand((s) => s.setName('list').setDescription('Every feed and its health'))
      .addSubcommand((s) => s.setName('status').setDescription('One feed in detail').addStringOption(feedId))
      .addSubcommand((s) =>
        s
          .setName('add')
          .setDescription('Add an RSS, Atom or JSON feed')
          .addStringOption((o) => o.setName('url').setDescription('https://…').setRequired(true).setMaxLength(500))
          .addStringOption((o) => o.setName('id').setDescription('Feed id (default: from the host name)').setMaxLength(64))
          .addStringOption((o) => o.setName('name').setDescription('Name shown in alerts').setMaxLength(100))
          .addStringOption((o) => o.setName('language').setDescription('Two-letter language hint, e.g. en').setMaxLength(3)),
      )
      .addSubcommand((s) => s.setName('disable').setDescription('Stop polling a feed').addStringOption(feedId))
      .addSubcommand((s) => s.setName('enable').setDescription('Poll a disabled feed again').addStringOption(feedId)),
    new SlashCommandBuilder().setName('help').setDescription(describe('help')),
  ].map((b) => b.toJSON());
}

/** What the mapping reads from a chat-input interaction (discord.js's option resolver fits). */
export interface SlashInvocation {
  commandName: string;
  getSubcommand(): string | null;
  getString(name: string): string | null;
}

function subscribeChanges(i: SlashInvocation): ParsedCommand {
  const changes: SubscriptionChange[] = [];
  const topics = i.getString('topics');
  if (topics) changes.push({ set: 'topics', add: splitArgs(topics) });
  const severity = i.getString('severity');
  if (severity) changes.push({ set: 'minSeverity', value: severity });
  const kind = i.getString('kind');
  const mode = i.getString('mode');
  if ((kind === null) !== (mode === null)) return { name: 'usage', command: 'subscribe', problem: 'kind and mode go together, e.g. kind: story, mode: silent' };
  if (kind && mode) changes.push({ set: 'kind', kind, mode });
  const digest = i.getString('digest_time');
  if (digest) {
    if (digest.toLowerCase() === 'off') changes.push({ set: 'kind', kind: 'digest', mode: 'off' }, { set: 'digestAt', value: null });
    else changes.push({ set: 'digestAt', value: digest.padStart(5, '0') });
  }
  const timeZone = i.getString('timezone');
  if (timeZone) changes.push({ set: 'timeZone', value: timeZone });
  const language = i.getString('language');
  if (language) changes.push({ set: 'language', value: language });
  return { name: 'subscribe', changes };
}

/** The neutral command for an interaction; undefined for a command this build does not know (stale registration). */
export function parseSlashCommand(i: SlashInvocation): ParsedCommand | undefined {
  const required = (name: string) => i.getString(name) ?? '';
  switch (i.commandName) {
    case 'price':
    case 'why':
      return { name: i.commandName, token: required('token') };
    case 'themes':
    case 'digest':
    case 'settings':
    case 'help':
      return { name: i.commandName };
    case 'subscribe':
      return subscribeChanges(i);
    case 'unsubscribe':
      return { name: 'unsubscribe', topics: splitArgs(required('topics')) };
    case 'alerts': {
      const sub = i.getSubcommand();
      if (sub === 'set') return { name: 'alerts', action: { op: 'set', setting: required('setting'), value: required('value') } };
      if (sub === 'mute' || sub === 'unmute') return { name: 'alerts', action: { op: sub, target: required('target') } };
      if (sub === 'quiet') return { name: 'alerts', action: { op: 'quiet', range: required('hours') } };
      if (sub === 'reset') return { name: 'alerts', action: { op: 'reset', setting: required('setting') } };
      return { name: 'alerts', action: { op: 'show' } };
    }
    case 'feeds': {
      const sub = i.getSubcommand();
      if (sub === 'status' || sub === 'disable' || sub === 'enable') return { name: 'feeds', action: { op: sub, id: required('id') } };
      if (sub === 'add') {
        const id = i.getString('id');
        const name = i.getString('name');
        const language = i.getString('language');
        return { name: 'feeds', action: { op: 'add', url: required('url'), ...(id ? { id } : {}), ...(name ? { name } : {}), ...(language ? { language } : {}) } };
      }
      return { name: 'feeds', action: { op: 'list' } };
    }
    default:
      return undefined;
  }
}
