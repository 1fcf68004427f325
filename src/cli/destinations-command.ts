/**
 * `radar destinations list` and `radar destinations enable ID`: see each
 * destination's delivery state, and re-activate one that was deactivated after
 * it refused the bot for good (403/404, blocked, kicked, chat not found). Works
 * on the database while the bot runs: the next delivery run picks it up.
 */
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.ts';
import type { DestinationState } from '../app/chat-store.ts';
import type { Env } from '../config/env.ts';
import { loadConfig } from '../config/load-config.ts';
import { DEFAULT_CONFIG_DIR, DEFAULT_DB_PATH } from '../config/paths.ts';

export interface DestinationsCommandOptions {
  env: Env;
  out: (line: string) => void;
  err: (line: string) => void;
  /** Clock for "enabled at"; default Date.now. */
  now?: () => number;
}

const USAGE = 'usage: radar destinations list | radar destinations enable ID';

export async function destinationsCommand(args: string[], { env, out, err, now = Date.now }: DestinationsCommandOptions): Promise<number> {
  const [sub, id, ...extra] = args;
  if ((sub !== 'list' && sub !== 'enable') || (sub === 'enable' && (!id || extra.length > 0)) || (sub === 'list' && id !== undefined)) {
    err(USAGE);
    return 2;
  }
  const configured = await configuredDestinations(env, err);
  const store = openSqliteStore(env.DB_PATH ?? DEFAULT_DB_PATH);
  try {
    if (sub === 'enable') {
      if (store.reactivateDestination(id!, now())) {
        out(`destination "${id}" re-activated; its kept alerts go out on the next delivery run (a large backlog arrives as one digest)`);
        return 0;
      }
      const known = store.destinationStates().some((s) => s.destination === id) || configured.includes(id!);
      err(known ? `destination "${id}" is not deactivated; nothing to do` : `no destination "${id}" in alerts.yaml or the database`);
      return known ? 0 : 1;
    }
    const states = new Map(store.destinationStates().map((s) => [s.destination, s]));
    const ids = [...new Set([...configured, ...states.keys()])];
    if (ids.length === 0) {
      out('no destinations configured or used yet');
      return 0;
    }
    for (const destination of ids) out(describe(destination, states.get(destination), configured.includes(destination)));
    return 0;
  } finally {
    store.close();
  }
}

/** Ids from alerts.yaml; an unreadable config still lets the database speak. */
async function configuredDestinations(env: Env, err: (line: string) => void): Promise<string[]> {
  try {
    const config = await loadConfig(env.CONFIG_DIR ?? DEFAULT_CONFIG_DIR);
    return config.alerts.destinations.map((d) => d.id);
  } catch (error) {
    err(`(config not loaded, listing what the database knows: ${error instanceof Error ? error.message.split('\n')[0] : String(error)})`);
    return [];
  }
}

function describe(destination: string, state: DestinationState | undefined, configured: boolean): string {
  const status = state?.deactivatedAt
    ? `DEACTIVATED since ${iso(state.deactivatedAt)}: ${state.deactivatedReason ?? '?'} → radar destinations enable ${destination}`
    : configured
      ? 'active'
      : 'active (not in alerts.yaml: an env shortcut or a removed destination)';
  const counts = state ? `${state.pending} pending, ${state.sent} sent (${state.viaDigest} in digests), ${state.dead} dead` : 'nothing delivered yet';
  const last = state?.lastSentAt ? `, last ${iso(state.lastSentAt)}` : '';
  return `${destination.padEnd(22)} ${counts}${last}  ${status}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
