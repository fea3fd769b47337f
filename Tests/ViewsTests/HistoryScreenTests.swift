import Foundation
import History
import Ingest
import Semantics
import SnapshotTesting
import Store
import XCTest
@testable import CanvasKit
@testable import Views

/// The history screens (`H`, then `Enter` on a day) on a real ledger file: four weeks of synthetic
/// past days (labelled `synthetic-history`) and today's captured Claude Code and Codex sessions.
final class HistoryScreenTests: XCTestCase {
    private static let arrival = SessionScreenTests.arrival
    private static let drawn = SessionScreenTests.drawn
    private static let status = HistoryStatus(path: "/home/me/.local/state/tokentop/history.sqlite", mode: .writing)

    private var folder = ""
    private var source: LedgerHistorySource!
    private var ledger: CallLedger!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "tokentop-history-screen-" + UUID().uuidString
        let opened = OpenedHistory.open(path: folder + "/history.sqlite", retentionDays: 400)
        let writer = try XCTUnwrap(opened.writer)
        try opened.ledger!.write(SyntheticHistory.calls(days: 27, before: Self.drawn))
        // Today's calls as the store counts and writes them.
        let store = LiveStore(pricing: CallPricing(table: PriceTable.bundled), ledger: writer, clock: { Self.arrival })
        writer.start()
        for scenario in ["claude-code", "codex-cli"] {
            let dir = SessionScreenTests.fixtures.appendingPathComponent(scenario)
            for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() where name.hasSuffix(".binpb") {
                for request in try TelemetryFile.decode(contentsOf: dir.appendingPathComponent(name)) { store.apply(request.batch) }
            }
        }
        writer.stop()
        ledger = opened.ledger
        source = LedgerHistorySource(ledger: ledger, calendar: LocalCalendar(utcOffsetSeconds: 0))
    }

    override func tearDownWithError() throws {
        ledger?.close()
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func frame(_ keys: [Key], size: Size, status: HistoryStatus = HistoryScreenTests.status) -> (ViewState, Canvas) {
        var empty = TraceStore()
        let snapshot = empty.snapshot(nowNanos: Self.drawn)
        var state = ViewState()
        for key in keys { state = reduce(state, key: key, snapshot: snapshot, screen: size) }
        var data = HistoryScreenData(status: status)
        data.history = source.spendHistory(split: state.historySplit, days: ViewState.historyDays, nowNanos: Self.drawn)
        if state.historyDayOpen, let history = data.history {
            data.day = source.historyDay(state.selectedHistoryDay(today: history.today))
        }
        return (state, Frame.render(snapshot, state: state, size: size, context: Fixtures.context, history: data))
    }

    func testThirtyDaysSplitByModelWithWeeksMonthsAndSessions() throws {
        let (state, wide) = frame([.character("H")], size: Size(width: 150, height: 40))
        XCTAssertEqual(state.keyContext, .history)
        assertSnapshot(of: wide, as: .frame, named: "150")
        let text = wide.plainText().joined(separator: "\n")
        XCTAssertTrue(text.contains("▶ Sat 12-05     $0.085"), text)  // today: the captures' $0.0547 + $0.0299
        XCTAssertTrue(text.contains("Most expensive sessions"), text)
        let (_, narrow) = frame([.character("H")], size: Size(width: 90, height: 24))
        assertSnapshot(of: narrow, as: .frame, named: "90")
    }

    func testSplitByAgentAndTheSelectedDay() throws {
        let (state, frame) = frame([.character("H"), .character("s"), .character("s"), .character("k"), .character("k")],
                                   size: Size(width: 150, height: 24))
        XCTAssertEqual(state.historySplit, .agent)
        XCTAssertEqual(state.historyDayIndex, ViewState.historyDays - 3)
        assertSnapshot(of: frame, as: .frame, named: "agent")
    }

    func testADaysSessionsAndCalls() throws {
        let (state, today) = frame([.character("H"), .enter], size: Size(width: 130, height: 24))
        XCTAssertEqual(state.keyContext, .historyDay)
        assertSnapshot(of: today, as: .frame, named: "today")
        let text = today.plainText().joined(separator: "\n")
        XCTAssertTrue(text.contains("d6d06ed1-6d2e-4831-a301-6cd31b5e756d"), text)
        XCTAssertTrue(text.contains("9 calls"), text)
        let (back, _) = frame([.character("H"), .enter, .escape], size: Size(width: 130, height: 24))
        XCTAssertEqual(back.keyContext, .history)
        let (traces, _) = frame([.character("H"), .escape], size: Size(width: 130, height: 24))
        XCTAssertEqual(traces.keyContext, .traceList)
    }

    func testAReadOnlyLedgerSaysSoAboveTheDays() throws {
        let readOnly = HistoryStatus(path: Self.status.path, mode: .readOnly,
                                     problem: "history: another tokentop (pid 4242) writes \(Self.status.path); this one shows its history read-only (give it its own file with --history FILE)")
        let (_, frame) = frame([.character("H")], size: Size(width: 120, height: 16), status: readOnly)
        assertSnapshot(of: frame, as: .frame, named: "read-only")
        XCTAssertTrue(frame.plainText()[2].contains("⚠ history: another tokentop (pid 4242) writes"), frame.plainText()[2])
    }

    func testTheHeaderSaysWhenTheHistoryIsNotWritten() {
        func header(_ status: HistoryStatus) -> String {
            var store = TraceStore()
            store.updateHistory(status)
            return HeaderView.render(store.snapshot(nowNanos: Self.drawn), context: Fixtures.context, width: 160).plainText()[0]
        }
        var healthy = Self.status
        healthy.writtenCalls = 40
        XCTAssertFalse(header(healthy).contains("history"), "nothing to say while all is written")
        XCTAssertTrue(header(HistoryStatus(path: "/x", mode: .readOnly, problem: "another")).contains("history read-only"))
        XCTAssertTrue(header(HistoryStatus(path: "/x", mode: .failed, problem: "corrupt")).contains("history ✗ off"))
        var behind = Self.status
        behind.unwritten = 1_200
        XCTAssertTrue(header(behind).contains("history ✗ 1.2k unwritten"), header(behind))
        var full = Self.status
        full.problem = "cannot write /x: database or disk is full"
        XCTAssertTrue(header(full).contains("history ✗ failing"), header(full))
    }

    func testWithoutHistoryTheScreenSaysWhy() throws {
        var empty = TraceStore()
        let snapshot = empty.snapshot(nowNanos: Self.drawn)
        let state = reduce(ViewState(), key: .character("H"), snapshot: snapshot, screen: Size(width: 100, height: 12))
        let off = Frame.render(snapshot, state: state, size: Size(width: 100, height: 12), context: Fixtures.context)
        XCTAssertTrue(off.plainText().joined().contains("No spend history in this run: --no-history"))
        let failed = HistoryStatus(path: "/x/history.sqlite", mode: .failed, problem: "history: /x/history.sqlite is not a tokentop history file")
        let broken = Frame.render(snapshot, state: state, size: Size(width: 100, height: 12), context: Fixtures.context,
                                  history: HistoryScreenData(status: failed))
        assertSnapshot(of: broken, as: .frame, named: "failed")
    }
}
