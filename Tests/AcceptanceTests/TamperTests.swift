import Testing
import LadderDomain

/// With the guard's triggers dropped by another SQLite client, every kind of
/// change to the log is found by `verify`, which names the first bad seq.
@Suite struct TamperTests {
    func ledger() throws -> Sandbox {
        let s = try Sandbox()
        let r = s.append(World.base + [World.apply("A-1", "M-1")] + World.steps("A-1"))
        precondition(r.status == 0, r.stderr)
        #expect(s.sqlite("DROP TRIGGER events_no_update; DROP TRIGGER events_no_delete").status == 0)
        return s
    }

    func firstBad(_ s: Sandbox) -> JSONValue {
        let r = s.run("verify", "--json")
        #expect(r.status == 1, "verify should fail")
        return r.json["firstBad"]
    }

    @Test(.enabled(if: !Sandbox.onPostgres, "tampers through the sqlite3 client")) func aChangedByteInAnyColumnIsFound() throws {
        let columns = ["id", "type", "effective", "recorded", "actor_id", "actor_role", "data", "packed", "manager", "prev_hash", "hash"]
        for column in columns {
            let s = try ledger()
            // Row 40 holds a PerformanceRated for M-1 (its manager column is set).
            let sql = "UPDATE events SET \(column) = CASE WHEN substr(\(column), 1, 1) = 'Z' THEN 'Y' ELSE 'Z' END || substr(\(column), 2) WHERE seq = 40"
            #expect(s.sqlite(sql).status == 0, "\(column)")
            // Restore the guard as a tamperer would, so only the chain can tell.
            #expect(s.sqlite("CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'x'); END; CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'x'); END;").status == 0)
            let bad = firstBad(s)
            // A changed hash shows at its own row or as a broken link at the next one.
            #expect(column == "hash" ? (bad == 40 || bad == 41) : bad == 40, "\(column): \(bad)")
        }
    }

    /// A row that cannot be read back stops a replay, on one connection or with the
    /// second reader thread: an error naming the seq, and the projections as they were.
    @Test(.enabled(if: !Sandbox.onPostgres, "tampers through the sqlite3 client")) func anUnreadableRowStopsAReplayAndKeepsTheProjections() throws {
        let s = try ledger()
        #expect(s.sqlite("UPDATE events SET packed = 'not packed' WHERE seq = 40").status == 0)
        let rows = { s.sqlite("SELECT kind, key, hex(body) FROM projection ORDER BY kind, key").stdout }
        let before = rows()
        for prefetch in ["1000000000", "1"] {
            let r = s.exec(["replay", "--db", s.db], env: ["LADDER_REPLAY_PREFETCH": prefetch])
            #expect(r.status != 0)
            #expect(r.stderr.hasPrefix("error:") && r.stderr.contains("seq 40"), "prefetch above \(prefetch): \(r.stderr)")
            #expect(rows() == before, "prefetch above \(prefetch)")
        }
    }

    @Test(.enabled(if: !Sandbox.onPostgres, "tampers through the sqlite3 client")) func aDeletedEventIsFound() throws {
        let s = try ledger()
        #expect(s.sqlite("DELETE FROM events WHERE seq = 30").status == 0)
        #expect(firstBad(s) == 30)
    }

    @Test(.enabled(if: !Sandbox.onPostgres, "tampers through the sqlite3 client")) func aReorderedPairIsFound() throws {
        let s = try ledger()
        #expect(s.sqlite("UPDATE events SET seq = -1 WHERE seq = 30; UPDATE events SET seq = 30 WHERE seq = 31; UPDATE events SET seq = 31 WHERE seq = -1").status == 0)
        #expect(firstBad(s) == 30)
    }

    @Test(.enabled(if: !Sandbox.onPostgres, "tampers through the sqlite3 client")) func anInsertedEventIsFound() throws {
        let s = try ledger()
        let head = s.run("head", "--json").json["seq"].intValue!
        // Make room at seq 30 and insert a copy of row 29 with a plausible hash.
        var sql = ""
        for seq in stride(from: head, through: 30, by: -1) { sql += "UPDATE events SET seq = \(seq + 1) WHERE seq = \(seq);" }
        sql += "INSERT INTO events SELECT 30, 'forged', type, effective, recorded, actor_id, actor_role, data, packed, manager, hash, hash FROM events WHERE seq = 29;"
        #expect(s.sqlite(sql).status == 0)
        #expect(firstBad(s) == 30)
    }

    @Test(.enabled(if: !Sandbox.onPostgres, "tampers through the sqlite3 client")) func aForgedTailNeedsTheAnchoredHead() throws {
        let s = try ledger()
        let anchor = s.run("head").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // Removing the last event leaves a valid shorter chain; only the anchor shows it.
        let head = s.run("head", "--json").json["seq"].intValue!
        #expect(s.sqlite("DELETE FROM events WHERE seq = \(head)").status == 0)
        #expect(s.sqlite("CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'x'); END; CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'x'); END;").status == 0)
        #expect(s.run("verify").status == 0)
        let r = s.run("verify", "--head", anchor, "--json")
        #expect(r.status == 1)
        #expect(r.json["firstBad"] == .int(head))
    }

    @Test func sqlAndPathLookingTextIsStoredAndPrintedVerbatim() throws {
        let s = try Sandbox()
        let evil = "Robert'); DROP TABLE events;--"
        let path = "../../etc/passwd"
        let r = s.append(World.grants + [World.enrol("M-1", evil),
                                         World.e("left", "ManagerLeft", "2026-02-01", "hr-zhang", "hr", ["manager": "M-1", "reason": .string(path)])])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(s.run("manager", "M-1", "--json").json["name"] == .string(evil))
        #expect(s.run("manager", "M-1", "--json").json["leftReason"] == .string(path))
        #expect(s.run("manager", "M-1").stdout.contains(evil))
        #expect(s.log("--manager", "M-1").count == 2)
        // An id that looks like SQL is refused by its charset, never executed.
        let forged = World.enrol("M-2", "x").replacingOccurrences(of: "enrol-M-2", with: "x';DROP TABLE events;--")
        #expect(s.append([forged]).rules == ["bad-field"])
        #expect(s.run("verify").status == 0)
    }
}

/// The same evidence on PostgreSQL, through the psql client.
@Suite struct PostgresTamperTests {
    func psql(_ s: Sandbox, _ sql: String) -> Run {
        s.exec(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", s.db, "-c", sql], executable: "/usr/bin/psql")
    }

    @Test(.enabled(if: Sandbox.onPostgres, "needs $LADDER_TEST_PG_URL")) func theGuardAndTheChainHoldOnPostgres() throws {
        let s = try Sandbox()
        #expect(s.append(World.base).status == 0)
        for sql in ["UPDATE events SET data = 'x' WHERE seq = 20", "DELETE FROM events WHERE seq = 20", "TRUNCATE events"] {
            let r = psql(s, sql)
            #expect(r.status != 0, "\(sql)")
            #expect(r.stderr.contains("append-only"), "\(sql): \(r.stderr)")
        }
        #expect(s.run("verify").status == 0)
        #expect(psql(s, "ALTER TABLE events DISABLE TRIGGER events_no_update; UPDATE events SET data = replace(data, 'M-1', 'M-9') WHERE seq = 20; ALTER TABLE events ENABLE TRIGGER events_no_update").status == 0)
        let r = s.run("verify", "--json")
        #expect(r.status == 1)
        #expect(r.json["firstBad"] == 20)
        #expect(psql(s, "DROP TRIGGER events_no_truncate ON events").status == 0)
        #expect(s.run("verify", "--json").json["guard"] == false)
    }

    /// A replay compares each row with the one held under its key (read back in slices of keys, the
    /// default for a backend with round trips): a changed, a lost and a foreign row are put right, no other.
    @Test(.enabled(if: Sandbox.onPostgres, "needs $LADDER_TEST_PG_URL")) func aReplayOnPostgresPutsRightTheRowsNotInStep() throws {
        let s = try Sandbox()
        #expect(s.append(World.base + [World.apply("A-1", "M-1")] + World.steps("A-1")).status == 0)
        let rows = { psql(s, "SELECT md5(string_agg(kind || ' ' || key || ' ' || encode(body, 'hex'), ',' ORDER BY kind, key)) FROM projection").stdout }
        let good = rows()
        #expect(s.run("replay", "--json").json["rewritten"] == 0)
        #expect(rows() == good)
        #expect(psql(s, """
            UPDATE projection SET body = '\\x00' WHERE kind = 'application' AND key = 'A-1';
            DELETE FROM projection WHERE kind = 'manager-log' AND key = 'M-1';
            INSERT INTO projection (kind, key, body) SELECT 'record', 'M-1|2001H1', body FROM projection WHERE kind = 'manager' AND key = 'M-1'
            """).status == 0)
        #expect(rows() != good)
        let r = s.run("replay", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.json["rewritten"] == 3)
        #expect(rows() == good)
    }

    /// A database made before the manager lists (the index on the manager column, no
    /// `ladder_migrations`, rows of format state-v4) is migrated on its next open, once.
    @Test(.enabled(if: Sandbox.onPostgres, "needs $LADDER_TEST_PG_URL")) func anOlderPostgresDatabaseIsMigratedOnOpen() throws {
        let s = try Sandbox()
        #expect(s.append(World.base + [World.apply("A-1", "M-1")]).status == 0)
        let good = s.log("--manager", "M-1")
        #expect(good.count > 5)
        #expect(psql(s, """
            DROP TABLE ladder_migrations; DELETE FROM projection WHERE kind = 'manager-log'; UPDATE checkpoint SET name = 'state-v4';
            CREATE INDEX events_by_manager ON events (manager, seq) WHERE manager IS NOT NULL
            """).status == 0)
        #expect(s.run("head").status == 0)
        let state = psql(s, "SELECT (SELECT count(*) FROM pg_indexes WHERE indexname = 'events_by_manager') || ',' || (SELECT count(*) FROM ladder_migrations) || ',' || (SELECT count(*) FROM projection WHERE kind = 'manager-log')")
        let counts = state.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.contains(",") }
        #expect(counts == "0,2,3", "\(state.stdout) \(state.stderr)")
        #expect(s.log("--manager", "M-1") == good)
        #expect(s.run("verify").status == 0)
    }
}

@Suite struct CheckpointRepairTests {
    /// A checkpoint behind, ahead of, or foreign to the log, or of an older row format, is repaired on the next open, reports unchanged.
    @Test(.enabled(if: !Sandbox.onPostgres, "edits the checkpoint through the sqlite3 client")) func aCheckpointOutOfStepIsRepairedOnOpen() throws {
        let s = try Sandbox()
        #expect(s.append(World.base + [World.apply("A-1", "M-1")] + World.steps("A-1")).status == 0)
        let good = s.run("window", "2026H2", "--unit", "changsha", "--json").stdout
        let goodLog = s.run("log", "--manager", "M-1", "--json").stdout
        #expect(goodLog.contains("A-1"))
        for sql in ["UPDATE checkpoint SET seq = seq - 7", "UPDATE checkpoint SET seq = seq + 3", "UPDATE checkpoint SET hash = 'x'",
                    "DELETE FROM checkpoint", "DELETE FROM projection WHERE kind = 'application'; UPDATE checkpoint SET seq = 20",
                    "DELETE FROM projection WHERE kind = 'manager-log'; UPDATE checkpoint SET hash = 'x'",
                    // rows of an older format (JSON) under an older checkpoint name: rebuilt, not misread
                    "UPDATE projection SET body = CAST('{}' AS BLOB) WHERE kind = 'application'; UPDATE checkpoint SET name = 'state'"] {
            #expect(s.sqlite(sql).status == 0)
            #expect(s.run("head").status == 0)   // any open repairs
            let inStep = s.sqlite("SELECT (SELECT seq FROM checkpoint) = (SELECT max(seq) FROM events)").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(inStep == "1", "\(sql)")
            #expect(s.run("window", "2026H2", "--unit", "changsha", "--json").stdout == good, "\(sql)")
            #expect(s.run("log", "--manager", "M-1", "--json").stdout == goodLog, "\(sql)")
        }
    }
}
