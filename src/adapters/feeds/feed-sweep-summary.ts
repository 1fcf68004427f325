/**
 * The closing summary of `radar parse-feed` over many files: how many parsed,
 * why the others were rejected (grouped), which parsed files look wrong, and
 * what the sweep cost.
 */
import type { ParseFileResult } from './parse-feed-files.ts';

export interface SweepSummary {
  files: number;
  parsed: number;
  rejected: number;
  /** Rejections grouped by their reason with positions and quoted text removed, most frequent first. */
  rejectionsByReason: { reason: string; count: number; example: string }[];
  /** Parsed files per suspicion ("no title", "U+FFFD in a title"…), most frequent first. */
  suspiciousByKind: { kind: string; count: number; examples: string[] }[];
  peakRssBytes: number;
  elapsedMs: number;
}

const EXAMPLES_PER_KIND = 3;

/** Summarise a sweep; `peakRssBytes` and `elapsedMs` are measured by the caller. */
export function summariseSweep(results: readonly ParseFileResult[], cost: { peakRssBytes: number; elapsedMs: number }): SweepSummary {
  const reasons = new Map<string, { count: number; example: string }>();
  const kinds = new Map<string, string[]>();
  let parsed = 0;
  for (const result of results) {
    if (result.ok) {
      parsed++;
      for (const kind of result.suspicious ?? []) {
        const files = kinds.get(kind) ?? [];
        files.push(result.file);
        kinds.set(kind, files);
      }
      continue;
    }
    const reason = rejectionGroup(result.error ?? 'no reason given');
    const group = reasons.get(reason);
    if (group) group.count++;
    else reasons.set(reason, { count: 1, example: result.file });
  }
  return {
    files: results.length,
    parsed,
    rejected: results.length - parsed,
    rejectionsByReason: [...reasons].map(([reason, g]) => ({ reason, ...g })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    suspiciousByKind: [...kinds]
      .map(([kind, files]) => ({ kind, count: files.length, examples: files.slice(0, EXAMPLES_PER_KIND) }))
      .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
    ...cost,
  };
}

/**
 * The reason of a rejection without what varies per file: the parser's
 * position ("at line 14, column 6"), quoted context ("near …"), sizes and URLs.
 */
export function rejectionGroup(error: string): string {
  return error
    .replace(/ at line \d+, column \d+/, '')
    .replace(/, near ".*"$/, '')
    .replace(/https?:\/\/[^\s"'<>()]+/g, 'URL')
    .replace(/\b\d+ (bytes|characters)/g, 'N $1')
    .replace(/\(limit \d+\)/, '(limit N)');
}

/** The summary as lines for a terminal. */
export function formatSweepSummary(summary: SweepSummary): string[] {
  const percent = (n: number) => (summary.files === 0 ? '0%' : `${((100 * n) / summary.files).toFixed(1)}%`);
  const lines = [
    `${summary.files} files: ${summary.parsed} parsed (${percent(summary.parsed)}), ${summary.rejected} rejected (${percent(summary.rejected)})`,
  ];
  if (summary.rejectionsByReason.length > 0) {
    lines.push('rejected, by reason:');
    for (const group of summary.rejectionsByReason) lines.push(`  ${String(group.count).padStart(5)}  ${group.reason}  (e.g. ${group.example})`);
  }
  if (summary.suspiciousByKind.length > 0) {
    lines.push('parsed but suspicious:');
    for (const kind of summary.suspiciousByKind) lines.push(`  ${String(kind.count).padStart(5)}  ${kind.kind}  (e.g. ${kind.examples.join(', ')})`);
  }
  lines.push(`peak RSS ${(summary.peakRssBytes / 1024 / 1024).toFixed(0)} MB, ${(summary.elapsedMs / 1000).toFixed(1)} s`);
  return lines;
}
