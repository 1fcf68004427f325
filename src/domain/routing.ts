/** Which destinations hear an alert: by alert kind and minimum severity. */
import type { Alert, Severity } from './alert.ts';

export interface DestinationRule {
  id: string;
  /** Alert kinds this destination takes; all when absent. */
  kinds?: readonly Alert['kind'][];
  minSeverity: Severity;
}

const RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2 };

export function severityAtLeast(severity: Severity, min: Severity): boolean {
  return RANK[severity] >= RANK[min];
}

/** Destination ids an alert goes to. Admin notices go everywhere that takes notices, whatever their severity. Pure. */
export function routeAlert(alert: Alert, rules: readonly DestinationRule[]): string[] {
  return rules
    .filter((r) => (r.kinds ? r.kinds.includes(alert.kind) : true))
    .filter((r) => alert.kind === 'notice' || severityAtLeast(alert.severity, r.minSeverity))
    .map((r) => r.id);
}
