/**
 * Admin overrides of the YAML config: stored in SQLite, applied on top of the
 * files at startup and after every change, and validated with the very
 * schemas that validate the files (plus a few named cross-field checks).
 *
 * An override key is a path into the config with an optional selector that
 * picks an array element by a field, so an override survives edits that
 * reorder the YAML:
 *
 *   alerts.moves.cooldownMinutes
 *   alerts.market.windows[minutes=1440].threshold
 *   feeds.feeds[id=coindesk].enabled
 *   feeds.feeds[id=my-blog]                 (a whole feed; appended when absent: a feed added from chat)
 */
import type { z } from 'zod';
import { toTaxonomy, type AppConfig } from '../../config/load-config.ts';
import { alertsFileSchema, feedsFileSchema, themesFileSchema, tokensFileSchema } from '../../config/schema.ts';
import type { ConfigOverride } from '../commands-store.ts';
import type { Logger } from '../ports.ts';

export const CONFIG_SECTIONS = ['feeds', 'themes', 'tokens', 'alerts'] as const;
export type ConfigSection = (typeof CONFIG_SECTIONS)[number];

const SCHEMAS: Record<ConfigSection, z.ZodType> = {
  feeds: feedsFileSchema,
  themes: themesFileSchema,
  tokens: tokensFileSchema,
  alerts: alertsFileSchema,
};

export type PathStep = { prop: string } | { match: { field: string; value: string } };

export interface OverridePath {
  section: ConfigSection;
  steps: PathStep[];
}

const SEGMENT = /^([A-Za-z][A-Za-z0-9]*)(?:\[([A-Za-z][A-Za-z0-9]*)=([A-Za-z0-9_-]+)\])?$/;

/** Parse an override key; undefined when it is not one. */
export function parseOverrideKey(key: string): OverridePath | undefined {
  const [section, ...segments] = key.split('.');
  if (!CONFIG_SECTIONS.includes(section as ConfigSection) || segments.length === 0) return undefined;
  const steps: PathStep[] = [];
  for (const segment of segments) {
    const m = SEGMENT.exec(segment);
    if (!m) return undefined;
    steps.push({ prop: m[1]! });
    if (m[2] !== undefined) steps.push({ match: { field: m[2], value: m[3]! } });
  }
  return { section: section as ConfigSection, steps };
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function indexOfMatch(list: unknown[], match: { field: string; value: string }): number {
  return list.findIndex((item) => isRecord(item) && String(item[match.field]) === match.value);
}

/**
 * The concrete path (property names and array indices) an override key points
 * at in `config`, or undefined when some step does not exist.
 */
export function resolveOverridePath(config: Pick<AppConfig, ConfigSection>, key: string): (string | number)[] | undefined {
  const path = parseOverrideKey(key);
  if (!path) return undefined;
  const out: (string | number)[] = [path.section];
  let node: unknown = config[path.section];
  for (const step of path.steps) {
    if ('prop' in step) {
      if (!isRecord(node) || !(step.prop in node)) return undefined;
      out.push(step.prop);
      node = node[step.prop];
    } else {
      if (!Array.isArray(node)) return undefined;
      const i = indexOfMatch(node, step.match);
      if (i < 0) return undefined;
      out.push(i);
      node = node[i];
    }
  }
  return out;
}

/** The value at an override key in `config`; undefined when absent. */
export function valueAt(config: Pick<AppConfig, ConfigSection>, key: string): unknown {
  const path = resolveOverridePath(config, key);
  if (!path) return undefined;
  let node: unknown = config;
  for (const p of path) node = (node as Record<string | number, unknown>)[p];
  return node;
}

/** Set `value` at `steps` under `root` (mutating); a missing selected element is appended when it is the last step. */
function setAt(root: unknown, steps: readonly PathStep[], value: unknown): string | undefined {
  let node = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    const last = i === steps.length - 1;
    if ('prop' in step) {
      if (!isRecord(node)) return `"${step.prop}" is not inside an object`;
      if (last) {
        node[step.prop] = structuredClone(value);
        return undefined;
      }
      if (!(step.prop in node)) return `no "${step.prop}" in the config`;
      node = node[step.prop];
    } else {
      if (!Array.isArray(node)) return `not a list`;
      const index = indexOfMatch(node, step.match);
      if (last) {
        if (!isRecord(value) || String(value[step.match.field]) !== step.match.value) {
          return `the value must be an object with ${step.match.field} "${step.match.value}"`;
        }
        if (index < 0) node.push(structuredClone(value));
        else node[index] = structuredClone(value);
        return undefined;
      }
      if (index < 0) return `no entry with ${step.match.field} "${step.match.value}" (removed from the YAML?)`;
      node = node[index];
    }
  }
  return 'empty path';
}

function zodIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.map(String).join('.') || '(file)'}: ${i.message}`);
}

type Sections = Pick<AppConfig, ConfigSection>;

/**
 * Checks that span keys or files, as `radar config check` makes them:
 * unique feed ids and urls, known muted tokens and themes, windows that fit
 * the timeframe. Named so a refusal says which rule it broke.
 */
export function crossFieldIssues(c: Sections): string[] {
  const issues: string[] = [];
  const duplicates = (values: string[], what: string) => {
    const seen = new Set<string>();
    for (const v of values) {
      if (seen.has(v)) issues.push(`duplicate ${what} "${v}"`);
      seen.add(v);
    }
  };
  duplicates(c.feeds.feeds.map((f) => f.id), 'feed id');
  duplicates(c.feeds.feeds.map((f) => f.url), 'feed url');
  const symbols = new Set(c.tokens.tokens.map((t) => t.symbol));
  for (const s of c.alerts.moves.muted) if (!symbols.has(s)) issues.push(`alerts.moves.muted: unknown token "${s}"`);
  const themes = new Set(c.themes.themes.map((t) => t.id));
  for (const t of c.alerts.stories.muted) if (!themes.has(t)) issues.push(`alerts.stories.muted: unknown theme "${t}"`);
  const tfMinutes = { '1m': 1, '5m': 5, '15m': 15, '30m': 30, '1h': 60, '4h': 240 }[c.alerts.market.timeframe];
  for (const w of c.alerts.market.windows) {
    if (w.minutes % tfMinutes !== 0) issues.push(`alerts.market.windows: ${w.minutes} is not a multiple of the ${c.alerts.market.timeframe} timeframe`);
  }
  return issues;
}

export interface RejectedOverride {
  override: ConfigOverride;
  /** What an admin reads: the schema or cross-field messages, or why the key no longer applies. */
  issues: string[];
}

export interface AppliedOverrides {
  config: AppConfig;
  applied: ConfigOverride[];
  rejected: RejectedOverride[];
}

/** Parents before children (a chat-added feed before its `.enabled`), otherwise in the order given. */
function applyOrder(overrides: readonly ConfigOverride[]): ConfigOverride[] {
  const depth = (o: ConfigOverride) => parseOverrideKey(o.key)?.steps.length ?? 0;
  return overrides.map((o, i) => ({ o, i })).sort((a, b) => depth(a.o) - depth(b.o) || a.i - b.i).map(({ o }) => o);
}

/**
 * The effective config: `base` (the YAML files) with each override applied
 * and validated in turn. An override that no longer fits (its feed left the
 * YAML, the schema tightened) is skipped and reported rather than failing the
 * whole config, so one stale override never stops the bot. Pure.
 */
export function applyOverrides(base: AppConfig, overrides: readonly ConfigOverride[]): AppliedOverrides {
  const sections: Sections = { feeds: base.feeds, themes: base.themes, tokens: base.tokens, alerts: base.alerts };
  const applied: ConfigOverride[] = [];
  const rejected: RejectedOverride[] = [];
  for (const override of applyOrder(overrides)) {
    const path = parseOverrideKey(override.key);
    if (!path) {
      rejected.push({ override, issues: [`"${override.key}" is not a config key`] });
      continue;
    }
    const draft: unknown = structuredClone(sections[path.section]);
    const problem = setAt(draft, path.steps, override.value);
    if (problem) {
      rejected.push({ override, issues: [problem] });
      continue;
    }
    const parsed = SCHEMAS[path.section].safeParse(draft);
    if (!parsed.success) {
      rejected.push({ override, issues: zodIssues(parsed.error).map((i) => `${path.section}.${i}`) });
      continue;
    }
    const next = { ...sections, [path.section]: parsed.data } as Sections;
    const cross = crossFieldIssues(next);
    if (cross.length > 0) {
      rejected.push({ override, issues: cross });
      continue;
    }
    Object.assign(sections, next);
    applied.push(override);
  }
  const taxonomy = sections.themes === base.themes && sections.tokens === base.tokens ? base.taxonomy : toTaxonomy(sections.themes, sections.tokens);
  return { config: { ...base, ...sections, taxonomy }, applied, rejected };
}

/**
 * The config the bot runs on: the YAML files with the overrides stored in the
 * database. Overrides that no longer fit are skipped with a warning (the YAML
 * changed under them); `radar config show` lists them.
 */
export function withStoredOverrides(base: AppConfig, store: { listOverrides(): ConfigOverride[] }, log: Logger): AppConfig {
  const result = applyOverrides(base, store.listOverrides());
  for (const r of result.rejected) {
    log.warn({ key: r.override.key, issues: r.issues }, 'stored config override no longer fits the YAML config; skipped (see radar config show)');
  }
  if (result.applied.length > 0) log.info({ overrides: result.applied.map((o) => o.key) }, 'admin overrides applied over the YAML config');
  return result.config;
}
