/**
 * The story index in the database (issue #6): the evidence keys of every story
 * a new post could join, so the bot's memory no longer grows with the number of
 * stories in the 72-hour matching window. A key is stored as a 53-bit hash of
 * its text: a collision only offers matchStory one more story to reject. One
 * B-tree and no second index: a story's features only grow, so its keys are
 * only ever added while it is indexed, and removed all at once when it ages out.
 * `story_index_state.indexed_since`: every story whose latest post is at or
 * after it has its keys here, and no older story has. `stories.version` is a
 * random number written with every change of a story, so a reader can keep a
 * story parsed for as long as its version stays the same.
 */
export default `
  CREATE TABLE story_keys (
    key INTEGER NOT NULL,
    story TEXT NOT NULL,
    event INTEGER NOT NULL,
    PRIMARY KEY (key, story)
  ) WITHOUT ROWID;

  ALTER TABLE stories ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

  CREATE TABLE story_index_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_since INTEGER NOT NULL
  );
  `;
