-- Each manager's events are listed in a projection row of its own (kind 'manager-log',
-- LedgerSession+ManagerLogs.swift), written with the other projections. The index it
-- replaces put one entry per event into one B-tree leaf per manager, so that a large
-- batch into a large store wrote back nearly all of its leaves (docs/performance.md).
-- The row format's new name (state-v5) makes the next open build the lists from the log.
DROP INDEX IF EXISTS events_by_manager;
