/**
 * /subscribe, /unsubscribe, /settings and /alerts quiet: the subscription of
 * the destination the command was sent in. Every change is validated with
 * the subscription schema, stored with its audit entry, and read by the
 * delivery worker's filter on its next send.
 */
import type { z } from 'zod';
import type { SubscriptionChange } from './parse.ts';
import { defaultSubscription, describeSubscription, quietHoursSchema, subscriptionSchema, type Subscription } from './subscription.ts';
import { findTopic, knownThemes, knownTokens } from './topics.ts';
import { actorOf, reply, type CommandContext, type CommandDeps, type Reply } from './types.ts';

function notADestination(ctx: CommandContext): Reply {
  const where = ctx.platform === 'discord' ? `type: discord, channelId: "${ctx.chatId}"` : `type: telegram, chatId: "${ctx.chatId}"`;
  return reply('invalid', 'This chat does not receive alerts', {
    text: `Subscriptions filter the alerts a destination receives, and this chat is not one. An admin can add it under destinations in alerts.yaml ({ id: …, ${where} }).`,
  });
}

function issuesOf(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'value'}: ${i.message}`).join('; ');
}

/** Validate, store with audit, and describe a destination's new subscription. */
function save(ctx: CommandContext, deps: CommandDeps, action: string, destination: string, before: Subscription | undefined, draft: unknown, title: string): Reply {
  const { rt } = deps;
  const parsed = subscriptionSchema.safeParse(draft);
  const audit = { at: rt.clock.now(), actor: actorOf(ctx), action, target: `subscription:${destination}`, oldValue: before };
  if (!parsed.success) {
    rt.store.recordAudit({ ...audit, newValue: draft, outcome: 'invalid', detail: issuesOf(parsed.error) });
    return reply('invalid', 'Subscription not changed', { text: issuesOf(parsed.error) });
  }
  rt.store.saveSubscription(destination, parsed.data, { ...audit, newValue: parsed.data, outcome: 'applied' });
  rt.log.info({ platform: ctx.platform, userId: ctx.userId, destination, action }, 'subscription changed');
  return reply('ok', title, { fields: describeSubscription(parsed.data), footer: `Destination ${destination}` });
}

function applyChange(draft: Subscription, change: SubscriptionChange, deps: CommandDeps): string | undefined {
  switch (change.set) {
    case 'topics': {
      const unknown: string[] = [];
      for (const input of change.add) {
        const topic = findTopic(deps.rt.config, input);
        if (!topic) unknown.push(input);
        else if (topic.kind === 'token' && !draft.tokens.includes(topic.symbol)) draft.tokens.push(topic.symbol);
        else if (topic.kind === 'theme' && !draft.themes.includes(topic.id)) draft.themes.push(topic.id);
      }
      return unknown.length === 0
        ? undefined
        : `not a token or theme: ${unknown.join(', ')}. Tokens: ${knownTokens(deps.rt.config)}. Themes: ${knownThemes(deps.rt.config)}.`;
    }
    case 'minSeverity':
      (draft as Record<string, unknown>).minSeverity = change.value;
      return undefined;
    case 'kind':
      (draft.kinds as Record<string, unknown>)[change.kind] = change.mode;
      return undefined;
    case 'digestAt':
      if (change.value === null) delete draft.digestAt;
      else {
        draft.digestAt = change.value;
        // Asking for a digest time means wanting digests.
        if (draft.kinds.digest === 'off') delete draft.kinds.digest;
      }
      return undefined;
    case 'timeZone':
      draft.timeZone = change.value;
      return undefined;
    case 'language':
      (draft as Record<string, unknown>).language = change.value;
      return undefined;
  }
}

export function resolveSubscribe(args: { changes: readonly SubscriptionChange[] }, ctx: CommandContext, deps: CommandDeps): Reply {
  const destination = ctx.destination;
  if (!destination) return notADestination(ctx);
  const before = deps.rt.store.getSubscription(destination);
  const current = before ?? defaultSubscription(destination);
  if (args.changes.length === 0) return reply('ok', 'What this chat receives', { fields: describeSubscription(current), footer: `Destination ${destination} · change it with /subscribe` });
  const draft = structuredClone(current);
  for (const change of args.changes) {
    const problem = applyChange(draft, change, deps);
    if (problem) return reply('invalid', 'Subscription not changed', { text: problem });
  }
  return save(ctx, deps, 'subscribe', destination, before, draft, 'Subscription updated');
}

export function resolveUnsubscribe(args: { topics: readonly string[] }, ctx: CommandContext, deps: CommandDeps): Reply {
  const destination = ctx.destination;
  if (!destination) return notADestination(ctx);
  const { rt } = deps;
  const before = rt.store.getSubscription(destination);
  if (args.topics.length === 1 && args.topics[0]!.toLowerCase() === 'all') {
    if (!before) return reply('ok', 'Nothing to reset', { text: 'This chat already receives everything routed to it.' });
    rt.store.saveSubscription(destination, undefined, { at: rt.clock.now(), actor: actorOf(ctx), action: 'unsubscribe all', target: `subscription:${destination}`, oldValue: before, outcome: 'applied' });
    return reply('ok', 'Subscription reset', { fields: describeSubscription(defaultSubscription(destination)), footer: `Destination ${destination}` });
  }
  const draft = structuredClone(before ?? defaultSubscription(destination));
  const notFollowed: string[] = [];
  for (const input of args.topics) {
    const topic = findTopic(rt.config, input);
    const list = topic?.kind === 'token' ? draft.tokens : topic?.kind === 'theme' ? draft.themes : undefined;
    const value = topic?.kind === 'token' ? topic.symbol : topic?.kind === 'theme' ? topic.id : undefined;
    const index = list && value !== undefined ? list.indexOf(value) : -1;
    if (index < 0) notFollowed.push(input);
    else list!.splice(index, 1);
  }
  if (notFollowed.length > 0) {
    return reply('invalid', 'Subscription not changed', { text: `This chat does not follow ${notFollowed.join(', ')}. It follows: ${[...draft.tokens, ...draft.themes].join(', ') || 'everything'}.` });
  }
  const title = draft.tokens.length + draft.themes.length === 0 ? 'Unsubscribed: this chat now receives every topic again' : 'Unsubscribed';
  return save(ctx, deps, 'unsubscribe', destination, before, draft, title);
}

export function resolveSettings(ctx: CommandContext, deps: CommandDeps): Reply {
  if (!ctx.destination) return notADestination(ctx);
  const sub = deps.rt.store.getSubscription(ctx.destination) ?? defaultSubscription(ctx.destination);
  return reply('ok', 'Settings of this chat', {
    fields: describeSubscription(sub),
    footer: `Destination ${ctx.destination} · /subscribe changes topics, kinds, severity, digest, time zone and language; admins set quiet hours with /alerts quiet`,
    private: true,
  });
}

/** /alerts quiet (admins): quiet hours of this destination, "22:00-07:00" or "off". */
export function resolveQuietHours(args: { range: string }, ctx: CommandContext, deps: CommandDeps): Reply {
  const destination = ctx.destination;
  if (!destination) return notADestination(ctx);
  const before = deps.rt.store.getSubscription(destination);
  const draft = structuredClone(before ?? defaultSubscription(destination));
  if (args.range.toLowerCase() === 'off') delete draft.quietHours;
  else {
    const [from = '', to = ''] = args.range.split(/[-–]/).map((s) => s.trim().padStart(5, '0'));
    const parsed = quietHoursSchema.safeParse({ from, to });
    if (!parsed.success) return reply('invalid', 'Quiet hours not changed', { text: `${issuesOf(parsed.error)}. Write them as 22:00-07:00 (local time, ${draft.timeZone}; change it with /subscribe timezone).` });
    draft.quietHours = parsed.data;
  }
  return save(ctx, deps, 'alerts quiet', destination, before, draft, draft.quietHours ? `Quiet hours ${draft.quietHours.from}–${draft.quietHours.to} (${draft.timeZone})` : 'Quiet hours off');
}
