/**
 * Chat APIs misbehaving, end to end: the real discord.js REST and telegraf
 * clients (through our sinks), the delivery worker and a SQLite outbox, against
 * the loopback imitations of Discord and Telegram answering 429 storms, 5xx
 * bursts, hung connections, a 403, and an hour-long outage.
 *
 * Time is virtual. The imitations stamp each request with the virtual clock, so
 * every check about timing (retry-after respected, backoff, platform limits,
 * "on time") is measured on what the platform received. Runs come every 30 s as
 * the default schedule has them; within a run, waits of parallel destinations
 * are played side by side by {@link virtualTimers} instead of adding up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { REST } from 'discord.js';
import { createDiscordSink, DISCORD_REST_OPTIONS } from '../../src/adapters/discord/discord-sink.ts';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { createTelegramSink } from '../../src/adapters/telegram/telegram-sink.ts';
import { deliverDue, retryDelayMs, type DeliveryResult, type Sleep } from '../../src/app/deliver.ts';
import type { DeliverySink } from '../../src/app/delivery-sink.ts';
import { createRateLimiter } from '../../src/app/rate-limiter.ts';
import { createRuntime, queueAlert, type Runtime } from '../../src/app/runtime.ts';
import type { Store } from '../../src/app/store.ts';
import type { AppConfig } from '../../src/config/load-config.ts';
import type { Alert, StoryAlert } from '../../src/domain/alert.ts';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordRequest } from '../../src/loopback/discord-api.ts';
import { startFakeTelegram, TELEGRAM_FLOOD_LIMITS, type FakeChatState, type FakeTelegram, type FakeTelegramRequest } from '../../src/loopback/telegram-api.ts';
import { FixedClock } from '../fakes/clock.ts';
import { testConfig } from '../fakes/runtime.ts';
import { SAMPLE_NOW, sampleStoryAlert } from '../fakes/sample-alerts.ts';
import { recordingLogger } from '../fakes/silent-logger.ts';

const T0 = SAMPLE_NOW;
const SECOND = 1_000;
const MINUTE = 60 * SECOND;
/** The default `schedule.deliver` ("*\/30 * * * * *"). */
const RUN_EVERY_MS = 30 * SECOND;
const CHANNEL = '123456789012345678';
const CHANNEL_B = '223456789012345678';
const TG_GROUP = '-1001234567890';
const TG_OTHER = '-1009876543210';
const TG_USER = '4242';
/** Real ms a hung request is given: the only real time these tests spend waiting. */
const TIMEOUT_MS = 60;

const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

// ── Virtual time ─────────────────────────────────────────────────────────────

/**
 * Virtual time for the worker's waits. A wait resolves when the clock reaches its
 * end; the clock jumps to the earliest end only while no send is in flight (a
 * request takes no virtual time), so two destinations waiting 5 s and 1 s wake at
 * +1 s and +5 s rather than the one after the other. `realTime` also spends each
 * wait on the real clock, for a client that keeps rate-limit state in real time.
 */
function virtualTimers(clock: FixedClock, options: { realTime?: boolean } = {}) {
  const waiters: { at: number; wake: () => void }[] = [];
  let inFlight = 0;
  let pumping = false;
  // Continuations of a finished send are microtasks: one macrotask later the destination has
  // either started its next send or registered its next wait.
  const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      await settle();
      while (inFlight === 0 && waiters.length > 0) {
        waiters.sort((a, b) => a.at - b.at);
        const next = waiters.shift()!;
        if (options.realTime && next.at > clock.now()) await new Promise((resolve) => setTimeout(resolve, next.at - clock.now()));
        clock.set(Math.max(clock.now(), next.at));
        next.wake();
        await settle();
      }
    } finally {
      pumping = false;
    }
  }

  const sleep: Sleep = (ms) =>
    new Promise<void>((wake) => {
      waiters.push({ at: clock.now() + Math.max(0, ms), wake });
      void pump();
    });

  return {
    sleep,
    /** Count a send as in flight (the clock holds still) from start to end. */
    async during<T>(work: () => Promise<T>): Promise<T> {
      inFlight++;
      try {
        return await work();
      } finally {
        inFlight--;
        void pump();
      }
    },
  };
}

// ── Harness ──────────────────────────────────────────────────────────────────

type SinkSpec =
  | { id: string; kind: 'discord'; channelId: string }
  | { id: string; kind: 'telegram'; chatId: string };

/** An alert the platform accepted, seen from the sink: a digest stands for its items. */
interface Accepted {
  destination: string;
  alert: Alert;
  at: number;
}

interface Harness {
  clock: FixedClock;
  rt: Runtime & { log: ReturnType<typeof recordingLogger> };
  store: Store;
  discord: FakeDiscord;
  telegram: FakeTelegram;
  accepted: Accepted[];
  /** One delivery run with every sink; waits are virtual. */
  deliver(): Promise<DeliveryResult>;
  /**
   * Runs every 30 s from now: before each, `each(now)` may queue alerts or inject
   * faults. Stops after the run at or past `until`, or once nothing is pending when
   * `until` is omitted. Returns the runs made.
   */
  runEvery30s(options?: { until?: number; each?: (now: number) => void; maxRuns?: number }): Promise<number>;
}

interface HarnessOptions {
  sinks: SinkSpec[];
  edit?: (c: AppConfig) => void;
  chats?: Record<string, FakeChatState>;
  realTime?: boolean;
}

async function startHarness(options: HarnessOptions): Promise<Harness> {
  const clock = new FixedClock(T0);
  // Realistic limits judged on the virtual clock; bucket headers off because @discordjs/rest would read them against the real one.
  const discord = await startFakeDiscord({
    now: () => clock.now(),
    rateLimit: { limit: 5, resetAfterMs: 5_000 },
    globalRateLimit: { limit: 50, resetAfterMs: 1_000 },
    rateLimitHeaders: false,
  });
  const telegram = await startFakeTelegram({ now: () => clock.now(), rateLimits: TELEGRAM_FLOOD_LIMITS, chats: options.chats });
  open.push(discord, telegram);

  const log = recordingLogger();
  const timers = virtualTimers(clock, { realTime: options.realTime });
  const accepted: Accepted[] = [];
  const sinks = new Map<string, DeliverySink>();
  for (const spec of options.sinks) {
    // @discordjs/rest also counts its own 50 requests/s on the real clock, where virtual minutes pass in milliseconds.
    const rest = () =>
      new REST({ ...DISCORD_REST_OPTIONS, timeout: TIMEOUT_MS, api: discord.api, globalRequestsPerSecond: Number.MAX_SAFE_INTEGER }).setToken(discord.token);
    const sink =
      spec.kind === 'discord'
        ? createDiscordSink({ id: spec.id, token: discord.token, channelId: spec.channelId, rest: rest(), logger: log, now: () => clock.now() })
        : createTelegramSink({ id: spec.id, token: telegram.token, chatId: spec.chatId, apiRoot: telegram.apiRoot, timeoutMs: TIMEOUT_MS, logger: log });
    sinks.set(spec.id, {
      id: sink.id,
      pacing: sink.pacing,
      send: (alert, deliveryId, sendOptions) =>
        timers.during(async () => {
          await sink.send(alert, deliveryId, sendOptions);
          accepted.push({ destination: spec.id, alert, at: clock.now() });
        }),
    });
  }

  const store = openSqliteStore(':memory:');
  open.push(store);
  const config = await testConfig(options.edit);
  const rt = createRuntime({ config, store, clock, log, destinations: options.sinks.map((s) => ({ id: s.id, minSeverity: 'low' as const })) }) as Harness['rt'];
  const limiter = createRateLimiter(clock);
  const deliver = () => deliverDue(rt, { sinks, limiter, sleep: timers.sleep, random: () => 1 });

  return {
    clock,
    rt,
    store,
    discord,
    telegram,
    accepted,
    deliver,
    async runEvery30s({ until, each, maxRuns = 2_000 } = {}) {
      let runs = 0;
      for (;;) {
        each?.(clock.now());
        await deliver();
        runs++;
        const done = until === undefined ? store.deliveryCounts().pending === 0 : clock.now() >= until;
        if (done || runs >= maxRuns) return runs;
        // The next tick of the schedule after this run ended.
        clock.set(T0 + (Math.floor((clock.now() - T0) / RUN_EVERY_MS) + 1) * RUN_EVERY_MS);
      }
    },
  };
}

function story(n: number, createdAt = T0): StoryAlert {
  return sampleStoryAlert({
    key: `story:${n}`,
    createdAt,
    story: { ...sampleStoryAlert().story, id: `s${n}`, title: `Story ${n}: Render expands GPU marketplace`, url: `https://news.example/${n}` },
  });
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const storyNumbers = (texts: readonly (string | undefined)[]) => texts.map((t) => Number(/Story (\d+):/.exec(t ?? '')?.[1] ?? -1)).sort((a, b) => a - b);
const discordStories = (d: FakeDiscord, channel: string) => storyNumbers(d.messages.filter((m) => m.channel_id === channel).map((m) => m.embeds[0]?.title));
const telegramStories = (t: FakeTelegram, chat: string) => storyNumbers(t.messages.filter((m) => m.chatId === chat).map((m) => m.text));
const channelRequests = (d: FakeDiscord, channel: string) => d.requests.filter((r) => r.path === `/api/v10/channels/${channel}/messages`);
const chatSends = (t: FakeTelegram, chat: string) => t.requests.filter((r) => (r.method === 'sendMessage' || r.method === 'sendPhoto') && String(r.params.chat_id) === chat);
const accepted = (r: FakeDiscordRequest | FakeTelegramRequest) => r.status === 200;

/** The most arrivals in any window of `windowMs` (half-open, as the platforms count). */
function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    max = Math.max(max, j - i + 1);
  }
  return max;
}

/** The first request after each refused one, by the time the refusal said to wait (ms), for one destination's requests in order. */
function gapsAfter(requests: readonly (FakeDiscordRequest | FakeTelegramRequest)[], refused: (r: FakeDiscordRequest | FakeTelegramRequest) => boolean) {
  return requests.flatMap((r, i) => (refused(r) && requests[i + 1] ? [requests[i + 1]!.at - r.at] : []));
}

/** Story numbers an alert stood for when a sink delivered it: itself, or a flood digest's items. */
function storiesIn(alert: Alert): number[] {
  const keys = alert.kind === 'digest' ? alert.items.map((i) => i.key) : [alert.key];
  return keys.flatMap((k) => (/^story:(\d+)$/.exec(k) ? [Number(/^story:(\d+)$/.exec(k)![1])] : []));
}

// ── Scenarios ────────────────────────────────────────────────────────────────

describe('chat API faults end to end', () => {
  it('GIVEN a 429 storm on both platforms for a minute and more THEN 200 alerts arrive exactly once afterwards, never earlier than the advertised retry time, within limits', async () => {
    const h = await startHarness({
      sinks: [
        { id: 'discord', kind: 'discord', channelId: CHANNEL },
        { id: 'telegram', kind: 'telegram', chatId: TG_GROUP },
      ],
      edit: (c) => (c.alerts.delivery.digestAfter = 0),
    });
    // Retry-After only (a proxy's 429 carries no bucket headers); Telegram says retry_after in the body.
    h.discord.failNext({ status: 429, retryAfter: 7, bucketHeaders: false, until: T0 + 60 * SECOND, match: `/channels/${CHANNEL}/` });
    h.telegram.failNext({ status: 429, retryAfter: 11, method: 'sendMessage', until: T0 + 90 * SECOND });
    for (const n of range(200)) queueAlert(h.rt, story(n));

    const runs = await h.runEvery30s();

    expect(discordStories(h.discord, CHANNEL)).toEqual(range(200));
    expect(telegramStories(h.telegram, TG_GROUP)).toEqual(range(200));
    expect(h.store.deliveryCounts()).toEqual({ pending: 0, sent: 400, dead: 0 });

    const discordRequests = channelRequests(h.discord, CHANNEL);
    const telegramRequests = chatSends(h.telegram, TG_GROUP);
    const discord429 = discordRequests.filter((r) => r.status === 429);
    const telegram429 = telegramRequests.filter((r) => r.status === 429);
    // The storm was met (and probed only as often as the platform allowed), and every 429 is the storm's: pacing caused none.
    expect(discord429.length).toBeGreaterThan(3);
    expect(discord429.length).toBeLessThanOrEqual(Math.ceil(60 / 7) + 1);
    expect(telegram429.length).toBeGreaterThan(3);
    expect(telegram429.length).toBeLessThanOrEqual(Math.ceil(90 / 11) + 1);
    expect(discord429.every((r) => r.at < T0 + 60 * SECOND)).toBe(true);
    expect(telegram429.every((r) => r.at < T0 + 90 * SECOND)).toBe(true);
    // The next request after each 429 came no earlier than it said.
    expect(Math.min(...gapsAfter(discordRequests, (r) => r.status === 429))).toBeGreaterThanOrEqual(7 * SECOND);
    expect(Math.min(...gapsAfter(telegramRequests, (r) => r.status === 429))).toBeGreaterThanOrEqual(11 * SECOND);

    // Platform limits on what the platforms accepted, in virtual time.
    const discordTimes = discordRequests.filter(accepted).map((r) => r.at);
    const telegramTimes = telegramRequests.filter(accepted).map((r) => r.at);
    expect(maxInWindow(discordTimes, 5 * SECOND)).toBeLessThanOrEqual(5);
    expect(maxInWindow(telegramTimes, SECOND)).toBeLessThanOrEqual(1);
    expect(maxInWindow(telegramTimes, MINUTE)).toBeLessThanOrEqual(20);
    // 200 messages at 20 per minute in a group take 10 minutes at least. After its third 429 in a run Telegram
    // waits for the next run, which Discord's paced 200 keep busy for about 3 minutes: 14 minutes in all.
    expect(Math.max(...telegramTimes) - T0).toBeGreaterThanOrEqual(9 * MINUTE);
    expect(Math.max(...telegramTimes) - T0).toBeLessThanOrEqual(15 * MINUTE);
    expect(runs).toBeLessThan(40);
  });

  it('GIVEN a global 429 (X-RateLimit-Global) on one channel THEN no channel of that bot gets a request until it is over, then all arrive once', async () => {
    // @discordjs/rest also keeps the global limit on the real clock, so here each wait is spent in real time too (1 s).
    const h = await startHarness({
      sinks: [
        { id: 'discord-a', kind: 'discord', channelId: CHANNEL },
        { id: 'discord-b', kind: 'discord', channelId: CHANNEL_B },
      ],
      edit: (c) => (c.alerts.delivery.digestAfter = 0),
      realTime: true,
    });
    h.discord.failNext({ status: 429, retryAfter: 1, global: true, match: `/channels/${CHANNEL}/` });
    h.store.enqueueAlert(story(0), ['discord-a']);
    await h.deliver();
    const limited = h.discord.requests.find((r) => r.status === 429);
    expect(limited).toMatchObject({ at: T0, path: `/api/v10/channels/${CHANNEL}/messages` });

    // Alerts for both channels while the bot is globally limited: channel B never met the 429 itself.
    for (const n of range(4).slice(1)) queueAlert(h.rt, story(n));
    await h.runEvery30s();

    const after = h.discord.requests.slice(h.discord.requests.indexOf(limited!) + 1);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((r) => r.at >= T0 + 1_000)).toBe(true);
    expect(discordStories(h.discord, CHANNEL)).toEqual([0, 1, 2, 3]);
    expect(discordStories(h.discord, CHANNEL_B)).toEqual([1, 2, 3]);
    expect(h.rt.log.records.some((r) => r.msg?.includes('rate limited') && (r.obj as { scope?: string }).scope?.startsWith('discord:bot:'))).toBe(true);
  });

  it('GIVEN 5xx bursts, resets and hung requests THEN each alert is retried with growing backoff and arrives once: Discord drops the re-sent posts by nonce', async () => {
    const h = await startHarness({
      sinks: [
        { id: 'discord', kind: 'discord', channelId: CHANNEL },
        { id: 'telegram', kind: 'telegram', chatId: TG_GROUP },
      ],
      edit: (c) => (c.alerts.delivery.digestAfter = 0),
    });
    // Taken in order, one request each. hang-response and drop-response post the message and lose the answer.
    for (const fault of [{ status: 502 }, { status: 502 }, { status: 503 }, { network: 'hang-response' }, { status: 500 }, { network: 'drop-response' }] as const) {
      h.discord.failNext(fault);
    }
    for (const fault of [{ status: 502 }, { status: 502 }, { network: 'hang' }, { status: 500 }, { network: 'reset' }] as const) {
      h.telegram.failNext({ ...fault, method: 'sendMessage' });
    }
    for (const n of range(6)) queueAlert(h.rt, story(n));
    await h.runEvery30s();
    // A second burst for the next alerts: a request that hangs unprocessed, then a connection reset.
    h.discord.failNext({ network: 'hang' });
    h.discord.failNext({ network: 'reset' });
    for (const n of range(12).slice(6)) queueAlert(h.rt, story(n));
    await h.runEvery30s();

    expect(discordStories(h.discord, CHANNEL)).toEqual(range(12));
    expect(telegramStories(h.telegram, TG_GROUP)).toEqual(range(12));
    expect(h.store.deliveryCounts()).toEqual({ pending: 0, sent: 24, dead: 0 });
    const discordRequests = channelRequests(h.discord, CHANNEL);
    const telegramRequests = chatSends(h.telegram, TG_GROUP);
    expect(discordRequests).toHaveLength(12 + 6 + 2);
    expect(telegramRequests).toHaveLength(12 + 5);
    // The two posts whose answer was lost were posted again with their nonce and Discord kept one message each.
    const nonces = discordRequests.map((r) => (r.body as { nonce?: string } | undefined)?.nonce).filter((n) => n !== undefined);
    expect(new Set(nonces).size).toBe(12);
    expect(h.discord.messages.map((m) => m.nonce)).toEqual([...new Set(h.discord.messages.map((m) => m.nonce))]);

    // Backoff: the first alert failed three times in a row, each retry later than the last (5, 10, 20 s at least).
    const failed = (r: FakeDiscordRequest | FakeTelegramRequest) => r.status !== 200;
    expect(gapsAfter(discordRequests, failed).slice(0, 3).map((gap, i) => gap >= retryDelayMs(i + 1, 30, () => 1))).toEqual([true, true, true]);
    expect(Math.min(...gapsAfter(discordRequests, failed))).toBeGreaterThanOrEqual(5 * SECOND);
    expect(Math.min(...gapsAfter(telegramRequests, failed))).toBeGreaterThanOrEqual(5 * SECOND);
    expect(h.rt.log.records.filter((r) => r.msg === 'delivery failed; will retry')).toHaveLength(8 + 5);
  });

  it('GIVEN a post that may have landed late in a long backoff THEN the retry still comes within the nonce window: one message', async () => {
    const h = await startHarness({ sinks: [{ id: 'discord', kind: 'discord', channelId: CHANNEL }] });
    // Ten 503s take the backoff to minutes; then Discord posts but the answer is lost.
    h.discord.failNext({ status: 503, count: 10 });
    h.discord.failNext({ network: 'hang-response' });
    queueAlert(h.rt, story(0));

    await h.runEvery30s();

    const requests = channelRequests(h.discord, CHANNEL);
    expect(requests.map((r) => r.status)).toEqual([...range(10).map(() => 503), undefined, 200]);
    const [posted, retried] = requests.slice(-2);
    expect(retried!.at - posted!.at).toBeLessThan(2 * MINUTE);
    expect(discordStories(h.discord, CHANNEL)).toEqual([0]);
  });

  it('GIVEN one Telegram chat answers 403 THEN only it is deactivated, with an admin notice elsewhere; its alerts are kept and arrive after re-activation', async () => {
    const chats: Record<string, FakeChatState> = { [TG_GROUP]: 'ok', [TG_OTHER]: 'ok', [TG_USER]: 'ok' };
    const h = await startHarness({
      sinks: [
        { id: 'tg-main', kind: 'telegram', chatId: TG_GROUP },
        { id: 'tg-kicked', kind: 'telegram', chatId: TG_OTHER },
        { id: 'tg-dm', kind: 'telegram', chatId: TG_USER },
        { id: 'discord', kind: 'discord', channelId: CHANNEL },
      ],
      chats,
      edit: (c) => (c.alerts.delivery.digestAfter = 0),
    });
    for (const n of range(3)) queueAlert(h.rt, story(n));
    await h.runEvery30s();
    chats[TG_OTHER] = 'kicked';
    for (const n of range(8).slice(3)) queueAlert(h.rt, story(n));
    await h.runEvery30s({ until: h.clock.now() + 10 * MINUTE });

    expect([...h.store.deactivatedDestinations().keys()]).toEqual(['tg-kicked']);
    const refused = chatSends(h.telegram, TG_OTHER).filter((r) => r.status === 403);
    expect(refused).toHaveLength(1); // refused once, then never asked again
    expect(chatSends(h.telegram, TG_OTHER).filter((r) => r.at > refused[0]!.at)).toEqual([]);
    const notice = (text: string | undefined) => text?.startsWith('Destination deactivated: tg-kicked') === true;
    for (const chat of [TG_GROUP, TG_USER]) {
      expect(telegramStories(h.telegram, chat).filter((n) => n >= 0)).toEqual(range(8));
      expect(h.telegram.messages.filter((m) => m.chatId === chat && notice(m.text))).toHaveLength(1);
    }
    expect(discordStories(h.discord, CHANNEL).filter((n) => n >= 0)).toEqual(range(8));
    expect(h.discord.messages.filter((m) => notice(m.embeds[0]?.title))).toHaveLength(1);
    expect(h.discord.messages.find((m) => notice(m.embeds[0]?.title))?.embeds[0]?.description).toMatch(/bot was kicked.*radar destinations enable tg-kicked/s);
    expect(telegramStories(h.telegram, TG_OTHER)).toEqual(range(3));
    expect(h.store.destinationStates().find((s) => s.destination === 'tg-kicked')).toMatchObject({ pending: 5, sent: 3 });

    chats[TG_OTHER] = 'ok';
    expect(h.store.reactivateDestination('tg-kicked', h.clock.now())).toBe(true);
    await h.runEvery30s();
    expect(telegramStories(h.telegram, TG_OTHER)).toEqual(range(8));
  });

  it('GIVEN Telegram down for an hour while Discord works THEN Discord delivers every alert on time, Telegram is probed with backoff, and its backlog arrives afterwards, nothing lost, within limits', async () => {
    const h = await startHarness({
      sinks: [
        { id: 'discord', kind: 'discord', channelId: CHANNEL },
        { id: 'telegram', kind: 'telegram', chatId: TG_GROUP },
        { id: 'telegram-dm', kind: 'telegram', chatId: TG_USER },
      ],
    });
    const down = T0 + 10 * MINUTE;
    const up = down + 60 * MINUTE;
    const every = 2 * MINUTE;
    const alerts = 60; // two hours of one alert every two minutes
    const queuedAt = new Map<number, number>();
    let next = 0;
    let outage = false;

    await h.runEvery30s({
      until: T0 + 3 * 60 * MINUTE,
      each: (now) => {
        if (!outage && now >= down) {
          outage = true;
          // Errors first, then connections refused, then requests that hang until the client gives up.
          h.telegram.failNext({ status: 503, until: down + 30 * MINUTE });
          h.telegram.failNext({ network: 'reset', until: down + 45 * MINUTE });
          h.telegram.failNext({ network: 'hang', until: up });
        }
        while (next < alerts && T0 + next * every <= now) {
          queueAlert(h.rt, story(next, now));
          queuedAt.set(next, now);
          next++;
        }
      },
    });

    // Discord: every alert once, each within one run of being queued, outage or not.
    expect(discordStories(h.discord, CHANNEL)).toEqual(range(alerts));
    const lateness = h.discord.messages.map((m) => Date.parse(m.timestamp) - queuedAt.get(storyNumbers([m.embeds[0]?.title])[0]!)!);
    expect(Math.max(...lateness)).toBeLessThanOrEqual(RUN_EVERY_MS);

    for (const [destination, chat] of [['telegram', TG_GROUP], ['telegram-dm', TG_USER]] as const) {
      const sends = chatSends(h.telegram, chat);
      const during = sends.filter((r) => r.at >= down && r.at < up);
      // Probed, not hammered: one request at a time, each after a backoff of 5 s or more.
      expect(during.length).toBeGreaterThan(3);
      expect(during.length).toBeLessThanOrEqual(12);
      expect(during.every((r) => r.status !== 200)).toBe(true);
      expect(Math.min(...gapsAfter(sends, (r) => r.status !== 200))).toBeGreaterThanOrEqual(5 * SECOND);

      // Nothing lost, nothing twice: every alert was accepted once, on its own or inside a delivered digest.
      const delivered = h.accepted.filter((a) => a.destination === destination);
      expect(delivered.flatMap((a) => storiesIn(a.alert)).sort((a, b) => a - b)).toEqual(range(alerts));
      expect(delivered.some((a) => a.alert.kind === 'digest')).toBe(true);
      expect(h.telegram.messages.filter((m) => m.chatId === chat)).toHaveLength(delivered.length);
      // The backlog (alerts queued before Telegram came back) went out no later than the longest backoff (30 min) and a run.
      const backlog = delivered.filter((a) => storiesIn(a.alert).some((n) => queuedAt.get(n)! < up));
      expect(Math.max(...backlog.map((a) => a.at)) - up).toBeLessThanOrEqual(30 * MINUTE + RUN_EVERY_MS);
    }

    // Telegram's limits, on what it accepted: 1/s per chat, 20/min per group, 30/s per bot.
    const ok = h.telegram.requests.filter((r) => accepted(r) && r.method === 'sendMessage');
    for (const chat of [TG_GROUP, TG_USER]) expect(maxInWindow(ok.filter((r) => String(r.params.chat_id) === chat).map((r) => r.at), SECOND)).toBeLessThanOrEqual(1);
    expect(maxInWindow(ok.filter((r) => String(r.params.chat_id) === TG_GROUP).map((r) => r.at), MINUTE)).toBeLessThanOrEqual(20);
    expect(maxInWindow(ok.map((r) => r.at), SECOND)).toBeLessThanOrEqual(30);
    expect(h.telegram.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(h.store.deliveryCounts()).toMatchObject({ pending: 0, dead: 0 });
  });
});
