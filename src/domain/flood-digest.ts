/**
 * Flood control without loss: alerts that piled up for one destination become
 * one digest alert (kind 'digest') that lists them all. Pure; the delivery
 * worker decides when, and records which deliveries the digest stands for.
 * Not to be confused with the scheduled digests of digest.ts (periodic
 * summaries sent as notices): this one only ever repackages queued alerts.
 */
import { describeMove, describeSectorMove, type Alert, type DigestAlert, type DigestItem, type Severity } from './alert.ts';
import { buildMovesBarChartSpec } from './charts.ts';

/** Keys of flood-control digests start with this (scheduled digests use "digest:"). */
export const FLOOD_DIGEST_KEY_PREFIX = 'flood:';

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

export type CoalescibleAlert = Extract<Alert, { kind: 'move' | 'sector' | 'story' }>;

/** Kinds a digest may fold in: admin notices stay individual (rare, and about the bot itself); digests are not nested. */
export function canCoalesce(alert: Alert): alert is CoalescibleAlert {
  return alert.kind === 'move' || alert.kind === 'sector' || alert.kind === 'story';
}

/** What a digest shows of one alert. */
export function digestItem(alert: CoalescibleAlert): DigestItem {
  if (alert.kind === 'move') {
    return {
      kind: 'move',
      key: alert.key,
      severity: alert.severity,
      createdAt: alert.createdAt,
      title: describeMove(alert.move),
      url: alert.catalysts[0]?.url,
      tokens: [alert.move.symbol],
    };
  }
  if (alert.kind === 'sector') {
    const tokens = alert.sector.members.map((m) => m.symbol);
    return { kind: 'sector', key: alert.key, severity: alert.severity, createdAt: alert.createdAt, title: describeSectorMove(alert.sector), tokens };
  }
  return { kind: 'story', key: alert.key, severity: alert.severity, createdAt: alert.createdAt, title: alert.story.title, url: alert.story.url, tokens: alert.tokens };
}

export interface FloodDigestInput {
  /** Distinguishes this coalescing; stable so a replay of the same one cannot queue it twice. */
  id: string;
  destination: string;
  alerts: readonly CoalescibleAlert[];
  /** The backlog size that triggered it, and the threshold, for the footer. */
  backlog: number;
  threshold: number;
  now: number;
}

/**
 * One digest for `alerts`: items oldest first, the highest severity among them,
 * and a bar chart of the moves' returns when there are moves. Pure.
 */
export function buildFloodDigest(input: FloodDigestInput): DigestAlert {
  const alerts = [...input.alerts].sort((a, b) => a.createdAt - b.createdAt);
  const severity = alerts.reduce<Severity>((max, a) => (RANK[a.severity] > RANK[max] ? a.severity : max), 'low');
  const moves = alerts.flatMap((a) => (a.kind === 'move' ? [{ symbol: a.move.symbol, windowMinutes: a.move.windowMinutes, return: a.move.return }] : []));
  const chart = buildMovesBarChartSpec(moves, `Moves in this digest (${moves.length})`);
  return {
    kind: 'digest',
    key: `${FLOOD_DIGEST_KEY_PREFIX}${input.destination}:${input.id}`,
    createdAt: input.now,
    severity,
    reason: `flood control: ${input.backlog} alerts were waiting for ${input.destination} (more than ${input.threshold})`,
    destination: input.destination,
    items: alerts.map(digestItem),
    ...(chart ? { chart } : {}),
  };
}
