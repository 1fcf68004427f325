/**
 * Persistence the chat commands need: per-destination subscriptions, admin
 * overrides of the YAML config, and the audit log of every change (and every
 * refused attempt). Implemented in adapters/sqlite/commands-store.ts.
 */
import type { MoveAlert } from '../domain/alert.ts';
import type { Subscription } from './commands/subscription.ts';

/** Where a change came from. `cli` is the operator at the command line. */
export type Platform = 'discord' | 'telegram' | 'cli';

/** Who made a change: enough to find them again, never a secret. */
export interface Actor {
  platform: Platform;
  /** Platform user id (Discord snowflake, Telegram user or sender-chat id). */
  userId: string;
  /** Display name at the time, for people reading the audit; never used for authorization. */
  userName?: string;
}

/**
 * One admin change to the effective config, stored on top of the YAML files.
 * `key` is an override path (see commands/config-overrides.ts), e.g.
 * `alerts.moves.cooldownMinutes` or `feeds.feeds[id=coindesk].enabled`.
 */
export interface ConfigOverride {
  key: string;
  /** JSON value; validated against the config schema before it is stored. */
  value: unknown;
  updatedAt: number;
  updatedBy: Actor;
}

export type AuditOutcome = 'applied' | 'refused' | 'invalid';

export interface AuditEntry {
  at: number;
  actor: Actor;
  /** The command that asked, e.g. "alerts set", "feeds add", "subscribe". */
  action: string;
  /** What it changes: an override key or `subscription:<destination>`. */
  target: string;
  /** Value before (absent when there was none). */
  oldValue?: unknown;
  /** Value after (absent for a removal or a refused attempt). */
  newValue?: unknown;
  outcome: AuditOutcome;
  /** Why it was refused or invalid, for the admin reading the log. */
  detail?: string;
}

export interface AuditRecord extends AuditEntry {
  id: number;
}

export interface CommandsStore {
  getSubscription(destination: string): Subscription | undefined;
  listSubscriptions(): Subscription[];
  /** Save a destination's subscription (or delete it with `undefined`) and its audit entry atomically. */
  saveSubscription(destination: string, subscription: Subscription | undefined, audit: AuditEntry): void;

  /** Every override, in the order they were first set (the order they apply in). */
  listOverrides(): ConfigOverride[];
  /** Insert or replace an override (keeping its place in the order) and its audit entry atomically. */
  setOverride(override: ConfigOverride, audit: AuditEntry): void;
  /** Remove an override and record the audit entry atomically; false when there was none. */
  removeOverride(key: string, audit: AuditEntry): boolean;

  /** Record an audit entry on its own: refused or invalid attempts, and changes outside overrides and subscriptions. */
  recordAudit(entry: AuditEntry): void;
  /** Audit records, newest first; `target` narrows to one key, `targetPrefix` to a family of keys. */
  auditLog(options?: { target?: string; targetPrefix?: string; limit?: number }): AuditRecord[];

  /** The most recent move alert for a token (either direction, any window). */
  latestMoveAlert(symbol: string): MoveAlert | undefined;
  /** Move alerts created at or after `sinceMs`, newest first. */
  moveAlertsSince(sinceMs: number): MoveAlert[];
}
