import Foundation
import GRDB
@testable import History
import Semantics
import Store
import XCTest

/// What goes wrong with a history file says so, and nothing else stops.
final class LedgerFaultTests: XCTestCase {
    private let now: UInt64 = 1_796_428_800_000_000_000

    func testADirectoryThatCannotBeCreated() throws {
        let folder = TemporaryFolder()
        // A file where the directory should be: no permission bits to get around (tests may run as root).
        _ = FileManager.default.createFile(atPath: folder.path + "/file", contents: Data("x".utf8))
        let opened = OpenedHistory.open(path: folder.path + "/file/tokentop/history.sqlite", retentionDays: 400)
        XCTAssertNil(opened.writer)
        XCTAssertEqual(opened.status.mode, .failed)
        let problem = try XCTUnwrap(opened.status.problem)
        XCTAssertTrue(problem.hasPrefix("history: cannot create \(folder.path)/file/tokentop ("), problem)
        XCTAssertTrue(problem.contains("going on without history"), problem)
    }

    func testASecondTokentopReadsOnly() throws {
        let folder = TemporaryFolder()
        let first = OpenedHistory.open(path: folder.ledgerPath, retentionDays: 400)
        XCTAssertEqual(first.status.mode, .writing)
        try first.ledger!.write([.call(.sample(.event(1), at: now))])
        let second = OpenedHistory.open(path: folder.ledgerPath, retentionDays: 400)
        XCTAssertEqual(second.status.mode, .readOnly)
        XCTAssertNil(second.writer)
        XCTAssertEqual(second.status.problem,
                       "history: another tokentop (pid \(getpid())) writes \(folder.ledgerPath); this one shows its history read-only (give it its own file with --history FILE)")
        // It still shows what the first one wrote, and what it writes next.
        XCTAssertEqual(try second.ledger!.counts().calls, 1)
        try first.ledger!.write([.call(.sample(.event(2), at: now))])
        XCTAssertEqual(try second.ledger!.counts().calls, 2)
        // `report` writes beside the live one; a call both count is written once.
        let report = OpenedHistory.open(path: folder.ledgerPath, retentionDays: 400, exclusive: false)
        XCTAssertEqual(report.status.mode, .writing)
        try report.ledger!.write([.call(.sample(.event(2), at: now)), .call(.sample(.event(3), at: now))])
        XCTAssertEqual(try first.ledger!.counts().calls, 3)
    }

    func testACorruptFile() throws {
        let folder = TemporaryFolder()
        _ = FileManager.default.createFile(atPath: folder.ledgerPath, contents: Data(repeating: 0x5a, count: 8192))
        let opened = OpenedHistory.open(path: folder.ledgerPath, retentionDays: 400)
        XCTAssertEqual(opened.status.mode, .failed)
        XCTAssertEqual(opened.status.problem, LedgerError.notADatabase(path: folder.ledgerPath).description)
        XCTAssertTrue(opened.status.problem!.contains("is not a tokentop history file (not SQLite, or corrupt)"))
        // The file is left as it was, for the user to look at.
        XCTAssertEqual(FileManager.default.contents(atPath: folder.ledgerPath), Data(repeating: 0x5a, count: 8192))
    }

    func testANewerSchemaIsRefusedByName() throws {
        let folder = TemporaryFolder()
        do {
            let ledger = try CallLedger(writing: folder.ledgerPath)
            try ledger.database.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v2 call ledger with regions')")
            }
        }
        for opened in [OpenedHistory.open(path: folder.ledgerPath, retentionDays: 400)] {
            XCTAssertEqual(opened.status.mode, .failed)
            XCTAssertEqual(opened.status.problem, "history: \(folder.ledgerPath) was written by a newer tokentop "
                           + "(schema 'v2 call ledger with regions' unknown to this one); refused, going on without history "
                           + "(use a newer tokentop, or --history FILE)")
        }
        XCTAssertThrowsError(try CallLedger(readingOnly: folder.ledgerPath)) { error in
            XCTAssertEqual(error as? LedgerError, .newerSchema(path: folder.ledgerPath, unknown: ["v2 call ledger with regions"]))
        }
    }

    /// A full disk, made real by SQLite's own page limit: the writer says so, keeps what it could not
    /// write queued, and the store goes on counting.
    func testAFullDiskIsShownAndIngestGoesOn() throws {
        let folder = TemporaryFolder()
        var options = CallLedger.Options()
        options.maxPages = 40
        let ledger = try CallLedger(writing: folder.ledgerPath, options: options)
        let writer = LedgerWriter(ledger: ledger, retentionDays: nil, capacity: 5_000)
        let statuses = Statuses()
        writer.start { statuses.append($0) }
        let store = LiveStore(pricing: CallPricing(table: PriceTable.bundled), ledger: writer)
        for batch in try Fixtures.batches("openai-v2") { store.apply(batch) }
        // Calls with long names until the 40 pages are full.
        for n in 0..<3_000 {
            writer.enqueue([.call(.sample(.event(UInt64(n)), at: now, model: String(repeating: "m", count: 200) + String(n)))])
        }
        let deadline = Date().addingTimeInterval(20)
        while statuses.last?.problem == nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let problem = try XCTUnwrap(statuses.last?.problem)
        XCTAssertEqual(problem, "cannot write \(folder.ledgerPath): database or disk is full")
        XCTAssertGreaterThan(writer.status.pending, 0)
        // Live figures go on.
        XCTAssertGreaterThan(store.counters.storedSpans, 0)
        writer.stop(timeout: 5)
        XCTAssertGreaterThan(writer.status.unwritten, 0, "what could not be written is counted")
        XCTAssertEqual(try ledger.reading { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")
    }
}

final class Statuses: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [HistoryStatus] = []
    func append(_ status: HistoryStatus) { lock.withLock { all.append(status) } }
    var last: HistoryStatus? { lock.withLock { all.last } }
}
