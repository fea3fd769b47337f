import Foundation
import GRDB
@testable import History
import Semantics
import Store
import XCTest
import Telemetry

/// The ledger on real SQLite files: what is written, once, and what comes back.
final class CallLedgerTests: XCTestCase {
    private let day: UInt64 = 1_796_428_800_000_000_000  // 2026-12-05T00:00:00Z

    private func span(_ n: UInt64) -> CallIdentity {
        .span(SpanKey(trace: TraceID(high: 7, low: n), span: SpanID(n)))
    }

    func testACallIsWrittenOnceAndAmendedInPlace() throws {
        let folder = TemporaryFolder()
        let ledger = try CallLedger(writing: folder.ledgerPath)
        let first = LedgerCall.sample(span(1), at: day + 1_000_000_000)
        var written = try ledger.write([.call(first), .call(.sample(.event(42), at: day + 2_000_000_000))])
        XCTAssertEqual(written.calls, 2)
        // Sent again (a retrying exporter, a replayed file): nothing new.
        written = try ledger.write([.call(first)])
        XCTAssertEqual(written.calls, 0)
        var amended = first
        amended.costUSD = 0.5
        amended.finishReason = "stop"
        amended.countedNanos = day + 9_000_000_000
        try ledger.write([.amend(amended)])
        XCTAssertEqual(try ledger.counts().calls, 2)
        let row = try XCTUnwrap(try ledger.reading { db in
            try Row.fetchOne(db, sql: "SELECT cost_usd, finish_reason, counted_ms, trace_id, span_id FROM calls WHERE span_id = ?",
                             arguments: [String(format: "%016x", 1)])
        })
        XCTAssertEqual(row[0] as Double, 0.5)
        XCTAssertEqual(row[1] as String, "stop")
        // When it was counted stays the first report's: that is the day it joined.
        XCTAssertEqual(row[2] as Int64, Int64((day + 1_000_000_000) / 1_000_000))
        XCTAssertEqual(row[3] as String, "00000000000000070000000000000001")
    }

    func testAToolCallsDecisionAndResultMakeOneRow() throws {
        let folder = TemporaryFolder()
        let ledger = try CallLedger(writing: folder.ledgerPath)
        let identity = try XCTUnwrap(CallIdentity.tool(service: "claude-code", session: "s", callID: "toolu_1"))
        let decision = LedgerToolCall(identity: identity, startNanos: day + 5_000_000_000, service: "claude-code",
                                      session: "s", agent: "claude-code", name: "Bash", outcome: nil)
        let result = LedgerToolCall(identity: identity, startNanos: day + 4_000_000_000, service: "claude-code",
                                    session: "", agent: "claude-code", name: "Bash", durationSeconds: 1.5, outcome: .error,
                                    error: "exit 1")
        XCTAssertEqual(try ledger.write([.tool(decision)]).tools, 1)
        XCTAssertEqual(try ledger.write([.tool(result)]).tools, 0)
        let row = try XCTUnwrap(try ledger.reading { db in
            try Row.fetchOne(db, sql: "SELECT started_ms, session, duration_s, outcome, error FROM tool_calls")
        })
        XCTAssertEqual(row[0] as Int64, Int64((day + 4_000_000_000) / 1_000_000))
        XCTAssertEqual(row[1] as String, "s")
        XCTAssertEqual(row[2] as Double, 1.5)
        XCTAssertEqual(row[3] as String, "error")
        XCTAssertEqual(row[4] as String, "exit 1")
        // A rejection is never overwritten by a later outcome.
        var rejected = decision
        rejected.identity = .event(9)
        rejected.outcome = .rejected
        var later = rejected
        later.outcome = .ok
        try ledger.write([.tool(rejected), .tool(later)])
        XCTAssertEqual(try ledger.reading { try String.fetchOne($0, sql: "SELECT outcome FROM tool_call WHERE span_id = 9") }, "rejected")
    }

    func testRestoredCallsAreThoseCountedSince() throws {
        let folder = TemporaryFolder()
        let ledger = try CallLedger(writing: folder.ledgerPath)
        try ledger.write([.call(.sample(span(1), at: day - 3_600_000_000_000)), .call(.sample(span(2), at: day + 60_000_000_000)),
                          .call(.sample(.event(3), at: day + 120_000_000_000, model: "(none)", cost: nil))])
        let restored = try ledger.restoredCalls(countedSince: day)
        XCTAssertEqual(restored.map(\.identity), [span(2), .event(3)])
        XCTAssertEqual(restored[0].costUSD, 0.001)
        XCTAssertNil(restored[1].costUSD)
        XCTAssertEqual(restored[0].usage, TokenUsage(input: 100, output: 10))
    }

    func testPruningKeepsTheRetainedDays() throws {
        let folder = TemporaryFolder()
        let ledger = try CallLedger(writing: folder.ledgerPath)
        let old = (0..<25_000).map { LedgerChange.call(.sample(span(UInt64($0) + 1), at: day - 500 * 86_400_000_000_000)) }
        try ledger.write(old + [.call(.sample(.event(1), at: day))])
        XCTAssertEqual(try ledger.prune(before: day - 400 * 86_400_000_000_000), 25_000)
        XCTAssertEqual(try ledger.counts().calls, 1)
    }

    func testTheWriterWritesInBatchesAndSaysWhatItCouldNot() throws {
        let folder = TemporaryFolder()
        let ledger = try CallLedger(writing: folder.ledgerPath)
        let writer = LedgerWriter(ledger: ledger, retentionDays: 400, capacity: 100)
        // Not started: the queue fills, and what does not fit is counted, not dropped silently.
        writer.enqueue((1...150).map { .call(.sample(span($0), at: day)) })
        XCTAssertEqual(writer.status.pending, 100)
        XCTAssertEqual(writer.status.unwritten, 50)
        writer.start()
        writer.stop()
        XCTAssertEqual(writer.status.writtenCalls, 100)
        XCTAssertEqual(writer.status.pending, 0)
        XCTAssertEqual(try ledger.counts().calls, 100)
    }

    /// Without room in the queue, the store does not even make the changes: it counts them, and every
    /// change is either waiting or counted as unwritten.
    func testAFullQueueCountsWhatItCouldNotTake() throws {
        let folder = TemporaryFolder()
        let ledger = try CallLedger(writing: folder.ledgerPath)
        func run(capacity: Int) throws -> HistoryStatus {
            let writer = LedgerWriter(ledger: ledger, retentionDays: nil, capacity: capacity)
            let store = LiveStore(pricing: CallPricing(table: PriceTable.bundled), ledger: writer)
            for scenario in ["openai-v2", "claude-code"] {
                for batch in try Fixtures.batches(scenario) { store.apply(batch) }
            }
            return writer.status
        }
        let roomy = try run(capacity: 10_000)
        XCTAssertEqual(roomy.unwritten, 0)
        XCTAssertGreaterThan(roomy.pending, 10)
        let tight = try run(capacity: 3)
        XCTAssertEqual(tight.pending, 3)
        XCTAssertEqual(tight.pending + tight.unwritten, roomy.pending)
    }
}
