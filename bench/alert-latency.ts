/**
 * alert-latency: how long after a feed fetch completes the chat APIs receive
 * the alert. The bot is wired as in src/demo/offline-bot.ts — createCycles
 * over a runtime whose `onAlertsQueued` hook starts delivery at once, the real
 * discord.js REST sink and telegraf sink pointed at the loopback imitations —
 * and each iteration publishes one new post with a strong theme on a loopback
 * feed, then runs the feed cycle.
 *
 * Measured per platform: from the moment the FeedFetcher's fetch() resolved
 * (a wrapper stamps it) to the moment the request carrying the message had
 * fully arrived at the API (a forwarder in front of each imitation stamps it).
 * Stages in between are stamped too: alert queued (the hook) and send started
 * (a wrapper around each sink).
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createDiscordSink } from '../src/adapters/discord/discord-sink.ts';
import { openSqliteStore } from '../src/adapters/sqlite/sqlite-store.ts';
import { createTelegramSink } from '../src/adapters/telegram/telegram-sink.ts';
import type { AlertSink, FeedFetcher } from '../src/app/ports.ts';
import { createRuntime } from '../src/app/runtime.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../src/config/paths.ts';
import { createHttpFeedFetcher } from '../src/adapters/feeds/http-feed-fetcher.ts';
import { VirtualClock } from '../src/demo/virtual-clock.ts';
import { startFakeDiscord } from '../src/loopback/discord-api.ts';
import { startFakeTelegram } from '../src/loopback/telegram-api.ts';
import type { DestinationRule } from '../src/domain/routing.ts';
import { HOUR_MS, MINUTE_MS } from '../src/domain/time.ts';
import { createCycles } from '../src/main.ts';
import { startArrivalForwarder, type Arrival, type ArrivalForwarder } from './arrival-forwarder.ts';
import { properNoun } from './corpus.ts';
import { paragraphsToHtml, renderRss, type RssItem } from './rss.ts';
import { startStaticFeedServer } from './static-feed-server.ts';
import { distribution, makeTempDir, quietLogger, removeTempDir, round, seededRandom, type BenchContext } from './support.ts';

export interface AlertLatencyOptions {
  iterations?: number;
  /** Iterations run first and left out of the distribution (JIT, connection set-up). */
  warmup?: number;
  /** The loop stops early past this much wall time, ms. */
  budgetMs?: number;
  /** Least time from one iteration's start to the next, ms. */
  intervalMs?: number;
}

const DEFAULTS = {
  iterations: 200,
  warmup: 10,
  budgetMs: 45_000,
  /**
   * Alerts are rare events; each iteration measures one alone. Back to back they
   * would exceed discord.js's client-side global limit (50 requests/s), and the
   * sink correctly turns that into a 'wait' that postpones the destination.
   */
  intervalMs: 50,
  targetP99Ms: 250,
  /** Items the feed lists; each iteration adds one at the top. */
  feedItems: 20,
} as const;

const CHANNEL_ID = '123456789012345678';
const CHAT_ID = '-1001234567890';
const PLATFORMS = ['discord', 'telegram'] as const;
type Platform = (typeof PLATFORMS)[number];

interface Stamps {
  fetched?: number;
  queued?: number;
  sendStarted: Partial<Record<Platform, number>>;
}

export async function benchAlertLatency(ctx: BenchContext, options: AlertLatencyOptions = {}): Promise<void> {
  const iterations = options.iterations ?? DEFAULTS.iterations;
  const warmup = options.warmup ?? DEFAULTS.warmup;
  const budgetMs = options.budgetMs ?? DEFAULTS.budgetMs;
  const intervalMs = options.intervalMs ?? DEFAULTS.intervalMs;
  const started = performance.now();
  const start = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const clock = new VirtualClock(start);
  const tmp = makeTempDir('alert-latency');
  const closers: (() => Promise<void> | void)[] = [() => removeTempDir(tmp)];
  try {
    const [feedHost, discord, telegram] = await Promise.all([
      startStaticFeedServer(),
      startFakeDiscord({ now: () => clock.now() }),
      startFakeTelegram({ now: () => clock.now() }),
    ]);
    closers.push(() => feedHost.close(), () => discord.close(), () => telegram.close());
    const forwarders: Record<Platform, ArrivalForwarder> = {
      discord: await startArrivalForwarder(discord.origin),
      telegram: await startArrivalForwarder(telegram.apiRoot),
    };
    closers.push(() => forwarders.discord.close(), () => forwarders.telegram.close());
    const isMessage: Record<Platform, (a: Arrival) => boolean> = {
      discord: (a) => a.method === 'POST' && a.path === `/api/v10/channels/${CHANNEL_ID}/messages`,
      telegram: (a) => a.method === 'POST' && a.path.endsWith('/sendMessage'),
    };

    const config = await loadConfig(DEFAULT_CONFIG_DIR);
    const feedPath = '/feeds/latency.xml';
    config.feeds.feeds = [{ id: 'latency', name: 'Latency Wire', url: feedHost.url(feedPath), language: 'en', enabled: true, weight: 1 }];

    const stamps: Stamps = { sendStarted: {} };
    const stamped = (platform: Platform, sink: AlertSink): AlertSink => ({
      ...sink,
      send(alert, deliveryId, options) {
        stamps.sendStarted[platform] ??= performance.now();
        return sink.send(alert, deliveryId, options);
      },
    });
    const sinks = new Map<string, AlertSink>([
      ['discord', stamped('discord', createDiscordSink({ id: 'discord', token: discord.token, channelId: CHANNEL_ID, apiRoot: `${forwarders.discord.origin}/api` }))],
      ['telegram', stamped('telegram', createTelegramSink({ id: 'telegram', token: telegram.token, chatId: CHAT_ID, apiRoot: forwarders.telegram.origin }))],
    ]);
    const rules: DestinationRule[] = PLATFORMS.map((id) => ({ id, minSeverity: 'low' }));

    const store = openSqliteStore(path.join(tmp, 'radar.db'));
    closers.push(() => store.close());
    const runtime = createRuntime({ config, store, clock, log: quietLogger, destinations: rules });
    const http = createHttpFeedFetcher();
    const fetcher: FeedFetcher = {
      async fetch(request) {
        const result = await http.fetch(request);
        stamps.fetched = performance.now();
        return result;
      },
    };
    const cycles = createCycles(
      { runtime, destinations: { rules, sinks }, prices: () => Promise.reject(new Error('no price source in this benchmark')) },
      fetcher,
    );
    const deliverNow = runtime.onAlertsQueued;
    runtime.onAlertsQueued = () => {
      stamps.queued ??= performance.now();
      deliverNow?.();
    };

    // The feed starts with old items (past maxAgeHours: stored, never alerted) and is polled once.
    const random = seededRandom(7);
    let items: RssItem[] = Array.from({ length: DEFAULTS.feedItems - 1 }, (_, i) => oldItem(i, start - 4 * 24 * HOUR_MS - i * HOUR_MS));
    const publish = () => feedHost.publish(feedPath, renderRss({ title: 'Latency Wire', link: 'https://wire.example.com', language: 'en' }, items), { lastModified: new Date(clock.now()) });
    publish();
    await cycles.feeds();

    const latencies: Record<Platform, number[]> = { discord: [], telegram: [] };
    const stages = { fetchToQueued: [] as number[], queuedToSend: { discord: [] as number[], telegram: [] as number[] }, sendToArrival: { discord: [] as number[], telegram: [] as number[] } };
    const cold: Partial<Record<Platform, number>> = {};
    let missed = 0;
    let done = 0;
    let nextAt = performance.now();
    for (let i = 0; i < warmup + iterations; i++) {
      if (performance.now() - started > budgetMs) break;
      const idleMs = nextAt - performance.now();
      if (idleMs > 0) await new Promise((resolve) => setTimeout(resolve, idleMs));
      nextAt = performance.now() + intervalMs;
      clock.advance(config.feeds.defaults.pollMinutes * MINUTE_MS);
      items = [newItem(i, clock.now() - 30_000, random), ...items].slice(0, DEFAULTS.feedItems);
      publish();
      const before = { discord: forwarders.discord.arrivals.length, telegram: forwarders.telegram.arrivals.length };
      stamps.fetched = undefined;
      stamps.queued = undefined;
      stamps.sendStarted = {};

      await cycles.feeds();
      await cycles.deliver(); // joins the delivery the hook started

      const fetched = stamps.fetched as number | undefined;
      const queued = stamps.queued as number | undefined;
      const arrived = Object.fromEntries(
        PLATFORMS.map((p) => [p, forwarders[p].arrivals.slice(before[p]).find((a) => isMessage[p](a) && (a.status ?? 0) < 300)?.at]),
      ) as Partial<Record<Platform, number>>;
      if (fetched === undefined || queued === undefined || PLATFORMS.some((p) => arrived[p] === undefined)) {
        missed++;
        continue;
      }
      if (i === 0) for (const p of PLATFORMS) cold[p] = round(arrived[p]! - fetched);
      if (i < warmup) continue;
      done++;
      stages.fetchToQueued.push(queued - fetched);
      for (const p of PLATFORMS) {
        latencies[p].push(arrived[p]! - fetched);
        stages.queuedToSend[p].push(stamps.sendStarted[p]! - queued);
        stages.sendToArrival[p].push(arrived[p]! - stamps.sendStarted[p]!);
      }
    }

    for (const platform of PLATFORMS) {
      const d = distribution(latencies[platform]);
      ctx.emit({
        bench: 'alert-latency',
        platform,
        sink: platform === 'discord' ? 'createDiscordSink (discord.js REST)' : 'createTelegramSink (telegraf)',
        iterations: done,
        requestedIterations: iterations,
        warmupIterations: warmup,
        ...d,
        coldFirstMs: cold[platform],
        stagesP50Ms: {
          fetchToQueued: distribution(stages.fetchToQueued).p50Ms,
          queuedToSendStart: distribution(stages.queuedToSend[platform]).p50Ms,
          sendStartToArrival: distribution(stages.sendToArrival[platform]).p50Ms,
        },
        stagesP99Ms: {
          fetchToQueued: distribution(stages.fetchToQueued).p99Ms,
          queuedToSendStart: distribution(stages.queuedToSend[platform]).p99Ms,
          sendStartToArrival: distribution(stages.sendToArrival[platform]).p99Ms,
        },
        intervalMs,
        missedIterations: missed,
        messagesReceived: platform === 'discord' ? discord.messages.length : telegram.messages.length,
        targetP99Ms: DEFAULTS.targetP99Ms,
        meetsTarget: done === iterations && missed === 0 && d.p99Ms <= DEFAULTS.targetP99Ms,
      });
    }
    ctx.note(`alert-latency: ${done} iterations, ${missed} without an alert on both platforms`);
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

/** An item too old to alert on (the bot stores it and skips it as a backfill). */
function oldItem(i: number, at: number): RssItem {
  return {
    title: `Weekly digest ${i + 1}: validator set changes and governance notes`,
    link: `https://wire.example.com/digest/${i + 1}`,
    guid: `digest-${i + 1}`,
    published: new Date(at),
    html: paragraphsToHtml(['A quiet week for the network: routine validator rotations and two governance proposals under discussion.']),
  };
}

/**
 * A post that must alert: a strong theme in the title (decentralized inference,
 * zkML), a tracked token (Bittensor → TAO), and enough names and numbers of its
 * own that it starts a new story instead of joining the previous iteration's.
 */
function newItem(i: number, at: number, random: () => number): RssItem {
  const names = Array.from({ length: 8 }, () => properNoun(random, 3));
  const numbers = Array.from({ length: 16 }, (_, k) => `${i + 1}${String(k).padStart(2, '0')}7`);
  return {
    title: `Decentralized inference and zkML: Bittensor subnets add ${names[0]} (${numbers[0]})`,
    link: `https://wire.example.com/2025/inference/${i + 1}`,
    guid: `inference-${i + 1}`,
    published: new Date(at),
    html: paragraphsToHtml([
      `${names[0]} and ${names[1]} opened permissionless inference to any model on Bittensor, with zkML proofs checked on-chain for every answer.`,
      `The inference network served ${numbers[1]} requests from ${numbers[2]} miners; ${names[2]} Labs and ${names[3]} Research audited subnets ${numbers[3]} and ${numbers[4]}.`,
      `Validators in ${names[4]} staked ${numbers[5]} TAO, and ${names[5]} expects ${numbers[6]} more nodes by block ${numbers[7]}.`,
      `${names[6]} and ${names[7]} reported ${numbers[8]}, ${numbers[9]}, ${numbers[10]}, ${numbers[11]}, ${numbers[12]}, ${numbers[13]}, ${numbers[14]} and ${numbers[15]} tokens per second across regions.`,
    ]),
    categories: ['AI', 'Bittensor'],
  };
}
