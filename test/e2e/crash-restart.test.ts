/**
 * kill -9 at random points of polling and delivery (issue #6). The real bot
 * runs as a child process (`radar start`) against loopback feeds, Binance,
 * Discord and Telegram; it is SIGKILLed again and again at seeded points:
 * at startup, while it parses and stores a changed feed, and around each
 * phase of a chat send (request received, message posted but unanswered,
 * answered). After every kill the database must be intact; after the last
 * restart every alert must have reached every destination, Discord must show
 * none twice (nonce + enforce_nonce), Telegram (no idempotency key) only the
 * ones whose send was in flight at a kill, each repeat opening with the re-sent
 * note (and the restarted bot warning about them), and re-polled unchanged feeds
 * must produce nothing new.
 *
 * Replay a run with CRASH_SEED=<seed> (the seed is in the test name); CRASH_DEBUG=1 prints each kill.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordNonce } from '../../src/adapters/discord/discord-sink.ts';
import { RESENT_NOTE } from '../../src/app/ports.ts';
import { startFakeBinance, type FakeBinance } from '../../src/loopback/binance-server.ts';
import { startFakeDiscord, type FakeDiscord } from '../../src/loopback/discord-api.ts';
import { startFakeTelegram, type FakeTelegram } from '../../src/loopback/telegram-api.ts';
import { writeTestConfig } from './support/bot-config.ts';
import { startBotProcess, type BotProcess } from './support/bot-process.ts';
import { startChatTap, type ChatTap, type SendPhase, type TappedSend } from './support/chat-tap.ts';
import { startNewsFeedHost, type NewsFeedHost } from './support/news-feed-host.ts';
import { seededRandom } from './support/seeded-random.ts';

const SEED = Number(process.env.CRASH_SEED ?? 20_250_314);
const CHANNEL_ID = '123456789012345678';
/** A private chat: Telegram's pace there is 1 message/s (a group would allow only 20/min). */
const TELEGRAM_CHAT = '4242';
const FEEDS = ['wire', 'desk', 'digest'] as const;
const ITEMS_PER_GENERATION = 2;
/** A kill whose trigger has not happened by then is made anyway (and counted as such). */
const TRIGGER_TIMEOUT_MS = 15_000;
const SETTLE_TIMEOUT_MS = 45_000;

type Destination = 'discord' | 'telegram';
type KillPlan =
  /** Right after the first start created the database file: while it sets up WAL and runs the migrations. */
  | { kind: 'startup'; delayMs: number }
  | { kind: 'poll'; delayMs: number }
  | { kind: 'send'; destination: Destination; phase: SendPhase; nth: number; delayMs: number };

interface Kill {
  generation: number;
  plan: KillPlan;
  /** False when the trigger never came and the bot was killed at the timeout. */
  triggered: boolean;
  integrity: string;
  /** Whether the database existed when the bot died (a startup kill may come before it is created). */
  database: boolean;
  /** The Telegram send this kill interrupted: the message was posted, but the bot died before recording it as sent. */
  telegramInFlight?: TappedSend;
  /** This generation's bot warned at start that deliveries were in flight when its predecessor died. */
  warnedInFlight: boolean;
}

const IN_FLIGHT_WARNING = 'were in flight when the bot last stopped';

/** What makes a story alert: a tracked token plus two phrases of one theme. Each item is its own story. */
const SUBJECTS: readonly [string, string, string][] = [
  ['Bittensor', 'decentralized inference', 'permissionless inference'],
  ['Akash Network', 'decentralized GPU', 'GPU marketplace'],
  ['NEAR Protocol', 'verifiable inference', 'zkML'],
  ['Fetch.ai', 'AI agents', 'agentic payments'],
  ['Render Network', 'decentralized compute', 'idle GPUs'],
  ['Bittensor', 'Yuma consensus', 'subnet emissions'],
  ['io.net', 'GPU network', 'DePIN'],
  ['NEAR Protocol', 'data sovereignty', 'user-owned AI'],
  ['Akash Network', 'crypto-economic incentives', 'token incentives'],
  ['Fetch.ai', 'model marketplace', 'machine intelligence market'],
];
const CODENAMES = ['Kestrel', 'Juniper', 'Obsidian', 'Marigold', 'Tundra', 'Saffron', 'Harbor', 'Cobalt', 'Lantern', 'Quartz', 'Fjord', 'Mistral', 'Pylon', 'Ember', 'Nimbus', 'Sequoia', 'Vesper', 'Onyx', 'Zephyr', 'Basalt', 'Cinder', 'Delta', 'Echo', 'Falcon'];

/** Ten kills: every kind at least once, in a seeded order with seeded parameters. */
function killPlans(random: ReturnType<typeof seededRandom>): KillPlan[] {
  const destination = (): Destination => random.pick(['discord', 'telegram'] as const);
  const send = (phase: SendPhase, dest: Destination = destination()): KillPlan => ({ kind: 'send', destination: dest, phase, nth: random.int(1, 2), delayMs: phase === 'answered' ? random.int(0, 3) : 0 });
  const plans: KillPlan[] = [
    { kind: 'startup', delayMs: random.int(0, 5) },
    { kind: 'poll', delayMs: random.int(0, 30) },
    { kind: 'poll', delayMs: random.int(0, 30) },
    send('received'),
    send('accepted', 'telegram'),
    send('accepted', 'discord'),
    send('accepted'),
    send('answered', 'telegram'),
    send('answered', 'discord'),
    send('answered'),
  ];
  // The first start creates the database: keep the startup kill there, where it can land in the migrations.
  return [plans[0]!, ...random.shuffle(plans.slice(1))];
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function until(what: string, timeoutMs: number, check: () => boolean, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** A reference like "ref K07" is in every title, so each chat message can be traced to its item. */
const refOf = (text: string) => /\bref ([A-Z]\d\d)\b/.exec(text)?.[1];

describe('GIVEN the bot killed with SIGKILL at random points of polling and delivery, then restarted', () => {
  const random = seededRandom(SEED);
  const plans = killPlans(random);
  const kills: Kill[] = [];
  let work: string;
  let dbPath: string;
  let feedHost: NewsFeedHost;
  let binance: FakeBinance;
  let discord: FakeDiscord;
  let telegram: FakeTelegram;
  let discordTap: ChatTap;
  let telegramTap: ChatTap;
  let generation = 0;
  let published = 0;
  let final: { exitCode: number | null; quietPolls: number[]; quietNewAlerts: number; quietNewSends: number; warnedInFlight: boolean } | undefined;
  let failure: unknown;

  /** Read the live database (while a bot runs: it has recovered the WAL, so a read-only connection works). */
  const readDb = <T>(fn: (db: Database.Database) => T, file = dbPath): T => {
    const db = new Database(file, { readonly: file === dbPath, fileMustExist: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };

  /**
   * Read what a killed bot left, as the next start will find it, without touching it: a copy of
   * the database and its WAL (the shared-memory index is rebuilt from the WAL, as after a reboot),
   * so the next bot still recovers the original itself.
   */
  const readLeftovers = <T>(fn: (db: Database.Database) => T): T => {
    const copy = path.join(work, `after-kill-${generation}.db`);
    copyFileSync(dbPath, copy);
    if (existsSync(`${dbPath}-wal`)) copyFileSync(`${dbPath}-wal`, `${copy}-wal`);
    return readDb(fn, copy);
  };

  function publishItems(count: number): void {
    for (let i = 0; i < count; i++, published++) {
      const [token, phrase, other] = SUBJECTS[published % SUBJECTS.length]!;
      const code = CODENAMES[published % CODENAMES.length]!;
      const ref = `${String.fromCharCode(65 + (published % 26))}${String(published).padStart(2, '0')}`;
      const feed = FEEDS[published % FEEDS.length]!;
      feedHost.publish(feed, {
        guid: `crash-test-${published}`,
        link: `https://news.example/${feed}/${published}-${code.toLowerCase()}`,
        title: `${token} ${code} brings ${phrase} to ${1000 + published * 37} nodes (ref ${ref})`,
        html: `<p>${token} said project ${code} pairs ${phrase} with ${other}; ${other} pilots start with ${300 + published * 11} operators.</p>`,
        publishedAt: Date.now(),
      });
    }
  }

  /** Resolves once this plan's trigger has fired and the bot is dead. */
  function arm(plan: KillPlan, bot: BotProcess): Promise<void> {
    if (plan.kind === 'startup') {
      return until('the database file', TRIGGER_TIMEOUT_MS, () => existsSync(dbPath), 2)
        .then(() => sleep(plan.delayMs))
        .then(() => bot.kill())
        .then(() => undefined);
    }
    return new Promise<void>((resolve) => {
      if (plan.kind === 'poll') {
        feedHost.onFullResponse = () => {
          feedHost.onFullResponse = undefined;
          void sleep(plan.delayMs).then(() => bot.kill()).then(() => resolve());
        };
        return;
      }
      const tap = plan.destination === 'discord' ? discordTap : telegramTap;
      let seen = 0;
      tap.onSend = async (send, phase) => {
        if (phase !== plan.phase || send.generation !== generation || ++seen !== plan.nth) return;
        tap.onSend = undefined;
        if (phase === 'answered') {
          await sleep(plan.delayMs);
          await bot.kill();
          return resolve();
        }
        await bot.kill();
        resolve();
        return 'drop';
      };
    });
  }

  function disarm(): void {
    feedHost.onFullResponse = undefined;
    discordTap.onSend = undefined;
    telegramTap.onSend = undefined;
  }

  function botEnv(): Record<string, string> {
    return {
      CONFIG_DIR: path.join(work, 'config'),
      DB_PATH: dbPath,
      LOG_LEVEL: 'warn',
      DISCORD_TOKEN: discord.token,
      DISCORD_CHANNEL_ID: CHANNEL_ID,
      DISCORD_API_URL: `${discordTap.origin}/api`,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_CHAT_ID: TELEGRAM_CHAT,
      TELEGRAM_API_URL: telegramTap.origin,
      EXCHANGE_API_URLS: `binance=${binance.url}`,
    };
  }

  /**
   * The send to Telegram this generation died during: its message is posted, yet its delivery is
   * still pending, so the next process sends it again. Sends to one chat are sequential: only the
   * generation's last one can be in that state.
   */
  function telegramSendLeftUnrecorded(): TappedSend | undefined {
    const last = telegramTap.sends.filter((s) => s.generation === generation).at(-1);
    if (!last?.forwarded || last.status !== 200) return undefined;
    const status = readLeftovers((db) =>
      db
        .prepare(`SELECT d.status FROM deliveries d JOIN alerts a ON a.id = d.alert_id WHERE d.destination = 'telegram' AND json_extract(a.payload, '$.story.title') LIKE ?`)
        .pluck()
        .get(`%(ref ${refOf(JSON.stringify(last.body))})%`),
    );
    return status === 'pending' ? last : undefined;
  }

  /** Everything published is analysed, nothing waits in the outbox, and every feed's last poll was a 304. */
  let lastReadError: unknown;
  function settled(): boolean {
    let counts: { analyzed: number; waiting: number };
    try {
      counts = readDb((db) => ({
        analyzed: (db.prepare('SELECT COUNT(*) AS n FROM posts WHERE analysis IS NOT NULL').get() as { n: number }).n,
        waiting: (db.prepare(`SELECT COUNT(*) AS n FROM deliveries WHERE status <> 'sent'`).get() as { n: number }).n,
      }));
    } catch (error) {
      // Until the restarted bot has recovered the WAL its predecessor left, a read-only connection cannot open it.
      if (!(error instanceof Database.SqliteError)) throw error;
      lastReadError = error;
      return false;
    }
    const { analyzed, waiting } = counts;
    const lastPolls = FEEDS.map((f) => feedHost.requests.filter((r) => r.feedId === f).at(-1)?.status);
    return analyzed === published && waiting === 0 && lastPolls.every((s) => s === 304);
  }

  beforeAll(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'radar-crash-'));
    dbPath = path.join(work, 'radar.db');
    [feedHost, binance, discord, telegram] = await Promise.all([startNewsFeedHost(FEEDS), startFakeBinance(), startFakeDiscord(), startFakeTelegram()]);
    [discordTap, telegramTap] = await Promise.all([
      startChatTap({ upstream: discord.origin, generation: () => generation, isSend: (method, p) => method === 'POST' && /\/channels\/\d+\/messages$/.test(p) }),
      startChatTap({ upstream: telegram.apiRoot, generation: () => generation, isSend: (_method, p) => /\/(sendMessage|sendPhoto)$/.test(p) }),
    ]);
    mkdirSync(path.join(work, 'config'));
    writeTestConfig(path.join(work, 'config'), {
      feeds: FEEDS.map((id) => ({ id, name: `Loopback ${id}`, url: feedHost.urlOf(id) })),
      // Polled every second: node-cron takes a seconds field, and 0.01 min is 0.6 s between polls of a feed.
      pollMinutes: 0.01,
      schedule: { feeds: '* * * * * *', prices: '0 0 1 1 *', deliver: '* * * * * *', digests: '0 0 1 1 *' },
      digestAfter: 0,
    });

    try {
      for (const plan of plans) {
        publishItems(ITEMS_PER_GENERATION);
        const bot = startBotProcess(botEnv());
        const triggered = await Promise.race([arm(plan, bot).then(() => true), sleep(TRIGGER_TIMEOUT_MS).then(() => false)]);
        disarm();
        const exit = await bot.kill();
        if (exit.signal !== 'SIGKILL') throw new Error(`bot generation ${generation} exited on its own (${JSON.stringify(exit)}):\n${bot.output()}`);
        // A kill before the first start created the database leaves nothing to check.
        const database = existsSync(dbPath);
        const integrity = database ? readLeftovers((db) => String(db.pragma('integrity_check', { simple: true }))) : 'ok';
        kills.push({ generation, plan, triggered, integrity, database, telegramInFlight: telegramSendLeftUnrecorded(), warnedInFlight: bot.output().includes(IN_FLIGHT_WARNING) });
        generation++;
      }

      // The last start: nothing new is published; it must finish what the killed ones left.
      const bot = startBotProcess(botEnv());
      await until(`the restarted bot to deliver everything (seed ${SEED})`, SETTLE_TIMEOUT_MS, settled).catch((error: unknown) => {
        throw new Error(`${String(error)} (last database read error: ${String(lastReadError)})\n${bot.output()}`);
      });
      // Feed state is consistent: further polls of the unchanged feeds are 304s and queue nothing.
      const alertsBefore = readDb((db) => (db.prepare('SELECT COUNT(*) AS n FROM alerts').get() as { n: number }).n);
      const sendsBefore = discordTap.sends.length + telegramTap.sends.length;
      const requestsBefore = feedHost.requests.length;
      await until('two more polls of every feed', 10_000, () => FEEDS.every((f) => feedHost.requests.slice(requestsBefore).filter((r) => r.feedId === f).length >= 2));
      await sleep(500);
      final = {
        quietPolls: feedHost.requests.slice(requestsBefore).map((r) => r.status),
        quietNewAlerts: readDb((db) => (db.prepare('SELECT COUNT(*) AS n FROM alerts').get() as { n: number }).n) - alertsBefore,
        quietNewSends: discordTap.sends.length + telegramTap.sends.length - sendsBefore,
        warnedInFlight: bot.output().includes(IN_FLIGHT_WARNING),
        exitCode: (await bot.stop()).code,
      };
    } catch (error) {
      failure = error;
    }
  }, 120_000);

  afterAll(async () => {
    disarm();
    await Promise.all([feedHost?.close(), binance?.close(), discordTap?.close(), telegramTap?.close(), discord?.close(), telegram?.close()]);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const alerts = () => readDb((db) => db.prepare(`SELECT id, json_extract(payload, '$.story.title') AS title FROM alerts ORDER BY id`).all() as { id: number; title: string }[]);
  const sentTo = (tap: ChatTap, ref: string) => tap.sends.filter((s) => s.forwarded && s.status === 200 && refOf(JSON.stringify(s.body)) === ref);

  it(`THEN the run completes (seed ${SEED}) and each of the ${plans.length} kills hit its mark`, () => {
    if (failure) throw failure;
    expect(kills).toHaveLength(plans.length);
    expect(kills.length).toBeGreaterThanOrEqual(8);
    // A kill whose trigger never came would test less than it claims: each kind must have landed.
    const landed = (kind: string) => kills.filter((k) => k.triggered && (k.plan.kind === 'send' ? `send-${k.plan.phase}` : k.plan.kind) === kind).length;
    const kinds = ['startup', 'poll', 'send-received', 'send-accepted', 'send-answered'];
    expect(kinds.filter((kind) => landed(kind) === 0)).toEqual([]);
    expect(kills.filter((k) => k.triggered).length).toBeGreaterThanOrEqual(8);
  });

  it('THEN the database is intact after every kill', () => {
    expect(kills.map((k) => k.integrity)).toEqual(kills.map(() => 'ok'));
  });

  it('THEN every published item became an analysed post and every alert reached both destinations', () => {
    expect(failure).toBeUndefined();
    const rows = readDb((db) => ({
      posts: (db.prepare('SELECT COUNT(*) AS n FROM posts WHERE analysis IS NOT NULL').get() as { n: number }).n,
      deliveries: db.prepare('SELECT alert_id, destination, status FROM deliveries ORDER BY alert_id, destination').all() as { alert_id: number; destination: string; status: string }[],
    }));
    expect(rows.posts).toBe(published);
    const list = alerts();
    expect(list.length).toBeGreaterThanOrEqual(published / 2);
    expect(rows.deliveries).toEqual(list.flatMap((a) => ['discord', 'telegram'].map((destination) => ({ alert_id: a.id, destination, status: 'sent' }))));
    for (const alert of list) {
      const ref = refOf(alert.title)!;
      expect(discord.messages.filter((m) => m.nonce === discordNonce(`${alert.id}:discord`)), `alert ${alert.id} on Discord`).toHaveLength(1);
      expect(telegram.messages.filter((m) => refOf(m.text) === ref).length, `alert ${alert.id} on Telegram`).toBeGreaterThanOrEqual(1);
    }
  });

  it('THEN Discord shows no alert twice: re-sends after a kill are dropped by nonce', () => {
    expect(failure).toBeUndefined();
    expect(discord.messages).toHaveLength(alerts().length);
    expect(new Set(discord.messages.map((m) => m.nonce)).size).toBe(discord.messages.length);
    // Restarts come within seconds, inside the nonce window: no re-send needed the note there.
    expect(discord.messages.filter((m) => m.content.includes(RESENT_NOTE))).toEqual([]);
  });

  it('THEN Telegram shows an alert twice only when its send was in flight at a kill, and then exactly once more', () => {
    expect(failure).toBeUndefined();
    const inFlight = new Set(kills.flatMap((k) => (k.telegramInFlight ? [k.telegramInFlight.seq] : [])));
    const unexplained: string[] = [];
    let duplicates = 0;
    for (const alert of alerts()) {
      const posted = sentTo(telegramTap, refOf(alert.title)!);
      duplicates += Math.max(0, posted.length - 1);
      for (const s of posted.slice(0, -1)) if (!inFlight.has(s.seq)) unexplained.push(`alert ${alert.id}: send #${s.seq} of generation ${s.generation}`);
    }
    if (process.env.CRASH_DEBUG) {
      for (const k of kills) console.info(JSON.stringify({ g: k.generation, plan: k.plan, triggered: k.triggered, database: k.database, inFlight: k.telegramInFlight?.seq, tg: telegramTap.sends.filter((x) => x.generation === k.generation).map((x) => [x.seq, refOf(JSON.stringify(x.body)), x.forwarded, x.status, x.answered]) }));
    }
    expect(unexplained).toEqual([]);
    // At least once: every interrupted send was sent again, and only once.
    expect(duplicates).toBe(inFlight.size);
    expect(telegram.messages.length).toBe(alerts().length + duplicates);
    // A reader who sees an alert twice is told why: every repeat opens with the note.
    const unmarked = alerts().flatMap((alert) =>
      telegram.messages
        .filter((m) => refOf(m.text) === refOf(alert.title))
        .slice(1)
        .filter((m) => !m.text.startsWith(`${RESENT_NOTE}\n`))
        .map((m) => `alert ${alert.id}: ${m.text.slice(0, 80)}`),
    );
    expect(unmarked).toEqual([]);
    // And the bot that re-sent them said so when it started.
    const warned = [...kills.map((k) => k.warnedInFlight), final?.warnedInFlight];
    expect(kills.filter((k) => k.telegramInFlight && warned[k.generation + 1] !== true).map((k) => k.generation)).toEqual([]);
    console.info(
      `crash-restart (seed ${SEED}): ${kills.length} kills, ${alerts().length} alerts; Discord ${discordTap.sends.length} sends → ${discord.messages.length} messages; ` +
        `Telegram ${telegramTap.sends.length} sends → ${telegram.messages.length} messages: ${duplicates} duplicate(s), one per kill that caught a Telegram send in flight (${inFlight.size} of ${kills.length} kills)`,
    );
  });

  it('THEN after the last restart, re-polling the unchanged feeds gives 304s, no alert and no post, and the bot stops cleanly', () => {
    expect(failure).toBeUndefined();
    expect(final).toMatchObject({ quietNewAlerts: 0, quietNewSends: 0, exitCode: 0 });
    expect(final!.quietPolls.every((s) => s === 304)).toBe(true);
  });
});
