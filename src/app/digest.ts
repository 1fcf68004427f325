/**
 * Scheduled digests: per destination, at the local time its subscription
 * asks for (in its own time zone), the last 24 hours in one message, queued
 * through the outbox like any alert so delivery stays in one place.
 *
 * `queueDueDigests` is idempotent: the alert key holds the destination and
 * its local date, so running it every few minutes (a cron job) queues each
 * digest once, and a run missed while the bot was down is caught up within
 * `catchUpMinutes`.
 */
import type { NoticeAlert } from '../domain/alert.ts';
import { buildDigest, digestLabels, digestSections, SCHEDULED_DIGEST_KEY_PREFIX, sortStats, themeStat, themeStats, type Digest, type ThemeStat } from '../domain/digest.ts';
import { routeAlert } from '../domain/routing.ts';
import { DAY_MS, MINUTE_MS } from '../domain/time.ts';
import { localTime, minutesOfDay } from './commands/local-time.ts';
import { queueAlert, type Runtime } from './runtime.ts';

export const DIGEST_PERIOD_MS = DAY_MS;

/** How long after its time a missed digest is still sent (e.g. the bot was restarting at 09:00). */
export const DIGEST_CATCH_UP_MINUTES = 180;

/** Longest digest text; renderers have 4096 characters and need room for the title and escaping. */
const DIGEST_TEXT_BUDGET = 3_000;

/**
 * Sentiment and mindshare by theme over the period ending at `now`: from the
 * recorded narrative series (the language store) when there are any, else
 * computed from the analyzed posts with the same definition (before the
 * series job has run, or when it is not scheduled).
 */
export function currentThemeStats(rt: Runtime, now = rt.clock.now(), periodMs = DIGEST_PERIOD_MS): ThemeStat[] {
  const from = now - periodMs;
  const recorded = rt.store.mindshare(from, now).filter((s) => s.posts > 0);
  if (recorded.length === 0) return themeStats(rt.store.analyzedPostsSince(now - 2 * periodMs), from, now);
  const names = new Map(rt.config.themes.themes.map((t) => [t.id, t.name]));
  return sortStats(
    recorded.map((s) => {
      const points = rt.store.narrativeSeries(s.themeId, from, now);
      const posts = points.reduce((n, p) => n + p.posts, 0);
      const sentiment = posts === 0 ? 0 : points.reduce((sum, p) => sum + p.sentiment * p.posts, 0) / posts;
      return themeStat(s.themeId, names.get(s.themeId) ?? s.themeId, s.posts, s.share, s.previousShare, sentiment);
    }),
  );
}

/** The digest of the 24 hours ending at `now`, from the store. */
export function collectDigest(rt: Runtime, now = rt.clock.now()): Digest {
  return buildDigest({
    now,
    periodMs: DIGEST_PERIOD_MS,
    posts: rt.store.analyzedPostsSince(now - 2 * DIGEST_PERIOD_MS),
    moves: rt.store.moveAlertsSince(now - DIGEST_PERIOD_MS),
    stats: currentThemeStats(rt, now),
  });
}

/** Sections as text, dropping trailing lines of the longest sections until it fits the budget. */
export function digestText(digest: Digest, language: string, budget = DIGEST_TEXT_BUDGET): string {
  const sections = digestSections(digest, language).map((s) => ({ ...s, lines: [...s.lines] }));
  const render = () => sections.map((s) => `${s.name}\n${s.lines.join('\n')}`).join('\n\n');
  let text = render();
  while (text.length > budget) {
    const longest = sections.filter((s) => s.lines.length > 1).sort((a, b) => b.lines.length - a.lines.length)[0];
    if (!longest) break;
    // Replace the last real line (and any earlier "…") with one "…".
    const cut = longest.lines.at(-1) === '…' ? 2 : 1;
    longest.lines.splice(-cut, cut, '…');
    text = render();
  }
  return text.length > budget ? `${text.slice(0, budget - 1)}…` : text;
}

/** The scheduled digest for one destination and local date, as a notice for the outbox. */
export function digestNotice(digest: Digest, destination: string, localDate: string, language: string): NoticeAlert {
  return {
    kind: 'notice',
    key: `${SCHEDULED_DIGEST_KEY_PREFIX}${destination}:${localDate}`,
    createdAt: digest.toMs,
    severity: 'low',
    reason: 'scheduled digest',
    title: `${digestLabels(language).title} · ${localDate}`,
    text: digestText(digest, language),
  };
}

export interface DigestRun {
  queued: string[];
  skipped: { destination: string; reason: 'not-wired' | 'not-routed' | 'already-queued' }[];
}

/** Queue the digests that are due at the runtime clock's now, each to its own destination only. */
export function queueDueDigests(rt: Runtime, catchUpMinutes = DIGEST_CATCH_UP_MINUTES): DigestRun {
  const now = rt.clock.now();
  const run: DigestRun = { queued: [], skipped: [] };
  let digest: Digest | undefined;
  for (const sub of rt.store.listSubscriptions()) {
    if (!sub.digestAt || sub.kinds.digest === 'off') continue;
    const local = localTime(now, sub.timeZone);
    // Minutes since today's (or, just after midnight, yesterday's) digest time.
    const elapsed = (local.minutes - minutesOfDay(sub.digestAt) + 1440) % 1440;
    if (elapsed >= catchUpMinutes) continue;
    const rule = rt.destinations.find((d) => d.id === sub.destination);
    if (!rule) {
      run.skipped.push({ destination: sub.destination, reason: 'not-wired' });
      continue;
    }
    const date = localTime(now - elapsed * MINUTE_MS, sub.timeZone).date;
    digest ??= collectDigest(rt, now);
    const alert = digestNotice(digest, sub.destination, date, sub.language);
    if (routeAlert(alert, [rule]).length === 0) {
      rt.log.debug({ destination: sub.destination }, 'digest not queued: the destination takes no notices (kinds in alerts.yaml)');
      run.skipped.push({ destination: sub.destination, reason: 'not-routed' });
      continue;
    }
    // Route to this destination alone: each destination has its own time and language.
    if (queueAlert({ ...rt, destinations: [rule] }, alert)) run.queued.push(sub.destination);
    else run.skipped.push({ destination: sub.destination, reason: 'already-queued' });
  }
  if (run.queued.length > 0) rt.onAlertsQueued?.();
  return run;
}
