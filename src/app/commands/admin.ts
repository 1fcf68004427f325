/**
 * The admin precondition and the one path every admin config change takes:
 * build the new override list, re-apply it onto the YAML config with the
 * config schemas, refuse with the schema's messages when it does not fit,
 * otherwise store the override with its audit entry and swap the running
 * config. Refusals are logged and audited too.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ConfigOverride } from '../commands-store.ts';
import { applyConfig } from '../runtime.ts';
import { applyOverrides, valueAt } from './config-overrides.ts';
import { actorOf, reply, type CommandContext, type CommandDeps, type Reply } from './types.ts';

/**
 * The one precondition of admin-only commands. Returns the polite refusal to
 * send (after logging and auditing the attempt), or undefined when `ctx` is an admin.
 */
export function requireAdmin(ctx: CommandContext, deps: CommandDeps, action: string): Reply | undefined {
  if (ctx.isAdmin) return undefined;
  const { rt } = deps;
  rt.log.warn({ platform: ctx.platform, userId: ctx.userId, chatId: ctx.chatId, action }, 'admin command refused: not an admin');
  rt.store.recordAudit({ at: rt.clock.now(), actor: actorOf(ctx), action, target: action.split(' ')[0]!, outcome: 'refused', detail: 'not an admin' });
  const how =
    ctx.platform === 'discord'
      ? 'people with the Manage Server permission, or listed in DISCORD_ADMIN_IDS'
      : 'people listed in TELEGRAM_ADMIN_IDS';
  return reply('refused', 'Sorry, that is for admins', {
    text: `/${action.split(' ')[0]} changes how the bot alerts everyone, so it is limited to ${how}. Nothing was changed.${ctx.userId ? ` Your user id is ${ctx.userId}, if an operator wants to add you.` : ''}`,
  });
}

/** One override to set (`value` given) or remove (`value` undefined). */
export interface OverrideChange {
  key: string;
  value?: unknown;
}

export type ConfigChangeResult =
  | { ok: true; changed: { key: string; before: unknown; after: unknown }[] }
  | { ok: false; issues: string[] };

/**
 * Validate and apply admin changes to the config. Nothing is stored unless
 * every change validates; unchanged values are skipped (and not audited).
 */
export function changeConfig(ctx: CommandContext, deps: CommandDeps, action: string, changes: readonly OverrideChange[]): ConfigChangeResult {
  const { rt } = deps;
  const now = rt.clock.now();
  const actor = actorOf(ctx);
  const current = rt.store.listOverrides();
  const next = new Map(current.map((o) => [o.key, o]));
  for (const change of changes) {
    if (change.value === undefined) next.delete(change.key);
    else next.set(change.key, { key: change.key, value: change.value, updatedAt: now, updatedBy: actor });
  }
  // Map insertion order keeps an updated override in its original place, as the store does.
  const result = applyOverrides(deps.baseConfig(), [...next.values()]);
  const changedKeys = new Set(changes.map((c) => c.key));
  const issues = result.rejected.filter((r) => changedKeys.has(r.override.key)).flatMap((r) => r.issues);
  if (issues.length > 0) {
    rt.log.info({ platform: ctx.platform, userId: ctx.userId, action, issues }, 'admin change invalid; nothing changed');
    for (const change of changes) {
      rt.store.recordAudit({ at: now, actor, action, target: change.key, newValue: change.value, outcome: 'invalid', detail: issues.join('; ') });
    }
    return { ok: false, issues };
  }

  const changed: { key: string; before: unknown; after: unknown }[] = [];
  for (const change of changes) {
    const before = valueAt(rt.config, change.key);
    const after = valueAt(result.config, change.key);
    const hadOverride = current.some((o) => o.key === change.key);
    const removesOverride = change.value === undefined && hadOverride;
    if (change.value === undefined && !hadOverride) continue;
    if (isDeepStrictEqual(before, after) && !removesOverride) continue;
    const audit = { at: now, actor, action, target: change.key, oldValue: before, newValue: after, outcome: 'applied' as const };
    if (change.value === undefined) rt.store.removeOverride(change.key, audit);
    else rt.store.setOverride(next.get(change.key) as ConfigOverride, audit);
    changed.push({ key: change.key, before, after });
    rt.log.info({ platform: ctx.platform, userId: ctx.userId, action, key: change.key, before, after }, 'admin change applied');
  }
  if (changed.length > 0) applyConfig(rt, result.config);
  return { ok: true, changed };
}
