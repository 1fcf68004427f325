/**
 * The soak's verdict, as pure functions of what it observed: per destination,
 * which alerts were queued, which arrived at the chat fake (and how often), and
 * which are still pending after the final drain; plus the RSS samples. Kept apart
 * from the soak's wiring so the arithmetic that decides "0 lost" is unit-tested.
 */

/** What the soak saw for one destination, by alert id (the outbox's `alerts.id`). */
export interface DestinationLedger {
  /** Alerts queued for this destination, flood digests excluded (they only repackage queued alerts). */
  queued: readonly number[];
  /** Alert ids still pending after the final drain; a digest id stands for its members. */
  pending: readonly number[];
  /** One entry per message that reached the fake: the alert id it carried (a digest id stands for its members). */
  arrivals: readonly number[];
  /** Flood digests: digest alert id → ids of the alerts it stands for. */
  digests: ReadonlyMap<number, readonly number[]>;
  /** Messages at the fake that matched no queued alert (a rendering we could not attribute). */
  unidentified: number;
}

export interface DestinationTally {
  produced: number;
  /** Distinct queued alerts that arrived, alone or inside a digest. */
  delivered: number;
  pending: number;
  /** Queued, never arrived, and not pending: gone. */
  lost: number;
  /** Extra arrivals of an alert already delivered (alone or in a digest). */
  duplicates: number;
  viaDigest: number;
  unidentified: number;
  /** Up to 20 lost alert ids, to look up in the outbox. */
  lostIds: number[];
}

const expand = (id: number, digests: ReadonlyMap<number, readonly number[]>): readonly number[] => digests.get(id) ?? [id];

/** Delivered, pending, lost and duplicated alerts of one destination. */
export function tallyDestination(ledger: DestinationLedger): DestinationTally {
  const seen = new Map<number, number>();
  let viaDigest = 0;
  for (const id of ledger.arrivals) {
    const members = expand(id, ledger.digests);
    if (ledger.digests.has(id)) viaDigest += members.length;
    for (const member of members) seen.set(member, (seen.get(member) ?? 0) + 1);
  }
  const pending = new Set(ledger.pending.flatMap((id) => expand(id, ledger.digests)));
  const queued = new Set(ledger.queued);
  let delivered = 0;
  let pendingCount = 0;
  const lostIds: number[] = [];
  let lost = 0;
  for (const id of queued) {
    if (seen.has(id)) delivered++;
    else if (pending.has(id)) pendingCount++;
    else {
      lost++;
      if (lostIds.length < 20) lostIds.push(id);
    }
  }
  let duplicates = 0;
  let unidentified = ledger.unidentified;
  for (const [id, times] of seen) {
    if (!queued.has(id)) unidentified += times;
    else duplicates += times - 1;
  }
  return { produced: queued.size, delivered, pending: pendingCount, lost, duplicates, viaDigest, unidentified, lostIds };
}

/** One reading of a memory figure (RSS, heap used). */
export interface MemorySample {
  /** Since the soak started, ms. */
  tMs: number;
  mb: number;
}

/**
 * Least-squares slope of a memory figure over time, in MB per minute, from the
 * samples taken at or after `warmupMs` (allocation while caches, JIT and
 * SQLite's page cache fill is not growth). NaN with fewer than two such samples.
 */
export function slopeMBPerMin(samples: readonly MemorySample[], warmupMs: number): number {
  const points = samples.filter((s) => s.tMs >= warmupMs).map((s) => ({ x: s.tMs / 60_000, y: s.mb }));
  if (points.length < 2) return Number.NaN;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / points.length;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / points.length;
  let sxy = 0;
  let sxx = 0;
  for (const p of points) {
    sxy += (p.x - meanX) * (p.y - meanY);
    sxx += (p.x - meanX) ** 2;
  }
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

export const SOAK_TARGET = {
  /** Resident memory the bot process may reach, MB (its high-water mark, not only the samples). */
  rssMaxMB: 200,
  lost: 0,
} as const;

export interface SoakSummaryInput {
  minutes: number;
  /** The bot's RSS over the run. */
  samples: readonly MemorySample[];
  /** The bot's RSS high-water mark (VmHWM), which catches peaks between samples. */
  rssPeakMB?: number;
  warmupMs: number;
  /** Alerts the bot produced (flood digests excluded). */
  alertsProduced: number;
  destinations: Readonly<Record<string, DestinationLedger>>;
}

export interface SoakSummary {
  summary: true;
  minutes: number;
  rssStartMB: number;
  rssMaxMB: number;
  rssEndMB: number;
  /** The high-water mark when known, else rssMaxMB. */
  rssPeakMB: number;
  /** null when there were too few samples after the warm-up. */
  slopeMBPerMin: number | null;
  alertsProduced: number;
  alertsDelivered: Record<string, number>;
  pendingAfterDrain: Record<string, number>;
  lost: number;
  duplicates: number;
  withinTarget: boolean;
  destinations: Record<string, DestinationTally>;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The summary line: memory figures, per-destination deliveries, and whether the targets were met. */
export function summarizeSoak(input: SoakSummaryInput): SoakSummary {
  const tallies = Object.fromEntries(Object.entries(input.destinations).map(([id, ledger]) => [id, tallyDestination(ledger)]));
  const rss = input.samples.map((s) => s.mb);
  const slope = slopeMBPerMin(input.samples, input.warmupMs);
  const rssMaxMB = rss.length > 0 ? Math.max(...rss) : Number.NaN;
  const rssPeakMB = Math.max(rssMaxMB, input.rssPeakMB ?? Number.NEGATIVE_INFINITY);
  const lost = Object.values(tallies).reduce((sum, t) => sum + t.lost, 0);
  return {
    summary: true,
    minutes: input.minutes,
    rssStartMB: round(rss[0] ?? Number.NaN),
    rssMaxMB: round(rssMaxMB),
    rssEndMB: round(rss.at(-1) ?? Number.NaN),
    rssPeakMB: round(rssPeakMB),
    slopeMBPerMin: Number.isNaN(slope) ? null : round(slope, 2),
    alertsProduced: input.alertsProduced,
    alertsDelivered: Object.fromEntries(Object.entries(tallies).map(([id, t]) => [id, t.delivered])),
    pendingAfterDrain: Object.fromEntries(Object.entries(tallies).map(([id, t]) => [id, t.pending])),
    lost,
    duplicates: Object.values(tallies).reduce((sum, t) => sum + t.duplicates, 0),
    withinTarget: rssPeakMB <= SOAK_TARGET.rssMaxMB && lost === SOAK_TARGET.lost,
    destinations: tallies,
  };
}
