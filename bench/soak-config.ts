/**
 * The soak bot's config: the bundled config/ with the soak's feeds, its tokens
 * (tokens.yaml's, all on Binance, plus synthetic AI tokens), compressed
 * schedules and the two chat destinations. Built once as an {@link AppConfig}
 * (the news generator needs its taxonomy) and written as YAML files for the
 * bot process, which loads them like any deployment's CONFIG_DIR.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { loadConfig, toTaxonomy, type AppConfig } from '../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../src/config/paths.ts';
import type { FeedConfig, TokenConfig } from '../src/config/schema.ts';
import { properNoun } from './corpus.ts';
import { seededRandom } from './support.ts';

export interface SoakConfigOptions {
  symbols: number;
  /** Seconds before a feed request is given up. */
  feedTimeoutSeconds: number;
  /** Minutes of 1-minute candles the bot backfills. */
  historyMinutes: number;
  seed: number;
  discordChannelId: string;
  telegramChatId: string;
}

/** Feeds due every 30 s, cron jobs every 5–15 s: a few minutes see many cycles. */
const SCHEDULE = { feeds: '*/10 * * * * *', prices: '*/15 * * * * *', deliver: '*/5 * * * * *', digests: '*/30 * * * * *' } as const;
const FEED_DEFAULTS = { pollMinutes: 0.5, maxBackoffMinutes: 2 } as const;

/** Tokens.yaml's tokens, all on Binance, plus synthetic AI tokens up to `count`. */
function soakTokens(base: readonly TokenConfig[], count: number, seed: number): TokenConfig[] {
  const random = seededRandom(seed);
  const tokens = base.slice(0, count).map((t) => ({ ...t, venues: ['binance'] as TokenConfig['venues'] }));
  for (let n = 1; tokens.length < count; n++) {
    const name = `${properNoun(random, 3)} AI`;
    tokens.push({ symbol: `SOAK${String(n).padStart(2, '0')}`, name, names: [], tickers: [], ambiguous: false, matchName: true, venues: ['binance'], benchmark: false, sector: true });
  }
  return tokens;
}

/** The bundled config with the soak's tokens, schedules and destinations, and `feeds`. */
export function soakConfig(base: AppConfig, feeds: FeedConfig[], options: SoakConfigOptions): AppConfig {
  const config = structuredClone(base);
  config.feeds.feeds = feeds;
  Object.assign(config.feeds.defaults, { ...FEED_DEFAULTS, timeoutSeconds: options.feedTimeoutSeconds });
  config.tokens.tokens = soakTokens(base.tokens.tokens, options.symbols, options.seed);
  config.taxonomy = toTaxonomy(config.themes, config.tokens);
  const a = config.alerts;
  Object.assign(a.market, marketOverrides(options));
  a.moves.cooldownMinutes = MOVE_COOLDOWN_MINUTES;
  a.delivery.maxBackoffMinutes = DELIVERY_MAX_BACKOFF_MINUTES;
  a.schedule = { ...SCHEDULE };
  a.destinations = destinations(options);
  return config;
}

/** A move alerts again after 10 minutes rather than 4 hours: a short soak still sees several per token. */
const MOVE_COOLDOWN_MINUTES = 10;
/** Retries back off for at most a minute, so the final drain can wait them out. */
const DELIVERY_MAX_BACKOFF_MINUTES = 1;

function marketOverrides(options: SoakConfigOptions) {
  return { timeframe: '1m', backfillDays: options.historyMinutes / 1_440, volatilityDays: 1, betaDays: 1, gapRepairDays: 1, retentionDays: 2 } as const;
}

function destinations(options: SoakConfigOptions): AppConfig['alerts']['destinations'] {
  return [
    { id: 'discord', type: 'discord', channelId: options.discordChannelId, minSeverity: 'low' },
    { id: 'telegram', type: 'telegram', chatId: options.telegramChatId, minSeverity: 'low' },
  ];
}

type Yaml = Record<string, unknown>;

const readBundled = (name: string) => parse(readFileSync(path.join(DEFAULT_CONFIG_DIR, name), 'utf8')) as Yaml;

/**
 * Write `config` (from {@link soakConfig}) into `dir` as the bot's CONFIG_DIR, by
 * editing the bundled YAML files as an operator would, then load it back and
 * check it is the config the news was generated for: a drift here would make
 * the soak measure a different bot than it reports.
 */
export async function writeSoakConfig(dir: string, config: AppConfig, options: SoakConfigOptions): Promise<void> {
  copyFileSync(path.join(DEFAULT_CONFIG_DIR, 'themes.yaml'), path.join(dir, 'themes.yaml'));

  const feeds = readBundled('feeds.yaml');
  feeds.defaults = { ...(feeds.defaults as Yaml), ...FEED_DEFAULTS, timeoutSeconds: options.feedTimeoutSeconds };
  feeds.feeds = config.feeds.feeds;
  writeFileSync(path.join(dir, 'feeds.yaml'), stringify(feeds));

  const tokens = readBundled('tokens.yaml');
  tokens.tokens = config.tokens.tokens;
  writeFileSync(path.join(dir, 'tokens.yaml'), stringify(tokens));

  const alerts = readBundled('alerts.yaml');
  alerts.market = { ...(alerts.market as Yaml), ...marketOverrides(options) };
  alerts.moves = { ...(alerts.moves as Yaml), cooldownMinutes: MOVE_COOLDOWN_MINUTES };
  alerts.delivery = { ...(alerts.delivery as Yaml), maxBackoffMinutes: DELIVERY_MAX_BACKOFF_MINUTES };
  alerts.schedule = { ...SCHEDULE };
  alerts.destinations = destinations(options);
  writeFileSync(path.join(dir, 'alerts.yaml'), stringify(alerts));

  const written = await loadConfig(dir);
  const same = (what: string, a: unknown, b: unknown) => {
    if (canonical(a) !== canonical(b)) throw new Error(`soak config written to ${dir} differs from the generated one in ${what}: fix writeSoakConfig`);
  };
  same('feeds', written.feeds, config.feeds);
  same('tokens', written.tokens, config.tokens);
  same('alerts', written.alerts, config.alerts);
}

/** JSON with object keys sorted: the same config, whatever order its keys were set in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
