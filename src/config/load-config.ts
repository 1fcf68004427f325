/**
 * Load and validate config/*.yaml. Every problem in every file is collected
 * and reported at once with file, line, column and key path, so an admin
 * fixes a broken config in one round instead of one error per restart.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import cron from 'node-cron';
import { isMap, isSeq, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Taxonomy } from '../domain/taxonomy.ts';
import {
  alertsFileSchema,
  feedsFileSchema,
  themesFileSchema,
  tokensFileSchema,
  type AlertsFile,
  type FeedsFile,
  type ThemesFile,
  type TokensFile,
} from './schema.ts';

export interface ConfigIssue {
  file: string;
  line?: number;
  column?: number;
  /** Dotted key path, e.g. "themes[3].tokens[0]". */
  key: string;
  message: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly issues: ConfigIssue[]) {
    super(`Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${formatIssues(issues)}`);
  }
}

export interface AppConfig {
  dir: string;
  feeds: FeedsFile;
  themes: ThemesFile;
  tokens: TokensFile;
  alerts: AlertsFile;
  taxonomy: Taxonomy;
}

export const CONFIG_FILES = ['feeds.yaml', 'themes.yaml', 'tokens.yaml', 'alerts.yaml'] as const;
type ConfigFileName = (typeof CONFIG_FILES)[number];

/** "config/themes.yaml:12:5 themes[0].keywords: message" lines. */
export function formatIssues(issues: readonly ConfigIssue[]): string {
  return issues
    .map((i) => {
      const where = i.line !== undefined ? `${i.file}:${i.line}:${i.column ?? 1}` : i.file;
      return `  ${where}  ${i.key || '(file)'}: ${i.message}`;
    })
    .join('\n');
}

function keyPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const part of p) out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out;
}

interface ParsedFile {
  file: string;
  doc?: Document;
  lines: LineCounter;
  data: unknown;
}

/** Line and column of the deepest node on `p` that exists (the key itself when it is a map key). */
function locate(parsed: ParsedFile, p: readonly PropertyKey[]): { line?: number; column?: number } {
  const { doc, lines } = parsed;
  if (!doc) return {};
  let node: unknown = doc.contents;
  let offset: number | undefined = (node as { range?: number[] } | null)?.range?.[0];
  for (const part of p) {
    if (isMap(node)) {
      const pair = node.items.find((it) => (it.key as { value?: unknown } | null)?.value === part);
      if (!pair) break;
      offset = (pair.key as { range?: number[] } | null)?.range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (!item) break;
      offset = (item as { range?: number[] }).range?.[0] ?? offset;
      node = item;
    } else break;
  }
  if (offset === undefined) return {};
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

async function readYaml(dir: string, name: ConfigFileName, issues: ConfigIssue[]): Promise<ParsedFile> {
  const file = path.join(dir, name);
  const lines = new LineCounter();
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { file, lines, data: {} }; // every file has defaults
    issues.push({ file, key: '', message: `cannot read: ${(err as Error).message}` });
    return { file, lines, data: {} };
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) {
    const pos = lines.linePos(e.pos[0]);
    issues.push({ file, line: pos.line, column: pos.col, key: '', message: `YAML syntax: ${e.message.split('\n')[0]}` });
  }
  return { file, doc, lines, data: doc.errors.length > 0 ? {} : (doc.toJS() ?? {}) };
}

function validate<S extends z.ZodType>(parsed: ParsedFile, schema: S, issues: ConfigIssue[]): z.infer<S> | undefined {
  const result = schema.safeParse(parsed.data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    issues.push({ file: parsed.file, key: keyPath(issue.path), message: issue.message, ...locate(parsed, issue.path) });
  }
  return undefined;
}

/** Checks that span files: references, uniqueness, schedules. */
function crossCheck(files: Record<ConfigFileName, ParsedFile>, cfg: Omit<AppConfig, 'taxonomy' | 'dir'>, issues: ConfigIssue[]): void {
  const at = (name: ConfigFileName, p: PropertyKey[], message: string) =>
    issues.push({ file: files[name].file, key: keyPath(p), message, ...locate(files[name], p) });

  const unique = <T>(name: ConfigFileName, list: T[], listKey: string, field: keyof T & string, what: string) => {
    const seen = new Map<unknown, number>();
    list.forEach((item, i) => {
      const value = item[field];
      const first = seen.get(value);
      if (first !== undefined) at(name, [listKey, i, field], `duplicate ${what} "${String(value)}" (first at ${listKey}[${first}])`);
      else seen.set(value, i);
    });
  };
  unique('feeds.yaml', cfg.feeds.feeds, 'feeds', 'id', 'feed id');
  unique('feeds.yaml', cfg.feeds.feeds, 'feeds', 'url', 'feed url');
  unique('themes.yaml', cfg.themes.themes, 'themes', 'id', 'theme id');
  unique('tokens.yaml', cfg.tokens.tokens, 'tokens', 'symbol', 'token symbol');
  unique('alerts.yaml', cfg.alerts.destinations, 'destinations', 'id', 'destination id');

  const symbols = new Set(cfg.tokens.tokens.flatMap((t) => [t.symbol]));
  cfg.themes.themes.forEach((theme, i) =>
    theme.tokens.forEach((s, k) => {
      if (!symbols.has(s)) at('themes.yaml', ['themes', i, 'tokens', k], `unknown token "${s}": add it to tokens.yaml or fix the spelling`);
    }),
  );
  cfg.alerts.moves.muted.forEach((s, k) => {
    if (!symbols.has(s)) at('alerts.yaml', ['moves', 'muted', k], `unknown token "${s}"`);
  });
  const themeIds = new Set(cfg.themes.themes.map((t) => t.id));
  cfg.alerts.stories.muted.forEach((t, k) => {
    if (!themeIds.has(t)) at('alerts.yaml', ['stories', 'muted', k], `unknown theme "${t}"`);
  });
  if (cfg.tokens.tokens.length > 0 && !cfg.tokens.tokens.some((t) => t.symbol === cfg.alerts.market.benchmark)) {
    at('alerts.yaml', ['market', 'benchmark'], `benchmark "${cfg.alerts.market.benchmark}" is not in tokens.yaml`);
  }
  const market = cfg.alerts.market;
  const tfMinutes = { '1m': 1, '5m': 5, '15m': 15, '30m': 30, '1h': 60, '4h': 240 }[market.timeframe];
  const checkWindows = (windows: readonly { minutes: number }[], key: string[]) =>
    windows.forEach((w, i) => {
      if (w.minutes % tfMinutes !== 0) at('alerts.yaml', [...key, i, 'minutes'], `${w.minutes} is not a multiple of the ${market.timeframe} timeframe`);
    });
  checkWindows(market.windows, ['market', 'windows']);
  checkWindows(market.sector.windows, ['market', 'sector', 'windows']);
  checkSector(cfg, symbols, at);

  cfg.alerts.destinations.forEach((d, i) => {
    if (!('mentions' in d)) return;
    d.mentions?.forEach((m, k) =>
      m.tokens?.forEach((s, t) => {
        if (!symbols.has(s)) at('alerts.yaml', ['destinations', i, 'mentions', k, 'tokens', t], `unknown token "${s}": add it to tokens.yaml or fix the spelling`);
      }),
    );
  });
  for (const [job, expr] of Object.entries(cfg.alerts.schedule)) {
    if (!cron.validate(expr)) at('alerts.yaml', ['schedule', job], `"${expr}" is not a valid cron expression (e.g. "*/5 * * * *")`);
  }
}

/** A listed AI-sector basket must be computable: known members, no benchmark inside it, enough members to count. */
function checkSector(
  cfg: Omit<AppConfig, 'taxonomy' | 'dir'>,
  symbols: ReadonlySet<string>,
  at: (name: ConfigFileName, p: PropertyKey[], message: string) => void,
): void {
  const { benchmark, sector } = cfg.alerts.market;
  const benchmarks = new Set([benchmark, ...cfg.tokens.tokens.filter((t) => t.benchmark).map((t) => t.symbol)]);
  const seen = new Map<string, number>();
  const usable = new Set<string>();
  sector.members.forEach((m, i) => {
    const key = ['market', 'sector', 'members', i, 'symbol'];
    if (!symbols.has(m.symbol)) at('alerts.yaml', key, `unknown token "${m.symbol}": add it to tokens.yaml or fix the spelling`);
    else if (benchmarks.has(m.symbol)) at('alerts.yaml', key, `${m.symbol} is a benchmark and cannot be in the sector basket: sector moves are measured against the benchmark`);
    else usable.add(m.symbol);
    const first = seen.get(m.symbol);
    if (first !== undefined) at('alerts.yaml', key, `duplicate member "${m.symbol}" (first at market.sector.members[${first}])`);
    else seen.set(m.symbol, i);
  });
  // A short default basket only switches sector alerts off (a bot tracking two tokens is fine); a listed one is a mistake.
  if (sector.members.length > 0 && usable.size < sector.minMembers) {
    at('alerts.yaml', ['market', 'sector', 'members'], `the sector basket needs ${sector.minMembers} members (minMembers) but lists ${usable.size} usable: add members or lower minMembers`);
  }
}

/** Build the tagger's view of themes and tokens. */
export function toTaxonomy(themes: ThemesFile, tokens: TokensFile): Taxonomy {
  return {
    themes: themes.themes.map((t) => ({
      id: t.id,
      name: t.name,
      keywords: Object.entries(t.keywords).flatMap(([lang, list]) =>
        list.map((k) => (typeof k === 'string' ? { term: k, lang, weight: 1 } : { term: k.term, lang, weight: k.weight })),
      ),
      exclude: t.exclude,
      tokens: t.tokens,
      minScore: t.minScore,
      patterns: t.patterns.map((p) => ({ regex: p.regex, lang: p.lang, weight: p.weight })),
    })),
    tokens: tokens.tokens
      .filter((t) => !t.benchmark)
      .map((t) => ({ symbol: t.symbol, name: t.name, names: t.matchName ? [t.name, ...t.names] : t.names, tickers: t.tickers, ambiguous: t.ambiguous })),
  };
}

/** Load config/*.yaml from `dir`. Throws {@link ConfigError} listing every problem. */
export async function loadConfig(dir: string): Promise<AppConfig> {
  const issues: ConfigIssue[] = [];
  const files = {} as Record<ConfigFileName, ParsedFile>;
  for (const name of CONFIG_FILES) files[name] = await readYaml(dir, name, issues);

  const feeds = validate(files['feeds.yaml'], feedsFileSchema, issues);
  const themes = validate(files['themes.yaml'], themesFileSchema, issues);
  const tokens = validate(files['tokens.yaml'], tokensFileSchema, issues);
  const alerts = validate(files['alerts.yaml'], alertsFileSchema, issues);
  if (feeds && themes && tokens && alerts) crossCheck(files, { feeds, themes, tokens, alerts }, issues);
  if (issues.length > 0 || !feeds || !themes || !tokens || !alerts) throw new ConfigError(issues);
  return { dir, feeds, themes, tokens, alerts, taxonomy: toTaxonomy(themes, tokens) };
}
