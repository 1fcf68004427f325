/**
 * Soak: `npm run soak -- --minutes N [--feeds 1000] [--symbols 30] [--report-every 30]`.
 *
 * The production wiring (main.ts: buildDestinations, ccxtPriceSources,
 * createCycles, the cron scheduler, a real SQLite file in a temp dir) runs in
 * this process for N minutes against loopback imitations of everything it
 * talks to: 1,000 feeds that keep publishing (some failing: 5xx, answers past
 * the timeout, broken XML), the Binance fake with 30 tokens on 1-minute candles
 * (with jumps to detect), and the Discord and Telegram fakes (enforcing the
 * platforms' real rate limits) behind a proxy that injects faults: 429s with the
 * platform's own body and headers, 5xx, connections dropped before the request
 * reaches the platform and after it acted.
 *
 * Time is real: the bot runs on the system clock and its schedules are
 * compressed through its own config (feeds due every 30 s, cron jobs every
 * 5–15 s, 1-minute candles), because the chat clients (@discordjs/rest,
 * telegraf) and their rate limits live on the real clock; a faster virtual
 * clock would make pacing and Retry-After meaningless.
 *
 * Prints a JSON line every --report-every seconds, then a summary line after a
 * final drain with faults off: RSS start/max/end, the slope of RSS after the
 * warm-up, alerts produced, delivered per destination (counted at the fakes),
 * lost and duplicated. Exit code 1 when an alert was lost.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import '../test/setup/no-network.ts'; // any connection off loopback throws: the soak never touches the internet
import { discordNonce } from '../src/adapters/discord/discord-sink.ts';
import { openSqliteStore } from '../src/adapters/sqlite/sqlite-store.ts';
import { renderTelegramCaption, renderTelegramHtml, renderTelegramPlainText } from '../src/adapters/telegram/render-telegram.ts';
import { timerSleep } from '../src/app/deliver.ts';
import type { DeliverySink } from '../src/app/delivery-sink.ts';
import type { Logger } from '../src/app/ports.ts';
import { createRuntime } from '../src/app/runtime.ts';
import { startScheduler } from '../src/app/scheduler.ts';
import { queueDueDigests } from '../src/app/digest.ts';
import { parseEnv } from '../src/config/env.ts';
import { loadConfig, toTaxonomy, type AppConfig } from '../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../src/config/paths.ts';
import type { FeedConfig, TokenConfig } from '../src/config/schema.ts';
import { viewAlert, type Alert } from '../src/domain/alert.ts';
import { startFakeBinance, type FakeBinanceRequest } from '../src/loopback/binance-server.ts';
import { startFakeDiscord } from '../src/loopback/discord-api.ts';
import { startFakeTelegram, TELEGRAM_FLOOD_LIMITS } from '../src/loopback/telegram-api.ts';
import { buildDestinations, ccxtPriceSources, createCycles, systemClock } from '../src/main.ts';
import { properNoun } from './corpus.ts';
import { discordRateLimited, serverError, startFaultProxy, telegramRateLimited, type FaultProxy, type ProxyFault } from './fault-proxy.ts';
import { startSoakFeeds } from './soak-feeds.ts';
import { startSoakMarket } from './soak-market.ts';
import { summarizeSoak, type DestinationLedger, type RssSample } from './soak-report.ts';
import { makeTempDir, removeTempDir, round, seededRandom } from './support.ts';

const SETTINGS = {
  itemsPerFeed: 10,
  /** New posts over all feeds per minute: ~5× a busy real list of 1,000 feeds. */
  postsPerMinute: 120,
  /** Feed faults, as shares of requests, plus feeds broken for good. */
  feedServerErrorRate: 0.03,
  feedTimeoutRate: 0.01,
  brokenFeeds: 5,
  /** The soak's feed timeout, s, and how long a "slow" feed takes to answer, ms. */
  feedTimeoutSeconds: 3,
  slowFeedMs: 4_000,
  /** Chat faults, as shares of send requests (429, 5xx, reset before, response lost after). */
  chatRateLimitRate: 0.08,
  chatServerErrorRate: 0.04,
  chatResetRate: 0.02,
  chatDropResponseRate: 0.01,
  /** Mean time between price jumps over all tokens, ms. */
  jumpEveryMs: 20_000,
  /** Minutes of 1-minute candles the bot backfills (backfillDays = 1). */
  historyMinutes: 1_440,
  /** RSS is sampled this often for the slope; lines are printed every --report-every. */
  sampleEveryMs: 5_000,
  /** Share of the run treated as warm-up for the slope (at least until the first feed cycle, which reads every feed's backlog, ends). */
  warmupShare: 0.3,
  /** Longest the final drain (faults off) may take, s. */
  drainSeconds: 180,
  seed: 20250606,
} as const;

const DISCORD_CHANNEL = '123456789012345678';
/** A group: Telegram's 20 messages per minute apply, the usual case for an alert channel. */
const TELEGRAM_CHAT = '-1001234567890';

interface Args {
  minutes: number;
  feeds: number;
  symbols: number;
  reportEverySeconds: number;
  verbose: boolean;
}

function parseCliArgs(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string', default: '1' },
      feeds: { type: 'string', default: '1000' },
      symbols: { type: 'string', default: '30' },
      'report-every': { type: 'string', default: '30' },
      verbose: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const number = (name: string, raw: string, min: number) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min) throw new Error(`--${name} must be a number ≥ ${min}, got "${raw}"`);
    return n;
  };
  return {
    minutes: number('minutes', values.minutes, 0.1),
    feeds: Math.round(number('feeds', values.feeds, 1)),
    symbols: Math.round(number('symbols', values.symbols, 3)),
    reportEverySeconds: number('report-every', values['report-every'], 1),
    verbose: values.verbose,
  };
}

/** What the logs tell the soak: cycle results summed, warnings and errors counted (and shown with --verbose). */
interface LogTally {
  feedsPolled: number;
  feedCycles: number;
  /** When the first feed cycle ended (Date.now()): the one-off poll of every feed's backlog. */
  firstFeedCycleAt?: number;
  priceCycles: number;
  warnings: number;
  errors: number;
  lastError?: string;
}

function tallyingLogger(tally: LogTally, verbose: boolean, bindings: Record<string, unknown> = {}): Logger {
  const show = (level: string, obj: object, msg?: string) => {
    if (verbose) process.stderr.write(`${JSON.stringify({ level, msg, ...bindings, ...obj }, (_k, v: unknown) => (v instanceof Error ? v.message : v))}\n`);
  };
  return {
    debug() {},
    info(obj, msg) {
      const fields = obj as { polled?: number };
      if (msg === 'feed cycle') {
        tally.feedCycles++;
        tally.firstFeedCycleAt ??= Date.now();
        tally.feedsPolled += fields.polled ?? 0;
      } else if (msg === 'price cycle') tally.priceCycles++;
    },
    warn(obj, msg) {
      tally.warnings++;
      show('warn', obj, msg);
    },
    error(obj, msg) {
      tally.errors++;
      tally.lastError = msg;
      show('error', obj, msg);
    },
    child: (more) => tallyingLogger(tally, verbose, { ...bindings, ...more }),
  };
}

/** The sink, counting failed sends (whatever the reason) on the way. */
function countingSink(sink: DeliverySink, failures: { count: number }): DeliverySink {
  return {
    id: sink.id,
    pacing: sink.pacing,
    close: sink.close?.bind(sink),
    async send(alert, deliveryId, options) {
      try {
        await sink.send(alert, deliveryId, options);
      } catch (error) {
        failures.count++;
        throw error;
      }
    },
  };
}

/** Tokens.yaml's tokens, all on Binance, plus synthetic AI tokens up to `count`. */
function soakTokens(base: readonly TokenConfig[], count: number): TokenConfig[] {
  const random = seededRandom(SETTINGS.seed + 1);
  const tokens = base.slice(0, count).map((t) => ({ ...t, venues: ['binance'] as TokenConfig['venues'] }));
  for (let n = 1; tokens.length < count; n++) {
    const name = `${properNoun(random, 3)} AI`;
    tokens.push({ symbol: `SOAK${String(n).padStart(2, '0')}`, name, names: [], tickers: [], ambiguous: false, matchName: true, venues: ['binance'], benchmark: false, sector: true });
  }
  return tokens;
}

/** The bundled config with the soak's feeds, tokens, compressed schedules and the two chat destinations. */
function soakConfig(base: AppConfig, feeds: FeedConfig[], symbols: number): AppConfig {
  const config = structuredClone(base);
  config.feeds.feeds = feeds;
  Object.assign(config.feeds.defaults, { pollMinutes: 0.5, timeoutSeconds: SETTINGS.feedTimeoutSeconds, maxBackoffMinutes: 2 });
  config.tokens.tokens = soakTokens(base.tokens.tokens, symbols);
  config.taxonomy = toTaxonomy(config.themes, config.tokens);
  const a = config.alerts;
  Object.assign(a.market, { timeframe: '1m', backfillDays: SETTINGS.historyMinutes / 1_440, volatilityDays: 1, betaDays: 1, gapRepairDays: 1, retentionDays: 2 });
  // A move alerts again after 10 minutes rather than 4 hours: a short soak still sees several per token.
  a.moves.cooldownMinutes = 10;
  // Retries back off for at most a minute, so the final drain can wait them out.
  a.delivery.maxBackoffMinutes = 1;
  a.schedule = { feeds: '*/10 * * * * *', prices: '*/15 * * * * *', deliver: '*/5 * * * * *', digests: '*/30 * * * * *' };
  a.destinations = [
    { id: 'discord', type: 'discord', channelId: DISCORD_CHANNEL, minSeverity: 'low' },
    { id: 'telegram', type: 'telegram', chatId: TELEGRAM_CHAT, minSeverity: 'low' },
  ];
  return config;
}

/** Chat faults for sends only (other calls, e.g. getMe, pass), drawn from one seeded stream. */
function chatFaultPolicy(platform: 'discord' | 'telegram', random: () => number): (req: { method?: string; url?: string }) => ProxyFault | undefined {
  return (req) => {
    const isSend = platform === 'discord' ? req.method === 'POST' && /\/messages$/.test(req.url ?? '') : /\/(sendMessage|sendPhoto)$/.test(req.url ?? '');
    if (!isSend) return undefined;
    let r = random();
    if ((r -= SETTINGS.chatRateLimitRate) < 0) return platform === 'discord' ? discordRateLimited(1.5, Date.now()) : telegramRateLimited(3);
    if ((r -= SETTINGS.chatServerErrorRate) < 0) return serverError(platform, random() < 0.5 ? 500 : 502);
    if ((r -= SETTINGS.chatResetRate) < 0) return { kind: 'reset' };
    if ((r -= SETTINGS.chatDropResponseRate) < 0) return { kind: 'drop-response' };
    return undefined;
  };
}

const hash = (text: string) => createHash('sha1').update(text).digest('hex').slice(0, 20);
const mb = (bytes: number) => round(bytes / 2 ** 20, 1);

async function main(): Promise<number> {
  const args = parseCliArgs(process.argv.slice(2));
  const durationMs = args.minutes * 60_000;
  const tmp = makeTempDir('soak');
  const dbPath = path.join(tmp, 'soak.db');
  const tally: LogTally = { feedsPolled: 0, feedCycles: 0, priceCycles: 0, warnings: 0, errors: 0 };
  const log = tallyingLogger(tally, args.verbose);
  const emit = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(record)}\n`);
  const note = (message: string) => process.stderr.write(`soak: ${message}\n`);

  const base = await loadConfig(DEFAULT_CONFIG_DIR);
  // Feeds are generated from the soak's own taxonomy, so the synthetic tokens appear in the news too.
  const withTokens = soakConfig(base, [], args.symbols);
  const news = await startSoakFeeds(withTokens, {
    feeds: args.feeds,
    itemsPerFeed: SETTINGS.itemsPerFeed,
    postsPerMinute: SETTINGS.postsPerMinute,
    serverErrorRate: SETTINGS.feedServerErrorRate,
    timeoutRate: SETTINGS.feedTimeoutRate,
    slowMs: SETTINGS.slowFeedMs,
    brokenFeeds: SETTINGS.brokenFeeds,
    seed: SETTINGS.seed,
  });
  const config = soakConfig(base, news.feeds, args.symbols);

  const binance = await startFakeBinance();
  const pairs = config.tokens.tokens.map((t) => `${t.symbol}/${config.tokens.quote}`);
  const market = startSoakMarket(binance, {
    pairs,
    benchmarks: new Set(config.tokens.tokens.filter((t) => t.benchmark).map((t) => `${t.symbol}/${config.tokens.quote}`)),
    historyMinutes: SETTINGS.historyMinutes,
    jumpEveryMs: SETTINGS.jumpEveryMs,
    seed: SETTINGS.seed + 2,
  });
  // The platforms' real limits, on the real clock, like the services themselves.
  const discord = await startFakeDiscord({ rateLimit: { limit: 5, resetAfterMs: 5_000 }, globalRateLimit: { limit: 50, resetAfterMs: 1_000 } });
  const telegram = await startFakeTelegram({ rateLimits: TELEGRAM_FLOOD_LIMITS });
  const chatRandom = seededRandom(SETTINGS.seed + 3);
  const proxies: Record<'discord' | 'telegram', FaultProxy> = {
    discord: await startFaultProxy(discord.origin, chatFaultPolicy('discord', chatRandom)),
    telegram: await startFaultProxy(telegram.apiRoot, chatFaultPolicy('telegram', chatRandom)),
  };
  const fakesRssMB = mb(process.memoryUsage().rss);

  const env = parseEnv({
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: `${proxies.discord.origin}/api`,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_URL: proxies.telegram.origin,
    EXCHANGE_API_URLS: `binance=${binance.url}`,
  });
  const store = openSqliteStore(dbPath);
  const reader = new Database(dbPath, { readonly: true, fileMustExist: true });
  const destinations = buildDestinations(config, env, {}, log);
  const failures = { count: 0 };
  for (const [id, sink] of destinations.sinks) destinations.sinks.set(id, countingSink(sink as DeliverySink, failures));
  const runtime = createRuntime({ config, store, clock: systemClock, log, destinations: destinations.rules });
  const prices = ccxtPriceSources(env, log);
  const cycles = createCycles({ runtime, destinations, prices, sleep: timerSleep });

  // What reached the fakes, drained from them regularly: they keep every request for tests to inspect.
  const arrivals = { discordNonces: [] as string[], telegramTexts: [] as string[] };
  const harvest = () => {
    for (const m of discord.messages) if (m.nonce !== undefined) arrivals.discordNonces.push(String(m.nonce));
    for (const m of telegram.messages) arrivals.telegramTexts.push(hash(m.raw));
    discord.messages.length = 0;
    discord.requests.length = 0;
    telegram.messages.length = 0;
    telegram.requests.length = 0;
    // Typed read-only for tests; emptied here only so the fake's log does not count as the bot's memory.
    (binance.requests as FakeBinanceRequest[]).length = 0;
  };
  const count = (sql: string) => (reader.prepare(sql).get() as { n: number }).n;
  const snapshot = () => ({
    feedsPolled: tally.feedsPolled,
    postsStored: count('SELECT COUNT(*) AS n FROM posts'),
    alertsQueued: count("SELECT COUNT(*) AS n FROM alerts WHERE kind <> 'digest'"),
    delivered: { discord: arrivals.discordNonces.length, telegram: arrivals.telegramTexts.length },
    pendingOutbox: store.deliveryCounts().pending,
    failedAttempts: failures.count,
  });

  note(`${args.feeds} feeds (${news.published} items), ${pairs.length} symbols, ${args.minutes} min; fakes up at ${fakesRssMB} MB RSS`);
  const started = Date.now();
  const samples: RssSample[] = [];
  const gc = (globalThis as { gc?: () => void }).gc;
  const sample = () => {
    gc?.();
    const m = process.memoryUsage();
    const s = { tMs: Date.now() - started, rssMB: mb(m.rss) };
    samples.push(s);
    return { ...s, heapUsedMB: mb(m.heapUsed), externalMB: mb(m.external + m.arrayBuffers) };
  };
  const report = () => {
    const m = sample();
    emit({ t: round(m.tMs / 1000, 0), rssMB: m.rssMB, heapUsedMB: m.heapUsedMB, externalMB: m.externalMB, ...snapshot(), feedCycles: tally.feedCycles, priceCycles: tally.priceCycles, jumps: market.jumps, faults: { discord: proxies.discord.stats.injected, telegram: proxies.telegram.stats.injected } });
  };
  sample();

  const s = config.alerts.schedule;
  const scheduler = startScheduler(
    [
      { name: 'feeds', cron: s.feeds, run: cycles.feeds },
      { name: 'prices', cron: s.prices, run: cycles.prices },
      { name: 'deliver', cron: s.deliver, run: cycles.deliver },
      { name: 'digests', cron: s.digests, run: async () => queueDueDigests(runtime) },
    ],
    log,
  );
  void scheduler.runNow('feeds');
  void scheduler.runNow('prices');

  let last = Date.now();
  const world = setInterval(() => {
    const now = Date.now();
    news.tick(now - last, now);
    market.tick(now);
    harvest();
    last = now;
  }, 1_000);
  const sampler = setInterval(sample, SETTINGS.sampleEveryMs);
  const reporter = setInterval(report, args.reportEverySeconds * 1000);
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  clearInterval(world);
  clearInterval(sampler);
  clearInterval(reporter);
  report();

  // Final drain: nothing new is produced, the chat APIs stop failing, and what is queued goes out.
  note('duration reached: stopping the cycles and draining with faults off');
  const drainStarted = Date.now();
  proxies.discord.enabled = false;
  proxies.telegram.enabled = false;
  // Waits for in-flight runs, including a delivery run waiting (up to maxWaitSeconds) for a rate-limit slot.
  await scheduler.stop();
  while (store.deliveryCounts().pending > 0 && Date.now() - drainStarted < SETTINGS.drainSeconds * 1000) {
    await cycles.deliver();
    harvest();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  cycles.stopDelivery();
  harvest();
  const drainSeconds = round((Date.now() - drainStarted) / 1000, 0);
  report();

  const warmupMs = Math.max(durationMs * SETTINGS.warmupShare, (tally.firstFeedCycleAt ?? Infinity) - started);
  const summary = summarizeSoak({
    minutes: args.minutes,
    samples: samples.filter((x) => x.tMs <= durationMs),
    warmupMs,
    alertsProduced: count("SELECT COUNT(*) AS n FROM alerts WHERE kind <> 'digest'"),
    destinations: { discord: ledgerOf(reader, 'discord', arrivals.discordNonces, nonceIndex), telegram: ledgerOf(reader, 'telegram', arrivals.telegramTexts, telegramIndex) },
  });
  emit({ ...summary, drainSeconds, fakesRssMB, warmupSeconds: round(warmupMs / 1000, 0), feedsPolled: tally.feedsPolled, warnings: tally.warnings, errors: tally.errors, ...(tally.lastError ? { lastError: tally.lastError } : {}) });

  for (const sink of destinations.sinks.values()) await sink.close?.();
  await (await prices('binance')).close?.();
  reader.close();
  store.close();
  await Promise.all([news.close(), binance.close(), discord.close(), telegram.close(), proxies.discord.close(), proxies.telegram.close()]);
  removeTempDir(tmp);
  return summary.lost > 0 ? 1 : 0;
}

/** How a message at a fake names its alert: an index from that identity to the alert ids that render to it. */
type IdentityIndex = (alerts: readonly { id: number; alert: Alert }[], destination: string) => { byKey: Map<string, number[]>; ignored: Set<string> };

/** Discord: the nonce the sink derives from the delivery id (`alertId:destination`). */
const nonceIndex: IdentityIndex = (alerts, destination) => ({
  byKey: new Map(alerts.map(({ id }) => [discordNonce(`${id}:${destination}`), [id]])),
  ignored: new Set(),
});

/**
 * Telegram has no idempotency key: a message is known by its text, the HTML the sink
 * renders (or its plain-text fallback). A chart sent after the text carries only a
 * short caption; those photos are not alerts of their own and are ignored.
 */
const telegramIndex: IdentityIndex = (alerts) => {
  const byKey = new Map<string, number[]>();
  const ignored = new Set<string>();
  const add = (key: string, id: number) => byKey.set(key, [...(byKey.get(key) ?? []), id]);
  for (const { id, alert } of alerts) {
    const view = viewAlert(alert);
    const html = renderTelegramHtml(view);
    add(hash(html), id);
    const plain = renderTelegramPlainText(view);
    if (plain !== html) add(hash(plain), id);
    const caption = renderTelegramCaption(view);
    if (caption !== html) ignored.add(hash(caption));
  }
  return { byKey, ignored };
};

/** The outbox's view of one destination, with each message at its fake attributed to an alert. */
function ledgerOf(db: Database.Database, destination: string, keys: readonly string[], index: IdentityIndex): DestinationLedger {
  const rows = db.prepare('SELECT a.id, a.kind, a.payload, d.status, d.digest_alert_id FROM deliveries d JOIN alerts a ON a.id = d.alert_id WHERE d.destination = ?').all(destination) as {
    id: number;
    kind: string;
    payload: string;
    status: string;
    digest_alert_id: number | null;
  }[];
  const digests = new Map<number, number[]>();
  for (const r of rows) {
    if (r.digest_alert_id === null) continue;
    digests.set(r.digest_alert_id, [...(digests.get(r.digest_alert_id) ?? []), r.id]);
  }
  const { byKey, ignored } = index(rows.map((r) => ({ id: r.id, alert: JSON.parse(r.payload) as Alert })), destination);
  // Several alerts can render alike: each arrival goes to the first of them not yet seen.
  const used = new Set<number>();
  const arrivals: number[] = [];
  let unidentified = 0;
  for (const key of keys) {
    if (ignored.has(key) && !byKey.has(key)) continue;
    const candidates = byKey.get(key);
    if (!candidates) {
      unidentified++;
      continue;
    }
    const id = candidates.find((c) => !used.has(c)) ?? candidates[0]!;
    used.add(id);
    arrivals.push(id);
  }
  return {
    queued: rows.filter((r) => r.kind !== 'digest').map((r) => r.id),
    pending: rows.filter((r) => r.status === 'pending').map((r) => r.id),
    arrivals,
    digests,
    unidentified,
  };
}

process.exitCode = await main();
