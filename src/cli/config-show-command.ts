/**
 * `radar config show [SECTION...]`: the effective config (the YAML files with
 * the admin overrides from chat applied), overridden keys marked with who
 * changed them and what the YAML says, then every stored override with its
 * status and the latest audit entries.
 */
import { parseArgs } from 'node:util';
import { Document, isCollection, isMap, isScalar } from 'yaml';
import { openSqliteStore } from '../adapters/sqlite/sqlite-store.ts';
import { applyOverrides, CONFIG_SECTIONS, resolveOverridePath, valueAt, type ConfigSection } from '../app/commands/config-overrides.ts';
import type { Actor, AuditRecord } from '../app/commands-store.ts';
import type { Env } from '../config/env.ts';
import { loadConfig } from '../config/load-config.ts';
import { DEFAULT_CONFIG_DIR, DEFAULT_DB_PATH } from '../config/paths.ts';

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + 'Z';
const who = (a: Actor) => `${a.platform}:${a.userId}${a.userName ? ` (${a.userName})` : ''}`;
const show = (v: unknown) => (v === undefined ? '(none)' : JSON.stringify(v));

export function formatAudit(r: AuditRecord): string {
  const change = r.outcome === 'applied' ? `${show(r.oldValue)} → ${show(r.newValue)}` : `${r.outcome}${r.detail ? `: ${r.detail}` : ''}`;
  return `  ${iso(r.at)}  ${who(r.actor)}  ${r.action}  ${r.target}  ${change}`;
}

export interface ConfigShowOptions {
  env: Env;
  out: (line: string) => void;
}

/** Print the effective config; returns the exit code. */
export async function configShowCommand(args: string[], { env, out }: ConfigShowOptions): Promise<number> {
  const { positionals, values } = parseArgs({ args, options: { audit: { type: 'string', default: '20' } }, allowPositionals: true });
  const unknown = positionals.filter((p) => !CONFIG_SECTIONS.includes(p as ConfigSection));
  if (unknown.length > 0) {
    out(`unknown section ${unknown.join(', ')}: use ${CONFIG_SECTIONS.join(', ')}`);
    return 2;
  }
  const sections = positionals.length > 0 ? (positionals as ConfigSection[]) : [...CONFIG_SECTIONS];
  const base = await loadConfig(env.CONFIG_DIR ?? DEFAULT_CONFIG_DIR);
  const store = openSqliteStore(env.DB_PATH ?? DEFAULT_DB_PATH);
  try {
    const overrides = store.listOverrides();
    const result = applyOverrides(base, overrides);
    const doc = new Document(Object.fromEntries(sections.map((s) => [s, result.config[s]])));
    for (const o of result.applied) {
      const path = resolveOverridePath(result.config, o.key);
      if (!path || !sections.includes(path[0] as ConfigSection)) continue;
      const node = doc.getIn(path, true);
      const note = ` OVERRIDDEN by ${who(o.updatedBy)} at ${iso(o.updatedAt)}; YAML: ${show(valueAt(base, o.key))}`;
      if (isScalar(node)) node.comment = note;
      else if (isCollection(node)) {
        // A list or map under a key: the note goes above the key, where a reader looks first.
        const parent = doc.getIn(path.slice(0, -1), true);
        const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === path.at(-1)) : undefined;
        if (pair && isScalar(pair.key)) pair.key.commentBefore = note;
        else node.commentBefore = note;
      }
    }
    out(`# Effective config: ${base.dir}/*.yaml with ${result.applied.length} override${result.applied.length === 1 ? '' : 's'} from chat (marked OVERRIDDEN)`);
    out(doc.toString({ lineWidth: 0 }).trimEnd());
    out('');
    out(`# Overrides (${overrides.length})`);
    for (const o of overrides) {
      const rejected = result.rejected.find((r) => r.override.key === o.key);
      out(`  ${o.key} = ${show(o.value)}  by ${who(o.updatedBy)} at ${iso(o.updatedAt)}${rejected ? `  SKIPPED: ${rejected.issues.join('; ')}` : ''}`);
      for (const r of store.auditLog({ target: o.key, limit: 5 })) out(`  ${formatAudit(r)}`);
    }
    const limit = Number(values.audit) || 20;
    const audit = store.auditLog({ limit });
    out('');
    out(`# Audit log (latest ${audit.length})`);
    for (const r of audit) out(formatAudit(r));
    return 0;
  } finally {
    store.close();
  }
}
