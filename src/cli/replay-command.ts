/**
 * `radar replay`: what the bot would have sent over a stretch of history.
 * Feed files are parsed and normalized as live items are, each item appearing
 * at its published time; candle CSVs stand in for the exchange; the real
 * analysis, market, correlation and alert-policy code runs on a virtual clock
 * over an in-memory SQLite store (or `--db FILE` to keep it for `radar
 * event-study`). Nothing is sent anywhere.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCandleDir, resampleCandles } from '../adapters/exchange/csv-candles.ts';
import { decodeBodyDetailed } from '../adapters/feeds/decode.ts';
import { createFeedParser } from '../adapters/feeds/feed-parser.ts';
import { FEED_FILE_EXTENSIONS } from '../adapters/feeds/parse-feed-files.ts';
import { createLogger } from '../adapters/logging/logger.ts';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.ts';
import type { Logger } from '../app/ports.ts';
import { runReplay, type ReplayedAlert, type ReplayResult } from '../app/replay.ts';
import { createRuntime } from '../app/runtime.ts';
import type { Store } from '../app/store.ts';
import { loadConfig, type AppConfig } from '../config/load-config.ts';
import { DEFAULT_CONFIG_DIR } from '../config/paths.ts';
import { VirtualClock } from '../demo/virtual-clock.ts';
import { describeMove, describeSectorMove, describeVsSector, viewAlert, type Alert } from '../domain/alert.ts';
import type { Catalyst } from '../domain/correlation.ts';
import { continuesSeries, timeframeMs, type Candle } from '../domain/candles.ts';
import { formatPercent } from '../domain/moves.ts';
import { normalizeItem } from '../domain/normalize-item.ts';
import type { Post } from '../domain/post.ts';
import { DAY_MS, formatWindow } from '../domain/time.ts';

export const REPLAY_USAGE = 'usage: radar replay --feeds PATH... --prices DIR [--config DIR] [--from ISO] [--to ISO] [--json] [--compare-config DIR] [--db FILE]';

/** Where the command writes: stdout lines and stderr lines. */
export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const consoleIo: CommandIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** Stands in for the fetch time of undated items, which a replay cannot place in time and skips. */
const UNDATED = Number.MAX_SAFE_INTEGER;

// ── Inputs ───────────────────────────────────────────────────────────────────

async function feedFiles(p: string): Promise<string[]> {
  if (!(await stat(p)).isDirectory()) return [p];
  const out: string[] = [];
  for (const entry of (await readdir(p, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(p, entry.name);
    if (entry.isDirectory()) out.push(...(await feedFiles(full)));
    else if (FEED_FILE_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) out.push(full);
  }
  return out;
}

export interface LoadedPosts {
  posts: Post[];
  files: number;
  /** One line per file or item that was left out, and why. */
  problems: string[];
}

/**
 * Parse feed files (folders are searched recursively) into posts. A file's
 * name (without extension) is its feed id: a feed of that id in feeds.yaml
 * lends its name, language and weight. Undated items are skipped, since a
 * replay cannot tell when they appeared.
 */
export async function loadReplayPosts(paths: readonly string[], config: AppConfig): Promise<LoadedPosts> {
  const parser = createFeedParser();
  const posts: Post[] = [];
  const problems: string[] = [];
  let files = 0;
  for (const p of paths) {
    let list: string[];
    try {
      list = await feedFiles(p);
    } catch (error) {
      problems.push(`${p}: cannot read: ${(error as Error).message}`);
      continue;
    }
    for (const file of list) {
      files++;
      const id = path.basename(file, path.extname(file)).toLowerCase().replace(/[^a-z0-9-]+/g, '-');
      let parsed;
      try {
        parsed = await parser.parse(decodeBodyDetailed(await readFile(file)).text);
      } catch (error) {
        problems.push(`${file}: ${(error as Error).message}`);
        continue;
      }
      const configured = config.feeds.feeds.find((f) => f.id === id);
      const source = {
        id,
        name: configured?.name ?? parsed.title ?? id,
        language: configured?.language ?? parsed.language,
        weight: configured?.weight ?? 1,
        link: parsed.link,
      };
      let undated = 0;
      for (const item of parsed.items) {
        const post = normalizeItem(item, source, UNDATED);
        if ('skipped' in post) continue;
        if (post.publishedAt === UNDATED) {
          undated++;
          continue;
        }
        posts.push({ ...post, fetchedAt: post.publishedAt });
      }
      if (undated > 0) problems.push(`${file}: ${undated} undated item${undated === 1 ? '' : 's'} skipped (a replay needs the publication time)`);
    }
  }
  return { posts, files, problems };
}

/**
 * Candles per token symbol in the market timeframe from a folder of
 * `<BASE>_<QUOTE>-<tf>.csv`. A file under a former ticker (RNDR) is the
 * current symbol's (RENDER) history when its prices carry on into the
 * current ticker's (a rename, not a swap); where both cover a time, the
 * current ticker's candle wins. Finer timeframes are resampled. Problems are
 * pushed to `problems`.
 */
export async function loadReplayCandles(dir: string, config: AppConfig, problems: string[] = []): Promise<Map<string, Candle[]>> {
  const timeframe = config.alerts.market.timeframe;
  const step = timeframeMs(timeframe);
  const currentOf = new Map<string, string>();
  for (const t of config.tokens.tokens) for (const former of t.tickers) currentOf.set(former, t.symbol);
  const current = new Map<string, Candle[]>();
  const former: { pair: string; symbol: string; candles: Candle[] }[] = [];
  for (const [pair, series] of await loadCandleDir(dir)) {
    const base = pair.split('/')[0]!;
    const seriesStep = timeframeMs(series.timeframe);
    if (seriesStep > step || step % seriesStep !== 0) {
      throw new Error(`${pair}: ${series.timeframe} candles cannot be replayed at the ${timeframe} timeframe of alerts.yaml`);
    }
    const candles = seriesStep === step ? series.candles : resampleCandles(series.candles, step);
    const symbol = currentOf.get(base);
    if (symbol === undefined) current.set(base, candles);
    else former.push({ pair, symbol, candles });
  }
  for (const f of former) {
    const now = current.get(f.symbol) ?? [];
    if (!continuesSeries(f.candles, now, step)) {
      problems.push(`${f.pair}: its prices do not carry on into ${f.symbol}'s (a swap rather than a rename?); not used as ${f.symbol} history`);
      continue;
    }
    const firstCurrent = now[0]?.time ?? Number.POSITIVE_INFINITY;
    current.set(f.symbol, [...f.candles.filter((c) => c.time < firstCurrent), ...now]);
  }
  return current;
}

// ── Running ──────────────────────────────────────────────────────────────────

export interface ReplayOptions {
  /** Defaults: once the z-score and β have their history (see {@link defaultReplayRange}), to the last candle's close. */
  from?: number;
  to?: number;
  /** SQLite file to keep the replay's store in (for `radar event-study`); in memory by default. */
  dbPath?: string;
  log?: Logger;
  onAlert?: (a: ReplayedAlert, store: Store) => void;
}

export interface ReplayRun extends ReplayResult {
  from: number;
  to: number;
  elapsedMs: number;
}

/**
 * The default range: from the benchmark's first candle plus the history the
 * volatility and β need (or halfway through shorter data), to its last close.
 */
export function defaultReplayRange(config: AppConfig, candles: ReadonlyMap<string, readonly Candle[]>): { from: number; to: number } {
  const step = timeframeMs(config.alerts.market.timeframe);
  const series = candles.get(config.alerts.market.benchmark) ?? [...candles.values()].find((c) => c.length > 0) ?? [];
  const first = series[0]?.time ?? 0;
  const last = (series.at(-1)?.time ?? 0) + step;
  const warmup = Math.max(config.alerts.market.volatilityDays, config.alerts.market.betaDays) * DAY_MS;
  return { from: first + Math.min(warmup, Math.floor((last - first) / 2 / step) * step), to: last };
}

const quietLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => quietLogger };

/** Replay `posts` over `candles` with `config`; the store is closed afterwards. */
export function replay(config: AppConfig, posts: readonly Post[], candles: ReadonlyMap<string, readonly Candle[]>, options: ReplayOptions = {}): ReplayRun {
  const started = performance.now();
  const range = defaultReplayRange(config, candles);
  const from = options.from ?? range.from;
  const to = options.to ?? range.to;
  const store = openSqliteStore(options.dbPath ?? ':memory:');
  try {
    const clock = new VirtualClock(from);
    const rt = { ...createRuntime({ config, store, clock, log: options.log ?? quietLogger, destinations: [{ id: 'replay', minSeverity: 'low' }] }), clock };
    const result = runReplay(rt, { posts, candles, from, to }, { onAlert: (a) => options.onAlert?.(a, store), timer: () => performance.now() });
    return { ...result, from, to, elapsedMs: performance.now() - started };
  } finally {
    store.close();
  }
}

// ── Output ───────────────────────────────────────────────────────────────────

const iso = (ms: number) => new Date(ms).toISOString();

/** The JSON record of one alert: `type`, `at` and what applies (fractions: 0.25 = +25%). */
export function replayRecord(a: ReplayedAlert, store: Pick<Store, 'storyUrls'>): Record<string, unknown> {
  const { alert } = a;
  const base = { type: alert.kind, at: iso(a.at), severity: alert.severity, reason: alert.reason };
  switch (alert.kind) {
    case 'move': {
      const { move, catalysts } = alert;
      return {
        ...base,
        symbol: move.symbol,
        move: {
          windowMinutes: move.windowMinutes,
          direction: move.direction,
          startedAt: iso(move.startedAt),
          return: move.return,
          benchmarkReturn: move.benchmarkReturn ?? null,
          beta: move.beta ?? null,
          abnormalVsBtc: move.abnormalVsBtc ?? null,
          sectorReturn: move.sectorReturn ?? null,
          abnormalVsSector: move.abnormalVsSector ?? null,
          z: move.z ?? null,
          reasons: move.reasons,
        },
        ...catalystFields(catalysts, store),
      };
    }
    case 'sector': {
      const s = alert.sector;
      return {
        ...base,
        sector: s.symbol,
        move: { windowMinutes: s.windowMinutes, direction: s.direction, return: s.return, benchmarkReturn: s.benchmarkReturn ?? null, beta: s.beta ?? null, abnormalVsBtc: s.abnormalVsBtc ?? null, z: s.z ?? null },
        members: s.members,
        ...catalystFields(alert.catalysts ?? [], store),
      };
    }
    case 'story':
      return {
        ...base,
        story: { id: alert.story.id, title: alert.story.title, urls: store.storyUrls(alert.story.id), source: alert.story.source, publishedAt: iso(alert.story.publishedAt), languages: alert.story.languages },
        themes: alert.themes.map((t) => t.name),
        tokens: alert.tokens,
        sentiment: alert.sentiment,
      };
    case 'notice':
      return { ...base, title: alert.title, text: alert.text };
    case 'digest':
      return { ...base, items: alert.items.length };
  }
}

/** The catalysts of a move or sector alert, and the top one's story, themes and sentiment. */
function catalystFields(catalysts: readonly Catalyst[], store: Pick<Store, 'storyUrls'>): Record<string, unknown> {
  const top = catalysts[0];
  return {
    catalysts: catalysts.map((c) => ({ url: c.url, title: c.title, source: c.source, publishedAt: iso(c.publishedAt), themes: c.themes, score: c.score, reasons: c.reasons })),
    story: top ? { id: top.storyId, title: top.title, urls: store.storyUrls(top.storyId) } : null,
    themes: top?.themes ?? [],
    sentiment: top?.sentiment ?? null,
  };
}

function catalystLines(catalysts: readonly Catalyst[]): string[] {
  if (catalysts.length === 0) return ['    no catalyst found'];
  return catalysts.map((c) => `    ${c.score.toFixed(2)}  "${c.title}" (${c.source}) — ${c.reasons.join('; ')}`);
}

/** One line a person reads: when, what, and for moves the catalyst and why. */
export function replayLines(a: ReplayedAlert): string[] {
  const { alert } = a;
  const when = iso(a.at).slice(0, 16).replace('T', ' ');
  const tag = `${when}  ${alert.kind.toUpperCase().padEnd(6)} ${alert.severity.padEnd(6)}`;
  if (alert.kind === 'move') {
    const vsSector = describeVsSector(alert.move);
    return [`${tag} ${describeMove(alert.move)}${vsSector ? `; ${vsSector}` : ''}`, ...catalystLines(alert.catalysts)];
  }
  if (alert.kind === 'sector') return [`${tag} ${describeSectorMove(alert.sector)}`, ...catalystLines(alert.catalysts ?? [])];
  return [`${tag} ${viewAlert(alert).title}`];
}

function signature(a: ReplayedAlert): string {
  const { alert } = a;
  const what =
    alert.kind === 'move'
      ? `${alert.move.symbol} ${alert.move.direction} ${formatWindow(alert.move.windowMinutes)} ${formatPercent(alert.move.return)}`
      : alert.kind === 'sector'
        ? `${alert.sector.symbol} ${alert.sector.direction} ${formatWindow(alert.sector.windowMinutes)}`
        : alert.kind === 'story'
          ? `"${alert.story.title}"`
          : viewAlert(alert).title;
  return `${iso(a.at).slice(0, 16)} ${alert.kind} ${what}`;
}

/** What a second config would have sent differently: alerts only one of the runs sent (same type, subject and time). */
export function compareReplays(base: readonly ReplayedAlert[], other: readonly ReplayedAlert[]): { same: number; onlyBase: string[]; onlyOther: string[] } {
  // Move sizes differ with the rules only through timing, so compare moves without their size.
  const key = (a: ReplayedAlert) => signature(a).replace(/ [+−][\d.]+%$/, '');
  const count = (list: readonly ReplayedAlert[]) => list.reduce((m, a) => m.set(key(a), (m.get(key(a)) ?? 0) + 1), new Map<string, number>());
  /** Alerts of `list` left over once each is matched against one of `theirs`. */
  const unmatched = (list: readonly ReplayedAlert[], theirs: Map<string, number>) => {
    const left = new Map(theirs);
    const out: string[] = [];
    for (const a of list) {
      const n = left.get(key(a)) ?? 0;
      if (n > 0) left.set(key(a), n - 1);
      else out.push(signature(a));
    }
    return out;
  };
  const onlyBase = unmatched(base, count(other));
  const onlyOther = unmatched(other, count(base));
  return { same: base.length - onlyBase.length, onlyBase, onlyOther };
}

function countByType(alerts: readonly ReplayedAlert[]): Record<string, number> {
  const counts: Record<Alert['kind'], number> = { move: 0, sector: 0, story: 0, notice: 0, digest: 0 };
  for (const a of alerts) counts[a.alert.kind]++;
  return Object.fromEntries(Object.entries(counts).filter(([kind, n]) => n > 0 || kind !== 'digest'));
}

// ── Command ──────────────────────────────────────────────────────────────────

function parseTime(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new UsageError(`${flag} "${text}" is not an ISO time such as 2025-02-20 or 2025-02-20T06:00:00Z`);
  return ms;
}

class UsageError extends Error {}

/** `radar replay …`; returns the exit code (0 ok, 1 unusable input, 2 bad usage). */
export async function runReplayCommand(args: string[], io: CommandIo = consoleIo): Promise<number> {
  let values;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: {
        feeds: { type: 'string', multiple: true },
        prices: { type: 'string' },
        config: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        json: { type: 'boolean', default: false },
        'compare-config': { type: 'string' },
        db: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${REPLAY_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(`${REPLAY_USAGE}\n\nReplays feed files (each item at its published time) over candle CSVs (<BASE>_<QUOTE>-<tf>.csv) with the bot's own\nanalysis, market, correlation and alert-policy code on a virtual clock, and prints what it would have sent.\n--json: one JSON object per alert, then a summary line. --db FILE keeps the replay's database (for radar event-study).`);
    return 0;
  }
  // "--feeds a.xml b.xml": parseArgs takes one value per flag, so the bare paths that follow are feeds too.
  const feedPaths = [...(values.feeds ?? []), ...positionals];
  if (feedPaths.length === 0 || !values.prices) {
    io.err(REPLAY_USAGE);
    return 2;
  }
  let from: number | undefined;
  let to: number | undefined;
  try {
    from = parseTime(values.from, '--from');
    to = parseTime(values.to, '--to');
  } catch (error) {
    io.err(`${(error as Error).message}\n${REPLAY_USAGE}`);
    return 2;
  }

  if (values.db !== undefined && existsSync(values.db)) {
    // A replay writes its own posts, stories and alerts: mixed into a live database they would be taken for real ones.
    io.err(`--db ${values.db} exists: give a new file for the replay's database\n${REPLAY_USAGE}`);
    return 2;
  }
  const config = await loadConfig(values.config ?? DEFAULT_CONFIG_DIR);
  const candleProblems: string[] = [];
  const [loaded, candles] = await Promise.all([loadReplayPosts(feedPaths, config), loadReplayCandles(values.prices, config, candleProblems)]);
  for (const p of [...loaded.problems, ...candleProblems]) io.err(`warning: ${p}`);
  if (!candles.has(config.alerts.market.benchmark)) io.err(`warning: no ${config.alerts.market.benchmark} candles in ${values.prices}: no abnormal returns or sector moves`);
  const untracked = [...candles.keys()].filter((symbol) => !config.tokens.tokens.some((t) => t.symbol === symbol));
  if (untracked.length > 0) io.err(`warning: ${untracked.join(', ')} ${untracked.length === 1 ? 'has' : 'have'} candles but no entry in tokens.yaml: not replayed`);
  const log = process.env.LOG_LEVEL ? createLogger({ level: process.env.LOG_LEVEL, secrets: [], destination: process.stderr }) : undefined;

  const emit = values.json
    ? (a: ReplayedAlert, store: Store) => io.out(JSON.stringify(replayRecord(a, store)))
    : (a: ReplayedAlert) => {
        for (const line of replayLines(a)) io.out(line);
      };
  if (!values.json) {
    io.out(`Replay of ${loaded.posts.length} posts from ${loaded.files} feed files over ${candles.size} price series (${[...candles.keys()].join(', ')}), config ${values.config ?? 'bundled'}.`);
  }
  const run = replay(config, loaded.posts, candles, { from, to, dbPath: values.db, log, onAlert: emit });
  const byType = countByType(run.alerts);

  let compare: (ReturnType<typeof compareReplays> & { config: string; alerts: number; byType: Record<string, number> }) | undefined;
  if (values['compare-config']) {
    const other = await loadConfig(values['compare-config']);
    const otherPosts = (await loadReplayPosts(feedPaths, other)).posts;
    const otherRun = replay(other, otherPosts, await loadReplayCandles(values.prices, other), { from: run.from, to: run.to });
    compare = { config: values['compare-config'], alerts: otherRun.alerts.length, byType: countByType(otherRun.alerts), ...compareReplays(run.alerts, otherRun.alerts) };
  }

  const summary = {
    type: 'summary',
    from: iso(run.from),
    to: iso(run.to),
    steps: run.steps,
    posts: { ...run.posts, files: loaded.files },
    alerts: run.alerts.length,
    byType,
    eventStudies: run.eventStudies,
    elapsedMs: Math.round(run.elapsedMs),
    ...(compare ? { compare } : {}),
  };
  if (values.json) {
    io.out(JSON.stringify(summary));
    return 0;
  }
  io.out('');
  io.out(`── ${iso(run.from)} → ${iso(run.to)}: ${run.steps} steps in ${(run.elapsedMs / 1000).toFixed(1)} s ──`);
  io.out(`Posts: ${run.posts.fed} fed, ${run.posts.stored} new (the rest were copies or repeats); event studies stored: ${run.eventStudies}`);
  io.out(`Alerts: ${run.alerts.length} (${Object.entries(byType).map(([k, n]) => `${n} ${k}`).join(', ')})`);
  if (compare) {
    io.out('');
    io.out(`── Compared with config ${compare.config}: ${compare.alerts} alerts (${Object.entries(compare.byType).map(([k, n]) => `${n} ${k}`).join(', ')}) ──`);
    io.out(`  same in both: ${compare.same}`);
    for (const s of compare.onlyBase) io.out(`  − only with ${values.config ?? 'the bundled config'}: ${s}`);
    for (const s of compare.onlyOther) io.out(`  + only with ${compare.config}: ${s}`);
  }
  return 0;
}
