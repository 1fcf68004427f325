/**
 * `radar doctor [--json]`: everything the bot needs, checked once, with a fix
 * for each problem: the environment, the config files, the database, every
 * enabled feed (fetched and parsed), every token's exchange pair (market listed,
 * a recent candle), and the chat tokens and channels.
 *
 * It changes nothing: no migration runs, no database is created, nothing is
 * posted (Telegram chats get a "typing…" indicator, the only way to learn
 * whether the bot may post there without posting). Network checks use the same
 * API roots as the bot (DISCORD_API_URL, TELEGRAM_API_URL, EXCHANGE_API_URLS).
 * Exit code 0 when nothing failed (warnings allowed), 1 otherwise.
 */
import { parseArgs } from 'node:util';
import { DiscordAPIError, REST, Routes } from 'discord.js';
import { Telegram, TelegramError } from 'telegraf';
import { parseDiscordWebhookUrl } from '../adapters/discord/discord-sink.ts';
import { createCcxtPriceSource } from '../adapters/exchange/ccxt-price-source.ts';
import { createFeedParser } from '../adapters/feeds/feed-parser.ts';
import { createHttpFeedFetcher } from '../adapters/feeds/http-feed-fetcher.ts';
import { inspectDatabase } from '../adapters/sqlite/database-probe.ts';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.ts';
import { withStoredOverrides } from '../app/commands/config-overrides.ts';
import { mapLimit } from '../app/concurrency.ts';
import { venueCandidates } from '../app/poll-prices.ts';
import { ExchangeError, FeedError, type Logger, type PriceSource } from '../app/ports.ts';
import type { FeedState } from '../app/store.ts';
import { envSchema, exchangeApiRoots, secretsOf, type Env } from '../config/env.ts';
import { ConfigError, loadConfig, type AppConfig } from '../config/load-config.ts';
import { DEFAULT_CONFIG_DIR, DEFAULT_DB_PATH } from '../config/paths.ts';
import type { FeedConfig, TokenConfig } from '../config/schema.ts';
import { timeframeMs } from '../domain/candles.ts';
import { formatDuration } from '../domain/time.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';
export type CheckSection = 'environment' | 'config' | 'database' | 'feeds' | 'exchanges' | 'chat';

export interface DoctorCheck {
  section: CheckSection;
  /** What was checked: a variable, a feed id, a token symbol, "Discord bot"… */
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warning or failure. */
  fix?: string;
}

export interface DoctorReport {
  ok: boolean;
  checks: DoctorCheck[];
}

export interface DoctorOptions {
  rawEnv: NodeJS.ProcessEnv;
  out: (line: string) => void;
  /** Epoch ms, for candle ages. Default Date.now. */
  now?: () => number;
}

const DEFAULTS = {
  timeoutMs: 10_000, // per network check: a doctor answers in seconds, whatever the feed's own timeout
  feedConcurrency: 6,
  tokenConcurrency: 4,
  staleCandles: 3, // a last candle older than this many timeframes means the market may be halted
} as const satisfies Record<string, number>;

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };
const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err));
const describeSecret = (value: string | undefined) => (value ? `set (${value.length} chars)` : 'not set');

/** Reject after `ms`: telegraf has no request timeout, and a doctor must never hang. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// ── Environment ──────────────────────────────────────────────────────────────

/** Parse env, reporting each bad variable; the other checks then run as if it were unset. */
function checkEnvironment(raw: NodeJS.ProcessEnv): { env: Env; checks: DoctorCheck[] } {
  const parsed = envSchema.safeParse(raw);
  if (parsed.success) {
    const env = parsed.data;
    const http = env.HTTP_PORT === undefined ? 'HTTP server off' : `/healthz and /metrics on ${env.HTTP_HOST}:${env.HTTP_PORT}`;
    const detail = `DISCORD_TOKEN ${describeSecret(env.DISCORD_TOKEN)}, TELEGRAM_BOT_TOKEN ${describeSecret(env.TELEGRAM_BOT_TOKEN)}, ${http}`;
    return { env, checks: [{ section: 'environment', name: 'environment', status: 'ok', detail }] };
  }
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  const checks = parsed.error.issues.map(
    (i): DoctorCheck => ({ section: 'environment', name: String(i.path[0]), status: 'fail', detail: i.message, fix: `correct or unset ${String(i.path[0])} (see .env.example)` }),
  );
  const cleaned = Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k)));
  return { env: envSchema.parse(cleaned), checks };
}

// ── Config and database ──────────────────────────────────────────────────────

async function checkConfig(dir: string): Promise<{ config?: AppConfig; check: DoctorCheck }> {
  try {
    const config = await loadConfig(dir);
    const enabled = config.feeds.feeds.filter((f) => f.enabled).length;
    const detail = `${dir}: ${config.feeds.feeds.length} feeds (${enabled} enabled), ${config.tokens.tokens.length} tokens, ${config.alerts.destinations.length} destinations`;
    return { config, check: { section: 'config', name: 'config', status: 'ok', detail } };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return {
      check: { section: 'config', name: 'config', status: 'fail', detail: err.message, fix: `edit the keys at the lines shown, then run \`radar config check ${dir}\`` },
    };
  }
}

function checkDatabase(dbPath: string): { check: DoctorCheck; current: boolean } {
  const db = inspectDatabase(dbPath);
  const check = (status: CheckStatus, detail: string, fix?: string): { check: DoctorCheck; current: boolean } => ({
    check: { section: 'database', name: dbPath, status, detail, ...(fix ? { fix } : {}) },
    current: db.exists && db.writable && db.pending.length === 0 && db.unknown.length === 0,
  });
  if (!db.exists) {
    return db.writable
      ? check('warn', 'does not exist yet: `radar start` creates it', 'nothing to do on a first run; otherwise DB_PATH points away from your data (in Docker: is the volume mounted at /app/data?)')
      : check('fail', `does not exist and ${db.error}`, 'set DB_PATH to a writable location, or create the folder (in Docker: mount a volume at /app/data)');
  }
  if (db.unknown.length > 0) {
    return check('fail', `written by a newer version of Narrative Radar (unknown migrations: ${db.unknown.join(', ')})`, 'upgrade Narrative Radar, or point DB_PATH at a database of this version');
  }
  if (!db.writable) {
    const locked = /locked|busy/i.test(db.error ?? '');
    return check(
      'fail',
      `not writable: ${db.error}`,
      locked
        ? 'another process holds a write lock: is a second bot running on this file? Stop it'
        : 'make the file, its folder and the -wal/-shm files beside it writable by this user',
    );
  }
  if (db.pending.length > 0) {
    return check('warn', `writable; ${db.pending.length} of ${db.known.length} migrations pending (${db.pending.join(', ')})`, 'nothing to do: the next `radar start` applies them');
  }
  return check('ok', `writable, ${db.known.length} migrations applied`);
}

/** The config the bot would run on (YAML plus admin overrides) and the feeds' stored state, when the database can be read as is. */
function readStoredState(config: AppConfig, dbPath: string): { config: AppConfig; feedState: (id: string) => FeedState | undefined; overrides: number } {
  const store = openSqliteStore(dbPath);
  try {
    const overrides = store.listOverrides().length;
    const effective = withStoredOverrides(config, store, silentLogger);
    const states = new Map(effective.feeds.feeds.map((f) => [f.id, store.getFeedState(f.id)]));
    return { config: effective, feedState: (id) => states.get(id), overrides };
  } finally {
    store.close();
  }
}

// ── Feeds ────────────────────────────────────────────────────────────────────

/** What to do about a feed that fails, by what went wrong. */
export function feedFix(err: FeedError): string {
  const status = err.details.status;
  switch (err.kind) {
    case 'network':
      return "the host could not be reached (DNS, TLS or connection): check the URL's host name and this machine's network; the site may be down";
    case 'timeout':
      return 'the host did not answer in time: try again later; raise feeds.defaults.timeoutSeconds if it is always slow';
    case 'http':
      if (status === 401 || status === 403) return 'the site refuses the bot (blocked, or a login is needed): find another feed URL for this source, or set enabled: false';
      if (status === 429) return "the site rate-limits us: raise this feed's pollMinutes in feeds.yaml";
      if (status !== undefined && status >= 500) return 'the site has a server error, usually temporary: try again later';
      return 'check the URL in feeds.yaml';
    case 'gone':
      return 'the feed was removed or moved: find its new URL on the site and update feeds.yaml (or set enabled: false)';
    case 'too-large':
      return 'raise feeds.defaults.maxBytes, or use a smaller feed of the site (a category feed)';
    case 'not-a-feed':
      return "the URL serves a web page, not a feed: use the page's RSS/Atom link instead";
    case 'parse':
      return "the feed's XML is broken: tell the site, or set enabled: false until it is fixed";
  }
}

async function checkFeeds(config: AppConfig, feedState: (id: string) => FeedState | undefined, now: number): Promise<DoctorCheck[]> {
  const fetcher = createHttpFeedFetcher();
  const parser = createFeedParser();
  const d = config.feeds.defaults;
  const feeds = config.feeds.feeds.filter((f) => f.enabled);
  return mapLimit(feeds, DEFAULTS.feedConcurrency, async (feed: FeedConfig): Promise<DoctorCheck> => {
    const base = { section: 'feeds' as const, name: feed.id };
    const state = feedState(feed.id);
    const disabled = state?.disabledAt !== undefined ? `disabled in the database ${formatDuration(now - state.disabledAt)} ago (${state.disabledReason ?? 'after failures'})` : undefined;
    try {
      const result = await fetcher.fetch({ url: feed.url, timeoutMs: Math.min(d.timeoutSeconds * 1000, DEFAULTS.timeoutMs), maxBytes: d.maxBytes });
      // No validators were sent, so a 304 means a broken server; nothing to parse either way.
      if (result.status === 'not-modified') return { ...base, status: 'warn', detail: `${feed.url} answered 304 to a plain GET`, fix: 'the server is misconfigured; ask the site' };
      const parsed = await parser.parse(result.body);
      const moved = result.finalUrl !== feed.url ? `; redirected to ${result.finalUrl}` : '';
      const detail = `${parsed.items.length} items (${parsed.format})${parsed.title ? `, "${parsed.title}"` : ''}${moved}`;
      if (disabled) return { ...base, status: 'warn', detail: `${detail}; but ${disabled}`, fix: `it works now: \`radar feeds enable ${feed.id}\`` };
      if (parsed.items.length === 0) return { ...base, status: 'warn', detail, fix: 'the feed is empty: check that the URL is the feed you meant' };
      if (parsed.repairs) {
        return {
          ...base,
          status: 'warn',
          detail: `${detail}; malformed XML, read after repairs: ${parsed.repairs.join('; ')}`,
          fix: 'the bot reads it, but ask its publisher to fix the XML: other readers may reject it',
        };
      }
      return { ...base, status: 'ok', detail: moved ? `${detail} (update the URL in feeds.yaml)` : detail };
    } catch (err) {
      const suffix = disabled ? `; ${disabled}` : '';
      if (err instanceof FeedError) return { ...base, status: 'fail', detail: `${err.message}${suffix}`, fix: feedFix(err) };
      return { ...base, status: 'fail', detail: `unexpected error: ${messageOf(err)}${suffix}`, fix: 'this is probably a bug in Narrative Radar: please report it with this line' };
    }
  });
}

// ── Exchanges ────────────────────────────────────────────────────────────────

type SourceProvider = (venue: string) => Promise<PriceSource>;

/** `down` holds the venues whose check failed: their tokens only mention them. */
async function checkToken(token: TokenConfig, config: AppConfig, sources: SourceProvider, down: ReadonlySet<string>, now: number): Promise<DoctorCheck> {
  const base = { section: 'exchanges' as const, name: token.symbol };
  const { timeframe } = config.alerts.market;
  const step = timeframeMs(timeframe);
  const notes: string[] = [];
  let unreachable = false;
  let halted = false;
  for (const { venue, pair } of venueCandidates(token, config.tokens.quote)) {
    if (down.has(venue)) {
      unreachable = true;
      notes.push(`${venue} unreachable`);
      continue;
    }
    let candles;
    try {
      const source = await sources(venue);
      if (!(await source.hasMarket(pair))) {
        notes.push(`${venue} does not list ${pair}`);
        continue;
      }
      candles = await source.candles(pair, timeframe, now - DEFAULTS.staleCandles * step, DEFAULTS.staleCandles + 1);
    } catch (err) {
      if (!(err instanceof ExchangeError) || err.action !== 'skip-symbol') unreachable = true;
      notes.push(`${venue}: ${messageOf(err)}`);
      continue;
    }
    const last = candles.at(-1);
    if (!last) {
      halted = true;
      notes.push(`${venue} lists ${pair} but sent no ${timeframe} candle for the last ${formatDuration(DEFAULTS.staleCandles * step)}`);
      continue;
    }
    const detail = `${venue} ${pair}, last ${timeframe} candle ${formatDuration(now - last.time)} ago${notes.length > 0 ? `; ${notes.join('; ')}` : ''}`;
    if (notes.length > 0) return { ...base, status: 'warn', detail, fix: 'priced on a fallback venue: fine while the first is down; otherwise reorder venues in tokens.yaml' };
    return { ...base, status: 'ok', detail };
  }
  // A quiet market is the market's state, not a mistake in the config: the bot skips the token until it trades.
  if (halted && !unreachable) {
    return { ...base, status: 'warn', detail: notes.join('; '), fix: 'the market may be halted or delisted: check it on the exchange, or put another venue first in tokens.yaml' };
  }
  return {
    ...base,
    status: 'fail',
    detail: notes.join('; ') || 'no venue configured',
    fix: unreachable
      ? 'its exchanges could not be reached: fix the exchange lines above (network, EXCHANGE_API_URLS), or add a venue that is reachable'
      : 'add a venue that lists it to tokens.yaml (venues: [...]); the ticker may have changed (RNDR became RENDER)',
  };
}

async function checkExchanges(config: AppConfig, env: Env, now: number): Promise<DoctorCheck[]> {
  const roots = exchangeApiRoots(env);
  const cache = new Map<string, Promise<PriceSource>>();
  const sources: SourceProvider = (venue) => {
    let source = cache.get(venue);
    if (!source) cache.set(venue, (source = createCcxtPriceSource({ venue, apiRoot: roots.get(venue), timeoutMs: DEFAULTS.timeoutMs })));
    return source;
  };
  try {
    // One check per venue first, so an unreachable exchange is one line, not one per token.
    const pairOn = new Map<string, string>();
    for (const token of config.tokens.tokens) for (const c of venueCandidates(token, config.tokens.quote)) if (!pairOn.has(c.venue)) pairOn.set(c.venue, c.pair);
    const down = new Set<string>();
    const venueChecks = await mapLimit([...pairOn], DEFAULTS.tokenConcurrency, async ([venue, pair]): Promise<DoctorCheck> => {
      const via = roots.has(venue) ? ` via ${roots.get(venue)}` : '';
      try {
        // Listing one pair loads the venue's market list: the request every token needs first.
        await (await sources(venue)).hasMarket(pair);
        return { section: 'exchanges', name: venue, status: 'ok', detail: `markets loaded${via}` };
      } catch (err) {
        down.add(venue);
        const unknownVenue = err instanceof ExchangeError && err.action === 'give-up';
        return {
          section: 'exchanges',
          name: venue,
          status: 'fail',
          detail: messageOf(err),
          fix: unknownVenue ? 'use a ccxt exchange id in tokens.yaml (binance, kucoin, gate, kraken, okx…)' : `check this machine's network${via ? ` and EXCHANGE_API_URLS (${venue}${via})` : ', or set EXCHANGE_API_URLS if you need a proxy'}`,
        };
      }
    });
    const tokens = await mapLimit(config.tokens.tokens, DEFAULTS.tokenConcurrency, (token) => checkToken(token, config, sources, down, now));
    return [...venueChecks, ...tokens];
  } finally {
    for (const source of cache.values()) await source.then((s) => s.close?.()).catch(() => {});
  }
}

// ── Chat ─────────────────────────────────────────────────────────────────────

interface ChatTargets {
  discordChannels: { destination: string; channelId: string }[];
  webhooks: { destination: string; variable: string }[];
  telegramChats: { destination: string; chatId: string }[];
}

/** The channels the bot would deliver to: alerts.yaml destinations, or the env shortcuts when it lists none. */
function chatTargets(config: AppConfig | undefined, env: Env): ChatTargets {
  const targets: ChatTargets = { discordChannels: [], webhooks: [], telegramChats: [] };
  const destinations = config?.alerts.destinations ?? [];
  for (const d of destinations) {
    if (d.type === 'discord') targets.discordChannels.push({ destination: d.id, channelId: d.channelId });
    if (d.type === 'discord-webhook') targets.webhooks.push({ destination: d.id, variable: d.urlEnv });
    if (d.type === 'telegram') targets.telegramChats.push({ destination: d.id, chatId: String(d.chatId) });
  }
  if (destinations.length === 0) {
    if (env.DISCORD_CHANNEL_ID) targets.discordChannels.push({ destination: 'discord', channelId: env.DISCORD_CHANNEL_ID });
    if (env.DISCORD_WEBHOOK_URL) targets.webhooks.push({ destination: 'discord-webhook', variable: 'DISCORD_WEBHOOK_URL' });
    if (env.TELEGRAM_CHAT_ID) targets.telegramChats.push({ destination: 'telegram', chatId: env.TELEGRAM_CHAT_ID });
  }
  return targets;
}

const DISCORD_CHANNEL_FIXES: Readonly<Record<number, string>> = {
  10003: 'no such channel, or the bot is not in its server: copy the id again (Developer Mode → right-click the channel → Copy Channel ID) and invite the bot',
  50001: 'the bot cannot see the channel: add it to the server and allow View Channel there',
  50013: 'the bot lacks permissions: allow View Channel, Send Messages, Embed Links and Attach Files in the channel',
};

async function checkDiscord(env: Env, rawEnv: NodeJS.ProcessEnv, targets: ChatTargets): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const chat = (name: string, status: CheckStatus, detail: string, fix?: string): DoctorCheck => ({ section: 'chat', name, status, detail, ...(fix ? { fix } : {}) });
  if (!env.DISCORD_TOKEN) {
    for (const t of targets.discordChannels) checks.push(chat(`Discord channel ${t.channelId}`, 'fail', `destination "${t.destination}" needs a bot token, and DISCORD_TOKEN is not set`, 'set DISCORD_TOKEN (Developer Portal → your app → Bot → Reset Token)'));
  } else {
    const rest = new REST({ api: env.DISCORD_API_URL, retries: 0, timeout: DEFAULTS.timeoutMs, rejectOnRateLimit: () => true }).setToken(env.DISCORD_TOKEN);
    let botOk = false;
    try {
      const me = (await rest.get(Routes.user())) as { id: string; username: string };
      botOk = true;
      checks.push(chat('Discord bot', 'ok', `${me.username} (id ${me.id}); DISCORD_TOKEN ${describeSecret(env.DISCORD_TOKEN)}`));
    } catch (err) {
      const refused = err instanceof DiscordAPIError && err.status === 401;
      checks.push(
        chat(
          'Discord bot',
          'fail',
          refused ? `DISCORD_TOKEN (${describeSecret(env.DISCORD_TOKEN)}) was refused: 401 Unauthorized` : `cannot reach ${env.DISCORD_API_URL}: ${messageOf(err)}`,
          refused ? 'copy the token again: Developer Portal → your app → Bot → Reset Token, then set DISCORD_TOKEN' : "check this machine's network, and DISCORD_API_URL if you changed it",
        ),
      );
    }
    for (const t of targets.discordChannels) {
      const name = `Discord channel ${t.channelId}`;
      if (!botOk) {
        checks.push(chat(name, 'skip', `destination "${t.destination}": not checked until the bot check above passes`));
        continue;
      }
      try {
        const channel = (await rest.get(Routes.channel(t.channelId))) as { name?: string };
        checks.push(chat(name, 'ok', `destination "${t.destination}": #${channel.name ?? t.channelId}, visible to the bot`));
      } catch (err) {
        const fix = err instanceof DiscordAPIError ? DISCORD_CHANNEL_FIXES[Number(err.code)] : undefined;
        checks.push(chat(name, 'fail', `destination "${t.destination}": ${messageOf(err)}`, fix ?? "check the channel id and this machine's network"));
      }
    }
  }
  for (const w of targets.webhooks) {
    const url = w.variable === 'DISCORD_WEBHOOK_URL' ? env.DISCORD_WEBHOOK_URL : rawEnv[w.variable]?.trim();
    const name = `Discord webhook ${w.variable}`;
    if (!url) checks.push(chat(name, 'fail', `destination "${w.destination}": ${w.variable} is not set`, `set ${w.variable} to the webhook URL (Channel settings → Integrations → Webhooks → Copy URL)`));
    else if (!parseDiscordWebhookUrl(url)) checks.push(chat(name, 'fail', `destination "${w.destination}": not a Discord webhook URL`, 'use the URL Discord shows: https://discord.com/api/webhooks/<id>/<token>'));
    // Any real check of a webhook posts to the channel: the doctor only checks its form.
    else checks.push(chat(name, 'ok', `destination "${w.destination}": well-formed (not contacted: a check would post)`));
  }
  return checks;
}

async function checkTelegram(env: Env, targets: ChatTargets): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const chat = (name: string, status: CheckStatus, detail: string, fix?: string): DoctorCheck => ({ section: 'chat', name, status, detail, ...(fix ? { fix } : {}) });
  if (!env.TELEGRAM_BOT_TOKEN) {
    for (const t of targets.telegramChats) checks.push(chat(`Telegram chat ${t.chatId}`, 'fail', `destination "${t.destination}" needs a bot token, and TELEGRAM_BOT_TOKEN is not set`, 'set TELEGRAM_BOT_TOKEN (from @BotFather)'));
    return checks;
  }
  const telegram = new Telegram(env.TELEGRAM_BOT_TOKEN, { apiRoot: env.TELEGRAM_API_URL });
  try {
    const me = await withTimeout(telegram.getMe(), DEFAULTS.timeoutMs, 'getMe');
    checks.push(chat('Telegram bot', 'ok', `@${me.username} (id ${me.id}); TELEGRAM_BOT_TOKEN ${describeSecret(env.TELEGRAM_BOT_TOKEN)}`));
  } catch (err) {
    // Telegram answers 401, or 404 for a token of the right shape that never existed.
    const refused = err instanceof TelegramError && (err.code === 401 || err.code === 404);
    checks.push(
      chat(
        'Telegram bot',
        'fail',
        refused ? `TELEGRAM_BOT_TOKEN (${describeSecret(env.TELEGRAM_BOT_TOKEN)}) was refused: ${err.code} ${err.description}` : `cannot reach ${env.TELEGRAM_API_URL}: ${messageOf(err)}`,
        refused ? 'copy the token again: @BotFather → /mybots → your bot → API Token, then set TELEGRAM_BOT_TOKEN' : "check this machine's network, and TELEGRAM_API_URL if you changed it",
      ),
    );
    for (const t of targets.telegramChats) checks.push(chat(`Telegram chat ${t.chatId}`, 'skip', `destination "${t.destination}": not checked until the bot check above passes`));
    return checks;
  }
  for (const t of targets.telegramChats) {
    const name = `Telegram chat ${t.chatId}`;
    try {
      // The only way short of posting to learn whether the bot may post there; shows "typing…" for a few seconds.
      await withTimeout(telegram.sendChatAction(t.chatId, 'typing'), DEFAULTS.timeoutMs, 'sendChatAction');
      checks.push(chat(name, 'ok', `destination "${t.destination}": the bot may post there`));
    } catch (err) {
      const fix =
        err instanceof TelegramError && err.code === 403
          ? 'the bot was blocked or removed from the chat: add it back (as an administrator in channels)'
          : err instanceof TelegramError && err.code === 400
            ? 'check chatId: a numeric id (-100… for channels and supergroups) or @channelusername, and add the bot to that chat'
            : "check this machine's network";
      checks.push(chat(name, 'fail', `destination "${t.destination}": ${messageOf(err)}`, fix));
    }
  }
  return checks;
}

// ── Report ───────────────────────────────────────────────────────────────────

/** Run every check. Sections that depend on a broken one are skipped with the reason. */
export async function runDoctor(rawEnv: NodeJS.ProcessEnv, now: () => number = Date.now): Promise<DoctorReport> {
  const { env, checks } = checkEnvironment(rawEnv);
  const configDir = env.CONFIG_DIR ?? DEFAULT_CONFIG_DIR;
  const dbPath = env.DB_PATH ?? DEFAULT_DB_PATH;
  const loaded = await checkConfig(configDir);
  checks.push(loaded.check);
  const db = checkDatabase(dbPath);
  checks.push(db.check);

  let config = loaded.config;
  let feedState: (id: string) => FeedState | undefined = () => undefined;
  // Opening the store of an out-of-date database would migrate it: only read it when current.
  if (config && db.current) {
    try {
      const stored = readStoredState(config, dbPath);
      config = stored.config;
      feedState = stored.feedState;
      if (stored.overrides > 0) loaded.check.detail += `; ${stored.overrides} admin overrides from the database applied (radar config show)`;
    } catch (err) {
      checks.push({ section: 'database', name: 'stored state', status: 'warn', detail: `admin overrides and feed states unreadable: ${messageOf(err)}`, fix: 'the checks below use the YAML files alone' });
    }
  }

  const targets = chatTargets(config, env);
  const [feeds, exchanges, discord, telegram] = await Promise.all([
    config ? checkFeeds(config, feedState, now()) : Promise.resolve([{ section: 'feeds', name: 'feeds', status: 'skip', detail: 'not checked: the config did not load' } satisfies DoctorCheck]),
    config ? checkExchanges(config, env, now()) : Promise.resolve([{ section: 'exchanges', name: 'tokens', status: 'skip', detail: 'not checked: the config did not load' } satisfies DoctorCheck]),
    checkDiscord(env, rawEnv, targets),
    checkTelegram(env, targets),
  ]);
  checks.push(...feeds, ...exchanges, ...discord, ...telegram);
  if (!checks.some((c) => c.section === 'chat')) {
    checks.push({ section: 'chat', name: 'chat', status: 'ok', detail: 'no Discord or Telegram configured: alerts go to the console' });
  }

  // Tokens must never reach the report, whatever an SDK error quotes (Telegram URLs contain the token).
  const secrets = secretsOf(env).filter((s) => s.length >= 6);
  const scrub = (text: string) => secrets.reduce((t, s) => t.split(s).join('[redacted]'), text);
  const clean = checks.map((c) => ({ ...c, detail: scrub(c.detail), ...(c.fix ? { fix: scrub(c.fix) } : {}) }));
  return { ok: clean.every((c) => c.status !== 'fail'), checks: clean };
}

const MARKS: Readonly<Record<CheckStatus, string>> = { ok: '✓', warn: '!', fail: '✗', skip: '-' };
const TITLES: Readonly<Record<CheckSection, string>> = { environment: 'Environment', config: 'Config', database: 'Database', feeds: 'Feeds', exchanges: 'Exchanges', chat: 'Chat' };

/** The report as text: one line per check, "fix:" under each problem, a summary last. */
export function renderReport(report: DoctorReport): string[] {
  const lines: string[] = [];
  for (const section of Object.keys(TITLES) as CheckSection[]) {
    const checks = report.checks.filter((c) => c.section === section);
    if (checks.length === 0) continue;
    lines.push(TITLES[section]);
    for (const c of checks) {
      const [first, ...more] = c.detail.split('\n');
      lines.push(`  ${MARKS[c.status]} ${c.name}: ${first}`);
      for (const line of more) lines.push(`      ${line.trim()}`);
      if (c.fix && (c.status === 'fail' || c.status === 'warn')) lines.push(`      fix: ${c.fix}`);
    }
  }
  const count = (s: CheckStatus) => report.checks.filter((c) => c.status === s).length;
  const failed = count('fail');
  const warned = count('warn');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(
    failed + warned === 0
      ? `All ${count('ok')} checks passed.`
      : `${plural(failed, 'problem')}, ${plural(warned, 'warning')}, ${count('ok')} ok: see the "fix:" lines above.`,
  );
  return lines;
}

export async function doctorCommand(args: string[], options: DoctorOptions): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const report = await runDoctor(options.rawEnv, options.now);
  if (values.json) options.out(JSON.stringify(report, null, 2));
  else for (const line of renderReport(report)) options.out(line);
  return report.ok ? 0 : 1;
}
