/**
 * End to end, real libraries all the way: a post appears on a loopback feed
 * host (fetched with fetch, parsed by rss-parser), prices come from a
 * loopback Binance through ccxt, and alerts go out through discord.js REST
 * and telegraf to loopback imitations of both APIs.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CandleSeries } from '../../src/adapters/exchange/csv-candles.ts';
import { loadCandleDir } from '../../src/adapters/exchange/csv-candles.ts';
import { DEFAULT_CONFIG_DIR } from '../../src/config/paths.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import type { DemoScript } from '../../src/demo/demo-script.ts';
import { DEMO_END, DEMO_START, DEMO_DIR, runDemoScenario } from '../../src/demo/run-demo.ts';
import { DEMO_DISCORD_CHANNEL, DEMO_TELEGRAM_CHAT, startOfflineBot, type OfflineBot } from '../../src/demo/offline-bot.ts';
import { recordingLogger } from '../fakes/silent-logger.ts';

const H = 3_600_000;
const T = Date.parse('2025-02-19T00:00:00Z');

const script: DemoScript = {
  feeds: [{ id: 'blog', name: 'A Blog <b>&</b> Co', language: 'en', format: 'rss', weight: 1 }],
  posts: [
    {
      feed: 'blog',
      at: T + 30 * 60_000,
      link: 'https://blog.example/zkml?utm_source=rss',
      title: '@everyone Decentralized inference and zkML: <b>Bittensor</b> subnets](javascript:alert(1))',
      html: '<p>Verifiable inference with zkML and optimistic verification for Bittensor subnets. <@&123456789012345678></p>',
    },
  ],
};

let bot: OfflineBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

async function startBot(candles: ReadonlyMap<string, CandleSeries> = new Map()): Promise<OfflineBot> {
  const dir = mkdtempSync(path.join(tmpdir(), 'radar-e2e-'));
  bot = await startOfflineBot({ config: await loadConfig(DEFAULT_CONFIG_DIR), script, candles, start: T, dbPath: path.join(dir, 'radar.db'), log: recordingLogger() });
  return bot;
}

describe('end to end', () => {
  it('GIVEN a new themed post on a feed THEN exactly one alert reaches Discord and Telegram, rendered safely', async () => {
    const b = await startBot();
    await b.step(T); // nothing published yet
    expect(b.discord.messages).toHaveLength(0);

    await b.step(T + H);
    await b.step(T + 2 * H); // the same feed again: 304, no new alert

    expect(b.discord.messages).toHaveLength(1);
    expect(b.telegram.messages).toHaveLength(1);

    const discord = b.discord.messages[0]!;
    const request = b.discord.requests.find((r) => r.method === 'POST')!;
    expect(request.path).toBe(`/api/v10/channels/${DEMO_DISCORD_CHANNEL}/messages`);
    expect(request.body).toMatchObject({ allowed_mentions: { parse: [] }, enforce_nonce: true });
    expect(discord.mentions).toEqual([]);
    const embed = discord.embeds[0]!;
    expect(embed.url).toBe('https://blog.example/zkml');
    expect(embed.title).toContain('Decentralized inference and zkML');
    expect(embed.title).not.toMatch(/@everyone/); // neutralised with a zero-width space
    expect(JSON.stringify(embed)).not.toContain('](javascript:');
    expect(embed.fields?.map((f) => f.name)).toEqual(['Themes', 'Tokens', 'Sentiment']);
    expect(embed.fields?.[1]?.value).toContain('TAO');

    const telegram = b.telegram.messages[0]!;
    expect(telegram.chatId).toBe(DEMO_TELEGRAM_CHAT);
    expect(telegram.parseMode).toBe('HTML');
    expect(telegram.raw).toContain('New from A Blog &lt;b&gt;&amp;&lt;/b&gt; Co:');
    expect(telegram.raw).toContain('<a href="https://blog.example/zkml">');
    expect(telegram.text).toContain('Verifiable inference / zkML');
    expect(b.runtime.store.deliveryCounts()).toEqual({ pending: 0, sent: 2, dead: 0 });
  });

  it('GIVEN Telegram answers 429 with retry_after THEN the alert waits and arrives once; Discord is not held up', async () => {
    const b = await startBot();
    b.telegram.failNext({ status: 429, method: 'sendMessage', count: 1, retryAfter: 30 });
    await b.step(T + H);
    expect(b.discord.messages).toHaveLength(1);
    expect(b.telegram.messages).toHaveLength(0);
    b.clock.advance(29_000);
    await b.cycles.deliver();
    expect(b.telegram.messages).toHaveLength(0);
    b.clock.advance(1_000);
    await b.cycles.deliver();
    expect(b.telegram.messages).toHaveLength(1);
    expect(b.discord.messages).toHaveLength(1);
  });

  it('GIVEN the canonical story THEN the demo tells one story in five languages and ties the TAO move to it', async () => {
    const lines: string[] = [];
    const summary = await runDemoScenario({ out: (l) => lines.push(l), logLevel: 'silent' });
    const story = summary.stories.find((s) => s.title.startsWith('Decentralized inference, zkML and d/acc'));
    expect(story).toEqual({ title: expect.any(String), languages: ['en', 'pt', 'it', 'id', 'fr'], sources: 5 });
    expect(summary.alertsByKind.story).toBe(2); // the essay once, and the unrelated Fetch.ai story
    expect(summary.discordMessages).toBe(summary.telegramMessages);
    const output = lines.join('\n');
    expect(output).toMatch(/^\[\w+\] TAO \+\d+\.\d% in \d+h, abnormal \+\d+\.\d% vs BTC \(z \d\.\d\)\nhttps:\/\/essays\.example\/2025\/02\/decentralized-ai$/m);
    expect(output).toContain('likely catalyst: "Decentralized inference, zkML and d/acc: how crypto can keep AI open" (Essays on Crypto and AI)');
    expect(DEMO_END - DEMO_START).toBeGreaterThan(24 * H);
    expect((await loadCandleDir(path.join(DEMO_DIR, 'prices'))).size).toBe(6);
  });
});
