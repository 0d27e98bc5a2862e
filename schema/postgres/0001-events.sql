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
