/** Subscriptions, admin overrides of the YAML config and their audit log (issue: chat experience, commands). */
export default `
  CREATE TABLE subscriptions (
    destination TEXT PRIMARY KEY,
    settings TEXT NOT NULL,
    updated_at INTEGER NOT NULL
  );

  -- id orders overrides: they apply in the order they were first set, and an update keeps its place.
  CREATE TABLE config_overrides (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    value TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_name TEXT
  );

  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    platform TEXT NOT NULL,
    user_id TEXT NOT NULL,
    user_name TEXT,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'refused', 'invalid')),
    detail TEXT
  );
  CREATE INDEX audit_log_target ON audit_log(target, at);

  -- /digest and the scheduled digests read recent move alerts across tokens.
  CREATE INDEX alerts_move_time ON alerts(created_at) WHERE kind = 'move';
  `;
