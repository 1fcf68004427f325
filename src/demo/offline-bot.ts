/**
 * The real bot wired to loopback imitations of everything it talks to: feed
 * hosts, Binance (through ccxt), Discord (through discord.js REST) and
 * Telegram (through telegraf), on a virtual clock. The demo, the end-to-end
 * tests and the benchmarks all run the production code through it.
 */
import { createConsoleSink } from '../adapters/console/console-sink.ts';
import { createDiscordSink } from '../adapters/discord/discord-sink.ts';
import { createCcxtPriceSource } from '../adapters/exchange/ccxt-price-source.ts';
import type { CandleSeries } from '../adapters/exchange/csv-candles.ts';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.ts';
import { createTelegramSink } from '../adapters/telegram/telegram-sink.ts';
import type { AlertSink, Logger, PriceSource } from '../app/ports.ts';
import { createRuntime, type Runtime } from '../app/runtime.ts';
import type { AppConfig } from '../config/load-config.ts';
import { timeframeMs } from '../domain/candles.ts';
import type { DestinationRule } from '../domain/routing.ts';
import { createCycles, type Cycles } from '../main.ts';
import { startFakeBinance, type FakeBinance } from '../loopback/binance-server.ts';
import { startFakeDiscord, type FakeDiscord } from '../loopback/discord-api.ts';
import { startFakeTelegram, type FakeTelegram } from '../loopback/telegram-api.ts';
import type { DemoScript } from './demo-script.ts';
import { startFeedHost, type FeedHost } from './feed-host.ts';
import { VirtualClock } from './virtual-clock.ts';

export const DEMO_DISCORD_CHANNEL = '123456789012345678';
export const DEMO_TELEGRAM_CHAT = '-1001234567890';

export interface OfflineBotOptions {
  /** The config to start from; feeds, venues and destinations are replaced by the loopback ones. */
  config: AppConfig;
  script: DemoScript;
  /** Candles the fake exchange serves, by pair ("TAO/USDT"). */
  candles: ReadonlyMap<string, CandleSeries>;
  start: number;
  dbPath: string;
  log: Logger;
  /** Where the console destination writes; no console destination when absent. */
  consoleWrite?: (text: string) => void;
}

export interface OfflineBot {
  runtime: Runtime;
  cycles: Cycles;
  clock: VirtualClock;
  discord: FakeDiscord;
  telegram: FakeTelegram;
  binance: FakeBinance;
  feedHost: FeedHost;
  /** Move the clock to `at` and run one feed, price and delivery cycle there. */
  step(at: number): Promise<void>;
  close(): Promise<void>;
}

export async function startOfflineBot(options: OfflineBotOptions): Promise<OfflineBot> {
  const clock = new VirtualClock(options.start);
  const [feedHost, binance, discord, telegram] = await Promise.all([
    startFeedHost(options.script.feeds, options.script.posts, clock),
    startFakeBinance(),
    startFakeDiscord({ now: () => clock.now() }),
    startFakeTelegram({ now: () => clock.now() }),
  ]);

  const symbols = new Set([...options.candles.keys()].map((pair) => pair.split('/')[0]!));
  const config = structuredClone(options.config);
  config.feeds.defaults.pollMinutes = 60;
  config.feeds.feeds = options.script.feeds.map((f) => ({ id: f.id, name: f.name, url: feedHost.urlOf(f.id), language: f.language, enabled: true, weight: f.weight }));
  config.tokens.tokens = config.tokens.tokens.filter((t) => symbols.has(t.symbol)).map((t) => ({ ...t, venues: ['binance'] }));

  const sinks = new Map<string, AlertSink>();
  const rules: DestinationRule[] = [];
  const add = (sink: AlertSink) => {
    sinks.set(sink.id, sink);
    rules.push({ id: sink.id, minSeverity: 'low' });
  };
  if (options.consoleWrite) add(createConsoleSink({ id: 'console', write: options.consoleWrite, color: false }));
  add(createDiscordSink({ id: 'discord', token: discord.token, channelId: DEMO_DISCORD_CHANNEL, apiRoot: discord.api }));
  add(createTelegramSink({ id: 'telegram', token: telegram.token, chatId: DEMO_TELEGRAM_CHAT, apiRoot: telegram.apiRoot }));

  const store = openSqliteStore(options.dbPath);
  const runtime = createRuntime({ config, store, clock, log: options.log, destinations: rules });
  let exchange: Promise<PriceSource> | undefined;
  const cycles = createCycles({
    runtime,
    destinations: { rules, sinks },
    prices: () => (exchange ??= createCcxtPriceSource({ venue: 'binance', apiRoot: binance.url, enableRateLimit: false, logger: options.log })),
  });
  const step = timeframeMs(config.alerts.market.timeframe);

  return {
    runtime,
    cycles,
    clock,
    discord,
    telegram,
    binance,
    feedHost,
    async step(at) {
      clock.set(at);
      // The exchange knows only the candles that have opened by now.
      for (const [pair, series] of options.candles) {
        binance.setCandles(pair, series.timeframe, series.candles.filter((c) => c.time + step <= at));
      }
      await cycles.feeds();
      await cycles.prices();
      await cycles.deliver();
    },
    async close() {
      await (await exchange)?.close?.();
      store.close();
      await Promise.all([feedHost.close(), binance.close(), discord.close(), telegram.close()]);
    },
  };
}
