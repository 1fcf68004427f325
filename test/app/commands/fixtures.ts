/**
 * Shared setup for command tests: a runtime on the bundled config and an
 * in-memory SQLite store, the command dependencies, people asking, and
 * helpers that seed candles, analyzed posts and move alerts.
 */
import type { CommandContext, CommandDeps } from '../../../src/app/commands/types.ts';
import type { Store } from '../../../src/app/store.ts';
import type { AppConfig } from '../../../src/config/load-config.ts';
import type { MoveAlert } from '../../../src/domain/alert.ts';
import type { Candle } from '../../../src/domain/candles.ts';
import type { Post } from '../../../src/domain/post.ts';
import { testRuntime, type TestRuntime } from '../../fakes/runtime.ts';
import { SAMPLE_NOW, sampleMoveAlert } from '../../fakes/sample-alerts.ts';

export { SAMPLE_NOW };
export const HOUR = 3_600_000;
export const DISCORD_CHANNEL = '123456789012345678';
export const TELEGRAM_CHAT = '-1001234567890';

/** Host names the fake resolver knows; anything else fails as DNS would. */
export const FAKE_DNS: Record<string, string[]> = {
  'blog.example.com': ['93.184.215.14'],
  'rebind.example.com': ['10.1.2.3'],
  'dual.example.com': ['93.184.215.14', '::1'],
  'mapped.example.com': ['2606:4700::1111', '::ffff:192.168.0.10'],
};

export interface CommandsFixture {
  rt: TestRuntime;
  deps: CommandDeps;
  base: AppConfig;
}

export async function commandsFixture(options: { now?: number; store?: Store; allowPrivate?: boolean } = {}): Promise<CommandsFixture> {
  const rt = await testRuntime({
    now: options.now ?? SAMPLE_NOW,
    store: options.store,
    destinations: [
      { id: 'discord-main', minSeverity: 'low' },
      { id: 'tg-main', minSeverity: 'low' },
    ],
  });
  const base = structuredClone(rt.config);
  const deps: CommandDeps = {
    rt,
    baseConfig: () => base,
    feedUrls: {
      allowPrivate: options.allowPrivate ?? false,
      lookup: async (host) => {
        const found = FAKE_DNS[host];
        if (!found) throw new Error(`getaddrinfo ENOTFOUND ${host}`);
        return found;
      },
    },
  };
  return { rt, deps, base };
}

export const adminCtx: CommandContext = { platform: 'telegram', userId: '1001', userName: 'alice', isAdmin: true, destination: 'tg-main', chatId: TELEGRAM_CHAT };
export const memberCtx: CommandContext = { platform: 'telegram', userId: '2002', userName: 'mallory', isAdmin: false, destination: 'tg-main', chatId: TELEGRAM_CHAT };
export const strangerCtx: CommandContext = { platform: 'telegram', userId: '3003', userName: 'bob', isAdmin: false, chatId: '3003' };

/** Hourly candles for `symbol` from `from`, closes given in order. */
export function seedCandles(store: Store, symbol: string, from: number, closes: readonly number[]): void {
  const candles: Candle[] = closes.map((close, i) => ({ time: from + i * HOUR, open: close, high: close * 1.01, low: close * 0.99, close, volume: 100 }));
  store.saveCandles(symbol, 'binance', '1h', candles);
}

export interface SeedPost {
  id: string;
  title: string;
  source?: string;
  publishedAt: number;
  storyId?: string;
  themes: { id: string; name: string; score: number }[];
  tokens?: string[];
  sentiment?: number;
  language?: string;
}

/** Store a post with its analysis, as the feed cycle would. */
export function seedPost(store: Store, p: SeedPost): void {
  const post: Post = {
    id: p.id,
    feedId: (p.source ?? 'blog').toLowerCase(),
    source: p.source ?? 'Blog',
    url: `https://news.example/${p.id}`,
    title: p.title,
    text: '',
    publishedAt: p.publishedAt,
    fetchedAt: p.publishedAt,
    categories: [],
    sourceWeight: 1,
    titleHash: p.id,
  };
  store.insertNewPosts([post]);
  const score = p.sentiment ?? 0;
  store.saveAnalysis(
    post,
    {
      language: p.language ?? 'en',
      themes: p.themes.map((t) => ({ ...t, matches: [] })),
      tokens: (p.tokens ?? []).map((symbol) => ({ symbol, score: 1, matches: [] })),
      sentiment: { score, label: score > 0.15 ? 'positive' : score < -0.15 ? 'negative' : 'neutral', cues: [] },
    },
    p.storyId ?? p.id,
    [p.title],
  );
}

/** Store a move alert as the move cycle would (no deliveries). */
export function seedMoveAlert(store: Store, overrides: Partial<MoveAlert> = {}): MoveAlert {
  const alert = sampleMoveAlert(overrides);
  store.enqueueAlert(alert, []);
  return alert;
}
