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
        ("0002-projection-rows-by-rowid", #"""
-- Projection rows are large (a manager's half-year of evidence is ~600 bytes). In a
-- rowid table they lie in the order they were written and only the small (kind, key)
-- index is kept in key order; the WITHOUT ROWID table kept whole rows in key order, so
-- a replay, which writes them half-year by half-year, rewrote most of the table's
-- pages at every half-year (docs/performance.md). The rows are disposable: dropping
-- them and the checkpoint makes the next open rebuild them from the log.
DROP TABLE projection;
CREATE TABLE projection (
    kind TEXT NOT NULL,
    key  TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE UNIQUE INDEX projection_by_key ON projection(kind, key);
DELETE FROM checkpoint;
"""#),
        ("0003-manager-logs", #"""
-- Each manager's events are listed in a projection row of its own (kind 'manager-log',
-- LedgerSession+ManagerLogs.swift), written with the other projections. The index it
-- replaces put one entry per event into one B-tree leaf per manager, so that a large
-- batch into a large store wrote back nearly all of its leaves (docs/performance.md).
-- The row format's new name (state-v5) makes the next open build the lists from the log.
DROP INDEX IF EXISTS events_by_manager;
"""#),
    ]

    static let postgres: [(name: String, sql: String)] = [
        ("0001-events", #"""
-- ladder schema v1 on PostgreSQL: the same log, guard, projections and checkpoint as on SQLite.
-- Applied by `ladder init --db postgres://…`; the hash chain is computed by ladder, as on SQLite.
CREATE TABLE events (
    seq        BIGINT PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    type       TEXT NOT NULL,
    effective  TEXT NOT NULL,
    recorded   TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    data       TEXT NOT NULL,
    packed     TEXT NOT NULL,
    manager    TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
CREATE INDEX events_by_manager ON events (manager, seq) WHERE manager IS NOT NULL;

-- The append-only guard: UPDATE, DELETE and TRUNCATE of the log all raise.
CREATE FUNCTION ladder_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ladder: the event log is append-only (% refused)', TG_OP;
END $$;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events FOR EACH ROW EXECUTE FUNCTION ladder_append_only();
CREATE TRIGGER events_no_delete BEFORE DELETE ON events FOR EACH ROW EXECUTE FUNCTION ladder_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION ladder_append_only();

-- The single serialization point of the log's head: every append locks this
-- row FOR UPDATE first, so seqs are assigned and committed in one order and a
-- reader never sees seq N+1 before N.
CREATE TABLE head (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    seq BIGINT NOT NULL
);
INSERT INTO head VALUES (1, 0);

-- Persisted projections (disposable; `ladder replay` rebuilds them). Keys sort
-- bytewise ("C") so that a manager's evidence rows are one key range.
CREATE TABLE projection (
    kind TEXT COLLATE "C" NOT NULL,
    key  TEXT COLLATE "C" NOT NULL,
    body BYTEA NOT NULL,
    PRIMARY KEY (kind, key)
);
CREATE TABLE checkpoint (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
"""#),
        ("0002-manager-logs", #"""
-- As on SQLite (schema/0003-manager-logs.sql): each manager's events are listed in a
-- projection row of its own, so the index on the manager column goes. Applied on open
-- to a database made before it (the names applied are kept in ladder_migrations).
DROP INDEX IF EXISTS events_by_manager;
"""#),
    ]
}
