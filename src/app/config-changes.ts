/**
 * What a config reload changes, as data: every changed key (in the notation
 * of admin overrides, e.g. `feeds.feeds[id=coindesk].url`, so logs, `/alerts`
 * and `radar config show` name things alike), the feeds added, removed and
 * changed, and the changes the running process cannot apply because they are
 * wired once at startup. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { AppConfig } from '../config/load-config.ts';

type Sections = Pick<AppConfig, 'feeds' | 'themes' | 'tokens' | 'alerts'>;

export interface ConfigChanges {
  /** Changed keys, deepest that differs; an added or removed list entry is one key. */
  changed: string[];
  feeds: { added: string[]; removed: string[]; changed: string[] };
  /** The subset of `changed` that only takes effect after a restart. */
  needsRestart: string[];
}

/** Fields that identify an entry of a config list, in order of preference. */
const IDENTITY_FIELDS = ['id', 'symbol', 'minutes'] as const;
/** Values a selector can carry (see parseOverrideKey). */
const SELECTOR_VALUE = /^[A-Za-z0-9_-]+$/;

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The field whose values tell the entries of both lists apart, if there is one. */
function identityField(a: readonly unknown[], b: readonly unknown[]): string | undefined {
  const entries = [a, b];
  return IDENTITY_FIELDS.find((field) =>
    entries.every((list) => {
      const values = list.map((item) => (isRecord(item) ? item[field] : undefined));
      return values.every((v) => (typeof v === 'string' || typeof v === 'number') && SELECTOR_VALUE.test(String(v))) && new Set(values).size === values.length;
    }),
  );
}

function diffValue(before: unknown, after: unknown, key: string, out: string[]): void {
  if (isDeepStrictEqual(before, after)) return;
  if (isRecord(before) && isRecord(after)) {
    for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) diffValue(before[k], after[k], `${key}.${k}`, out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const field = identityField(before, after);
    if (field) {
      const byId = (list: unknown[]) => new Map(list.map((item) => [String((item as Json)[field]), item]));
      const [was, now] = [byId(before), byId(after)];
      for (const id of new Set([...was.keys(), ...now.keys()])) diffValue(was.get(id), now.get(id), `${key}[${field}=${id}]`, out);
      return;
    }
  }
  out.push(key);
}

/**
 * Keys that the process wires once: the sinks of alert destinations (their
 * channel, chat, webhook and mentions), and the candle timeframe, which holds
 * back the whole market section (see {@link liveConfig}). A wired destination's
 * routing filters (`kinds`, `minSeverity`) apply live, the cron schedules move
 * after a reload (the scheduler's reschedule), and so does everything else,
 * which the cycles read from the config on every run.
 */
function needsRestart(key: string, before: Sections, after: Sections): boolean {
  if (key.startsWith('alerts.market.') && timeframeChanged(before, after)) return true;
  if (!key.startsWith('alerts.destinations')) return false;
  const live = /^alerts\.destinations\[id=([A-Za-z0-9_-]+)\]\.(kinds|minSeverity)$/.exec(key);
  if (!live) return true;
  const id = live[1];
  const type = (c: Sections) => c.alerts.destinations.find((d) => d.id === id)?.type;
  return type(before) === undefined || type(before) !== type(after);
}

/** Everything that differs between two configs, and what of it needs a restart. */
export function diffConfig(before: Sections, after: Sections): ConfigChanges {
  const changed: string[] = [];
  for (const section of ['feeds', 'themes', 'tokens', 'alerts'] as const) diffValue(before[section], after[section], section, changed);

  const was = new Map(before.feeds.feeds.map((f) => [f.id, f]));
  const now = new Map(after.feeds.feeds.map((f) => [f.id, f]));
  const feeds = {
    added: [...now.keys()].filter((id) => !was.has(id)),
    removed: [...was.keys()].filter((id) => !now.has(id)),
    changed: [...now.keys()].filter((id) => was.has(id) && !isDeepStrictEqual(was.get(id), now.get(id))),
  };
  return { changed, feeds, needsRestart: changed.filter((key) => needsRestart(key, before, after)) };
}

function timeframeChanged(before: Sections, after: Sections): boolean {
  return before.alerts.market.timeframe !== after.alerts.market.timeframe;
}

/**
 * The config a running process can switch to: `next`, except that a new
 * candle timeframe keeps the whole running `alerts.market` section. The
 * windows are validated against their own timeframe, and the candles, sector
 * index and β sums kept between cycles are in the running one's steps.
 */
export function liveConfig<C extends Sections>(running: C, next: C): C {
  if (!timeframeChanged(running, next)) return next;
  return { ...next, alerts: { ...next.alerts, market: running.alerts.market } };
}

/** Feeds whose URL changed: their conditional-GET validators and failure count belong to the old URL. */
export function feedsWithNewUrl(before: Sections, after: Sections): string[] {
  const was = new Map(before.feeds.feeds.map((f) => [f.id, f.url]));
  return after.feeds.feeds.filter((f) => was.has(f.id) && was.get(f.id) !== f.url).map((f) => f.id);
}

/** At most `max` keys for a log line, then how many more there are. */
export function summarizeKeys(keys: readonly string[], max = 40): { keys: string[]; more?: number } {
  return keys.length <= max ? { keys: [...keys] } : { keys: keys.slice(0, max), more: keys.length - max };
}
