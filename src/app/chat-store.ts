/**
 * Persistence the chat area needs beyond the core store: per-destination
 * delivery state (deactivation after a permanent refusal, flood-control
 * digests). Implemented in adapters/sqlite/chat-store.ts.
 */
import type { Alert } from '../domain/alert.ts';
import type { Delivery } from './store.ts';

/**
 * Parked deliveries wait until here (the largest valid Date, in ms) while their destination
 * is deactivated, so they never fill the due batch that other destinations share.
 */
export const PARKED_UNTIL_MS = 8_640_000_000_000_000;

export interface DestinationState {
  destination: string;
  /** Set while the destination is deactivated: nothing is sent to it until an admin re-activates it. */
  deactivatedAt?: number;
  deactivatedReason?: string;
  reactivatedAt?: number;
  pending: number;
  sent: number;
  dead: number;
  /** Of `sent`: delivered as part of a digest (flood control) rather than one by one. */
  viaDigest: number;
  lastSentAt?: number;
}

export interface ChatStore {
  /**
   * Stop delivering to a destination until {@link ChatStore.reactivateDestination}:
   * persisted, so a restart does not hammer a channel that refused us. Its
   * pending deliveries are kept (parked), as are alerts queued for it later.
   */
  deactivateDestination(destination: string, reason: string, nowMs: number): void;
  /** Re-activate a deactivated destination and make its parked deliveries due; false when it was not deactivated. */
  reactivateDestination(destination: string, nowMs?: number): boolean;
  /** Deactivated destinations with when and why. */
  deactivatedDestinations(): Map<string, { at: number; reason: string }>;
  /** Every destination that has deliveries or state, with its counts. */
  destinationStates(): DestinationState[];
  /** Pending deliveries per destination, due or not. */
  pendingCounts(): Map<string, number>;
  /** A destination's pending deliveries (due or not), oldest alert first. */
  pendingDeliveriesFor(destination: string, limit: number): Delivery[];
  /**
   * Atomically queue `digest` for `destination` alone and mark `deliveryIds` (all
   * pending, all for `destination`) as sent through it. False, with nothing
   * written, when the digest's key exists or a delivery is no longer pending.
   */
  coalesceDeliveries(destination: string, deliveryIds: readonly number[], digest: Alert, nowMs: number): boolean;
}
