import Foundation
import History
import Semantics
import Store
import XCTest
import PackedSpans

/// A restart keeps today's spend, the burn windows and so the budget: the store takes back the calls
/// the ledger had counted, and a call sent again after the restart is neither written nor counted twice.
final class RestartTests: XCTestCase {
    private let scenarios = ["claude-code", "codex-cli", "openai-v2", "langfuse-sdk", "traceloop-openai", "anthropic-native",
                             "openinference-openai", "pydantic-ai"]

    private func run(_ batches: [TelemetryBatch], path: String, clock: TestClock) throws -> (LiveStore, OpenedHistory) {
        let opened = OpenedHistory.open(path: path, retentionDays: 400)
        XCTAssertEqual(opened.status.mode, .writing, opened.status.problem ?? "")
        let store = LiveStore(pricing: CallPricing(table: PriceTable.bundled), ledger: opened.writer, clock: clock.function)
        store.restore(opened.restoredCalls(nowNanos: clock.now, calendar: LocalCalendar(utcOffsetSeconds: 0), windowSeconds: 3600))
        opened.writer?.start()
        for batch in batches {
            store.apply(batch)
            clock.advance(seconds: 1)
        }
        opened.writer?.stop()
        return (store, opened)
    }

    /// Runs and closes, as a process that ends would.
    private func runAndClose(_ batches: [TelemetryBatch], path: String, clock: TestClock) throws -> (LiveStore, OpenedHistory) {
        let (store, opened) = try run(batches, path: path, clock: clock)
        opened.close()
        return (store, opened)
    }

    func testARestartKeepsTodaysSpendToTheMicroDollar() throws {
        for scenario in scenarios {
            let folder = TemporaryFolder()
            let clock = TestClock(1_796_428_800_000_000_000 + 3_600_000_000_000)  // 2026-12-05 01:00 UTC
            let batches = try Fixtures.batches(scenario)
            let (before, opened) = try run(batches, path: folder.ledgerPath, clock: clock)
            let spent = before.read { $0.burn(nowNanos: clock.now) }
            XCTAssertEqual(opened.writer?.status.unwritten, 0, scenario)
            let calls = try opened.ledger!.counts().calls
            XCTAssertEqual(calls, opened.writer?.status.writtenCalls, scenario)
            opened.close()

            // Restarted a minute later, nothing new sent.
            clock.advance(seconds: 60)
            let beforeNow = before.read { $0.burn(nowNanos: clock.now) }
            let (after, _) = try runAndClose([], path: folder.ledgerPath, clock: clock)
            let restored = after.read { $0.burn(nowNanos: clock.now) }
            XCTAssertGreaterThan(spent.spentTodayUSD, 0, scenario)
            XCTAssertEqual(restored.spentTodayUSD, spent.spentTodayUSD, accuracy: 1e-6, scenario)
            XCTAssertEqual(restored.hourlyPaceUSD, beforeNow.hourlyPaceUSD, accuracy: 1e-6, scenario)
            // So the budget bar and its alarm stand where they stood: a budget of a third of the spend is spent.
            let budget = spent.spentTodayUSD / 3
            XCTAssertEqual(restored.budgetStatus(dailyBudgetUSD: budget), .spent, scenario)
            XCTAssertEqual(restored.budgetStatus(dailyBudgetUSD: budget * 100), beforeNow.budgetStatus(dailyBudgetUSD: budget * 100),
                           scenario)

            // The same telemetry sent again after another restart: written once, and today's spend unchanged.
            let (again, third) = try run(batches, path: folder.ledgerPath, clock: clock)
            XCTAssertEqual(try third.ledger!.counts().calls, calls, scenario)
            XCTAssertEqual(third.writer?.status.writtenCalls, 0, scenario)
            XCTAssertEqual(again.read { $0.burn(nowNanos: clock.now) }.spentTodayUSD, spent.spentTodayUSD, accuracy: 1e-6, scenario)
        }
    }

    func testYesterdaysCallsAreNotToday() throws {
        let folder = TemporaryFolder()
        let clock = TestClock(1_796_428_800_000_000_000 - 7_200_000_000_000)  // 2026-12-04 22:00 UTC
        let (before, _) = try runAndClose(try Fixtures.batches("claude-code"), path: folder.ledgerPath, clock: clock)
        XCTAssertGreaterThan(before.read { $0.burn(nowNanos: clock.now) }.spentTodayUSD, 0)
        clock.advance(seconds: 4 * 3600)  // 2026-12-05 02:00
        let (after, _) = try run([], path: folder.ledgerPath, clock: clock)
        let burn = after.read { $0.burn(nowNanos: clock.now) }
        XCTAssertEqual(burn.spentTodayUSD, 0)
        XCTAssertEqual(burn.hourlyPaceUSD, 0)
    }
}
