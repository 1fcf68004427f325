/**
 * Replay benchmark: `radar replay` over 6 months × 14 symbols of real hourly
 * Binance candles (../shared/prices, read from outside the project; skipped
 * when absent) and 10,000 synthetic posts in 12 languages written as RSS
 * files. Measures loading (CSV + feed parsing) and the replay itself: every
 * hour, the posts published by then are analyzed and the move cycle runs
 * (moves vs BTC and the sector basket, sector moves, catalysts, policy, event
 * studies). Target: the whole run in 15 s or less.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadReplayCandles, loadReplayPosts, replay } from '../src/cli/replay-command.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { DEFAULT_CONFIG_DIR, PROJECT_ROOT } from '../src/config/paths.ts';
import { timeframeMs } from '../src/domain/candles.ts';
import { HOUR_MS } from '../src/domain/time.ts';
import { corpusSource, createEvent, generatePost, LANGUAGES, pickLanguage, type Language } from './corpus.ts';
import { paragraphsToHtml, renderRss, type RssItem } from './rss.ts';
import { cpuMsSince, makeTempDir, removeTempDir, round, seededRandom } from './support.ts';

/** The shared real candles: 14 pairs, 2025-01-01 .. 2025-06-18 (see its README). */
export const SHARED_PRICES_DIR = path.resolve(PROJECT_ROOT, '..', 'shared', 'prices');

const LIMITS = {
  posts: 10_000,
  /** Feeds the posts are spread over: one per language, and a second one for en, pt, it and fr. */
  feeds: 16,
  targetMs: 15_000,
} as const;

/** Write `LIMITS.posts` posts as RSS files in `dir`, spread over [from, to]: news events told in 1–4 languages within hours. */
function writeSyntheticFeeds(dir: string, taxonomy: Parameters<typeof corpusSource>[0], from: number, to: number): number {
  const random = seededRandom(20250220);
  const source = corpusSource(taxonomy);
  const feeds: { language: Language; items: RssItem[] }[] = Array.from({ length: LIMITS.feeds }, (_, i) => ({ language: LANGUAGES[i % LANGUAGES.length]!, items: [] }));
  let written = 0;
  let n = 0;
  while (written < LIMITS.posts) {
    const event = createEvent(random, source);
    const at = from + random() * (to - from);
    const languages = new Set<Language>(['en', pickLanguage(random)]);
    while (random() < 0.35 && languages.size < 4) languages.add(pickLanguage(random));
    for (const lang of languages) {
      if (written >= LIMITS.posts) break;
      const post = generatePost(random, source, event, lang, 2 + Math.floor(random() * 3));
      const candidates = feeds.filter((f) => f.language === lang);
      const feed = candidates[Math.floor(random() * candidates.length)] ?? feeds[0]!;
      const link = `https://news-${lang}.example/${n++}`;
      feed.items.push({ title: post.title, link, guid: link, published: new Date(at + random() * 6 * HOUR_MS), html: paragraphsToHtml(post.paragraphs) });
      written++;
    }
  }
  feeds.forEach((f, i) => {
    writeFileSync(path.join(dir, `bench-${i}-${f.language}.rss`), renderRss({ title: `Bench feed ${i} (${f.language})`, link: `https://bench-${i}.example/`, language: f.language }, f.items));
  });
  return written;
}

/** Run the benchmark; returns the figures as one JSON-able object (`skipped` with the reason when the candles are absent). */
export async function benchReplay(options: { pricesDir?: string } = {}): Promise<object> {
  const pricesDir = options.pricesDir ?? SHARED_PRICES_DIR;
  if (!existsSync(pricesDir)) {
    return { bench: 'replay', skipped: `${pricesDir} not found: this benchmark replays the shared real candles kept next to the project (../shared/prices)` };
  }
  const config = await loadConfig(DEFAULT_CONFIG_DIR);
  const dir = makeTempDir('replay');
  try {
    const t0 = performance.now();
    const candles = await loadReplayCandles(pricesDir, config);
    const t1 = performance.now();
    // Pairs tokens.yaml does not list (AI, AIXBT) are tracked too, as sector members: 14 symbols priced.
    for (const symbol of candles.keys()) {
      if (config.tokens.tokens.some((t) => t.symbol === symbol)) continue;
      config.tokens.tokens.push({ symbol, name: symbol, names: [], tickers: [], ambiguous: false, matchName: false, venues: ['binance'], benchmark: false, sector: true });
    }
    const step = timeframeMs(config.alerts.market.timeframe);
    const all = [...candles.values()];
    const first = Math.min(...all.map((c) => c[0]?.time ?? Infinity));
    const last = Math.max(...all.map((c) => c.at(-1)?.time ?? 0)) + step;
    const written = writeSyntheticFeeds(dir, config.taxonomy, first, last);
    const t2 = performance.now();
    const loaded = await loadReplayPosts([dir], config);
    const t3 = performance.now();
    const cpu = process.cpuUsage();
    // The whole span: early steps run without a full volatility or β history, as a bot just installed would.
    const run = replay(config, loaded.posts, candles, { from: first + 24 * HOUR_MS, to: last });
    const t4 = performance.now();

    const byType: Record<string, number> = {};
    for (const a of run.alerts) byType[a.alert.kind] = (byType[a.alert.kind] ?? 0) + 1;
    const totalMs = t1 - t0 + (t3 - t2) + (t4 - t3);
    return {
      bench: 'replay',
      source: pricesDir,
      symbols: candles.size,
      candles: all.reduce((s, c) => s + c.length, 0),
      from: new Date(run.from).toISOString(),
      to: new Date(run.to).toISOString(),
      steps: run.steps,
      postsWritten: written,
      postsParsed: loaded.posts.length,
      postsStored: run.posts.stored,
      alerts: run.alerts.length,
      byType,
      moveAlertsWithCatalyst: run.alerts.filter((a) => a.alert.kind === 'move' && a.alert.catalysts.length > 0).length,
      sectorAlertsWithCatalyst: run.alerts.filter((a) => a.alert.kind === 'sector' && (a.alert.catalysts?.length ?? 0) > 0).length,
      eventStudies: run.eventStudies,
      loadCandlesMs: round(t1 - t0),
      parseFeedsMs: round(t3 - t2),
      replayMs: round(t4 - t3),
      /** Of the replay: analysis of posts (tags, language, sentiment, stories: the analysis area's code), the move cycle, reading the outbox. */
      analysisMs: round(run.timings.analysis),
      marketMs: round(run.timings.market),
      outboxMs: round(run.timings.outbox),
      msPerStep: round((t4 - t3) / run.steps, 3),
      /** Candles + feeds + replay; writing the synthetic feeds is setup and not counted. */
      totalMs: round(totalMs),
      /** CPU time of the replay: wall time suffers when other work shares the machine. */
      replayCpuMs: cpuMsSince(cpu),
      targetMs: LIMITS.targetMs,
      withinTarget: totalMs <= LIMITS.targetMs,
      rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    };
  } finally {
    removeTempDir(dir);
  }
}
