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
