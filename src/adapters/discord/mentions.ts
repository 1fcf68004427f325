/**
 * Which configured roles an alert pings. Nothing in an alert's text can ping
 * (it is escaped and `allowed_mentions.parse` is empty); the only pings are the
 * roles an admin listed for a destination, each behind its own filter.
 */
import type { Alert, Severity } from '../../domain/alert.ts';
import { severityAtLeast } from '../../domain/routing.ts';

export interface MentionRule {
  /** Discord role id. */
  role: string;
  minSeverity: Severity;
  /** Only alerts about one of these tokens; any when absent. */
  tokens?: readonly string[];
  /** Only these alert kinds; any when absent. */
  kinds?: readonly Alert['kind'][];
}

interface Subject {
  kind: Alert['kind'];
  severity: Severity;
  tokens: readonly string[];
}

/** The alert as mention rules see it; a digest is the alerts it lists. */
function subjects(alert: Alert): Subject[] {
  switch (alert.kind) {
    case 'move':
      return [{ kind: 'move', severity: alert.severity, tokens: [alert.move.symbol] }];
    case 'sector':
      return [{ kind: 'sector', severity: alert.severity, tokens: alert.sector.members.map((m) => m.symbol) }];
    case 'story':
      return [{ kind: 'story', severity: alert.severity, tokens: alert.tokens }];
    case 'notice':
      return [{ kind: 'notice', severity: alert.severity, tokens: [] }];
    case 'digest':
      return alert.items.map((i) => ({ kind: i.kind, severity: i.severity, tokens: i.tokens }));
  }
}

function matches(rule: MentionRule, subject: Subject): boolean {
  if (rule.kinds && !rule.kinds.includes(subject.kind)) return false;
  if (!severityAtLeast(subject.severity, rule.minSeverity)) return false;
  if (rule.tokens && !subject.tokens.some((t) => rule.tokens!.includes(t))) return false;
  return true;
}

/**
 * Role ids to ping for `alert`, in rule order without repeats: a rule matches when
 * the alert (or, for a digest, any alert it lists) passes its kinds, severity and
 * tokens filters. Ids that are not Discord snowflakes are ignored. Pure.
 */
export function mentionedRoles(alert: Alert, rules: readonly MentionRule[] = []): string[] {
  const roles: string[] = [];
  const all = subjects(alert);
  for (const rule of rules) {
    if (!/^\d{15,22}$/.test(rule.role) || roles.includes(rule.role)) continue;
    if (all.some((s) => matches(rule, s))) roles.push(rule.role);
  }
  return roles;
}
