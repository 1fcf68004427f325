/** Feeds, posts, stories, candles and the alert outbox. */
export default `
  CREATE TABLE feed_state (
    feed_id TEXT PRIMARY KEY,
    etag TEXT,
    last_modified TEXT,
    last_success_at INTEGER,
    last_attempt_at INTEGER,
    failures INTEGER NOT NULL DEFAULT 0,
    next_poll_at INTEGER NOT NULL DEFAULT 0,
    disabled_at INTEGER,
    disabled_reason TEXT,
    last_error TEXT,
    items_seen INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE posts (
    id TEXT PRIMARY KEY,
    feed_id TEXT NOT NULL,
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    guid TEXT,
    title_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    published_at INTEGER NOT NULL,
    fetched_at INTEGER NOT NULL,
    author TEXT,
    categories TEXT NOT NULL DEFAULT '[]',
    lang TEXT,
    source_weight REAL NOT NULL DEFAULT 1,
    story_id TEXT,
    analysis TEXT
  );
  CREATE INDEX posts_url ON posts(url);
  CREATE INDEX posts_feed_guid ON posts(feed_id, guid);
  CREATE INDEX posts_feed_title ON posts(feed_id, title_hash);
  CREATE INDEX posts_published ON posts(published_at);

  CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    url TEXT NOT NULL,
    first_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    features TEXT NOT NULL,
    languages TEXT NOT NULL,
    sources TEXT NOT NULL,
    post_count INTEGER NOT NULL
  );
  CREATE INDEX stories_last ON stories(last_at);

  CREATE TABLE candles (
    symbol TEXT NOT NULL,
    timeframe TEXT NOT NULL,
    time INTEGER NOT NULL,
    open REAL NOT NULL,
    high REAL NOT NULL,
    low REAL NOT NULL,
    close REAL NOT NULL,
    volume REAL NOT NULL,
    venue TEXT NOT NULL,
    PRIMARY KEY (symbol, timeframe, time)
  ) WITHOUT ROWID;

  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    symbol TEXT,
    direction TEXT,
    story_id TEXT,
    severity TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    payload TEXT NOT NULL
  );
  CREATE INDEX alerts_move ON alerts(symbol, direction, created_at) WHERE kind = 'move';
  CREATE INDEX alerts_story ON alerts(story_id) WHERE story_id IS NOT NULL;

  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    destination TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    sent_at INTEGER,
    UNIQUE (alert_id, destination)
  );
  CREATE INDEX deliveries_due ON deliveries(next_attempt_at) WHERE status = 'pending';
  `;
