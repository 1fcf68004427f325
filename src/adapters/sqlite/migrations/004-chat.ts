/**
 * Delivery state per destination (issue: chat experience, delivery):
 * deactivation after a permanent refusal, which survives restarts until an
 * admin re-activates the destination; and, per delivery, the digest it was
 * sent through when flood control coalesced it.
 */
export default `
  CREATE TABLE destination_state (
    destination TEXT PRIMARY KEY,
    deactivated_at INTEGER,
    deactivated_reason TEXT,
    reactivated_at INTEGER
  );

  ALTER TABLE deliveries ADD COLUMN digest_alert_id INTEGER REFERENCES alerts(id);
  CREATE INDEX deliveries_destination ON deliveries(destination, status);
  `;
