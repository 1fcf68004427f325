/**
 * /feeds (admins): list feeds with their health, inspect one, add one (URL
 * checked against SSRF, entry validated with the feeds.yaml schema), and
 * disable or re-enable one. Changes are config overrides, so they are
 * audited, survive restarts and show in `radar config show`.
 */
import type { FeedConfig } from '../../config/schema.ts';
import { formatDuration } from '../../domain/time.ts';
import type { FeedState } from '../store.ts';
import { changeConfig } from './admin.ts';
import { checkFeedUrl } from './feed-url.ts';
import type { FeedsAction } from './parse.ts';
import { actorOf, reply, type CommandContext, type CommandDeps, type Reply } from './types.ts';

const feedKey = (id: string) => `feeds.feeds[id=${id}]`;
const enabledKey = (id: string) => `${feedKey(id)}.enabled`;

function statusOf(feed: FeedConfig, state: FeedState | undefined): string {
  if (!feed.enabled) return 'off';
  if (state?.disabledAt) return `DISABLED: ${state.disabledReason ?? 'after failures'}`;
  if (state?.failures) return `failing ×${state.failures}: ${state.lastError ?? 'unknown error'}`;
  return state?.lastSuccessAt ? 'ok' : 'not polled yet';
}

function ago(now: number, at: number | undefined): string {
  return at === undefined ? 'never' : `${formatDuration(now - at)} ago`;
}

function list(deps: CommandDeps): Reply {
  const { config, store, clock } = deps.rt;
  const now = clock.now();
  const fromChat = new Set(store.listOverrides().map((o) => o.key));
  const lines = config.feeds.feeds.map((f) => {
    const s = store.getFeedState(f.id);
    const origin = fromChat.has(feedKey(f.id)) ? ' · added from chat' : fromChat.has(enabledKey(f.id)) ? ` · ${f.enabled ? 'enabled' : 'disabled'} from chat` : '';
    return `${f.id}: ${statusOf(f, s)} · ${s?.itemsSeen ?? 0} items · last ok ${ago(now, s?.lastSuccessAt)}${origin}`;
  });
  const on = config.feeds.feeds.filter((f) => f.enabled).length;
  return reply('ok', `Feeds: ${on} on, ${config.feeds.feeds.length - on} off`, {
    text: lines.join('\n') || 'No feeds configured.',
    footer: '/feeds status ID · /feeds add URL [ID] [NAME] · /feeds disable ID · /feeds enable ID',
    private: true,
  });
}

function findFeed(deps: CommandDeps, id: string): FeedConfig | undefined {
  return deps.rt.config.feeds.feeds.find((f) => f.id === id.toLowerCase());
}

function unknownFeed(deps: CommandDeps, id: string): Reply {
  return reply('invalid', `No feed "${id}"`, { text: `Feeds: ${deps.rt.config.feeds.feeds.map((f) => f.id).join(', ')}.` });
}

function status(deps: CommandDeps, id: string): Reply {
  const feed = findFeed(deps, id);
  if (!feed) return unknownFeed(deps, id);
  const { store, clock } = deps.rt;
  const now = clock.now();
  const s = store.getFeedState(feed.id);
  const fields = [
    { name: 'Status', value: statusOf(feed, s) },
    { name: 'URL', value: feed.url },
    { name: 'Language hint', value: feed.language ?? 'none (detected per post)' },
    { name: 'Weight', value: String(feed.weight) },
    { name: 'Poll every', value: `${feed.pollMinutes ?? deps.rt.config.feeds.defaults.pollMinutes} min` },
    { name: 'Last success', value: ago(now, s?.lastSuccessAt) },
    { name: 'Last attempt', value: ago(now, s?.lastAttemptAt) },
    { name: 'Items seen', value: String(s?.itemsSeen ?? 0) },
  ];
  if (s?.lastError) fields.push({ name: 'Last error', value: s.lastError });
  return reply('ok', `${feed.name} (${feed.id})`, { url: feed.url, fields, private: true });
}

/** "www.example.co.uk" → "example-co-uk", unique among `taken`. */
function feedIdFor(hostname: string, taken: ReadonlySet<string>): string {
  const base = hostname.toLowerCase().replace(/^www\./, '').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'feed';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

async function add(ctx: CommandContext, deps: CommandDeps, action: Extract<FeedsAction, { op: 'add' }>): Promise<Reply> {
  const { rt } = deps;
  const checked = await checkFeedUrl(action.url, deps.feedUrls);
  if (!checked.ok) {
    rt.log.warn({ platform: ctx.platform, userId: ctx.userId, reason: checked.reason }, 'feed URL refused');
    rt.store.recordAudit({ at: rt.clock.now(), actor: actorOf(ctx), action: 'feeds add', target: 'feeds.feeds', newValue: action.url, outcome: 'invalid', detail: checked.reason });
    return reply('invalid', 'Feed not added', { text: checked.reason });
  }
  const existing = rt.config.feeds.feeds.find((f) => f.url === checked.url);
  if (existing) return reply('invalid', 'Feed not added', { text: `That URL is already the feed "${existing.id}".` });
  const taken = new Set(rt.config.feeds.feeds.map((f) => f.id));
  const id = action.id?.toLowerCase() ?? feedIdFor(checked.hostname, taken);
  if (taken.has(id)) return reply('invalid', 'Feed not added', { text: `The id "${id}" is taken: choose another one, e.g. /feeds add ${checked.url} ${id}-2` });
  const feed = { id, name: action.name ?? checked.hostname.replace(/^www\./, ''), url: checked.url, enabled: true, weight: 1, ...(action.language ? { language: action.language } : {}) };
  const result = changeConfig(ctx, deps, 'feeds add', [{ key: feedKey(id), value: feed }]);
  if (!result.ok) return reply('invalid', 'Feed not added', { text: result.issues.join('\n') });
  return reply('ok', `Feed added: ${feed.name} (${id})`, {
    url: feed.url,
    text: 'It is polled on the next feed cycle; /feeds status shows how it went. A feed that keeps failing is disabled after repeated failures, as any other.',
    private: true,
  });
}

function setEnabled(ctx: CommandContext, deps: CommandDeps, id: string, enabled: boolean): Reply {
  const feed = findFeed(deps, id);
  if (!feed) return unknownFeed(deps, id);
  const { rt } = deps;
  const state = rt.store.getFeedState(feed.id);
  const autoDisabled = enabled && state?.disabledAt !== undefined;
  if (feed.enabled === enabled && !autoDisabled) return reply('ok', `${feed.id} is already ${enabled ? 'enabled' : 'disabled'}`, { private: true });

  if (feed.enabled !== enabled) {
    const base = deps.baseConfig().feeds.feeds.find((f) => f.id === feed.id);
    // Back to the YAML's value: drop the override instead of pinning a copy of it.
    const change = base?.enabled === enabled ? { key: enabledKey(feed.id) } : { key: enabledKey(feed.id), value: enabled };
    const result = changeConfig(ctx, deps, enabled ? 'feeds enable' : 'feeds disable', [change]);
    if (!result.ok) return reply('invalid', 'Feed not changed', { text: result.issues.join('\n') });
  }
  if (autoDisabled) {
    // Disabled after failures: clear the failure state, as `radar feeds enable` does.
    rt.store.saveFeedState({ ...state, failures: 0, nextPollAt: 0, disabledAt: undefined, disabledReason: undefined });
    rt.store.recordAudit({ at: rt.clock.now(), actor: actorOf(ctx), action: 'feeds enable', target: `feed-state:${feed.id}`, oldValue: state.disabledReason, outcome: 'applied', detail: 'failure state cleared' });
    rt.log.info({ platform: ctx.platform, userId: ctx.userId, feed: feed.id }, 'feed re-enabled after failures');
  }
  return reply('ok', `${feed.id} ${enabled ? 'enabled: polled on the next feed cycle' : 'disabled'}`, { private: true });
}

/** /feeds: the caller has passed the admin precondition. */
export async function resolveFeeds(action: FeedsAction, ctx: CommandContext, deps: CommandDeps): Promise<Reply> {
  switch (action.op) {
    case 'list':
      return list(deps);
    case 'status':
      return status(deps, action.id);
    case 'add':
      return add(ctx, deps, action);
    case 'disable':
      return setEnabled(ctx, deps, action.id, false);
    case 'enable':
      return setEnabled(ctx, deps, action.id, true);
  }
}
