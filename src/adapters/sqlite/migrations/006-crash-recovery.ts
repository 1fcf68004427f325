/**
 * Crash recovery (issue: kill -9 at any point): the outbox records a send in
 * flight, so a restart knows which deliveries may already have reached a chat;
 * and posts stored but never analysed (the process died in between) are found
 * per feed without scanning the feed's history.
 */
export default `
  -- Set just before a delivery is handed to its chat API, cleared when its outcome is recorded:
  -- a pending delivery that still has it was in flight when the process died.
  ALTER TABLE deliveries ADD COLUMN attempting_at INTEGER;

  -- Nearly always empty: a post is analysed in the cycle that stores it.
  CREATE INDEX posts_unanalyzed ON posts(feed_id) WHERE analysis IS NULL;
  `;
