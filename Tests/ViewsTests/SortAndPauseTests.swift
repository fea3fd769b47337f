import SnapshotTesting
import Store
import XCTest
@testable import CanvasKit
@testable import Views

/// `s` cycles the sort column; `p` holds the screen and the header counts what arrives meanwhile.
final class SortAndPauseTests: XCTestCase {
    private let screen = Size(width: 100, height: 20)
    private var snapshot: StoreSnapshot { Fixtures.snapshot(Fixtures.typicalTraces) }

    func testSortCyclesThroughColumnsLargestFirst() {
        var state = ViewState()
        var seen: [TraceOrder.Column] = []
        for _ in TraceOrder.Column.allCases {
            state = reduce(state, key: .character("s"), snapshot: snapshot, screen: screen)
            seen.append(state.order.column)
        }
        XCTAssertEqual(seen, [.duration, .cost, .tokens, .llmCalls, .errors, .started])

        let byCost = TraceOrder(column: .cost).sorted(Fixtures.typicalTraces).map(\.costUSD)
        XCTAssertEqual(byCost, [0.025, 0.021, 0.011, 0.0104, 0.001, nil, nil], "unpriced last")
        let byTokens = TraceOrder(column: .tokens).sorted(Fixtures.typicalTraces).map { $0.usage.input + $0.usage.output }
        XCTAssertEqual(byTokens, byTokens.sorted(by: >))
        let byStart = TraceOrder().sorted(Fixtures.typicalTraces).map(\.traceID)
        XCTAssertEqual(byStart, Fixtures.typicalTraces.map(\.traceID), "start time keeps the store's newest-first order")

        state.order = TraceOrder(column: .duration)
        let frame = Frame.render(snapshot, state: state, size: screen, context: Fixtures.context).plainText()
        XCTAssertTrue(frame[1].contains("by duration"), frame[1])
        XCTAssertTrue(frame[3].contains("chat my-finetune"), "the longest trace first:\n\(frame.joined(separator: "\n"))")
    }

    /// `r` turns the order around, and the column cycle keeps the direction.
    func testReverseSortShowsSmallestOrOldestFirst() {
        var state = reduce(ViewState(), key: .character("r"), snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.order, TraceOrder(column: .started, reversed: true))
        XCTAssertEqual(state.order.sorted(Fixtures.typicalTraces).map(\.traceID), Fixtures.typicalTraces.reversed().map(\.traceID))
        var frame = Frame.render(snapshot, state: state, size: screen, context: Fixtures.context).plainText()
        XCTAssertTrue(frame[1].contains("oldest first"), frame[1])
        XCTAssertTrue(frame[3].contains("GET /healthz"), "the oldest trace first:\n\(frame.joined(separator: "\n"))")
        state = reduce(reduce(state, key: .character("s"), snapshot: snapshot, screen: screen), key: .character("s"),
                       snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.order, TraceOrder(column: .cost, reversed: true))
        XCTAssertEqual(state.order.sorted(Fixtures.typicalTraces).map(\.costUSD), [nil, nil, 0.001, 0.0104, 0.011, 0.021, 0.025])
        frame = Frame.render(snapshot, state: state, size: screen, context: Fixtures.context).plainText()
        XCTAssertTrue(frame[1].contains("by cost ↑"), frame[1])
        XCTAssertEqual(reduce(state, key: .character("r"), snapshot: snapshot, screen: screen).order, TraceOrder(column: .cost))
    }

    /// `l` and `→` open what `h` and `←` close.
    func testRightAndLOpenTheSelectedTrace() {
        for key in [Key.character("l"), .right, .enter] {
            let state = reduce(ViewState(), key: key, snapshot: snapshot, screen: screen)
            XCTAssertEqual(state.drill?.traceID, Fixtures.typicalTraces.first?.traceID, "\(key)")
        }
    }

    func testPauseTogglesAndTheHeaderSaysWhatWaits() {
        let state = reduce(ViewState(), key: .character("p"), snapshot: snapshot, screen: screen)
        XCTAssertTrue(state.paused)
        XCTAssertFalse(reduce(state, key: .character("p"), snapshot: snapshot, screen: screen).paused)
        var context = Fixtures.context
        context.arrivedWhilePaused = 1_234
        let header = HeaderView.render(snapshot, context: context, width: 120)
        XCTAssertTrue(header.plainText()[0].contains("⏸ paused +1.2k spans"), header.plainText()[0])
        assertSnapshot(of: header, as: .frame, named: "paused")
    }
}

/// `--demo` is never mistaken for real traffic.
final class DemoHeaderTests: XCTestCase {
    func testTheHeaderMarksDemoData() {
        var context = Fixtures.context
        context.isDemo = true
        for width in [40, 80, 160] {
            let line = HeaderView.render(Fixtures.snapshot(Fixtures.typicalTraces), context: context, width: width).plainText()[0]
            XCTAssertTrue(line.contains("DEMO synthetic data"), line)
        }
    }
}

/// The wheel scrolls like the arrow keys; a click selects the trace under it.
final class MouseTests: XCTestCase {
    func testWheelAndClick() {
        let screen = Size(width: 100, height: 20)
        let snapshot = Fixtures.snapshot(Fixtures.typicalTraces)
        var state = reduce(ViewState(), key: .mouse(.wheelDown), snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.selectedIndex, 1)
        state = reduce(state, key: .mouse(.wheelUp), snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.selectedIndex, 0)
        // Rows start below the header line, the list's border and its column titles: y = 3 is the first trace.
        state = reduce(state, key: .mouse(.click(x: 20, y: 3 + 4)), snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.selectedIndex, 4)
        XCTAssertEqual(state.selectedTraceID, Fixtures.typicalTraces[4].traceID)
        let outside = reduce(state, key: .mouse(.click(x: 20, y: 0)), snapshot: snapshot, screen: screen)
        XCTAssertEqual(outside.selectedIndex, 4, "a click on the header selects nothing")
    }
}
