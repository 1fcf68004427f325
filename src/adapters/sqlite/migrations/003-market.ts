/**
 * Market intelligence: the sector index series and event studies (issue:
 * market intelligence), and an index for looking up the last sector alert.
 */
export default `
  CREATE TABLE sector_index (
    name TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    time INTEGER NOT NULL,
    level REAL NOT NULL,
    ret REAL NOT NULL,
    members INTEGER NOT NULL,
    PRIMARY KEY (name, timeframe, time)
  ) WITHOUT ROWID;

  -- One row per post × token × horizon. Title, source and themes stay in posts (joined when read):
  -- a replay writes tens of thousands of rows and the narrow row keeps that cheap.
  CREATE TABLE event_studies (
    post_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    horizon_minutes INTEGER NOT NULL,
    story_id TEXT NOT NULL,
    feed_id TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    link TEXT NOT NULL CHECK (link IN ('mention', 'theme')),
    ret REAL NOT NULL,
    benchmark_ret REAL NOT NULL,
    beta REAL NOT NULL,
    abnormal_ret REAL NOT NULL,
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, symbol, horizon_minutes)
  ) WITHOUT ROWID;

  CREATE INDEX alerts_sector ON alerts(created_at) WHERE kind = 'sector';
  -- Reports list a story's posts (replay output, event studies by story).
  CREATE INDEX posts_story ON posts(story_id);
  -- Event studies take up the posts that arrived since their last run.
  CREATE INDEX posts_fetched ON posts(fetched_at);
  `;
