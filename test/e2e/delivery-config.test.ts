/**
 * Delivery as configured: environment variables and alerts.yaml destinations
 * wired by main.ts's buildDestinations to the real clients, which must reach
 * the loopback fakes only through DISCORD_API_URL / TELEGRAM_API_URL; and the
 * `radar destinations` command over the same database.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/adapters/sqlite/sqlite-store.ts';
import { deliverDue } from '../../src/app/deliver.ts';
import { createRuntime, queueAlert } from '../../src/app/runtime.ts';
import { destinationsCommand } from '../../src/cli/destinations-command.ts';
import { parseEnv } from '../../src/config/env.ts';
import { alertsFileSchema } from '../../src/config/schema.ts';
import { buildDestinations } from '../../src/main.ts';
import { startFakeDiscord, type FakeDiscord } from '../../src/loopback/discord-api.ts';
import { startFakeTelegram, type FakeTelegram } from '../../src/loopback/telegram-api.ts';
import { FixedClock } from '../fakes/clock.ts';
import { testConfig } from '../fakes/runtime.ts';
import { SAMPLE_NOW, sampleMove, sampleMoveAlert, sampleStoryAlert } from '../fakes/sample-alerts.ts';
import { recordingLogger } from '../fakes/silent-logger.ts';

const CHANNEL = '123456789012345678';
const HOOK = { id: '876543210987654321', token: 'hook-SECRET-token-abcdefghijklmnopqrstuvwxyz0123456789', channelId: '222222222222222222' };
const ROLE = '333333333333333333';

let discord: FakeDiscord;
let telegram: FakeTelegram;
const cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function fakes(): Promise<void> {
  discord = await startFakeDiscord({ webhooks: [HOOK] });
  telegram = await startFakeTelegram();
  cleanup.push(() => discord.close(), () => telegram.close());
}

function tempDb(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'radar-delivery-config-')), 'radar.db');
}

describe('delivery as configured', () => {
  it('GIVEN only env shortcuts with DISCORD_API_URL and TELEGRAM_API_URL THEN bot, webhook and Telegram sends all go to those roots', async () => {
    await fakes();
    const raw = {
      DISCORD_TOKEN: discord.token,
      DISCORD_CHANNEL_ID: CHANNEL,
      DISCORD_WEBHOOK_URL: discord.webhookUrl(HOOK),
      DISCORD_API_URL: discord.api,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_CHAT_ID: '-1001234567890',
      TELEGRAM_API_URL: telegram.apiRoot,
    };
    const env = parseEnv(raw);
    expect([env.DISCORD_API_URL, env.TELEGRAM_API_URL]).toEqual([discord.api, telegram.apiRoot]);
    const log = recordingLogger();
    const destinations = await buildDestinations(await testConfig(), env, raw, log);
    expect(destinations.rules.map((r) => r.id)).toEqual(['discord', 'discord-webhook', 'telegram']);
    cleanup.push(async () => {
      for (const sink of destinations.sinks.values()) await sink.close?.();
    });

    const store = openSqliteStore(':memory:');
    const rt = createRuntime({ config: await testConfig(), store, clock: new FixedClock(SAMPLE_NOW), log, destinations: destinations.rules });
    queueAlert(rt, sampleStoryAlert());
    expect(await deliverDue(rt, { sinks: destinations.sinks })).toMatchObject({ sent: 3, failed: 0 });
    expect(discord.requests.map((r) => r.path)).toEqual([`/api/v10/channels/${CHANNEL}/messages`, `/api/v10/webhooks/${HOOK.id}/${HOOK.token}`]);
    expect(telegram.requests.map((r) => r.method)).toEqual(['sendMessage']);
    expect(discord.messages.map((m) => m.webhook_id)).toEqual([undefined, HOOK.id]);
  });

  it('GIVEN no API URL variables THEN the public roots are the defaults', () => {
    const env = parseEnv({});
    expect([env.DISCORD_API_URL, env.TELEGRAM_API_URL]).toEqual(['https://discord.com/api', 'https://api.telegram.org']);
  });

  it('GIVEN alerts.yaml destinations with a webhook and a role mention rule THEN only matching alerts ping that role, through both Discord routes', async () => {
    await fakes();
    const yaml = `
destinations:
  - id: traders
    type: discord
    channelId: "${CHANNEL}"
    mentions: [{ role: "${ROLE}", minSeverity: high, tokens: [TAO], kinds: [move] }]
  - { id: hook, type: discord-webhook, urlEnv: RADAR_HOOK_URL, minSeverity: medium, mentions: [{ role: "${ROLE}" }] }
`;
    const destinationsConfig = alertsFileSchema.parse(parseYaml(yaml)).destinations;
    expect(destinationsConfig[1]).toMatchObject({ mentions: [{ role: ROLE, minSeverity: 'high' }] }); // pings default to high only
    const config = await testConfig((c) => (c.alerts.destinations = destinationsConfig));
    const raw = { DISCORD_TOKEN: discord.token, DISCORD_API_URL: discord.api, RADAR_HOOK_URL: discord.webhookUrl(HOOK) };
    const log = recordingLogger();
    const destinations = await buildDestinations(config, parseEnv(raw), raw, log);
    cleanup.push(async () => {
      for (const sink of destinations.sinks.values()) await sink.close?.();
    });
    const rt = createRuntime({ config, store: openSqliteStore(':memory:'), clock: new FixedClock(SAMPLE_NOW), log, destinations: destinations.rules });
    queueAlert(rt, sampleMoveAlert()); // high, TAO: pings on both
    queueAlert(rt, sampleMoveAlert({ key: 'fet', move: sampleMove({ symbol: 'FET' }) })); // high, FET: only the hook's any-token rule
    queueAlert(rt, sampleStoryAlert({ severity: 'medium', tokens: ['TAO'] })); // not a move, not high: no ping
    await deliverDue(rt, { sinks: destinations.sinks });

    const pings = (where: (m: FakeDiscord['messages'][number]) => boolean) => discord.messages.filter(where).map((m) => m.mention_roles);
    expect(pings((m) => m.webhook_id === undefined)).toEqual([[ROLE], [], []]);
    expect(pings((m) => m.webhook_id === HOOK.id)).toEqual([[ROLE], [ROLE], []]);
    expect(discord.messages.every((m) => !m.mention_everyone && m.mentions.length === 0)).toBe(true);
  });

  it.each([
    { mentions: [{ role: '@everyone' }], error: /role id/ },
    { mentions: [{ role: ROLE, minSeverity: 'urgent' }], error: /minSeverity/ },
    { mentions: [{ role: ROLE, tokens: ['tao'] }], error: /upper-case ticker/ },
  ])('GIVEN a malformed mention rule $mentions THEN the config is refused', ({ mentions, error }) => {
    const result = alertsFileSchema.safeParse({ destinations: [{ id: 'd', type: 'discord', channelId: CHANNEL, mentions }] });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(error);
  });

  it('GIVEN mentions on a Telegram destination THEN the config is refused (Discord only)', () => {
    expect(alertsFileSchema.safeParse({ destinations: [{ id: 't', type: 'telegram', chatId: '@channel', mentions: [{ role: ROLE }] }] }).success).toBe(false);
  });
});

describe('radar destinations', () => {
  it('GIVEN a deactivated destination THEN list shows why and how to fix it, and enable re-activates it', async () => {
    const dbPath = tempDb();
    const store = openSqliteStore(dbPath);
    store.enqueueAlert(sampleStoryAlert(), ['tg-main', 'discord-main']);
    store.deactivateDestination('tg-main', 'Telegram chat -100: Forbidden: bot was kicked (HTTP 403)', Date.UTC(2025, 1, 1));
    store.close();
    const env = parseEnv({ DB_PATH: dbPath });
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await destinationsCommand(args, { env, out: (l) => out.push(l), err: (l) => err.push(l), now: () => Date.UTC(2025, 1, 2) });
      return { code, out, err };
    };

    const listed = await run('list');
    expect(listed.code).toBe(0);
    expect(listed.out).toEqual([
      expect.stringMatching(/^discord-main +1 pending, 0 sent \(0 in digests\), 0 dead +active/),
      expect.stringMatching(/^tg-main +1 pending.*DEACTIVATED since 2025-02-01T00:00:00Z: .*bot was kicked.*→ radar destinations enable tg-main$/),
    ]);
    expect(await run('enable', 'tg-main')).toMatchObject({ code: 0, out: [expect.stringContaining('re-activated')] });
    expect(await run('enable', 'tg-main')).toMatchObject({ code: 0, err: [expect.stringContaining('is not deactivated')] });
    expect(await run('enable', 'nobody')).toMatchObject({ code: 1, err: [expect.stringContaining('no destination "nobody"')] });
    expect(await run('frobnicate')).toMatchObject({ code: 2, err: [expect.stringContaining('usage')] });
    expect((await run('list')).out[1]).toMatch(/tg-main .* active/);

    const reopened = openSqliteStore(dbPath);
    expect(reopened.destinationStates().find((s) => s.destination === 'tg-main')).toMatchObject({ deactivatedAt: undefined, reactivatedAt: Date.UTC(2025, 1, 2) });
    expect(reopened.dueDeliveries(SAMPLE_NOW, 10).map((d) => d.destination).sort()).toEqual(['discord-main', 'tg-main']);
    reopened.close();
  });
});
