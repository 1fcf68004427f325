/**
 * `npm run demo`: the whole pipeline, offline, in well under a minute. The
 * production code runs against loopback imitations of the feed hosts,
 * Binance, Discord and Telegram, on a virtual clock that replays two days of
 * real candles around the canonical story.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadCandleDir } from '../adapters/exchange/csv-candles.ts';
import { createLogger } from '../adapters/logging/logger.ts';
import { loadConfig } from '../config/load-config.ts';
import { DEFAULT_CONFIG_DIR, PROJECT_ROOT } from '../config/paths.ts';
import { HOUR_MS } from '../domain/time.ts';
import { loadDemoScript } from './demo-script.ts';
import { startOfflineBot } from './offline-bot.ts';

export const DEMO_DIR = path.join(PROJECT_ROOT, 'data', 'demo');
export const DEMO_START = Date.parse('2025-02-18T20:00:00Z');
export const DEMO_END = Date.parse('2025-02-20T08:00:00Z');

export interface DemoOptions {
  out: (line: string) => void;
  logLevel?: string;
}

export interface DemoSummary {
  postsIngested: number;
  stories: { title: string; languages: string[]; sources: number }[];
  alertsByKind: Record<string, number>;
  discordMessages: number;
  telegramMessages: number;
  consoleAlerts: number;
}

/** Run the demo; returns the process exit code. */
export async function runDemo(options: DemoOptions): Promise<number> {
  const summary = await runDemoScenario(options);
  return summary.discordMessages > 0 && summary.discordMessages === summary.telegramMessages ? 0 : 1;
}

export async function runDemoScenario(options: DemoOptions): Promise<DemoSummary> {
  const { out } = options;
  const log = createLogger({ level: options.logLevel ?? process.env.LOG_LEVEL ?? 'warn', secrets: [] });
  const [config, script, candles] = await Promise.all([
    loadConfig(DEFAULT_CONFIG_DIR),
    loadDemoScript(path.join(DEMO_DIR, 'posts.yaml')),
    loadCandleDir(path.join(DEMO_DIR, 'prices')),
  ]);
  const workDir = mkdtempSync(path.join(tmpdir(), 'radar-demo-'));
  let consoleAlerts = 0;
  const bot = await startOfflineBot({
    config,
    script,
    candles,
    start: DEMO_START,
    dbPath: path.join(workDir, 'demo.db'),
    log,
    consoleWrite: (text) => {
      consoleAlerts++;
      out(text);
    },
  });

  out(`Narrative Radar demo — offline, real code, loopback imitations of every outside service.`);
  out(`Feeds: ${script.feeds.map((f) => `${f.name} (${f.language}, ${f.format})`).join(', ')}`);
  out(`Prices: ${[...candles.keys()].join(', ')} — real hourly Binance candles served by a fake exchange through ccxt.`);
  out(`Chat: Discord (discord.js REST) and Telegram (telegraf) imitations on 127.0.0.1.`);
  out(`Replaying ${new Date(DEMO_START).toISOString()} → ${new Date(DEMO_END).toISOString()}, one cycle per hour.\n`);

  try {
    for (let t = DEMO_START; t <= DEMO_END; t += HOUR_MS) {
      const before = consoleAlerts;
      await bot.step(t);
      if (consoleAlerts > before) out(`   ⏱ virtual time ${new Date(t).toISOString()}\n`);
    }
    const db = bot.runtime.store;
    const posts = db.analyzedPostsSince(0);
    const stories = new Map<string, { title: string; languages: string[]; sources: number }>();
    for (const p of posts) {
      if (!stories.has(p.storyId)) stories.set(p.storyId, { title: p.title, languages: p.storyLanguages, sources: p.storySources });
    }
    const alertsByKind: Record<string, number> = {};
    for (const m of bot.discord.messages) {
      const kind = m.embeds[0]?.footer?.text?.split(' ')[0]?.toLowerCase() ?? 'other';
      alertsByKind[kind] = (alertsByKind[kind] ?? 0) + 1;
    }
    const summary: DemoSummary = {
      postsIngested: posts.length,
      stories: [...stories.values()],
      alertsByKind,
      discordMessages: bot.discord.messages.length,
      telegramMessages: bot.telegram.messages.length,
      consoleAlerts,
    };
    const counts = db.deliveryCounts();
    out('── Summary ─────────────────────────────────────────────');
    out(`Posts ingested: ${summary.postsIngested} from ${script.posts.length} published (syndicated copies recognised as duplicates)`);
    out(`Stories: ${summary.stories.length}`);
    for (const s of summary.stories) out(`  • ${s.title} — ${s.languages.join(', ')} · ${s.sources} source${s.sources === 1 ? '' : 's'}`);
    out(`Alerts: ${Object.entries(alertsByKind).map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}`);
    out(`Delivered: Discord ${summary.discordMessages} messages, Telegram ${summary.telegramMessages} messages, console ${consoleAlerts}; outbox pending ${counts.pending}, dead ${counts.dead}`);
    out(`Feed host: ${bot.feedHost.stats.ok} full responses, ${bot.feedHost.stats.notModified} answered 304 Not Modified`);
    return summary;
  } finally {
    await bot.close();
    log.flush();
    rmSync(workDir, { recursive: true, force: true });
  }
}
