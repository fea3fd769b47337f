import Foundation
import GRDB
import Semantics
import Store
import Telemetry
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `close(2)`, which `CallLedger.close()` hides.
private func closeDescriptor(_ fd: Int32) {
    #if canImport(Glibc)
    _ = Glibc.close(fd)
    #else
    _ = Darwin.close(fd)
    #endif
}

/// Why the history file cannot be used (as it is meant to be); each says what to do about it.
public enum LedgerError: Error, CustomStringConvertible, Equatable {
    case unwritableDirectory(path: String, reason: String)
    /// Another tokentop holds the file: this one may read it, not write it.
    case lockedByAnother(path: String, pid: Int32?)
    case notADatabase(path: String)
    /// The file was written by a newer tokentop: these are the schema changes this one does not know.
    case newerSchema(path: String, unknown: [String])
    case missing(path: String)
    case cannotOpen(path: String, reason: String)

    public var description: String {
        switch self {
        case .unwritableDirectory(let path, let reason):
            return "history: cannot create \((path as NSString).deletingLastPathComponent) (\(reason)); "
                + "going on without history (choose another file with --history FILE, or --no-history)"
        case .lockedByAnother(let path, let pid):
            return "history: another tokentop\(pid.map { " (pid \($0))" } ?? "") writes \(path); "
                + "this one shows its history read-only (give it its own file with --history FILE)"
        case .notADatabase(let path):
            return "history: \(path) is not a tokentop history file (not SQLite, or corrupt); going on without "
                + "history (move the file away to start a new one, or choose another with --history FILE)"
        case .newerSchema(let path, let unknown):
            return "history: \(path) was written by a newer tokentop (schema \(unknown.map { "'\($0)'" }.joined(separator: ", ")) "
                + "unknown to this one); refused, going on without history (use a newer tokentop, or --history FILE)"
        case .missing(let path):
            return "history: no history at \(path) yet (tokentop writes it as calls arrive)"
        case .cannotOpen(let path, let reason):
            return "history: cannot open \(path): \(reason); going on without history"
        }
    }
}

/// The call ledger: an SQLite file of every counted LLM call and tool call (not spans: it stays small).
/// One tokentop writes it (an advisory lock on `FILE.lock` says which); others only read it.
public final class CallLedger: @unchecked Sendable {
    public let path: String
    public let isWriter: Bool
    let database: DatabasePool
    /// The lock file's descriptor while this process writes the file.
    private var lockDescriptor: Int32?
    /// Label ids already known (touched only by the one writer thread).
    private var labelIDs: [String: Int64] = [:]

    public struct Options: Sendable {
        /// Pages the file may grow to (SQLite's `max_page_count`): a full disk, without filling one.
        var maxPages: Int?

        public init() {}
    }

    /// Opens (creating it, its directory and its tables) the ledger to write. Exclusive (a live
    /// tokentop): throws `lockedByAnother` when another tokentop writes it; then `init(readingOnly:)`
    /// still shows it. Not exclusive (`report`, a short run): writes beside a live tokentop, SQLite
    /// taking turns, and a call both count is written once.
    public convenience init(writing path: String, exclusive: Bool = true, options: Options = Options()) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory.isEmpty ? "." : directory, withIntermediateDirectories: true)
        } catch {
            throw LedgerError.unwritableDirectory(path: path, reason: Self.reason(error))
        }
        let lock = exclusive ? try Self.takeLock(path + ".lock", ledgerPath: path) : -1
        do {
            try self.init(path: path, lock: lock, options: options)
        } catch {
            if lock >= 0 { closeDescriptor(lock) }
            throw error
        }
    }

    /// Opens an existing ledger to read it (another tokentop may be writing it).
    public convenience init(readingOnly path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw LedgerError.missing(path: path) }
        try self.init(path: path, lock: nil, options: Options())
    }

    private init(path: String, lock: Int32?, options: Options) throws {
        self.path = path
        self.lockDescriptor = lock
        self.isWriter = lock != nil
        var configuration = Configuration()
        configuration.label = "tokentop.history"
        configuration.busyMode = .timeout(5)
        // A pool runs the file in WAL mode: the screen's reads never wait for the writer. Synchronous
        // NORMAL: a transaction committed before the process is killed survives it.
        let maxPages = options.maxPages
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if let maxPages { try db.execute(sql: "PRAGMA max_page_count = \(maxPages)") }
        }
        do {
            database = try DatabasePool(path: path, configuration: configuration)
            let migrator = LedgerSchema.migrator
            let unknown = try database.read { db in
                try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
            }
            guard unknown.isEmpty else { throw LedgerError.newerSchema(path: path, unknown: unknown.sorted()) }
            if lock != nil {
                try migrator.migrate(database)
            } else {
                let applied = try database.read { try migrator.appliedIdentifiers($0) }
                guard applied == Set(migrator.migrations) else { throw LedgerError.notADatabase(path: path) }
            }
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode) {
            throw LedgerError.notADatabase(path: path)
        } catch let error as DatabaseError {
            throw LedgerError.cannotOpen(path: path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    deinit { close() }

    /// Closes the file and lets another tokentop write it; reads and writes fail from now on.
    public func close() {
        try? database.close()
        if let lockDescriptor, lockDescriptor >= 0 { closeDescriptor(lockDescriptor) }
        lockDescriptor = nil
    }

    /// An exclusive advisory lock on a file of its own (closing another descriptor of the database file
    /// would drop SQLite's own locks), holding the writer's pid for the message a second tokentop gives.
    private static func takeLock(_ lockPath: String, ledgerPath: String) throws -> Int32 {
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LedgerError.unwritableDirectory(path: ledgerPath, reason: String(cString: strerror(errno)))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = read(fd, &buffer, buffer.count)
            closeDescriptor(fd)
            let pid = count > 0 ? Int32(String(decoding: buffer.prefix(count), as: UTF8.self)
                .trimmingCharacters(in: .whitespacesAndNewlines)) : nil
            throw LedgerError.lockedByAnother(path: ledgerPath, pid: pid)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, pid, pid.count, 0)
        return fd
    }

    private static func reason(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(underlying.code))) }
        return (error as NSError).localizedDescription
    }

    // MARK: Writing

    /// Counts of what one `write` changed.
    public struct Written: Sendable, Equatable {
        public var calls = 0
        public var tools = 0
    }

    /// Writes the changes in one transaction: all of them, or none (then it throws).
    @discardableResult
    public func write(_ changes: [LedgerChange]) throws -> Written {
        precondition(isWriter, "only the writer writes")
        var written = Written()
        do {
            try database.write { db in
                for change in changes {
                    switch change {
                    case .call(let call):
                        try insert(call, db)
                        written.calls += db.changesCount
                    case .amend(let call):
                        try amend(call, db)
                    case .tool(let tool):
                        if try upsert(tool, db) { written.tools += 1 }
                    }
                }
            }
        } catch {
            // The transaction rolled back, and with it any label it added.
            labelIDs = [:]
            throw error
        }
        return written
    }

    private func label(_ text: String, _ db: Database) throws -> Int64 {
        if let id = labelIDs[text] { return id }
        try db.cachedStatement(sql: "INSERT INTO label (text) VALUES (?) ON CONFLICT (text) DO NOTHING").execute(arguments: [text])
        let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM label WHERE text = ?"), arguments: [text])!
        if labelIDs.count > 100_000 { labelIDs = [:] }
        labelIDs[text] = id
        return id
    }

    private static func identity(_ identity: CallIdentity) -> (Int64, Int64, Int64) {
        switch identity {
        case .span(let key):
            return (Int64(bitPattern: key.trace.high), Int64(bitPattern: key.trace.low), Int64(bitPattern: key.span.value))
        case .event(let hash):
            return (0, 0, Int64(bitPattern: hash))
        }
    }

    /// The ledger's times: milliseconds since the epoch (`UInt64.max`, "until the end", included).
    static func millis(_ nanos: UInt64) -> Int64 { Int64(min(nanos / 1_000_000, UInt64(Int64.max))) }

    private func insert(_ call: LedgerCall, _ db: Database) throws {
        let (high, low, span) = Self.identity(call.identity)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO call (trace_hi, trace_lo, span_id, started_ms, counted_ms, service, session, agent, provider,
                model, input, output, cache_read, cache_write, reasoning, cost_usd, reported_cost_usd, price_rule,
                duration_s, finish_reason, error, retried, from_event)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (span_id, trace_hi, trace_lo) DO NOTHING
            """)
        let u = call.usage
        try statement.execute(arguments: [
            high, low, span, Self.millis(call.startNanos), Self.millis(call.countedNanos),
            try label(call.service, db), try label(call.session, db), try label(call.agent, db),
            try label(call.provider, db), try label(call.model, db),
            u.input, u.output, u.cacheRead, u.cacheWrite, u.reasoning, call.costUSD, call.reportedCostUSD,
            try label(call.priceRule, db), call.durationSeconds, try label(call.finishReason, db), call.error,
            call.retried, call.fromEvent,
        ])
    }

    /// A later report of a written call: the row takes its figures, keeping when it was counted.
    private func amend(_ call: LedgerCall, _ db: Database) throws {
        let (high, low, span) = Self.identity(call.identity)
        let statement = try db.cachedStatement(sql: """
            UPDATE call SET session = ?, agent = ?, provider = ?, model = ?, input = ?, output = ?, cache_read = ?,
                cache_write = ?, reasoning = ?, cost_usd = ?, reported_cost_usd = ?, price_rule = ?, duration_s = ?,
                finish_reason = ?, error = ?, retried = ?
            WHERE span_id = ? AND trace_hi = ? AND trace_lo = ?
            """)
        let u = call.usage
        try statement.execute(arguments: [
            try label(call.session, db), try label(call.agent, db), try label(call.provider, db), try label(call.model, db),
            u.input, u.output, u.cacheRead, u.cacheWrite, u.reasoning, call.costUSD, call.reportedCostUSD,
            try label(call.priceRule, db), call.durationSeconds, try label(call.finishReason, db), call.error, call.retried,
            span, high, low,
        ])
    }

    /// A tool call's decision and its result arrive apart: the second fills in what the first lacked.
    /// Returns whether the tool call was new.
    private func upsert(_ tool: LedgerToolCall, _ db: Database) throws -> Bool {
        let (high, low, span) = Self.identity(tool.identity)
        let emptyLabel = try label("", db)
        let statement = try db.cachedStatement(sql: """
            INSERT INTO tool_call (trace_hi, trace_lo, span_id, started_ms, service, session, agent, name, duration_s,
                outcome, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (span_id, trace_hi, trace_lo) DO UPDATE SET
                started_ms = min(started_ms, excluded.started_ms),
                duration_s = coalesce(duration_s, excluded.duration_s),
                outcome = CASE WHEN outcome = 'rejected' THEN outcome ELSE coalesce(excluded.outcome, outcome) END,
                error = coalesce(error, excluded.error),
                session = CASE WHEN session = \(emptyLabel) THEN excluded.session ELSE session END
            WHERE excluded.started_ms < started_ms OR (duration_s IS NULL AND excluded.duration_s IS NOT NULL)
                OR (excluded.outcome IS NOT NULL AND excluded.outcome IS NOT outcome AND outcome IS NOT 'rejected')
                OR (error IS NULL AND excluded.error IS NOT NULL)
                OR (session = \(emptyLabel) AND excluded.session <> \(emptyLabel))
            """)
        let arguments: StatementArguments = [
            high, low, span, Self.millis(tool.startNanos), try label(tool.service, db), try label(tool.session, db),
            try label(tool.agent, db), try label(tool.name, db), tool.durationSeconds, tool.outcome?.rawValue, tool.error,
        ]
        // An upsert that updates leaves the last inserted row id as it was.
        let before = db.lastInsertedRowID
        try statement.execute(arguments: arguments)
        return db.changesCount > 0 && db.lastInsertedRowID != before
    }

    /// Deletes calls and tool calls that started before `cutoffNanos`, a slice at a time so that the
    /// writer never holds the file for long. Returns the rows deleted.
    @discardableResult
    public func prune(before cutoffNanos: UInt64) throws -> Int {
        let cutoff = Self.millis(cutoffNanos)
        var deleted = 0
        for table in ["call", "tool_call"] {
            while true {
                let count = try database.write { db in
                    try db.execute(sql: "DELETE FROM \(table) WHERE id IN (SELECT id FROM \(table) WHERE started_ms < ? LIMIT 10000)",
                                   arguments: [cutoff])
                    return db.changesCount
                }
                deleted += count
                if count < 10_000 { break }
            }
        }
        return deleted
    }

    // MARK: Reading

    /// The calls counted since `sinceNanos` (today's, and those in the burn windows), for the store to
    /// take again after a restart. At most `limit`, the latest.
    public func restoredCalls(countedSince sinceNanos: UInt64, limit: Int = 1_000_000) throws -> [RestoredCall] {
        try database.read { db in
            let rows = try Row.fetchCursor(db, sql: """
                SELECT trace_hi, trace_lo, call.span_id, counted_ms, m.text, input, output, cache_read, cache_write,
                    reasoning, cost_usd
                FROM call JOIN label m ON m.id = call.model WHERE counted_ms >= ? ORDER BY counted_ms DESC LIMIT ?
                """, arguments: [Self.millis(sinceNanos), limit])
            var calls: [RestoredCall] = []
            while let row = try rows.next() {
                calls.append(RestoredCall(
                    identity: Self.identity(high: row[0], low: row[1], span: row[2]),
                    countedNanos: UInt64(max(0, row[3] as Int64)) * 1_000_000, model: row[4],
                    usage: TokenUsage(input: row[5], output: row[6], cacheRead: row[7], cacheWrite: row[8], reasoning: row[9]),
                    costUSD: row[10]))
            }
            return calls.reversed()
        }
    }

    static func identity(high: Int64, low: Int64, span: Int64) -> CallIdentity {
        if high == 0 && low == 0 { return .event(UInt64(bitPattern: span)) }
        return .span(SpanKey(trace: TraceID(high: UInt64(bitPattern: high), low: UInt64(bitPattern: low)),
                             span: SpanID(UInt64(bitPattern: span))))
    }

    /// Rows in the two tables.
    public func counts() throws -> (calls: Int, tools: Int) {
        try database.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM call") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM tool_call") ?? 0)
        }
    }

    /// Runs a read on the file (for the history queries).
    func reading<T>(_ body: (Database) throws -> T) throws -> T {
        try database.read { try body($0) }
    }
}
