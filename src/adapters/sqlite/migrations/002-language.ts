/**
 * Narrative series (issue: language and meaning): hourly theme mindshare and
 * sentiment, and the sector sentiment index (series 'sector'). Per-post
 * sentiment lives in posts.analysis with the rest of the analysis.
 */
export default `
  CREATE TABLE narrative_points (
    series TEXT NOT NULL,            -- theme id, or 'sector'
    bucket_start INTEGER NOT NULL,   -- epoch ms, start of the UTC hour
    posts INTEGER NOT NULL,
    stories INTEGER NOT NULL,
    share REAL NOT NULL,             -- theme posts / bucket_posts; 1 for the sector
    sentiment REAL NOT NULL,         -- theme: mean; sector: story-deduplicated, source-weighted index
    bucket_posts INTEGER NOT NULL,   -- themed posts in the hour: the denominator of shares
    PRIMARY KEY (series, bucket_start)
  ) WITHOUT ROWID;
  CREATE INDEX narrative_points_bucket ON narrative_points(bucket_start);
  `;
