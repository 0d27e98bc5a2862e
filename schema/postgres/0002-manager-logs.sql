-- As on SQLite (schema/0003-manager-logs.sql): each manager's events are listed in a
-- projection row of its own, so the index on the manager column goes. Applied on open
-- to a database made before it (the names applied are kept in ladder_migrations).
DROP INDEX IF EXISTS events_by_manager;
