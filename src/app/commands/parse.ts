/**
 * Chat commands, parsed once at the edge into one typed shape for both
 * platforms: Telegram text ("/alerts set cooldown 4h") goes through
 * {@link parseCommandText}; the Discord adapter builds the same shapes from
 * slash-command options. Values stay strings here; resolvers validate them
 * with the config and subscription schemas.
 */

export type SubscriptionChange =
  | { set: 'topics'; add: string[] }
  | { set: 'minSeverity'; value: string }
  | { set: 'kind'; kind: string; mode: string }
  | { set: 'digestAt'; value: string | null }
  | { set: 'timeZone'; value: string }
  | { set: 'language'; value: string };

export type AlertsAction =
  | { op: 'show' }
  | { op: 'set'; setting: string; value: string }
  | { op: 'mute' | 'unmute'; target: string }
  /** "22:00-07:00" or "off". */
  | { op: 'quiet'; range: string }
  | { op: 'reset'; setting: string };

export type FeedsAction =
  | { op: 'list' }
  | { op: 'status' | 'disable' | 'enable'; id: string }
  | { op: 'add'; url: string; id?: string; name?: string; language?: string };

export type ParsedCommand =
  | { name: 'start' | 'help' | 'themes' | 'digest' | 'settings' }
  | { name: 'price' | 'why'; token: string }
  | { name: 'subscribe'; changes: SubscriptionChange[] }
  /** ["all"] resets the subscription. */
  | { name: 'unsubscribe'; topics: string[] }
  | { name: 'alerts'; action: AlertsAction }
  | { name: 'feeds'; action: FeedsAction }
  /** Arguments that do not fit: answered with the command's usage. */
  | { name: 'usage'; command: CommandName; problem: string };

export interface CommandInfo {
  name: Exclude<ParsedCommand['name'], 'usage'>;
  usage: string;
  description: string;
  admin: boolean;
  /** Telegram lists these in its command menu; Discord registers its own definitions. */
  telegramOnly?: boolean;
}

/** Every command, in the order /help lists them. */
export const COMMANDS: readonly CommandInfo[] = [
  { name: 'price', usage: '/price TOKEN', description: 'Latest price and 24h change', admin: false },
  { name: 'why', usage: '/why TOKEN', description: 'The latest move with its catalysts', admin: false },
  { name: 'themes', usage: '/themes', description: 'Mindshare and sentiment by theme', admin: false },
  { name: 'digest', usage: '/digest', description: 'Top stories, biggest moves and sentiment of the last 24h', admin: false },
  { name: 'subscribe', usage: '/subscribe [TOKEN|THEME…] | severity low|medium|high | move|sector|story|notice|digest on|silent|off | digest HH:MM|off | timezone ZONE | language xx', description: 'What this chat receives', admin: false },
  { name: 'unsubscribe', usage: '/unsubscribe TOKEN|THEME… | all', description: 'Stop following topics (all: back to everything)', admin: false },
  { name: 'settings', usage: '/settings', description: "This chat's subscription", admin: false },
  { name: 'alerts', usage: '/alerts [show] | set SETTING VALUE | mute|unmute TOKEN|THEME | quiet HH:MM-HH:MM|off | reset SETTING|all', description: 'Thresholds, cooldowns, mutes, quiet hours (admins)', admin: true },
  { name: 'feeds', usage: '/feeds [list] | status ID | add URL [ID] [NAME] | disable ID | enable ID', description: 'List, inspect, add and disable feeds (admins)', admin: true },
  { name: 'help', usage: '/help', description: 'What the bot can do', admin: false },
  { name: 'start', usage: '/start', description: 'Welcome and commands', admin: false, telegramOnly: true },
];

export type CommandName = CommandInfo['name'];

export function isCommandName(name: string): name is CommandName {
  return COMMANDS.some((c) => c.name === name);
}

/** Split arguments on whitespace, keeping "double-quoted phrases" together. */
export function splitArgs(text: string): string[] {
  const args: string[] = [];
  for (const m of text.matchAll(/"([^"]*)"|(\S+)/g)) args.push(m[1] ?? m[2]!);
  return args;
}

const usage = (command: CommandName, problem: string): ParsedCommand => ({ name: 'usage', command, problem });

const KIND_WORDS: Record<string, string> = { move: 'move', moves: 'move', sector: 'sector', story: 'story', stories: 'story', notice: 'notice', notices: 'notice', digest: 'digest', digests: 'digest' };
const MODES = new Set(['on', 'silent', 'off']);

function parseSubscribe(args: string[]): ParsedCommand {
  const [first, second, ...rest] = args;
  if (first === undefined) return { name: 'subscribe', changes: [] };
  const word = first.toLowerCase();
  const needs = (what: string) => (second === undefined ? usage('subscribe', `${word} needs ${what}`) : undefined);
  if (word === 'severity' || word === 'min' || word === 'min-severity') {
    return needs('low, medium or high') ?? { name: 'subscribe', changes: [{ set: 'minSeverity', value: second!.toLowerCase() }] };
  }
  if (word === 'timezone' || word === 'tz') return needs('a time zone such as Europe/Berlin') ?? { name: 'subscribe', changes: [{ set: 'timeZone', value: second! }] };
  if (word === 'language' || word === 'lang') return needs('a language code such as en or pt') ?? { name: 'subscribe', changes: [{ set: 'language', value: second!.toLowerCase() }] };
  const kind = KIND_WORDS[word];
  if (kind === 'digest' && second !== undefined && /^\d{1,2}:\d{2}$/.test(second)) {
    return { name: 'subscribe', changes: [{ set: 'digestAt', value: second.padStart(5, '0') }] };
  }
  if (kind !== undefined && second !== undefined && MODES.has(second.toLowerCase())) {
    const mode = second.toLowerCase();
    // "digest off" also clears the digest time, so no digest is built for nobody.
    const changes: SubscriptionChange[] = [{ set: 'kind', kind, mode }];
    if (kind === 'digest' && mode === 'off') changes.push({ set: 'digestAt', value: null });
    return rest.length > 0 ? usage('subscribe', `unexpected "${rest.join(' ')}"`) : { name: 'subscribe', changes };
  }
  return { name: 'subscribe', changes: [{ set: 'topics', add: args }] };
}

function parseAlerts(args: string[]): ParsedCommand {
  const [op = 'show', ...rest] = args;
  switch (op.toLowerCase()) {
    case 'show':
    case 'list':
      return { name: 'alerts', action: { op: 'show' } };
    case 'set': {
      if (rest.length < 2) return usage('alerts', 'set needs a setting and a value, e.g. /alerts set cooldown 4h');
      // "threshold 24h 12%" is the same as "threshold:24h 12%".
      const [setting, ...values] = rest[0]!.toLowerCase() === 'threshold' && rest.length >= 3 ? [`threshold:${rest[1]}`, ...rest.slice(2)] : rest;
      if (values.length !== 1) return usage('alerts', `set takes one value, got "${values.join(' ')}"`);
      return { name: 'alerts', action: { op: 'set', setting: setting!, value: values[0]! } };
    }
    case 'mute':
    case 'unmute':
      if (rest.length !== 1) return usage('alerts', `${op} needs one token or theme, e.g. /alerts ${op} WLD`);
      return { name: 'alerts', action: { op: op.toLowerCase() as 'mute' | 'unmute', target: rest[0]! } };
    case 'quiet':
      if (rest.length !== 1) return usage('alerts', 'quiet needs a range such as 22:00-07:00, or off');
      return { name: 'alerts', action: { op: 'quiet', range: rest[0]! } };
    case 'reset':
      if (rest.length === 0) return usage('alerts', 'reset needs a setting (or all)');
      return { name: 'alerts', action: { op: 'reset', setting: rest.join(' ') } };
    default:
      return usage('alerts', `unknown action "${op}"`);
  }
}

function parseFeeds(args: string[]): ParsedCommand {
  const [op = 'list', ...rest] = args;
  switch (op.toLowerCase()) {
    case 'list':
      return { name: 'feeds', action: { op: 'list' } };
    case 'status':
    case 'disable':
    case 'enable':
      if (rest.length !== 1) return usage('feeds', `${op} needs one feed id`);
      return { name: 'feeds', action: { op: op.toLowerCase() as 'status' | 'disable' | 'enable', id: rest[0]! } };
    case 'add': {
      const [url, id, ...name] = rest;
      if (url === undefined) return usage('feeds', 'add needs a URL, e.g. /feeds add https://example.com/feed.xml');
      return { name: 'feeds', action: { op: 'add', url, ...(id ? { id } : {}), ...(name.length > 0 ? { name: name.join(' ') } : {}) } };
    }
    default:
      return usage('feeds', `unknown action "${op}"`);
  }
}

/**
 * Parse a command typed as text: `name` without the slash (and without a
 * "@bot" suffix), `payload` the rest of the message. Undefined for commands
 * this bot does not have (in a group they may be meant for another bot).
 */
export function parseCommandText(name: string, payload: string): ParsedCommand | undefined {
  const command = name.toLowerCase();
  if (!isCommandName(command)) return undefined;
  const args = splitArgs(payload);
  switch (command) {
    case 'start':
    case 'help':
    case 'themes':
    case 'digest':
    case 'settings':
      return { name: command };
    case 'price':
    case 'why':
      if (args.length !== 1) return usage(command, `/${command} needs one token, e.g. /${command} TAO`);
      return { name: command, token: args[0]! };
    case 'subscribe':
      return parseSubscribe(args);
    case 'unsubscribe':
      if (args.length === 0) return usage('unsubscribe', 'name the tokens or themes to drop, or all');
      return { name: 'unsubscribe', topics: args };
    case 'alerts':
      return parseAlerts(args);
    case 'feeds':
      return parseFeeds(args);
  }
}
