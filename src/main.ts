/**
 * Composition root: the only place that reads the environment and builds
 * adapters. Everything below receives plain objects.
 */
import { deliverDue, timerSleep, type Sleep } from './app/deliver.ts';
import { createRateLimiter } from './app/rate-limiter.ts';
import { createMoveCycleState, detectAndAlertMoves } from './app/detect-moves.ts';
import { pollFeeds } from './app/poll-feeds.ts';
import { createPricePollState, pollPrices, type PriceSourceProvider } from './app/poll-prices.ts';
import type { AlertSink, FeedFetcher, Logger, PriceSource } from './app/ports.ts';
import { createRuntime, type Runtime } from './app/runtime.ts';
import { startScheduler, type Scheduler } from './app/scheduler.ts';
import { singleFlight } from './app/concurrency.ts';
import { queueDueDigests } from './app/digest.ts';
import { lazyChartRenderer } from './adapters/charts/chart-renderer.ts';
import { createConsoleSink } from './adapters/console/console-sink.ts';
import { createCcxtPriceSource } from './adapters/exchange/ccxt-price-source.ts';
import { createFeedParser } from './adapters/feeds/feed-parser.ts';
import { createHttpFeedFetcher } from './adapters/feeds/http-feed-fetcher.ts';
import { createLogger } from './adapters/logging/logger.ts';
import { openSqliteStore } from './adapters/sqlite/sqlite-store.ts';
import { exchangeApiRoots, secretsOf, type Env } from './config/env.ts';
import { loadConfig, type AppConfig } from './config/load-config.ts';
import { DEFAULT_CONFIG_DIR, DEFAULT_DB_PATH } from './config/paths.ts';
import type { DestinationRule } from './domain/routing.ts';
import type { Clock } from './domain/time.ts';
import { DAY_MS } from './domain/time.ts';
import { lookup } from 'node:dns/promises';
import { withStoredOverrides } from './app/commands/config-overrides.ts';
import { chatDestinationsOf } from './app/commands/destinations.ts';
import { refusePrivateRedirects } from './app/commands/feed-url.ts';
import type { CommandDeps } from './app/commands/types.ts';
import type { DiscordCommandsOptions } from './adapters/discord/commands/discord-commands.ts';
import { watchConfig } from './adapters/config-watcher.ts';
import { createStageHealth, longestCronGapMs, staleAfterMs, type StageHealth, type StageName } from './app/health.ts';
import { createDatabaseProbe } from './adapters/sqlite/database-probe.ts';
import { createRadarMetrics, type RadarMetrics } from './adapters/http/metrics.ts';
import { startOpsServer, type OpsServer } from './adapters/http/ops-server.ts';
import { createMemoryTrimmer } from './adapters/memory/malloc-trim.ts';


export const systemClock: Clock = { now: () => Date.now() };

export interface Destinations {
  rules: DestinationRule[];
  sinks: Map<string, AlertSink>;
}

/**
 * Wire each configured destination to a sink. Destinations whose secret is
 * missing are skipped with a warning; with none configured, the env
 * shortcuts apply, and the console is the fallback. A chat SDK is imported only
 * when a destination uses it (discord.js alone is ~40 MB of a bot's memory).
 */
export async function buildDestinations(config: AppConfig, env: Env, rawEnv: NodeJS.ProcessEnv, log: Logger): Promise<Destinations> {
  const rules: DestinationRule[] = [];
  const sinks = new Map<string, AlertSink>();
  const add = (rule: DestinationRule, sink: AlertSink) => {
    rules.push(rule);
    sinks.set(rule.id, sink);
  };
  const discordApi = env.DISCORD_API_URL;
  const telegramApi = env.TELEGRAM_API_URL;
  const discordSinks = () => import('./adapters/discord/discord-sink.ts');
  const telegramSinks = () => import('./adapters/telegram/telegram-sink.ts');

  for (const d of config.alerts.destinations) {
    const rule: DestinationRule = { id: d.id, kinds: d.kinds, minSeverity: d.minSeverity };
    switch (d.type) {
      case 'console':
        add(rule, createConsoleSink({ id: d.id }));
        break;
      case 'discord':
        if (!env.DISCORD_TOKEN) log.warn({ destination: d.id }, 'DISCORD_TOKEN is not set; Discord destination skipped');
        else add(rule, (await discordSinks()).createDiscordSink({ id: d.id, token: env.DISCORD_TOKEN, channelId: d.channelId, apiRoot: discordApi, mentions: d.mentions, charts: lazyChartRenderer, logger: log }));
        break;
      case 'discord-webhook': {
        const url = rawEnv[d.urlEnv];
        if (!url) log.warn({ destination: d.id, variable: d.urlEnv }, 'webhook URL variable is not set; destination skipped');
        else add(rule, (await discordSinks()).createDiscordWebhookSink({ id: d.id, webhookUrl: url, apiRoot: discordApi, mentions: d.mentions, charts: lazyChartRenderer, logger: log }));
        break;
      }
      case 'telegram':
        if (!env.TELEGRAM_BOT_TOKEN) log.warn({ destination: d.id }, 'TELEGRAM_BOT_TOKEN is not set; Telegram destination skipped');
        else add(rule, (await telegramSinks()).createTelegramSink({ id: d.id, token: env.TELEGRAM_BOT_TOKEN, chatId: d.chatId, messageThreadId: d.messageThreadId, apiRoot: telegramApi, charts: lazyChartRenderer, logger: log }));
        break;
    }
  }
  if (config.alerts.destinations.length === 0) {
    if (env.DISCORD_TOKEN && env.DISCORD_CHANNEL_ID) {
      add({ id: 'discord', minSeverity: 'low' }, (await discordSinks()).createDiscordSink({ id: 'discord', token: env.DISCORD_TOKEN, channelId: env.DISCORD_CHANNEL_ID, apiRoot: discordApi, charts: lazyChartRenderer, logger: log }));
    } else if (env.DISCORD_TOKEN) log.warn({}, 'DISCORD_TOKEN is set but DISCORD_CHANNEL_ID is not; Discord alerts are off');
    if (env.DISCORD_WEBHOOK_URL) {
      add({ id: 'discord-webhook', minSeverity: 'low' }, (await discordSinks()).createDiscordWebhookSink({ id: 'discord-webhook', webhookUrl: env.DISCORD_WEBHOOK_URL, apiRoot: discordApi, charts: lazyChartRenderer, logger: log }));
    }
    if (env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_CHAT_ID) {
      add({ id: 'telegram', minSeverity: 'low' }, (await telegramSinks()).createTelegramSink({ id: 'telegram', token: env.TELEGRAM_BOT_TOKEN, chatId: env.TELEGRAM_CHAT_ID, apiRoot: telegramApi, charts: lazyChartRenderer, logger: log }));
    } else if (env.TELEGRAM_BOT_TOKEN) log.warn({}, 'TELEGRAM_BOT_TOKEN is set but TELEGRAM_CHAT_ID is not; Telegram alerts are off');
  }
  if (rules.length === 0) {
    log.info({}, 'no chat destination configured: alerts go to the console');
    add({ id: 'console', minSeverity: 'low' }, createConsoleSink({ id: 'console' }));
  }
  return { rules, sinks };
}

/** Lazily builds one ccxt price source per venue and reuses it. */
export function ccxtPriceSources(env: Env, log: Logger): PriceSourceProvider {
  const roots = exchangeApiRoots(env);
  const cache = new Map<string, Promise<PriceSource>>();
  return (venue) => {
    let source = cache.get(venue);
    if (!source) {
      source = createCcxtPriceSource({ venue, apiRoot: roots.get(venue), logger: log });
      // A failed construction (unknown venue) must not be cached forever.
      source.catch(() => cache.delete(venue));
      cache.set(venue, source);
    }
    return source;
  };
}

export interface BotParts {
  runtime: Runtime;
  destinations: Destinations;
  prices: PriceSourceProvider;
  /**
   * How delivery waits for a rate-limit slot on the runtime's clock (timers for the
   * system clock, advancing a virtual one in tests). Without it, delivery never
   * waits inside a run: what is not yet allowed goes out on a later run.
   */
  sleep?: Sleep;
  /** Stage health and metrics to record into (only when the ops HTTP server runs). */
  ops?: { health?: StageHealth; metrics?: RadarMetrics };
}

export interface Cycles {
  feeds: () => Promise<void>;
  prices: () => Promise<void>;
  deliver: () => Promise<void>;
  /** End delivery's rate-limit waits now and start no new send (shutdown). */
  stopDelivery: () => void;
}

/** The cycles of the bot over a runtime, shared by `start`, the demo and the end-to-end tests. */
export function createCycles(parts: BotParts, fetcher: FeedFetcher = createHttpFeedFetcher(), parser = createFeedParser()): Cycles {
  const { runtime: rt } = parts;
  const { health, metrics } = parts.ops ?? {};
  if (metrics) fetcher = metrics.instrumentFetcher(fetcher);
  const sinks = metrics ? metrics.instrumentSinks(parts.destinations.sinks) : parts.destinations.sinks;
  // Rolling sector index, beta sums and event-study progress carry over between cycles.
  const moveState = createMoveCycleState();
  const priceState = createPricePollState();
  // One limiter for the bot's life: pacing holds across delivery runs.
  const limiter = createRateLimiter(rt.clock);
  const stopping = new AbortController();
  const deliver = singleFlight(
    tracked('delivery', async () => {
      const r = await deliverDue(rt, { sinks, limiter, sleep: parts.sleep, signal: stopping.signal });
      if (r.sent + r.failed + r.coalesced > 0) rt.log.debug({ ...r }, 'delivery run');
      // A run with nothing due is healthy (an empty outbox); one where every send failed is not.
      return r.failed > 0 && r.sent === 0 ? `${r.failed} sends failed, none succeeded` : 'ok';
    }),
  );
  rt.onAlertsQueued = () => void deliver();
  /**
   * Time a stage's run and record its outcome for /healthz: 'ok', 'idle' (nothing
   * to judge) or a failure message. A thrown error is a failure and is rethrown.
   */
  function tracked(stage: StageName, run: () => Promise<string>): () => Promise<void> {
    return async () => {
      const done = metrics?.timeCycle(stage);
      try {
        const outcome = await run();
        if (outcome === 'ok') health?.recordSuccess(stage);
        else if (outcome !== 'idle') health?.recordFailure(stage, outcome);
      } catch (err) {
        health?.recordFailure(stage, err instanceof Error ? err.message : String(err));
        throw err;
      } finally {
        done?.();
      }
    };
  }
  return {
    feeds: tracked('feeds', async () => {
      const r = await pollFeeds(rt, { fetcher, parser });
      metrics?.itemsIngested(r.newPosts);
      if (r.polled > 0) rt.log.info({ polled: r.polled, newPosts: r.newPosts, failed: r.failed, alerts: r.alertsQueued }, 'feed cycle');
      // Feeds back off after failures, so quiet cycles (nothing due) say nothing about health.
      if (r.polled === 0) return 'idle';
      return r.failed === r.polled ? `all ${r.polled} feeds polled failed, e.g. ${r.outcomes.find((o) => o.error)?.error ?? 'unknown error'}` : 'ok';
    }),
    prices: tracked('prices', async () => {
      const r = await pollPrices(rt, { sources: parts.prices }, priceState);
      const m = detectAndAlertMoves(rt, { state: moveState });
      rt.store.pruneCandles(rt.clock.now() - rt.config.alerts.market.retentionDays * DAY_MS);
      rt.log.info({ candles: r.candlesStored, failed: r.failed, moves: m.moves.length, alerts: m.alertsQueued }, 'price cycle');
      return r.symbols > 0 && r.failed.length === r.symbols ? `no token could be priced (${r.failed.join(', ')})` : 'ok';
    }),
    deliver,
    stopDelivery: () => stopping.abort(),
  };
}

/** Addresses a host name resolves to, for the feed URL check (3 s at most: a chat reply cannot wait longer). */
async function lookupHost(hostname: string): Promise<string[]> {
  const answer = lookup(hostname, { all: true, verbatim: true }).then((list) => list.map((a) => a.address));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('DNS lookup timed out')), 3_000)));
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The chat command bots: Discord (gateway) when DISCORD_TOKEN is set, Telegram
 * (long polling) when TELEGRAM_BOT_TOKEN is set. A bot that fails to start is
 * logged and left out: alerts still go out without it.
 */
/** `yamlConfig` is read at each command: hot reload swaps it, and admin overrides apply on top of the current YAML. */
export async function startChatCommands(runtime: Runtime, yamlConfig: () => AppConfig, env: Env, wired: readonly DestinationRule[]): Promise<{ stop(): Promise<void> }> {
  const bots: { stop(): Promise<void> }[] = [];
  if (!env.DISCORD_TOKEN && !env.TELEGRAM_BOT_TOKEN) return { stop: async () => {} };
  const deps: CommandDeps = { rt: runtime, baseConfig: yamlConfig, feedUrls: { allowPrivate: env.ALLOW_PRIVATE_FEED_URLS, lookup: lookupHost } };
  const destinations = chatDestinationsOf(runtime.config, { discordChannelId: env.DISCORD_CHANNEL_ID, telegramChatId: env.TELEGRAM_CHAT_ID }, new Set(wired.map((r) => r.id)));
  const { runCommand } = await import('./app/commands/run-command.ts');
  const run: DiscordCommandsOptions['run'] = (command, ctx) => runCommand(command, ctx, deps);
  if (env.DISCORD_TOKEN) {
    try {
      const { startDiscordCommands } = await import('./adapters/discord/commands/discord-commands.ts');
      bots.push(await startDiscordCommands({ token: env.DISCORD_TOKEN, apiRoot: env.DISCORD_API_URL, adminIds: env.DISCORD_ADMIN_IDS, destinations, run, log: runtime.log }));
    } catch (err) {
      runtime.log.error({ err }, 'Discord slash commands unavailable (alerts still go out): check DISCORD_TOKEN');
    }
  }
  if (env.TELEGRAM_BOT_TOKEN) {
    try {
      const { startTelegramCommands } = await import('./adapters/telegram/commands/telegram-commands.ts');
      bots.push(await startTelegramCommands({ token: env.TELEGRAM_BOT_TOKEN, apiRoot: env.TELEGRAM_API_URL, adminIds: env.TELEGRAM_ADMIN_IDS, destinations, run, log: runtime.log }));
    } catch (err) {
      runtime.log.error({ err }, 'Telegram commands unavailable (alerts still go out): check TELEGRAM_BOT_TOKEN');
    }
  }
  return {
    async stop() {
      for (const bot of bots) await bot.stop();
    },
  };
}

/** What /healthz and /metrics read and what the cycles record into. */
export interface Ops {
  health: StageHealth;
  metrics: RadarMetrics;
}

/** Track only the stages that have work: no enabled feed or no token means nothing to go stale. */
export function createOps(runtime: Runtime, now: () => number = () => performance.now()): Ops {
  const { config } = runtime;
  const s = config.alerts.schedule;
  const enabledFeeds = config.feeds.feeds.filter((f) => f.enabled);
  const stages: Partial<Record<StageName, { staleAfterMs: number }>> = {
    delivery: { staleAfterMs: staleAfterMs(longestCronGapMs(s.deliver)) },
  };
  if (enabledFeeds.length > 0) {
    // A feed is only polled every pollMinutes, however often the feed cycle runs.
    const slowestFeedMs = Math.max(...enabledFeeds.map((f) => (f.pollMinutes ?? config.feeds.defaults.pollMinutes) * 60_000));
    stages.feeds = { staleAfterMs: staleAfterMs(Math.max(longestCronGapMs(s.feeds), slowestFeedMs)) };
  }
  if (config.tokens.tokens.length > 0) stages.prices = { staleAfterMs: staleAfterMs(longestCronGapMs(s.prices)) };
  const health = createStageHealth(stages, runtime.clock);
  const metrics = createRadarMetrics({ store: runtime.store, feeds: () => runtime.config.feeds.feeds, health, monotonicMs: now });
  return { health, metrics };
}

/** The /healthz and /metrics server over `ops`, with its own connection probing the database. */
export async function startOpsHttp(ops: Ops, options: { port: number; host: string; dbPath: string; log: Logger }): Promise<OpsServer> {
  const probe = createDatabaseProbe(options.dbPath);
  try {
    const server = await startOpsServer({ port: options.port, host: options.host, health: () => ops.health.report(), database: () => probe.check(), registry: ops.metrics.registry, log: options.log });
    return {
      url: server.url,
      close: async () => {
        await server.close();
        probe.close();
      },
    };
  } catch (err) {
    probe.close();
    throw err;
  }
}

export interface RunningBot {
  runtime: Runtime;
  scheduler: Scheduler;
  stop(): Promise<void>;
}

/** Start the daemon: load config, open the DB, wire adapters, schedule the cycles. */
export async function startBot(env: Env, rawEnv: NodeJS.ProcessEnv): Promise<RunningBot> {
  const log = createLogger({ level: env.LOG_LEVEL, secrets: secretsOf(env) });
  const configDir = env.CONFIG_DIR ?? DEFAULT_CONFIG_DIR;
  const yamlConfig = await loadConfig(configDir);
  const dbPath = env.DB_PATH ?? DEFAULT_DB_PATH;
  const store = openSqliteStore(dbPath);
  const interrupted = store.interruptedDeliveries();
  if (interrupted.length > 0) {
    log.warn(
      { deliveries: interrupted.length, destinations: [...new Set(interrupted.map((d) => d.destination))] },
      `${interrupted.length} deliveries were in flight when the bot last stopped; they are sent again (Telegram may show them twice)`,
    );
  }
  // Admin changes made from chat are stored as overrides of the YAML files.
  const config = withStoredOverrides(yamlConfig, store, log);
  const destinations = await buildDestinations(config, env, rawEnv, log);
  const runtime = createRuntime({ config, store, clock: systemClock, log, destinations: destinations.rules });
  const ops = env.HTTP_PORT === undefined ? undefined : createOps(runtime);
  const fetcher = createHttpFeedFetcher({ checkRedirect: env.ALLOW_PRIVATE_FEED_URLS ? undefined : refusePrivateRedirects(lookupHost) });
  const cycles = createCycles({ runtime, destinations, prices: ccxtPriceSources(env, log), sleep: timerSleep, ops }, fetcher);
  // Before anything is scheduled: a port that cannot be bound stops the start with a clear error.
  const opsHttp =
    ops && env.HTTP_PORT !== undefined
      ? await startOpsHttp(ops, { port: env.HTTP_PORT, host: env.HTTP_HOST, dbPath, log }).catch((err: unknown) => {
          store.close();
          throw err;
        })
      : undefined;
  log.info(
    { configDir, dbPath, feeds: config.feeds.feeds.filter((f) => f.enabled).length, tokens: config.tokens.tokens.length, destinations: destinations.rules.map((r) => r.id) },
    'Narrative Radar starting',
  );
  // Each job runs on the alerts.yaml schedule of the same name.
  const jobs: Record<keyof AppConfig['alerts']['schedule'], () => Promise<unknown>> = {
    feeds: cycles.feeds,
    prices: cycles.prices,
    deliver: cycles.deliver,
    digests: async () => queueDueDigests(runtime),
  };
  const scheduleOf = () => runtime.config.alerts.schedule;
  // After each job: its burst of work (a feed cycle's 1,000 bodies, a chart) leaves holes in malloc's heap.
  const trimMemory = createMemoryTrimmer(log);
  const thenTrim = (run: () => Promise<unknown>) => () => run().finally(trimMemory);
  const scheduler = startScheduler(
    Object.entries(jobs).map(([name, run]) => ({ name, cron: scheduleOf()[name as keyof typeof jobs], run: thenTrim(run) })),
    log,
  );
  /** After a config reload: jobs whose cron expression changed move to it. */
  const followSchedules = async () => {
    for (const name of Object.keys(jobs) as (keyof typeof jobs)[]) {
      await scheduler.reschedule(name, scheduleOf()[name]).catch((err: unknown) => log.error({ err, job: name }, 'could not reschedule the job; it keeps its old schedule'));
    }
  };
  // Do not wait for the first tick: deliver what a previous run left, then poll.
  void scheduler.runNow('deliver');
  void scheduler.runNow('feeds');
  void scheduler.runNow('prices');
  let currentYaml = yamlConfig;
  const commands = await startChatCommands(runtime, () => currentYaml, env, destinations.rules);
  const configWatcher = await watchConfig({
    dir: configDir,
    runtime,
    log,
    onReload: (yaml) => {
      currentYaml = yaml;
      void followSchedules();
    },
  });

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info({}, 'stopping: finishing in-flight work');
      configWatcher.close();
      await commands.stop();
      cycles.stopDelivery();
      await scheduler.stop();
      for (const sink of destinations.sinks.values()) await sink.close?.();
      // Served until the cycles are done, so an orchestrator sees the shutdown through.
      await opsHttp?.close();
      store.close();
      log.info({}, 'stopped cleanly');
      log.flush();
    })());
  return { runtime, scheduler, stop };
}
