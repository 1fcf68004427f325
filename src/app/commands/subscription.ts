/**
 * Per-destination subscriptions and the filter the delivery worker applies
 * before sending: which themes and tokens a channel wants, each alert kind
 * on | silent | off (freqtrade's per-channel message types), a minimum
 * severity, quiet hours in the channel's time zone, a digest time, and the
 * language of labels. Decisions return data with reasons.
 */
import { z } from 'zod';
import type { Alert } from '../../domain/alert.ts';
import type { ThemeLinks } from '../../domain/correlation.ts';
import { DIGEST_LANGUAGES, SCHEDULED_DIGEST_KEY_PREFIX } from '../../domain/digest.ts';
import { severityAtLeast } from '../../domain/routing.ts';
import { inDailyRange, isTimeZone, localTime } from './local-time.ts';

/** Alert kinds as subscribers see them: a scheduled digest is delivered as a notice but is switched on its own. */
export const SUBSCRIPTION_KINDS = ['move', 'sector', 'story', 'notice', 'digest'] as const;
export type SubscriptionKind = (typeof SUBSCRIPTION_KINDS)[number];

/** `silent` delivers without a notification (Discord SUPPRESS_NOTIFICATIONS, Telegram disable_notification). */
export const KIND_MODES = ['on', 'silent', 'off'] as const;
export type KindMode = (typeof KIND_MODES)[number];

export const SEVERITIES = ['low', 'medium', 'high'] as const;

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'use 24-hour HH:MM, e.g. "22:00"');
const mode = z.enum(KIND_MODES);

export const quietHoursSchema = z
  .object({ from: hhmm, to: hhmm })
  .strict()
  .refine((q) => q.from !== q.to, 'quiet hours need different start and end times');

export const subscriptionSchema = z
  .object({
    destination: z.string().min(1),
    /** Theme ids; with tokens, empty means "everything". */
    themes: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/)).default([]),
    tokens: z.array(z.string().regex(/^[A-Z0-9]{2,12}$/)).default([]),
    kinds: z.object({ move: mode.optional(), sector: mode.optional(), story: mode.optional(), notice: mode.optional(), digest: mode.optional() }).strict().default({}),
    minSeverity: z.enum(SEVERITIES).default('low'),
    /** Local times; alerts in this range are delivered silently, not dropped. */
    quietHours: quietHoursSchema.optional(),
    timeZone: z.string().refine(isTimeZone, 'unknown time zone: use an IANA name such as "Europe/Berlin" or "UTC"').default('UTC'),
    language: z.enum(DIGEST_LANGUAGES).default('en'),
    /** Local time of the daily digest; no digest when absent. */
    digestAt: hhmm.optional(),
  })
  .strict();

export type Subscription = z.infer<typeof subscriptionSchema>;
export type QuietHours = z.infer<typeof quietHoursSchema>;

/** The subscription a destination has before anyone changes it: everything, on, no quiet hours. */
export function defaultSubscription(destination: string): Subscription {
  return subscriptionSchema.parse({ destination });
}

/** What the filter looks at in an alert (or in one item of a flood-control digest). */
interface Facet {
  kind: SubscriptionKind;
  severity: Alert['severity'];
  tokens: readonly string[];
  themes: readonly string[];
}

/**
 * Which subscription kind an alert counts as. A flood-control digest (kind
 * 'digest') stands for its items and is judged by them; it counts as the
 * kind of its first item here.
 */
export function subscriptionKindOf(alert: Alert): SubscriptionKind {
  if (alert.kind === 'digest') return alert.items[0]?.kind ?? 'notice';
  return alert.kind === 'notice' && alert.key.startsWith(SCHEDULED_DIGEST_KEY_PREFIX) ? 'digest' : alert.kind;
}

function facetsOf(alert: Alert): Facet[] {
  switch (alert.kind) {
    case 'move':
      return [{ kind: 'move', severity: alert.severity, tokens: [alert.move.symbol], themes: [] }];
    case 'sector':
      // About the whole AI basket: severity applies, topic filters do not.
      return [{ kind: 'sector', severity: alert.severity, tokens: [], themes: [] }];
    case 'story':
      return [{ kind: 'story', severity: alert.severity, tokens: alert.tokens, themes: alert.themes.map((t) => t.id) }];
    case 'notice':
      return [{ kind: subscriptionKindOf(alert), severity: alert.severity, tokens: [], themes: [] }];
    case 'digest':
      return alert.items.map((i) => ({ kind: i.kind, severity: i.severity, tokens: i.tokens, themes: [] }));
  }
}

export type SkipReason = 'kind-off' | 'below-severity' | 'not-subscribed';

export type DeliverDecision =
  | { deliver: true; silent: boolean; reason?: 'kind-silent' | 'quiet-hours' }
  | { deliver: false; reason: SkipReason; detail: string };

/**
 * Whether a destination with `subscription` takes `alert` at `now`, and
 * whether silently. No subscription means the destination takes everything
 * its alerts.yaml rule routes to it. Admin notices and scheduled digests
 * ignore topic and severity filters (they are not about one market event) but
 * respect their mode; sector alerts (the whole AI basket) ignore topics
 * but not severity. A flood-control digest is delivered when any of its
 * items would be, silently only when all of those would be. `links`
 * (theme → tokens) lets a theme subscription take moves of the theme's
 * tokens. Pure.
 */
export function shouldDeliver(alert: Alert, subscription: Subscription | undefined, now: number, links?: ThemeLinks): DeliverDecision {
  if (!subscription) return { deliver: true, silent: false };
  const decisions = facetsOf(alert).map((facet) => decideFacet(facet, subscription, links));
  const delivered = decisions.filter((d): d is Extract<DeliverDecision, { deliver: true }> => d.deliver);
  if (delivered.length === 0) {
    return decisions[0] ?? { deliver: false, reason: 'not-subscribed', detail: 'an empty digest' };
  }
  if (delivered.every((d) => d.silent)) return { deliver: true, silent: true, reason: 'kind-silent' };
  if (subscription.quietHours && inQuietHours(subscription.quietHours, subscription.timeZone, now)) {
    return { deliver: true, silent: true, reason: 'quiet-hours' };
  }
  return { deliver: true, silent: false };
}

function decideFacet(facet: Facet, subscription: Subscription, links: ThemeLinks | undefined): DeliverDecision {
  const kindMode = subscription.kinds[facet.kind] ?? 'on';
  if (kindMode === 'off') return { deliver: false, reason: 'kind-off', detail: `${facet.kind} alerts are off here` };
  if (facet.kind === 'move' || facet.kind === 'story' || facet.kind === 'sector') {
    if (!severityAtLeast(facet.severity, subscription.minSeverity)) {
      return { deliver: false, reason: 'below-severity', detail: `${facet.severity} is below ${subscription.minSeverity}` };
    }
    if (facet.kind !== 'sector' && !matchesTopics(facet, subscription, links)) {
      return { deliver: false, reason: 'not-subscribed', detail: `not about ${[...subscription.tokens, ...subscription.themes].join(', ')}` };
    }
  }
  return { deliver: true, silent: kindMode === 'silent' };
}

/** Whether `now` is inside the quiet hours, in the destination's time zone. */
export function inQuietHours(quiet: QuietHours, timeZone: string, now: number): boolean {
  return inDailyRange(localTime(now, timeZone).minutes, quiet.from, quiet.to);
}

function matchesTopics(facet: Facet, subscription: Subscription, links: ThemeLinks | undefined): boolean {
  const { tokens, themes } = subscription;
  if (tokens.length === 0 && themes.length === 0) return true;
  if (facet.tokens.some((t) => tokens.includes(t)) || facet.themes.some((t) => themes.includes(t))) return true;
  // A theme subscription also takes moves (and stories) of the tokens that theme moves.
  return themes.some((theme) => facet.tokens.some((t) => links?.get(theme)?.includes(t) === true));
}

/** One line per setting, for /settings and confirmations. */
export function describeSubscription(s: Subscription): { name: string; value: string }[] {
  const kinds = SUBSCRIPTION_KINDS.map((k) => `${k} ${s.kinds[k] ?? 'on'}`).join(' · ');
  return [
    { name: 'Topics', value: s.tokens.length + s.themes.length === 0 ? 'everything' : [...s.tokens, ...s.themes].join(', ') },
    { name: 'Alert kinds', value: kinds },
    { name: 'Minimum severity', value: s.minSeverity },
    { name: 'Quiet hours', value: s.quietHours ? `${s.quietHours.from}–${s.quietHours.to} (delivered silently)` : 'none' },
    { name: 'Daily digest', value: s.digestAt ? `at ${s.digestAt}` : 'off' },
    { name: 'Time zone', value: s.timeZone },
    { name: 'Language', value: s.language },
  ];
}
