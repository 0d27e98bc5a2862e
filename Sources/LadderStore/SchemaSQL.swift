// Generated from schema/*.sql by tools/embed-schema.py; a test checks they agree.

enum SchemaSQL {
    static let migrations: [(name: String, sql: String)] = [
        ("0001-events", #"""
-- ladder schema v1: the append-only event log, its guard, and persisted projections.
-- Applied by `ladder init` and by every open (GRDB's DatabaseMigrator, by name).

-- The log. seq is the global position, 1.. with no gaps, assigned inside the
-- append transaction as head + 1. hash = hex(sha256(prev_hash || body)), where
-- body is rebuilt from the columns (docs/hash-chain.md).
CREATE TABLE events (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    effective  TEXT NOT NULL,   -- YYYY-MM-DD
    recorded   TEXT NOT NULL,   -- RFC 3339 UTC, when the ledger learned the fact
    actor_id   TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    data       TEXT NOT NULL,   -- canonical JSON of the event's data (hashed)
    packed     TEXT NOT NULL,   -- the same values in catalogue order, for folds (not hashed; verify checks it)
    manager    TEXT,            -- the manager the event concerns, for `log --manager` (derived)
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX events_by_manager ON events(manager, seq) WHERE manager IS NOT NULL;

-- The append-only guard: no row of the log is ever changed or removed.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'ladder: the event log is append-only (UPDATE refused)'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'ladder: the event log is append-only (DELETE refused)'); END;

-- Persisted projections: disposable, rebuilt by `ladder replay`.
-- One row per entity (kind, key); the checkpoint says which seq they reflect.
CREATE TABLE projection (
    kind TEXT NOT NULL,
    key  TEXT NOT NULL,
    body BLOB NOT NULL,
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;

CREATE TABLE checkpoint (
    name TEXT PRIMARY KEY,
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
"""#),
    ]
}
