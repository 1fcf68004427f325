/**
 * Soak: `npm run soak -- --minutes N [--feeds 1000] [--symbols 30] [--report-every 30]
 * [--node-flags="--max-old-space-size=…"] [--bot-env KEY=VALUE]... [--heap-snapshots DIR]`
 * (--node-flags with "=": its value starts with a dash).
 *
 * The real bot (`radar start`, with the node flags of package.json's "start"
 * script, and its own SQLite file in a temp dir) runs as a child process for N
 * minutes against loopback imitations of everything it talks to, which run in
 * this process: 1,000 feeds that keep publishing (some failing: 5xx, answers
 * past the timeout, broken XML), the Binance fake with 30 tokens on 1-minute
 * candles (with jumps to detect), and the Discord (REST and gateway: the slash
 * command bot connects too) and Telegram (long polling too) fakes, enforcing
 * the platforms' real rate limits, behind a proxy that injects faults: 429s
 * with the platform's own body and headers, 5xx, connections dropped before
 * the request reaches the platform and after it acted. Measuring a child keeps
 * the fakes' memory (1,000 feed documents, request logs) out of the figures.
 *
 * Time is real: the bot runs on the system clock and its schedules are
 * compressed through its config files (feeds due every 30 s, cron jobs every
 * 5–15 s, 1-minute candles), because the chat clients (@discordjs/rest,
 * telegraf) and their rate limits live on the real clock; a faster virtual
 * clock would make pacing and Retry-After meaningless.
 *
 * Prints a JSON line every --report-every seconds, then a summary line after a
 * final drain with faults off: the bot's RSS start/max/end and peak (VmHWM),
 * the slope of RSS and of heap used after the warm-up, alerts produced,
 * delivered per destination (counted at the fakes), lost and duplicated. Exit
 * code 1 when an alert was lost or the bot did not exit cleanly. With --heap-snapshots DIR the bot writes a
 * heap snapshot after the warm-up and one at the end (compare them with
 * bench/soak-heap-diff.ts); the snapshots themselves raise its peak RSS.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import '../test/setup/no-network.ts'; // any connection off loopback throws: the soak never touches the internet
import { discordNonce } from '../src/adapters/discord/discord-sink.ts';
import { renderTelegramCaption, renderTelegramHtml, renderTelegramPlainText } from '../src/adapters/telegram/render-telegram.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../src/config/paths.ts';
import { viewAlert, type Alert } from '../src/domain/alert.ts';
import { startFakeBinance } from '../src/loopback/binance-server.ts';
import { startFakeDiscord } from '../src/loopback/discord-api.ts';
import { startFakeDiscordGateway } from '../src/loopback/discord-gateway.ts';
import { startFakeTelegram, TELEGRAM_FLOOD_LIMITS } from '../src/loopback/telegram-api.ts';
import { discordRateLimited, serverError, startFaultProxy, telegramRateLimited, type FaultProxy, type ProxyFault } from './fault-proxy.ts';
import { packageStartCommand, startSoakBot, type BotLogRecord, type BotMemory } from './soak-bot.ts';
import { soakConfig, writeSoakConfig, type SoakConfigOptions } from './soak-config.ts';
import { startSoakFeeds } from './soak-feeds.ts';
import { startSoakMarket } from './soak-market.ts';
import { slopeMBPerMin, summarizeSoak, type DestinationLedger, type MemorySample } from './soak-report.ts';
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
  /** The bot's memory is sampled this often for the slope; lines are printed every --report-every. */
  sampleEveryMs: 5_000,
  /** Share of the run treated as warm-up for the slope (at least until the first feed cycle, which reads every feed's backlog, ends). */
  warmupShare: 0.3,
  /** Longest the bot may take to start (config, migrations, /metrics up), s. */
  startSeconds: 60,
  /** Longest the final drain (faults off) may take, s. */
  drainSeconds: 180,
  seed: 20250606,
} as const;

const DISCORD_CHANNEL = '123456789012345678';
/** A group: Telegram's 20 messages per minute apply, the usual case for an alert channel. */
const TELEGRAM_CHAT = '-1001234567890';
/** As long as a real getUpdates long poll may be held (telegraf asks for 50 s). */
const TELEGRAM_LONG_POLL_MS = 30_000;

interface Args {
  minutes: number;
  feeds: number;
  symbols: number;
  reportEverySeconds: number;
  /** Replaces the node flags of package.json's "start" (to measure a lever); undefined: those flags. */
  nodeFlags?: string[];
  heapSnapshotDir?: string;
  /** More variables for the bot's environment (KEY=VALUE), e.g. MALLOC_ARENA_MAX=2. */
  botEnv: Record<string, string>;
  verbose: boolean;
}

function parseCliArgs(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      'minutes': { type: 'string', default: '1' },
      'feeds': { type: 'string', default: '1000' },
      'symbols': { type: 'string', default: '30' },
      'report-every': { type: 'string', default: '30' },
      'node-flags': { type: 'string' },
      'heap-snapshots': { type: 'string' },
      'bot-env': { type: 'string', multiple: true, default: [] },
      'verbose': { type: 'boolean', default: false },
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
    nodeFlags: values['node-flags']?.split(/\s+/).filter(Boolean),
    heapSnapshotDir: values['heap-snapshots'] === undefined ? undefined : path.resolve(values['heap-snapshots']),
    botEnv: Object.fromEntries(
      values['bot-env'].map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) throw new Error(`--bot-env takes KEY=VALUE, got "${pair}"`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    ),
    verbose: values.verbose,
  };
}

/** What the bot's log lines tell the soak: cycle results summed, warnings and errors counted by message. */
interface LogTally {
  feedsPolled: number;
  feedCycles: number;
  /** When the first feed cycle ended (Date.now()): the one-off poll of every feed's backlog. */
  firstFeedCycleAt?: number;
  priceCycles: number;
  /** Sends that failed (any reason) and were left for a retry or given up. */
  failedSends: number;
  warnings: Record<string, number>;
  errors: Record<string, number>;
  lastError?: string;
}

const PINO_WARN = 40;
const PINO_ERROR = 50;

function tallyLog(tally: LogTally, record: BotLogRecord, verbose: boolean): void {
  const msg = record.msg ?? '';
  if (msg === 'feed cycle') {
    tally.feedCycles++;
    tally.firstFeedCycleAt ??= Date.now();
    tally.feedsPolled += typeof record.polled === 'number' ? record.polled : 0;
  } else if (msg === 'price cycle') tally.priceCycles++;
  if (msg.startsWith('delivery failed') || msg.startsWith('giving up on delivery')) tally.failedSends++;
  if (record.level >= PINO_ERROR) {
    tally.errors[msg] = (tally.errors[msg] ?? 0) + 1;
    tally.lastError = msg;
  } else if (record.level >= PINO_WARN) tally.warnings[msg] = (tally.warnings[msg] ?? 0) + 1;
  if (verbose && record.level >= PINO_WARN) process.stderr.write(`${JSON.stringify(record)}\n`);
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
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  const args = parseCliArgs(process.argv.slice(2));
  const durationMs = args.minutes * 60_000;
  const tmp = makeTempDir('soak');
  const dbPath = path.join(tmp, 'soak.db');
  const configDir = path.join(tmp, 'config');
  mkdirSync(configDir);
  if (args.heapSnapshotDir) mkdirSync(args.heapSnapshotDir, { recursive: true });
  const tally: LogTally = { feedsPolled: 0, feedCycles: 0, priceCycles: 0, failedSends: 0, warnings: {}, errors: {} };
  const emit = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(record)}\n`);
  const note = (message: string) => process.stderr.write(`soak: ${message}\n`);

  const configOptions: SoakConfigOptions = {
    symbols: args.symbols,
    feedTimeoutSeconds: SETTINGS.feedTimeoutSeconds,
    historyMinutes: SETTINGS.historyMinutes,
    seed: SETTINGS.seed + 1,
    discordChannelId: DISCORD_CHANNEL,
    telegramChatId: TELEGRAM_CHAT,
  };
  const base = await loadConfig(DEFAULT_CONFIG_DIR);
  // Feeds are generated from the soak's own taxonomy, so the synthetic tokens appear in the news too.
  const withTokens = soakConfig(base, [], configOptions);
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
  const config = soakConfig(base, news.feeds, configOptions);
  await writeSoakConfig(configDir, config, configOptions);

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
  // The slash-command bot's gateway and REST routes; message sends pass through to the message fake.
  const gateway = await startFakeDiscordGateway({ token: discord.token, restFallback: discord.origin });
  const telegram = await startFakeTelegram({ rateLimits: TELEGRAM_FLOOD_LIMITS, maxPollMs: TELEGRAM_LONG_POLL_MS });
  const chatRandom = seededRandom(SETTINGS.seed + 3);
  const proxies: Record<'discord' | 'telegram', FaultProxy> = {
    discord: await startFaultProxy(gateway.origin, chatFaultPolicy('discord', chatRandom)),
    telegram: await startFaultProxy(telegram.apiRoot, chatFaultPolicy('telegram', chatRandom)),
  };

  const start = packageStartCommand();
  const bot = await startSoakBot({
    env: {
      CONFIG_DIR: configDir,
      DB_PATH: dbPath,
      LOG_LEVEL: 'info',
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: `${proxies.discord.origin}/api`,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_URL: proxies.telegram.origin,
      EXCHANGE_API_URLS: `binance=${binance.url}`,
      ...start.env,
      ...args.botEnv,
    },
    nodeFlags: args.nodeFlags ?? start.nodeFlags,
    workDir: tmp,
    heapSnapshotDir: args.heapSnapshotDir,
    onLog: (record) => tallyLog(tally, record, args.verbose),
  });
  const started = Date.now();
  await bot.ready(SETTINGS.startSeconds * 1000);
  const readyMs = Date.now() - started;
  const reader = new Database(dbPath, { readonly: true, fileMustExist: true });

  // What reached the fakes, drained from them regularly: they keep every request for tests to inspect.
  const arrivals = { discordNonces: [] as string[], telegramTexts: [] as string[] };
  const harvest = () => {
    for (const m of discord.messages) if (m.nonce !== undefined) arrivals.discordNonces.push(String(m.nonce));
    for (const m of telegram.messages) arrivals.telegramTexts.push(hash(m.raw));
    discord.messages.length = 0;
    discord.requests.length = 0;
    telegram.messages.length = 0;
    telegram.requests.length = 0;
    binance.clearRequests();
  };
  const count = (sql: string) => (reader.prepare(sql).get() as { n: number }).n;
  const pending = () => count("SELECT COUNT(*) AS n FROM deliveries WHERE status = 'pending'");
  const snapshot = () => ({
    feedsPolled: tally.feedsPolled,
    postsStored: count('SELECT COUNT(*) AS n FROM posts'),
    alertsQueued: count("SELECT COUNT(*) AS n FROM alerts WHERE kind <> 'digest'"),
    delivered: { discord: arrivals.discordNonces.length, telegram: arrivals.telegramTexts.length },
    pendingOutbox: pending(),
    failedSends: tally.failedSends,
  });

  note(`bot pid ${bot.pid} (${bot.command}) up in ${round(readyMs / 1000, 1)} s; ${args.feeds} feeds (${news.published} items), ${pairs.length} symbols, ${args.minutes} min`);
  const samples: MemorySample[] = [];
  const heapSamples: MemorySample[] = [];
  let botGone = false;
  void bot.exited.then(() => (botGone = true));
  let lastMemory: BotMemory | undefined;
  const sample = async () => {
    const tMs = Date.now() - started;
    if (botGone) return; // the run stops with the bot's exit status below, not with a missing /proc file
    const { rssMB } = bot.rss();
    samples.push({ tMs, mb: round(rssMB, 1) });
    lastMemory = await bot.memory();
    if (lastMemory) heapSamples.push({ tMs, mb: lastMemory.heapUsedMB });
  };
  const report = async () => {
    await sample();
    if (botGone) return;
    const { rssMB, peakRssMB } = bot.rss();
    emit({
      t: round((Date.now() - started) / 1000, 0),
      rssMB: round(rssMB, 1),
      peakRssMB: round(peakRssMB, 1),
      heapUsedMB: lastMemory ? round(lastMemory.heapUsedMB, 1) : null,
      heapTotalMB: lastMemory ? round(lastMemory.heapTotalMB, 1) : null,
      externalMB: lastMemory ? round(lastMemory.externalMB, 1) : null,
      ...snapshot(),
      feedCycles: tally.feedCycles,
      priceCycles: tally.priceCycles,
      jumps: market.jumps,
      faults: { discord: proxies.discord.stats.injected, telegram: proxies.telegram.stats.injected },
    });
  };
  await sample();

  let last = Date.now();
  const world = setInterval(() => {
    const now = Date.now();
    news.tick(now - last, now);
    market.tick(now);
    harvest();
    last = now;
  }, 1_000);
  const sampler = setInterval(() => void sample(), SETTINGS.sampleEveryMs);
  const reporter = setInterval(() => void report(), args.reportEverySeconds * 1000);
  const warmupMs = () => Math.max(durationMs * SETTINGS.warmupShare, (tally.firstFeedCycleAt ?? Infinity) - started);
  const heapSnapshots: string[] = [];
  if (args.heapSnapshotDir) {
    while (tally.firstFeedCycleAt === undefined && Date.now() - started < durationMs) await sleep(1_000);
    await sleep(Math.max(0, started + Math.min(durationMs, warmupMs()) - Date.now()));
    heapSnapshots.push(await bot.heapSnapshot());
    note(`heap snapshot after the warm-up: ${heapSnapshots[0]}`);
  }
  const early = await Promise.race([sleep(Math.max(0, started + durationMs - Date.now())).then(() => undefined), bot.exited]);
  clearInterval(sampler);
  clearInterval(reporter);
  if (early) throw new Error(`the bot exited ${round((Date.now() - started) / 1000, 0)} s into the soak (code ${early.code}, signal ${early.signal})`);
  await report();
  if (args.heapSnapshotDir) {
    heapSnapshots.push(await bot.heapSnapshot());
    note(`heap snapshot at the end: ${heapSnapshots[1]} (compare: node --import tsx bench/soak-heap-diff.ts ${heapSnapshots.join(' ')})`);
  }
  const { peakRssMB } = bot.rss();

  // Final drain: nothing new is published, the chat APIs stop failing, and what is queued goes out.
  note('duration reached: no more news or price jumps; draining with faults off');
  clearInterval(world);
  const drainStarted = Date.now();
  proxies.discord.enabled = false;
  proxies.telegram.enabled = false;
  while (pending() > 0 && Date.now() - drainStarted < SETTINGS.drainSeconds * 1000) {
    harvest();
    await sleep(1_000);
  }
  const exit = await bot.stop();
  harvest();
  const drainSeconds = round((Date.now() - drainStarted) / 1000, 0);
  if (exit.code !== 0) note(`the bot exited with ${JSON.stringify(exit)}:\n${bot.tail()}`);

  const warmup = warmupMs();
  const kept = (list: MemorySample[]) => list.filter((x) => x.tMs <= durationMs);
  const heapSlope = slopeMBPerMin(kept(heapSamples), warmup);
  const summary = summarizeSoak({
    minutes: args.minutes,
    samples: kept(samples),
    rssPeakMB: peakRssMB,
    warmupMs: warmup,
    alertsProduced: count("SELECT COUNT(*) AS n FROM alerts WHERE kind <> 'digest'"),
    destinations: { discord: ledgerOf(reader, 'discord', arrivals.discordNonces, nonceIndex), telegram: ledgerOf(reader, 'telegram', arrivals.telegramTexts, telegramIndex) },
  });
  emit({
    ...summary,
    heapUsedSlopeMBPerMin: Number.isNaN(heapSlope) ? null : round(heapSlope, 2),
    heapUsedEndMB: heapSamples.length > 0 ? round(kept(heapSamples).at(-1)!.mb, 1) : null,
    botCommand: [...Object.entries(start.env).map(([k, v]) => `${k}=${v}`), bot.command].join(' '),
    botStartSeconds: round(readyMs / 1000, 1),
    botExit: exit,
    ...(heapSnapshots.length > 0 ? { heapSnapshots, note: 'heap snapshots were taken: the peak RSS includes their cost' } : {}),
    drainSeconds,
    soakProcessRssMB: mb(process.memoryUsage().rss),
    warmupSeconds: round(warmup / 1000, 0),
    feedsPolled: tally.feedsPolled,
    failedSends: tally.failedSends,
    warnings: tally.warnings,
    errors: tally.errors,
    ...(tally.lastError ? { lastError: tally.lastError } : {}),
  });

  reader.close();
  await Promise.all([news.close(), binance.close(), discord.close(), gateway.close(), telegram.close(), proxies.discord.close(), proxies.telegram.close()]);
  removeTempDir(tmp);
  return summary.lost > 0 || exit.code !== 0 ? 1 : 0;
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
