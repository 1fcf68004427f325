/**
 * delivery: throughput of the delivery worker with 10,000 queued alerts, to a
 * Discord channel (real discord.js REST) and a Telegram group (real telegraf),
 * each against its loopback imitation enforcing the platform's real limits:
 * Discord 5 messages per 5 s per channel and 50 requests/s per bot; Telegram
 * 1 message/s per chat, 20 per minute per group and 30/s per bot.
 *
 * At those limits 10,000 alerts take hours, so time is virtual: the rate
 * limiter, the worker's waits and the imitations all run on one virtual clock
 * that only the worker's `sleep` advances. Reported per platform: the simulated
 * duration, the real wall and CPU time spent, and the checks that matter —
 * every alert delivered exactly once, and not one 429 (the worker never sent
 * faster than allowed, measured on the arrival times at the imitation).
 *
 * Each platform runs on its own (store, clock, fakes): parallel destinations
 * sharing one virtual clock would each advance it, overstating the duration.
 * A last run shows flood control: the same backlog with `digestAfter` on.
 */
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { REST } from 'discord.js';
import { createDiscordSink, DISCORD_REST_OPTIONS } from '../src/adapters/discord/discord-sink.ts';
import { openSqliteStore } from '../src/adapters/sqlite/sqlite-store.ts';
import { createTelegramSink } from '../src/adapters/telegram/telegram-sink.ts';
import { deliverDue } from '../src/app/deliver.ts';
import type { DeliverySink } from '../src/app/delivery-sink.ts';
import { createRateLimiter } from '../src/app/rate-limiter.ts';
import { createRuntime } from '../src/app/runtime.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../src/config/paths.ts';
import { VirtualClock } from '../src/demo/virtual-clock.ts';
import type { StoryAlert } from '../src/domain/alert.ts';
import { startFakeDiscord } from '../src/loopback/discord-api.ts';
import { startFakeTelegram, TELEGRAM_FLOOD_LIMITS } from '../src/loopback/telegram-api.ts';
import { makeTempDir, quietLogger, removeTempDir, round } from './support.ts';

export interface DeliveryBenchOptions {
  alerts?: number;
}

const DEFAULTS = { alerts: 10_000 } as const;
const START = Date.UTC(2025, 1, 20, 12);
const CHANNEL_ID = '123456789012345678';
const CHAT_ID = '-1001234567890';

/** The limits each imitation enforces, and that the arrival times are checked against. */
const LIMITS = {
  discord: [{ name: 'channel', limit: 5, windowMs: 5_000 }, { name: 'bot', limit: 50, windowMs: 1_000 }],
  telegram: [
    { name: 'chat', ...TELEGRAM_FLOOD_LIMITS.perChat },
    { name: 'group', ...TELEGRAM_FLOOD_LIMITS.perGroup },
    { name: 'bot', ...TELEGRAM_FLOOD_LIMITS.global },
  ],
} as const;

type Platform = keyof typeof LIMITS;

function alert(n: number): StoryAlert {
  return {
    kind: 'story',
    key: `bench:${n}`,
    createdAt: START - 1,
    severity: 'medium',
    reason: 'benchmark',
    story: { id: `s${n}`, title: `Story ${n}: decentralized inference subnet goes live`, url: `https://news.example/${n}`, source: 'Bench Wire', publishedAt: START - 60_000, languages: ['en', 'pt'], sources: 2 },
    themes: [{ id: 'decentralized-inference', name: 'Decentralized inference', score: 3 }],
    tokens: ['TAO'],
    sentiment: { score: 0.3, label: 'positive' },
  };
}

/** The most arrivals in any window of `windowMs` (half-open, as the imitations count). */
function maxInWindow(times: readonly number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; j < times.length; j++) {
    while (times[j]! - times[i]! >= windowMs) i++;
    max = Math.max(max, j - i + 1);
  }
  return max;
}

interface PlatformRun {
  platform: Platform;
  alerts: number;
  delivered: number;
  messagesAtApi: number;
  rateLimited429: number;
  lost: number;
  duplicates: number;
  digests: number;
  runs: number;
  simulatedSeconds: number;
  simulatedHours: number;
  simulatedMessagesPerMinute: number;
  wallMs: number;
  cpuMs: number;
  cpuMsPerAlert: number;
  /** Most arrivals seen in any window of each limit, next to the limit. */
  peaks: Record<string, { seen: number; limit: number; windowMs: number }>;
  limitsRespected: boolean;
}

async function runPlatform(platform: Platform, alerts: number, digestAfter: number): Promise<PlatformRun> {
  const tmp = makeTempDir(`delivery-${platform}`);
  const clock = new VirtualClock(START);
  const closers: (() => unknown)[] = [];
  try {
    let sink: DeliverySink;
    let arrivals: () => { at: number; status?: number; ok: boolean }[];
    /** Messages at the API, and how many of them are digests. */
    let messages: () => { total: number; digests: number };
    if (platform === 'discord') {
      // The imitation judges the pace on the virtual clock; @discordjs/rest would read bucket
      // headers and keep its own 50/s limit on the real one, where a virtual hour passes in seconds.
      const discord = await startFakeDiscord({
        now: () => clock.now(),
        rateLimit: { limit: 5, resetAfterMs: 5_000 },
        globalRateLimit: { limit: 50, resetAfterMs: 1_000 },
        rateLimitHeaders: false,
      });
      closers.push(() => discord.close());
      const rest = new REST({ ...DISCORD_REST_OPTIONS, api: discord.api, globalRequestsPerSecond: Number.MAX_SAFE_INTEGER }).setToken(discord.token);
      sink = createDiscordSink({ id: 'discord', token: discord.token, channelId: CHANNEL_ID, rest });
      arrivals = () => discord.requests.map((r) => ({ at: r.at, status: r.status, ok: r.status === 200 }));
      messages = () => ({ total: discord.messages.length, digests: discord.messages.filter((m) => m.embeds[0]?.title?.startsWith('Catch-up digest')).length });
    } else {
      const telegram = await startFakeTelegram({ now: () => clock.now(), rateLimits: TELEGRAM_FLOOD_LIMITS });
      closers.push(() => telegram.close());
      sink = createTelegramSink({ id: 'telegram', token: telegram.token, chatId: CHAT_ID, apiRoot: telegram.apiRoot });
      arrivals = () => telegram.requests.map((r) => ({ at: r.at, status: r.status, ok: r.status === 200 }));
      messages = () => ({ total: telegram.messages.length, digests: telegram.messages.filter((m) => m.text.startsWith('Catch-up digest')).length });
    }

    const config = await loadConfig(DEFAULT_CONFIG_DIR);
    config.alerts.delivery.digestAfter = digestAfter;
    config.alerts.delivery.maxWaitSeconds = 600;
    const store = openSqliteStore(path.join(tmp, 'radar.db'));
    closers.push(() => store.close());
    const runtime = createRuntime({ config, store, clock, log: quietLogger, destinations: [{ id: platform, minSeverity: 'low' }] });
    for (let n = 0; n < alerts; n++) store.enqueueAlert(alert(n), [platform]);

    const limiter = createRateLimiter(clock);
    const sinks = new Map([[platform, sink]]);
    const sleep = async (ms: number) => clock.advance(ms);
    const cpu = process.cpuUsage();
    const started = performance.now();
    let runs = 0;
    while (store.deliveryCounts().pending > 0 && runs < 10 * alerts) {
      runs++;
      const result = await deliverDue(runtime, { sinks, limiter, sleep, batchSize: 500 });
      // A run that could do nothing (e.g. a postponed retry) moves on to when something is due.
      if (result.sent === 0 && result.failed === 0) clock.advance(1_000);
    }
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);

    const seen = arrivals();
    const accepted = seen.filter((a) => a.ok).map((a) => a.at).sort((a, b) => a - b);
    const peaks = Object.fromEntries(LIMITS[platform].map((l) => [l.name, { seen: maxInWindow(accepted, l.windowMs), limit: l.limit, windowMs: l.windowMs }]));
    const viaDigest = store.destinationStates().find((s) => s.destination === platform)?.viaDigest ?? 0;
    const { total, digests } = messages();
    // Each alert arrived either as its own message or inside a digest (recorded as sent through it).
    const delivered = total - digests + viaDigest;
    const simulatedMs = clock.now() - START;
    const rateLimited429 = seen.filter((a) => a.status === 429).length;
    return {
      platform,
      alerts,
      delivered,
      messagesAtApi: total,
      rateLimited429,
      lost: alerts - Math.min(alerts, delivered) + store.deliveryCounts().pending + store.deliveryCounts().dead,
      duplicates: Math.max(0, delivered - alerts),
      digests,
      runs,
      simulatedSeconds: round(simulatedMs / 1000, 1),
      simulatedHours: round(simulatedMs / 3_600_000, 2),
      simulatedMessagesPerMinute: round(total / Math.max(1, simulatedMs / 60_000), 2),
      wallMs: round(wallMs, 0),
      cpuMs: round((used.user + used.system) / 1000, 0),
      cpuMsPerAlert: round((used.user + used.system) / 1000 / alerts, 3),
      peaks,
      limitsRespected: rateLimited429 === 0 && Object.values(peaks).every((p) => p.seen <= p.limit),
    };
  } finally {
    for (const close of closers.reverse()) await close();
    removeTempDir(tmp);
  }
}

/**
 * Deliver `alerts` queued alerts to each platform at its limits (flood control
 * off), then the same backlog to Telegram with flood control on. Returns one
 * object with a record per run; throws when an alert is lost or a limit broken.
 */
export async function benchDelivery(options: DeliveryBenchOptions = {}): Promise<object> {
  const alerts = options.alerts ?? DEFAULTS.alerts;
  const discord = await runPlatform('discord', alerts, 0);
  const telegram = await runPlatform('telegram', alerts, 0);
  const flood = await runPlatform('telegram', alerts, 20);
  const result = {
    bench: 'delivery',
    alerts,
    clock: 'virtual (rate limiter, worker waits and imitations share it; only the worker advances it)',
    discord,
    telegram,
    telegramWithFloodControl: { ...flood, note: 'digestAfter 20: the backlog goes out as digests of up to 500 alerts each' },
  };
  const broken = [discord, telegram, flood].filter((r) => r.lost !== 0 || !r.limitsRespected || r.duplicates !== 0);
  if (broken.length > 0) throw new Error(`delivery bench failed its checks: ${JSON.stringify(broken.map((r) => ({ platform: r.platform, lost: r.lost, duplicates: r.duplicates, peaks: r.peaks, rateLimited429: r.rateLimited429 })))}`);
  return result;
}

// `node --import tsx bench/delivery.ts [alerts]` runs it alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  await import('../test/setup/no-network.ts');
  const alerts = Number(process.argv[2] ?? DEFAULTS.alerts);
  process.stdout.write(`${JSON.stringify(await benchDelivery({ alerts }))}\n`);
}
