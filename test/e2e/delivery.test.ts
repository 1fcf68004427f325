/**
 * Delivery end to end: the outbox in a real SQLite file, the delivery worker,
 * and the real discord.js REST, WebhookClient and telegraf clients talking to
 * the loopback imitations of Discord and Telegram. Time is a virtual clock
 * that the worker's waits advance: no test sleeps.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyChartRenderer, type ChartRenderer } from '../../src/adapters/charts/chart-renderer.ts';
import { createDiscordSink, createDiscordWebhookSink, discordNonce } from '../../src/adapters/discord/discord-sink.ts';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { createTelegramSink } from '../../src/adapters/telegram/telegram-sink.ts';
import { deliverDue, type DeliveryResult } from '../../src/app/deliver.ts';
import type { DeliverySink } from '../../src/app/delivery-sink.ts';
import { RESENT_NOTE } from '../../src/app/ports.ts';
import { createRateLimiter, type RateLimiter } from '../../src/app/rate-limiter.ts';
import { defaultSubscription, type Subscription } from '../../src/app/commands/subscription.ts';
import { createRuntime, queueAlert, type Runtime } from '../../src/app/runtime.ts';
import type { Store } from '../../src/app/store.ts';
import { destinationsCommand } from '../../src/cli/destinations-command.ts';
import { parseEnv } from '../../src/config/env.ts';
import type { AppConfig } from '../../src/config/load-config.ts';
import type { Alert, MoveAlert, StoryAlert } from '../../src/domain/alert.ts';
import { buildMoveChartSpec } from '../../src/domain/charts.ts';
import { startFakeDiscord, type FakeDiscord, type FakeDiscordOptions } from '../../src/loopback/discord-api.ts';
import { parseTelegramHtml, startFakeTelegram, TELEGRAM_FLOOD_LIMITS, type FakeTelegram, type FakeTelegramOptions } from '../../src/loopback/telegram-api.ts';
import { FixedClock } from '../fakes/clock.ts';
import { testConfig } from '../fakes/runtime.ts';
import { HOSTILE_TEXT, SAMPLE_NOW, hugeMoveAlert, sampleMove, sampleMoveAlert, sampleStoryAlert } from '../fakes/sample-alerts.ts';
import { recordingLogger } from '../fakes/silent-logger.ts';

const CHANNEL = '123456789012345678';
const TG_CHAT = '-1001234567890';
const WEBHOOK = { id: '876543210987654321', token: 'Wh-SECRET_webhook-token-abcdefghijklmnopqrstuvwxyz0123456789', channelId: '222222222222222222' };
const H = 3_600_000;

interface Harness {
  /** The SQLite file, shared by restarts. */
  file: string;
  clock: FixedClock;
  rt: Runtime & { log: ReturnType<typeof recordingLogger> };
  store: Store;
  discord: FakeDiscord;
  telegram: FakeTelegram;
  sinks: Map<string, DeliverySink>;
  limiter: RateLimiter;
  /** One delivery run; waits advance the virtual clock. */
  deliver(): Promise<DeliveryResult>;
  /** Open a fresh runtime and fresh sinks on the same database and fakes: a restarted process. */
  restart(): Promise<Harness>;
}

interface HarnessOptions {
  discord?: FakeDiscordOptions;
  telegram?: FakeTelegramOptions;
  edit?: (c: AppConfig) => void;
  charts?: ChartRenderer;
  /** Which destinations to wire; default all three. */
  only?: ('discord' | 'hook' | 'telegram')[];
}

const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

function tempDb(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'radar-delivery-e2e-')), 'radar.db');
}

async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = new FixedClock(SAMPLE_NOW);
  const discord = await startFakeDiscord({ webhooks: [WEBHOOK], now: () => clock.now(), ...options.discord });
  const telegram = await startFakeTelegram({ now: () => clock.now(), ...options.telegram });
  open.push(discord, telegram);
  const file = tempDb();
  const config = await testConfig(options.edit);
  return wire(clock, discord, telegram, file, config, options);
}

async function wire(clock: FixedClock, discord: FakeDiscord, telegram: FakeTelegram, file: string, config: AppConfig, options: HarnessOptions): Promise<Harness> {
  const log = recordingLogger();
  const only = options.only ?? ['discord', 'hook', 'telegram'];
  const all: DeliverySink[] = [
    createDiscordSink({ id: 'discord', token: discord.token, channelId: CHANNEL, apiRoot: discord.api, charts: options.charts, logger: log }),
    createDiscordWebhookSink({ id: 'hook', webhookUrl: discord.webhookUrl(WEBHOOK), apiRoot: discord.api, charts: options.charts, logger: log }),
    createTelegramSink({ id: 'telegram', token: telegram.token, chatId: TG_CHAT, apiRoot: telegram.apiRoot, charts: options.charts, logger: log }),
  ];
  const sinks = new Map(all.filter((s) => only.includes(s.id as 'discord')).map((s) => [s.id, s]));
  for (const sink of sinks.values()) if (sink.close) open.push({ close: () => sink.close!() });
  const store = openSqliteStore(file);
  open.push(store);
  const rt = createRuntime({ config, store, clock, log, destinations: [...sinks.keys()].map((id) => ({ id, minSeverity: 'low' as const })) }) as Harness['rt'];
  const limiter = createRateLimiter(clock);
  const harness: Harness = {
    file,
    clock,
    rt,
    store,
    discord,
    telegram,
    sinks,
    limiter,
    deliver: () => deliverDue(rt, { sinks, limiter, sleep: async (ms) => clock.advance(ms), random: () => 1 }),
    restart: () => wire(clock, discord, telegram, file, config, options),
  };
  return harness;
}

const TAO = Array.from({ length: 48 }, (_, i) => {
  const close = i < 28 ? 400 : 400 + (100 * (i - 27)) / 20;
  return { time: SAMPLE_NOW - (48 - i) * H, open: close, high: close, low: close, close, volume: 1 };
});
const BTC = TAO.map((c, i) => ({ ...c, open: 80_000, high: 80_000, low: 80_000, close: i < 47 ? 80_000 : 83_200 }));

function moveWithChart(overrides: Partial<MoveAlert> = {}): MoveAlert {
  const alert = sampleMoveAlert(overrides);
  return { ...alert, chart: buildMoveChartSpec({ move: alert.move, candles: TAO, benchmark: BTC, timeframeMs: H, catalysts: alert.catalysts }) };
}

function story(n: number, overrides: Partial<StoryAlert> = {}): StoryAlert {
  return sampleStoryAlert({
    key: `story:${n}`,
    createdAt: SAMPLE_NOW - (200 - n) * 60_000,
    story: { ...sampleStoryAlert().story, id: `s${n}`, title: `Story ${n}: Render expands GPU marketplace`, url: `https://news.example/${n}` },
    ...overrides,
  });
}

const posts = (d: FakeDiscord) => d.requests.filter((r) => r.method === 'POST');
const sends = (t: FakeTelegram) => t.requests.filter((r) => r.method === 'sendMessage' || r.method === 'sendPhoto');

describe('delivery end to end', () => {
  it('GIVEN a move alert with a chart THEN it reaches each destination exactly once, chart attached', async () => {
    const h = await startHarness({ charts: lazyChartRenderer });
    const alert = moveWithChart();
    expect(queueAlert(h.rt, alert)).toBe(true);
    expect(queueAlert(h.rt, alert)).toBe(false);
    await h.deliver();
    h.clock.advance(H);
    await h.deliver();

    expect(h.discord.messages.map((m) => [m.channel_id, m.webhook_id])).toEqual([
      [CHANNEL, undefined],
      [WEBHOOK.channelId, WEBHOOK.id],
    ]);
    for (const request of posts(h.discord)) {
      expect(request.status).toBe(200);
      expect(request.files.map((f) => [f.field, f.filename, f.contentType])).toEqual([['files[0]', 'chart.png', 'image/png']]);
      expect(request.files[0]!.data.subarray(1, 4).toString()).toBe('PNG');
      expect(request.body).toMatchObject({ embeds: [{ image: { url: 'attachment://chart.png' }, color: 0x2b8a3e, timestamp: new Date(SAMPLE_NOW).toISOString() }], allowed_mentions: { parse: [] } });
    }
    expect(posts(h.discord)[0]?.body).toMatchObject({ nonce: discordNonce(`1:discord`), enforce_nonce: true });
    // Short enough for a caption: one photo with the whole alert under it.
    expect(h.telegram.messages.map((m) => [m.method, m.chatId])).toEqual([['sendPhoto', TG_CHAT]]);
    expect(h.telegram.messages[0]?.text).toMatch(/^TAO \+25\.0% in 24h/);
    expect(h.telegram.messages[0]?.photo).toMatchObject({ filename: 'chart.png' });
    expect(h.store.deliveryCounts()).toEqual({ pending: 0, sent: 3, dead: 0 });
  });

  it('GIVEN Discord answers 429 with Retry-After THEN the worker waits exactly that long and the alert arrives once; others are not held', async () => {
    const h = await startHarness();
    h.discord.failNext({ status: 429, retryAfter: 3, bucketHeaders: false, match: `/channels/${CHANNEL}/` });
    queueAlert(h.rt, sampleStoryAlert());
    const result = await h.deliver();
    const channel = posts(h.discord).filter((r) => r.path.includes('/channels/'));
    expect(channel.map((r) => [r.status, r.at - SAMPLE_NOW])).toEqual([
      [429, 0],
      [200, 3_000],
    ]);
    expect(h.discord.messages).toHaveLength(2); // bot channel once, webhook once
    expect(h.telegram.messages).toHaveLength(1);
    expect(result).toMatchObject({ sent: 3, failed: 1, dead: 0 });
  });

  it('GIVEN Telegram answers 429 with retry_after in the body THEN the worker waits that long and the alert arrives once', async () => {
    const h = await startHarness({ only: ['telegram'] });
    h.telegram.failNext({ status: 429, retryAfter: 30, method: 'sendMessage' });
    queueAlert(h.rt, sampleStoryAlert());
    await h.deliver();
    expect(sends(h.telegram).map((r) => [r.status, r.at - SAMPLE_NOW])).toEqual([
      [429, 0],
      [200, 30_000],
    ]);
    expect(h.telegram.messages).toHaveLength(1);
  });

  it('GIVEN a retry_after beyond maxWaitSeconds THEN the run moves on and a later run delivers once the wait is over', async () => {
    const h = await startHarness({ only: ['telegram'], edit: (c) => (c.alerts.delivery.maxWaitSeconds = 10) });
    h.telegram.failNext({ status: 429, retryAfter: 35, method: 'sendMessage' });
    queueAlert(h.rt, sampleStoryAlert());
    await h.deliver();
    h.clock.advance(34_000);
    await h.deliver();
    expect(h.telegram.messages).toHaveLength(0);
    h.clock.advance(1_000);
    await h.deliver();
    expect(h.telegram.messages).toHaveLength(1);
  });

  it('GIVEN 5xx answers THEN each destination is retried after its backoff and gets the alert once', async () => {
    const h = await startHarness();
    h.discord.failNext({ status: 502, match: '/channels/' });
    h.discord.failNext({ status: 503, match: '/webhooks/' });
    h.telegram.failNext({ status: 500, method: 'sendMessage' });
    queueAlert(h.rt, sampleStoryAlert());
    const first = await h.deliver();
    expect(first).toMatchObject({ sent: 0, failed: 3 });
    expect(h.store.dueDeliveries(h.clock.now() + 4_999, 10)).toEqual([]); // jitter pinned to the top: 5 s
    h.clock.advance(5_000);
    const second = await h.deliver();
    expect(second).toMatchObject({ sent: 3, failed: 0 });
    expect(h.discord.messages).toHaveLength(2);
    expect(h.telegram.messages).toHaveLength(1);
    expect(h.rt.log.records.filter((r) => r.msg === 'delivery failed; will retry')).toHaveLength(3);
  });

  it('GIVEN Discord 403 Missing Access THEN the channel is deactivated (persisted), its alerts kept, admins told; enabling it delivers them', async () => {
    const channels: Record<string, 'ok' | 'missing-access'> = { [CHANNEL]: 'missing-access' };
    const h = await startHarness({ discord: { channels }, only: ['discord', 'telegram'] });
    queueAlert(h.rt, sampleStoryAlert());
    queueAlert(h.rt, story(1));
    const result = await h.deliver();
    expect(result.deactivated).toEqual(['discord']);
    expect(h.rt.log.records.find((r) => r.level === 'error')).toMatchObject({ msg: expect.stringContaining('deactivated'), obj: { destination: 'discord', status: 403 } });
    await h.deliver(); // the notice queued for the other destinations
    const notice = h.telegram.messages.find((m) => m.text.startsWith('Destination deactivated: discord'));
    expect(notice?.text).toMatch(/Missing Access.*50001.*radar destinations enable discord/s);
    expect(posts(h.discord)).toHaveLength(1); // one refused attempt, no hammering

    // Restart: still deactivated, nothing sent to it.
    const after = await h.restart();
    queueAlert(after.rt, story(2));
    await after.deliver();
    expect(posts(h.discord)).toHaveLength(1);
    expect(after.store.destinationStates().find((s) => s.destination === 'discord')).toMatchObject({ pending: 3, deactivatedReason: expect.stringContaining('Missing Access') });

    // The admin fixes the channel and re-enables it.
    channels[CHANNEL] = 'ok';
    expect(after.store.reactivateDestination('discord', after.clock.now())).toBe(true);
    await after.deliver();
    expect(h.discord.messages.map((m) => m.embeds[0]?.title)).toEqual([expect.stringContaining('Render Network'), 'Story 1: Render expands GPU marketplace', 'Story 2: Render expands GPU marketplace']);
  });

  it('GIVEN Telegram 403 kicked THEN the chat is deactivated and Discord hears about it', async () => {
    const h = await startHarness({ telegram: { chats: { [TG_CHAT]: 'kicked' } }, only: ['discord', 'telegram'] });
    queueAlert(h.rt, sampleStoryAlert());
    await h.deliver();
    await h.deliver();
    expect([...h.store.deactivatedDestinations().keys()]).toEqual(['telegram']);
    expect(h.discord.messages.map((m) => m.embeds[0]?.title)).toEqual([expect.stringContaining('Render Network'), 'Destination deactivated: telegram']);
    expect(h.discord.messages[1]?.embeds[0]?.description).toContain('bot was kicked');
  });

  it('GIVEN a crash between Discord accepting a message and the delivery being marked sent THEN the restarted bot resends and Discord shows ONE message', async () => {
    const h = await startHarness({ only: ['discord'] });
    queueAlert(h.rt, sampleMoveAlert());
    // The first process posts, then dies before recording the outcome: its send never returns.
    const real = h.sinks.get('discord')!;
    const crashing: DeliverySink = { id: 'discord', pacing: real.pacing, send: async (alert: Alert, id: string) => {
      await real.send(alert, id);
      await new Promise<never>(() => {});
    } };
    void deliverDue(h.rt, { sinks: new Map([['discord', crashing]]) });
    await expect.poll(() => h.discord.messages.length).toBe(1);
    expect(h.store.deliveryCounts()).toEqual({ pending: 1, sent: 0, dead: 0 });

    const after = await h.restart();
    await after.deliver();
    const requests = posts(h.discord);
    expect(requests).toHaveLength(2);
    expect(requests.map((r) => (r.body as { nonce: string }).nonce)).toEqual([discordNonce('1:discord'), discordNonce('1:discord')]);
    expect(h.discord.messages).toHaveLength(1);
    expect(after.store.deliveryCounts()).toEqual({ pending: 0, sent: 1, dead: 0 });
  });

  /** The first process hands the alert to `destination`'s sink, which posts it, then dies before recording the outcome. */
  async function crashDuringSend(h: Harness, destination: string, posted: () => number): Promise<void> {
    const real = h.sinks.get(destination)!;
    const crashing: DeliverySink = { id: destination, pacing: real.pacing, send: async (alert: Alert, id: string) => {
      await real.send(alert, id);
      await new Promise<never>(() => {});
    } };
    void deliverDue(h.rt, { sinks: new Map([[destination, crashing]]) });
    await expect.poll(posted).toBe(1);
  }

  it('GIVEN a crash during a Telegram send THEN the restarted bot sends it again, once, opening with the re-sent note', async () => {
    const h = await startHarness({ only: ['telegram'] });
    queueAlert(h.rt, sampleMoveAlert());
    await crashDuringSend(h, 'telegram', () => h.telegram.messages.length);
    const after = await h.restart();
    expect(after.store.interruptedDeliveries()).toHaveLength(1);
    await after.deliver();
    const [first, again] = h.telegram.messages;
    expect(h.telegram.messages).toHaveLength(2);
    expect(again?.text).toBe(`${RESENT_NOTE}\n${first?.text}`);
    expect(again?.entities[0]).toEqual({ type: 'italic', offset: 0, length: RESENT_NOTE.length });
    expect(after.store.deliveryCounts()).toEqual({ pending: 0, sent: 1, dead: 0 });
    expect(after.store.interruptedDeliveries()).toEqual([]);
  });

  it('GIVEN a crash during a Discord bot send and a restart after the nonce window THEN the re-send carries the note', async () => {
    const h = await startHarness({ only: ['discord'], discord: { nonceWindowMs: 2 * 60_000 } });
    queueAlert(h.rt, sampleMoveAlert());
    await crashDuringSend(h, 'discord', () => h.discord.messages.length);
    h.clock.advance(2 * 60_000);
    const after = await h.restart();
    await after.deliver();
    expect(h.discord.messages.map((m) => m.content)).toEqual(['', `*${RESENT_NOTE}*`]);
    expect(h.discord.messages[1]?.embeds).toEqual(h.discord.messages[0]?.embeds);
  });

  it('GIVEN Telegram refuses one alert in every form THEN the chat gets the others at once, and after three refusals it is dead, kept, counted, and the admins are told why', async () => {
    const h = await startHarness({ only: ['discord', 'telegram'] });
    const refuse = () => h.telegram.failNext({ status: 400, description: 'Bad Request: message is too long', method: 'sendMessage', count: 2 });
    for (const n of [1, 2, 3]) queueAlert(h.rt, story(n));
    refuse();
    await h.deliver();
    const delivered = () => h.telegram.messages.map((m) => /^Story (\d)/.exec(m.text)?.[1] ?? m.text.split('\n')[0]);
    expect(delivered()).toEqual(['2', '3']);
    // The refused alert waits alone: 1 minute, then 2.
    for (const wait of [60_000, 120_000]) {
      h.clock.advance(wait);
      refuse();
      await h.deliver();
    }
    expect(sends(h.telegram).filter((r) => r.status === 400)).toHaveLength(6);
    await h.deliver();
    expect(h.store.destinationStates().find((s) => s.destination === 'telegram')).toMatchObject({ pending: 0, dead: 1 });
    // Told on both platforms, with the alert's title and Telegram's own words.
    const tgNotice = h.telegram.messages.at(-1)!.text;
    expect(tgNotice).toMatch(/^Alert not delivered to telegram/);
    expect(tgNotice).toContain('"Story 1: Render expands GPU marketplace" (story:1) 3 times');
    expect(tgNotice).toContain('Bad Request: message is too long (HTTP 400)');
    expect(h.discord.messages.map((m) => m.embeds[0]?.title)).toEqual([...[1, 2, 3].map((n) => `Story ${n}: Render expands GPU marketplace`), 'Alert not delivered to telegram']);

    const out: string[] = [];
    expect(await destinationsCommand(['list'], { env: parseEnv({ DB_PATH: h.file }), out: (l) => out.push(l), err: () => undefined })).toBe(0);
    expect(out).toContainEqual(expect.stringMatching(/^telegram +0 pending, 3 sent \(0 in digests\), 1 dead/));
  });

  it('GIVEN Discord accepted a message but the answer was lost THEN the retry is deduplicated by nonce', async () => {
    const h = await startHarness({ only: ['discord'] });
    h.discord.failNext({ network: 'drop-response' });
    queueAlert(h.rt, sampleMoveAlert());
    expect((await h.deliver()).failed).toBe(1);
    // The retry comes after its backoff, well within the minutes Discord remembers a nonce.
    h.clock.advance(5_000);
    expect((await h.deliver()).sent).toBe(1);
    expect(posts(h.discord)).toHaveLength(2);
    expect(h.discord.messages).toHaveLength(1);
  });

  it('GIVEN hostile feed text (@everyone, <b>, ](javascript:…), 10,000 characters) THEN both platforms accept it first time and render it inert', async () => {
    const h = await startHarness();
    const title = `${HOSTILE_TEXT} ${'x'.repeat(10_000)}`;
    queueAlert(h.rt, story(1, { story: { ...sampleStoryAlert().story, title, source: '@here <b>Evil</b>', url: 'javascript:alert(1)' } }));
    queueAlert(h.rt, { ...hugeMoveAlert(), key: 'huge' });
    await h.deliver();

    expect(posts(h.discord).map((r) => r.status)).toEqual([200, 200, 200, 200]); // no 400, no plain fallback
    for (const m of h.discord.messages) {
      expect(m).toMatchObject({ mention_everyone: false, mentions: [], mention_roles: [] });
      const text = JSON.stringify(m.embeds);
      expect(text).not.toMatch(/@(everyone|here)/);
      expect(text).not.toContain('](javascript:');
      expect(m.embeds[0]?.url ?? '').not.toMatch(/^javascript/);
    }
    expect(sends(h.telegram).map((r) => r.status)).toEqual([200, 200]);
    for (const m of h.telegram.messages) {
      expect(m.text.length).toBeLessThanOrEqual(4096);
      expect(m.entities.every((e) => e.url === undefined || e.url.startsWith('https://'))).toBe(true);
      // Feed markup shows as text; the only bold is ours.
      expect(parseTelegramHtml(m.raw).entities.filter((e) => e.type === 'bold').length).toBeGreaterThan(0);
    }
    expect(h.telegram.messages[0]?.text).toContain('<b>bold</b>');
  });

  it('GIVEN a backlog of 100 alerts THEN each destination gets ONE digest listing them all, with a chart of the moves, and all 100 are recorded', async () => {
    const h = await startHarness({ charts: lazyChartRenderer });
    for (let n = 0; n < 90; n++) queueAlert(h.rt, story(n));
    for (let n = 0; n < 10; n++) queueAlert(h.rt, sampleMoveAlert({ key: `move:${n}`, createdAt: SAMPLE_NOW - n * 60_000, move: sampleMove({ symbol: ['TAO', 'FET', 'RENDER', 'AKT', 'NEAR'][n % 5]!, return: 0.05 + n / 100 }) }));
    const result = await h.deliver();
    expect(result).toMatchObject({ coalesced: 300, sent: 3, failed: 0 });

    expect(h.discord.messages).toHaveLength(2);
    for (const m of h.discord.messages) {
      const description = m.embeds[0]!.description!;
      const listed = description.split('\n').filter((l) => l.startsWith('• ')).length;
      const more = Number(/…and (\d+) more/.exec(description)?.[1] ?? 0);
      expect(listed + more).toBe(100);
      expect(m.embeds[0]?.title).toMatch(/^Catch-up digest: 100 alerts/);
      expect(m.attachments.map((a) => a.filename)).toEqual(['chart.png']);
    }
    expect(h.telegram.messages.map((m) => m.method)).toEqual(['sendMessage', 'sendPhoto']);
    const tgLines = h.telegram.messages[0]!.text.split('\n');
    expect(tgLines.filter((l) => l.startsWith('• ')).length + Number(/…and (\d+) more/.exec(h.telegram.messages[0]!.text)?.[1] ?? 0)).toBe(100);

    expect(h.store.deliveryCounts()).toEqual({ pending: 0, sent: 303, dead: 0 });
    for (const state of h.store.destinationStates()) expect(state).toMatchObject({ sent: 101, viaDigest: 100, pending: 0 });
  });

  it('GIVEN stories set to silent on Discord and quiet hours on Telegram THEN the platforms get those messages without a notification', async () => {
    const h = await startHarness();
    const audit = { at: SAMPLE_NOW, actor: { platform: 'cli' as const, userId: 'test' }, action: 'subscribe', outcome: 'applied' as const };
    const subscribe = (destination: string, change: Partial<Subscription>) =>
      h.store.saveSubscription(destination, { ...defaultSubscription(destination), ...change }, { ...audit, target: `subscription:${destination}` });
    subscribe('discord', { kinds: { story: 'silent' } });
    subscribe('hook', { kinds: { story: 'silent' } });
    // SAMPLE_NOW is 12:00 UTC, 13:00 in Berlin.
    subscribe('telegram', { quietHours: { from: '12:30', to: '14:00' }, timeZone: 'Europe/Berlin' });
    queueAlert(h.rt, story(1));
    queueAlert(h.rt, sampleMoveAlert());
    await h.deliver();

    const byKind = (m: { embeds: { title?: string }[] }) => (m.embeds[0]?.title?.startsWith('Story 1') ? 'story' : 'move');
    expect(h.discord.messages.map((m) => [m.webhook_id === undefined ? 'bot' : 'hook', byKind(m), m.flags]).sort()).toEqual([
      ['bot', 'move', 0],
      ['bot', 'story', 4096],
      ['hook', 'move', 0],
      ['hook', 'story', 4096],
    ]);
    expect(h.telegram.messages.map((m) => [m.text.slice(0, 7), m.silent, m.params.disable_notification])).toEqual([
      ['Story 1', true, true],
      ['TAO +25', true, true],
    ]);

    // After the quiet hours Telegram notifies again.
    h.clock.advance(H);
    queueAlert(h.rt, story(2));
    await h.deliver();
    expect(h.telegram.messages.at(-1)).toMatchObject({ silent: false });
  });

  it('GIVEN realistic platform limits and 30 alerts THEN the worker paces itself: no 429 from either fake, nothing lost', async () => {
    const h = await startHarness({
      // The real clients would read bucket headers against the real clock; the fakes judge on the virtual one.
      discord: { rateLimit: { limit: 5, resetAfterMs: 5_000 }, globalRateLimit: { limit: 50, resetAfterMs: 1_000 }, rateLimitHeaders: false },
      telegram: { rateLimits: TELEGRAM_FLOOD_LIMITS },
      edit: (c) => (c.alerts.delivery.digestAfter = 0),
      only: ['discord', 'telegram'],
    });
    for (let n = 0; n < 30; n++) queueAlert(h.rt, story(n));
    let runs = 0;
    while (h.store.deliveryCounts().pending > 0 && runs++ < 20) await h.deliver();
    expect(h.discord.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(h.telegram.requests.filter((r) => r.status === 429)).toEqual([]);
    expect(h.discord.messages).toHaveLength(30);
    expect(h.telegram.messages).toHaveLength(30);
    // Discord 5 per 5 s: 30 take 25 s; Telegram 20 per minute in a group: the 21st waits a minute.
    expect(posts(h.discord).at(-1)!.at - SAMPLE_NOW).toBeGreaterThanOrEqual(25_000);
    expect(sends(h.telegram).at(-1)!.at - SAMPLE_NOW).toBeGreaterThanOrEqual(60_000);
  });
});
