import Foundation
import LadderDomain

/// Runs the real `ladder` binary on a real SQLite file in a temporary folder.
struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
    var json: JSONValue { (try? JSONParser.parse(stdout.trimmingCharacters(in: .whitespacesAndNewlines))) ?? .null }
    var errorLines: [String] { stderr.split(separator: "\n").map(String.init).filter { $0.hasPrefix("error:") } }
    var rules: [String] {
        errorLines.compactMap { line in
            guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]") else { return nil }
            return String(line[line.index(after: open)..<close])
        }
    }
}

final class Sandbox: @unchecked Sendable {
    let dir: URL
    /// The store under test: an SQLite file, or with $LADDER_TEST_PG_URL set
    /// (postgres://USER@HOST:PORT), a fresh PostgreSQL database per sandbox.
    let db: String
    let pgDatabase: String?

    static let pgBase = ProcessInfo.processInfo.environment["LADDER_TEST_PG_URL"]
    /// The suite runs against PostgreSQL; tests that tamper through the sqlite3 client skip.
    static let onPostgres = pgBase != nil

    static let binary: String = {
        if let b = ProcessInfo.processInfo.environment["LADDER_BIN"] { return b }
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [here, here.deletingLastPathComponent()] {
            let p = candidate.appendingPathComponent("ladder").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/ladder").path
    }()

    init(initialized: Bool = true) throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("ladder-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if let base = Sandbox.pgBase {
            let name = "ladder_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            pgDatabase = name
            db = base + "/" + name
            let r = Sandbox.psql(base, "CREATE DATABASE \(name) ENCODING 'UTF8' TEMPLATE template0")
            precondition(r.status == 0, "cannot create a test database: \(r.stderr)")
        } else {
            pgDatabase = nil
            db = dir.appendingPathComponent("ledger.sqlite").path
        }
        if initialized {
            let r = run("init")
            precondition(r.status == 0, "init failed: \(r.stderr)")
        }
    }

    // LADDER_KEEP_SANDBOX=1 keeps the folders, to look at a failing test's ledger.
    deinit {
        guard ProcessInfo.processInfo.environment["LADDER_KEEP_SANDBOX"] == nil else { return }
        try? FileManager.default.removeItem(at: dir)
        if let base = Sandbox.pgBase, let name = pgDatabase { _ = Sandbox.psql(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
    }

    /// Runs SQL through the psql client against the server's `postgres` database.
    static func psql(_ base: String, _ sql: String) -> Run {
        let scratch = Sandbox.scratch
        return scratch.exec(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", base + "/postgres", "-c", sql], executable: "/usr/bin/psql")
    }

    private init(scratchAt dir: URL) { self.dir = dir; db = ""; pgDatabase = nil }
    nonisolated(unsafe) static let scratch: Sandbox = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("ladder-psql")
        try? FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return Sandbox(scratchAt: d)
    }()

    /// `ladder ARGS --db <sandbox db>`, with `stdin` piped in.
    @discardableResult
    func run(_ args: String..., stdin: String? = nil, db: Bool = true) -> Run {
        exec(args + (db ? ["--db", self.db] : []), stdin: stdin.map { Data($0.utf8) })
    }

    func exec(_ args: [String], stdin: Data? = nil, executable: String = Sandbox.binary, env: [String: String] = [:]) -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if !env.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(env) { $1 } }
        p.currentDirectoryURL = dir
        // Output goes to files, so a large output can never block the child.
        let tag = UUID().uuidString
        let outURL = dir.appendingPathComponent("out-\(tag)"), errURL = dir.appendingPathComponent("err-\(tag)")
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outURL); try? FileManager.default.removeItem(at: errURL) }
        let out = try! FileHandle(forWritingTo: outURL), err = try! FileHandle(forWritingTo: errURL)
        let inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        do { try p.run() } catch { return Run(status: -1, stdout: "", stderr: "cannot run \(executable): \(error)") }
        if let stdin { inp.fileHandleForWriting.write(stdin) }
        try? inp.fileHandleForWriting.close()
        p.waitUntilExit()
        try? out.close(); try? err.close()
        let o = (try? Data(contentsOf: outURL)) ?? Data(), e = (try? Data(contentsOf: errURL)) ?? Data()
        return Run(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                   stderr: String(decoding: e, as: UTF8.self))
    }

    func write(_ name: String, _ text: String) -> String {
        let url = dir.appendingPathComponent(name)
        try! Data(text.utf8).write(to: url)
        return url.path
    }

    func write(_ name: String, bytes: [UInt8]) -> String {
        let url = dir.appendingPathComponent(name)
        try! Data(bytes).write(to: url)
        return url.path
    }

    /// Runs SQL through the sqlite3 command-line client: another SQLite client than ladder.
    @discardableResult
    func sqlite(_ sql: String) -> Run { exec([db, sql], executable: "/usr/bin/sqlite3") }

    /// The log as `ladder log --json` prints it.
    func log(_ extra: String...) -> [JSONValue] {
        if case .array(let a) = exec(["log", "--json", "--db", db] + extra).json { return a }
        return []
    }
}

/// A JSON Lines event as a user writes it.
func event(_ id: String, _ type: String, _ effective: String, actor: String, role: String,
           _ data: [String: JSONValue]) -> String {
    JSONValue.object(["id": .string(id), "type": .string(type), "effective": .string(effective),
                      "actor": .object(["id": .string(actor), "role": .string(role)]), "data": .object(data)]).canonical
}

extension JSONValue {
    subscript(_ i: Int) -> JSONValue {
        if case .array(let a) = self, i < a.count { return a[i] }
        return .null
    }
    var count: Int { if case .array(let a) = self { return a.count }; return 0 }
}
