/**
 * /alerts (admins): view and change thresholds, cooldowns and mutes (config
 * overrides), and this destination's quiet hours (its subscription).
 */
import { isDeepStrictEqual } from 'node:util';
import { changeConfig, type OverrideChange } from './admin.ts';
import { valueAt } from './config-overrides.ts';
import type { AlertsAction } from './parse.ts';
import { findSetting, MUTED_THEMES_KEY, MUTED_TOKENS_KEY, settingSpecs } from './settings.ts';
import { resolveQuietHours } from './subscribe.ts';
import { findTopic, knownThemes, knownTokens } from './topics.ts';
import { reply, type CommandContext, type CommandDeps, type Reply } from './types.ts';

const OVERRIDE_MARK = ' (set from chat)';

function show(ctx: CommandContext, deps: CommandDeps): Reply {
  const { config, store } = deps.rt;
  const overridden = new Set(store.listOverrides().map((o) => o.key));
  const mark = (key: string) => (overridden.has(key) ? OVERRIDE_MARK : '');
  const fields = settingSpecs(config).map((s) => ({ name: s.name, value: `${s.format(valueAt(config, s.key))}${mark(s.key)} · ${s.description}` }));
  fields.push(
    { name: 'muted tokens', value: `${config.alerts.moves.muted.join(', ') || 'none'}${mark(MUTED_TOKENS_KEY)}` },
    { name: 'muted themes', value: `${config.alerts.stories.muted.join(', ') || 'none'}${mark(MUTED_THEMES_KEY)}` },
  );
  if (ctx.destination) {
    const sub = store.getSubscription(ctx.destination);
    fields.push({ name: 'quiet hours here', value: sub?.quietHours ? `${sub.quietHours.from}–${sub.quietHours.to} ${sub.timeZone}` : 'none' });
  }
  return reply('ok', 'Alert settings', {
    fields,
    footer: '/alerts set SETTING VALUE · /alerts mute|unmute TOKEN|THEME · /alerts quiet 22:00-07:00 · /alerts reset SETTING|all',
    private: true,
  });
}

function describeResult(deps: CommandDeps, result: ReturnType<typeof changeConfig>, format: (key: string, v: unknown) => string, unchanged: string): Reply {
  if (!result.ok) return reply('invalid', 'Nothing changed: the value does not fit the config', { text: result.issues.join('\n') });
  if (result.changed.length === 0) return reply('ok', unchanged, { private: true });
  const specs = settingSpecs(deps.baseConfig());
  const label = (key: string) => specs.find((s) => s.key === key)?.name ?? (key === MUTED_TOKENS_KEY ? 'muted tokens' : key === MUTED_THEMES_KEY ? 'muted themes' : key);
  return reply('ok', 'Alert settings changed', {
    fields: result.changed.map((c) => ({ name: label(c.key), value: `${format(c.key, c.before)} → ${format(c.key, c.after)}` })),
    footer: 'Applied now and stored: it survives restarts and shows in `radar config show`.',
    private: true,
  });
}

function formatterFor(deps: CommandDeps) {
  const specs = settingSpecs(deps.baseConfig());
  return (key: string, value: unknown) => {
    if (value === undefined) return 'unset';
    const spec = specs.find((s) => s.key === key);
    if (spec) return spec.format(value);
    return Array.isArray(value) ? value.join(', ') || 'none' : String(value);
  };
}

function set(ctx: CommandContext, deps: CommandDeps, setting: string, input: string): Reply {
  const spec = findSetting(deps.rt.config, setting);
  if (!spec) {
    return reply('invalid', `"${setting}" is not a setting`, { text: `Settings: ${settingSpecs(deps.rt.config).map((s) => s.name).join(', ')}.` });
  }
  const parsed = spec.parse(input);
  if (!parsed.ok) return reply('invalid', `${spec.name} not changed`, { text: `${parsed.message} (e.g. ${spec.example}).` });
  const result = changeConfig(ctx, deps, 'alerts set', [{ key: spec.key, value: parsed.value }]);
  return describeResult(deps, result, formatterFor(deps), `${spec.name} is already ${spec.format(parsed.value)}`);
}

function mute(ctx: CommandContext, deps: CommandDeps, target: string, muting: boolean): Reply {
  const topic = findTopic(deps.rt.config, target);
  if (!topic) return reply('invalid', `"${target}" is not a token or theme`, { text: `Tokens: ${knownTokens(deps.rt.config)}. Themes: ${knownThemes(deps.rt.config)}.` });
  const key = topic.kind === 'token' ? MUTED_TOKENS_KEY : MUTED_THEMES_KEY;
  const value = topic.kind === 'token' ? topic.symbol : topic.id;
  const current = (valueAt(deps.rt.config, key) as string[] | undefined) ?? [];
  const next = muting ? [...new Set([...current, value])] : current.filter((v) => v !== value);
  if (isDeepStrictEqual(current, next)) return reply('ok', `${value} is ${muting ? 'already muted' : 'not muted'}`, { private: true });
  const result = changeConfig(ctx, deps, muting ? 'alerts mute' : 'alerts unmute', [{ key, value: next }]);
  return describeResult(deps, result, formatterFor(deps), `${value} unchanged`);
}

function reset(ctx: CommandContext, deps: CommandDeps, setting: string): Reply {
  const overrides = deps.rt.store.listOverrides();
  let keys: string[];
  const name = setting.trim().toLowerCase();
  if (name === 'all') keys = overrides.filter((o) => o.key.startsWith('alerts.')).map((o) => o.key);
  else if (name === 'mutes' || name === 'muted') keys = [MUTED_TOKENS_KEY, MUTED_THEMES_KEY];
  else {
    const spec = findSetting(deps.rt.config, setting);
    if (!spec) return reply('invalid', `"${setting}" is not a setting`, { text: `Settings: ${settingSpecs(deps.rt.config).map((s) => s.name).join(', ')}, mutes, all.` });
    keys = [spec.key];
  }
  const changes: OverrideChange[] = keys.filter((k) => overrides.some((o) => o.key === k)).map((key) => ({ key }));
  if (changes.length === 0) return reply('ok', 'Nothing to reset: those settings come from alerts.yaml', { private: true });
  return describeResult(deps, changeConfig(ctx, deps, 'alerts reset', changes), formatterFor(deps), 'Nothing to reset');
}

/** /alerts: the caller has passed the admin precondition. */
export function resolveAlerts(action: AlertsAction, ctx: CommandContext, deps: CommandDeps): Reply {
  switch (action.op) {
    case 'show':
      return show(ctx, deps);
    case 'set':
      return set(ctx, deps, action.setting, action.value);
    case 'mute':
    case 'unmute':
      return mute(ctx, deps, action.target, action.op === 'mute');
    case 'quiet':
      return resolveQuietHours({ range: action.range }, ctx, deps);
    case 'reset':
      return reset(ctx, deps, action.setting);
  }
}
