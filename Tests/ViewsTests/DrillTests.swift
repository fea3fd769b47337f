import SnapshotTesting
import Semantics
import Store
import XCTest
@testable import CanvasKit
@testable import Views
import Telemetry
import PackedSpans

final class DrillTests: XCTestCase {
    let small = Size(width: 80, height: 24), large = Size(width: 160, height: 40)
    let snapshot = DrillFixtures.snapshot
    let entry = DrillFixtures.entry

    func apply(_ actions: [Action], to state: ViewState = ViewState(), screen: Size) -> ViewState {
        actions.reduce(state) { reduce($0, $1, snapshot: snapshot, screen: screen, openTrace: entry) }
    }

    func frame(_ state: ViewState, _ size: Size) -> Canvas {
        Frame.render(snapshot, state: state, size: size, context: Fixtures.context, openTrace: entry)
    }

    // MARK: Tree

    func testTreeOrdersChildrenByStartAndMarksOrphans() {
        let tree = TraceTree(entry, nowNanos: Fixtures.now)
        XCTAssertEqual(tree.rows.map(\.span.packed.name), [
            "invoke_agent research-agent", "chat gpt-4o", "openai.chat", "execute_tool web-search",
            "execute_tool web-fetch", "chat gpt-4o", "chat my-finetune", "chat claude-sonnet-4", "retrieve documents",
        ])
        XCTAssertEqual(tree.rows.map(\.depth), [0, 1, 1, 1, 1, 1, 1, 1, 0])
        XCTAssertEqual(tree.rows.map(\.isOrphan), [false, false, false, false, false, false, false, false, true])
        XCTAssertEqual(tree.endNanos, Fixtures.now, "open spans reach to now")
    }

    func testParentCyclesStillGetRows() {
        let origin = DrillFixtures.origin
        let a = RawSpan(traceID: Fixtures.id(77), spanID: SpanID(1), parentSpanID: SpanID(2), name: "a", startNanos: 1, endNanos: 2, origin: origin)
        let b = RawSpan(traceID: Fixtures.id(77), spanID: SpanID(2), parentSpanID: SpanID(1), name: "b", startNanos: 2, endNanos: 3, origin: origin)
        var store = TraceStore()
        store.apply(TelemetryBatch(spans: [a, b]), nowNanos: 10)
        let tree = TraceTree(store.trace(Fixtures.id(77))!, nowNanos: 10)
        XCTAssertEqual(tree.rows.map(\.span.packed.name), ["a", "b"])
        XCTAssertEqual(tree.rows.map(\.depth), [0, 1])
    }

    // MARK: Reducer

    func testEnterOpensTheSelectedTraceAndEscRestoresTheList() {
        var state = apply([.moveDown], screen: small)
        let listIndex = state.selectedIndex
        XCTAssertEqual(snapshot.traces[listIndex].traceID, DrillFixtures.traceID)
        state = reduce(state, key: .enter, snapshot: snapshot, screen: small, openTrace: entry)
        XCTAssertEqual(state.drill?.traceID, DrillFixtures.traceID)
        XCTAssertEqual(state.keyContext, .traceView)
        state = apply([.moveDown, .moveDown, .moveDown], to: state, screen: small)
        XCTAssertEqual(state.drill?.selectedRow, 3)
        XCTAssertEqual(state.selectedIndex, listIndex, "moves on the trace screen leave the list alone")
        state = reduce(state, key: .escape, snapshot: snapshot, screen: small, openTrace: entry)
        XCTAssertNil(state.drill)
        XCTAssertEqual(state.keyContext, .traceList)
        XCTAssertEqual(state.selectedIndex, listIndex)
        XCTAssertEqual(state.selectedTraceID, DrillFixtures.traceID)
    }

    func testOpeningWhileFollowingPinsTheOpenedTrace() {
        var state = reduce(ViewState(), .openTrace, snapshot: snapshot, screen: small, openTrace: nil)
        let opened = snapshot.traces[0].traceID
        XCTAssertEqual(state.drill?.traceID, opened)
        let arrival = Fixtures.trace(9_999, name: "newer", startedSecondsAgo: 0, duration: 0.1)
        var later = snapshot
        later.traces.insert(arrival, at: 0)
        state = reduce(state, .back, snapshot: later, screen: small)
        XCTAssertEqual(later.traces[state.selectedIndex].traceID, opened)
    }

    func testEnterOpensTheSpanAndEscReturnsToItsRow() {
        var state = apply([.moveDown, .openTrace, .moveDown, .moveDown, .moveDown, .moveDown], screen: small)
        let selected = state.drill?.selectedSpanID
        XCTAssertEqual(selected, DrillFixtures.SpanNumber.fetch.id)
        state = reduce(state, key: .enter, snapshot: snapshot, screen: small, openTrace: entry)
        XCTAssertEqual(state.drill?.openSpanID, selected)
        XCTAssertEqual(state.keyContext, .spanView)
        state = apply([.pageDown, .moveDown], to: state, screen: small)
        XCTAssertGreaterThan(state.drill?.detailScroll ?? 0, 0)
        state = reduce(state, key: .escape, snapshot: snapshot, screen: small, openTrace: entry)
        XCTAssertNil(state.drill?.openSpanID)
        XCTAssertEqual(state.drill?.selectedRow, 4)
        XCTAssertEqual(state.drill?.selectedSpanID, selected)
        XCTAssertEqual(state.keyContext, .traceView)
    }

    func testTreeMovesStayInBounds() {
        var state = apply([.moveDown, .openTrace, .moveUp], screen: small)
        XCTAssertEqual(state.drill?.selectedRow, 0)
        state = apply([.moveBottom], to: state, screen: small)
        XCTAssertEqual(state.drill?.selectedRow, 8)
        state = apply([.pageDown, .moveDown], to: state, screen: small)
        XCTAssertEqual(state.drill?.selectedRow, 8)
        state = apply([.moveTop, .pageDown], to: state, screen: small)
        XCTAssertEqual(state.drill?.selectedRow, 8)
    }

    func testDetailScrollStopsAtTheEnd() {
        var state = apply([.moveDown, .openTrace, .moveDown, .openSpan, .moveBottom], screen: small)
        let bottom = state.drill?.detailScroll ?? 0
        XCTAssertGreaterThan(bottom, 0)
        state = apply([.moveDown, .pageDown], to: state, screen: small)
        XCTAssertEqual(state.drill?.detailScroll, bottom)
        state = apply([.moveTop, .moveUp], to: state, screen: small)
        XCTAssertEqual(state.drill?.detailScroll, 0)
    }

    func testSelectionFollowsItsSpanAsSpansArrive() {
        let state = apply([.moveDown, .openTrace, .moveDown, .moveDown, .moveDown], screen: small)
        XCTAssertEqual(state.drill?.selectedSpanID, DrillFixtures.SpanNumber.search.id)
        var store = DrillFixtures.store
        let early = DrillFixtures.span(.orphan, parent: .root, "early step", from: 0.01, to: 0.02, [], parentID: nil)
        var renumbered = early
        renumbered.spanID = SpanID(0xc001)
        store.apply(TelemetryBatch(spans: [renumbered]), nowNanos: Fixtures.now)
        let grown = store.trace(DrillFixtures.traceID)!
        let next = reduce(state, .moveDown, snapshot: snapshot, screen: small, openTrace: grown)
        XCTAssertEqual(next.drill?.selectedSpanID, DrillFixtures.SpanNumber.fetch.id)
    }

    func testEvictedTraceShowsANoteAndEscStillWorks() {
        let state = apply([.openTrace], screen: small)
        let canvas = Frame.render(snapshot, state: state, size: small, context: Fixtures.context, openTrace: nil)
        XCTAssertTrue(canvas.plainText().joined().contains("no longer stored"))
        XCTAssertNil(reduce(state, key: .escape, snapshot: snapshot, screen: small).drill)
    }

    // MARK: Keys

    func testHelpAndHintBarListTheDrillBindings() {
        let help = HelpOverlayView.render(.standard, screen: Size(width: 160, height: 80)).plainText().joined(separator: "\n")
        for (context, needed) in [(KeyContext.traceList, ["open trace"]),
                                  (.traceView, ["span details", "back", "down"]),
                                  (.spanView, ["down", "back", "page down"])] {
            XCTAssertTrue(help.contains(context.title))
            for text in needed { XCTAssertTrue(help.contains(text), "help lacks \(text)") }
        }
        XCTAssertTrue(HintBarView.render(.standard, context: .traceList, width: 120).plainText()[0].contains("⏎ open trace"))
        XCTAssertTrue(HintBarView.render(.standard, context: .traceView, width: 120).plainText()[0].contains("⏎ span details"))
        XCTAssertTrue(HintBarView.render(.standard, context: .spanView, width: 120).plainText()[0].contains("Esc/h/← back"))
    }

    // MARK: Golden frames

    func testTraceScreen() {
        let state = apply([.moveDown, .openTrace, .moveDown, .moveDown, .moveDown, .moveDown], screen: small)
        assertSnapshot(of: frame(state, small), as: .frame, named: "80x24")
        assertSnapshot(of: frame(state, large), as: .frame, named: "160x40")
    }

    func testSpanScreenOfAChatCall() {
        let state = apply([.moveDown, .openTrace, .moveDown, .openSpan], screen: small)
        assertSnapshot(of: frame(state, small), as: .frame, named: "80x24")
        assertSnapshot(of: frame(state, large), as: .frame, named: "160x40")
        let scrolled = apply([.pageDown], to: state, screen: small)
        assertSnapshot(of: frame(scrolled, small), as: .frame, named: "80x24-page2")
    }

    func testSpanScreenOfAStreamedCallWithLogEvents() {
        let state = apply([.moveDown, .openTrace, .moveDown, .moveDown, .moveDown, .moveDown, .moveDown, .openSpan],
                          screen: large)
        assertSnapshot(of: frame(state, large), as: .frame, named: "160x40")
    }

    func testSpanScreenOfAFailedToolWithHostileText() {
        let state = apply([.moveDown, .openTrace, .moveDown, .moveDown, .moveDown, .moveDown, .openSpan], screen: large)
        let canvas = frame(state, large)
        assertSnapshot(of: canvas, as: .frame, named: "160x40")
        for cell in canvas.cells {
            XCTAssertFalse(cell.grapheme.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || $0 == "\u{202E}" })
        }
    }

    func testHelpOverTheTraceScreenFlowsIntoColumns() {
        var state = apply([.moveDown, .openTrace], screen: small)
        state = reduce(state, key: .character("?"), snapshot: snapshot, screen: small, openTrace: entry)
        XCTAssertEqual(state.keyContext, .help)
        let canvas = frame(state, small)
        assertSnapshot(of: canvas, as: .frame, named: "80x24")
        let text = canvas.plainText().joined(separator: "\n")
        // The trace screen's keys come first; everything else follows as far as 80×24 allows.
        XCTAssertTrue(text.contains("Trace\n") || text.contains("Trace "), text)
        XCTAssertTrue(text.contains("span details"), text)
        let large = frame(state, Size(width: 200, height: 60)).plainText().joined(separator: "\n")
        for title in KeyContext.allCases.map(\.title) { XCTAssertTrue(large.contains(title), title) }
        state = reduce(state, key: .escape, snapshot: snapshot, screen: small, openTrace: entry)
        XCTAssertEqual(state.keyContext, .traceView, "closing help returns to the trace screen")
    }

    func testDrillScreensAtTinySizesDoNotCrash() {
        let trace = apply([.moveDown, .openTrace, .moveDown], screen: small)
        let span = apply([.openSpan], to: trace, screen: small)
        for width in 0..<14 {
            for height in 0..<6 {
                let size = Size(width: width, height: height)
                XCTAssertEqual(frame(trace, size).size, size)
                XCTAssertEqual(frame(span, size).size, size)
            }
        }
    }
}

/// The span screen says how much the ingest limits dropped, and which option sets the bound.
final class DroppedCountsTests: XCTestCase {
    func testSectionTitlesCountWhatTheLimitsDropped() {
        var span = DrillFixtures.span(.root, parent: nil, "crowded", from: 0, to: 1, [("k0", .int(0))],
                                      events: [SpanEvent(timeNanos: DrillFixtures.at(0.5), name: "e", attributes: [])])
        span.dropped = DroppedCounts(attributes: 99_744, events: 12)
        var store = TraceStore()
        store.apply(TelemetryBatch(spans: [span]), nowNanos: Fixtures.now)
        let entry = store.trace(DrillFixtures.traceID)!
        let snapshot = store.snapshot(nowNanos: Fixtures.now)
        let size = Size(width: 120, height: 40)
        let state = [Action.openTrace, .openSpan].reduce(ViewState()) {
            reduce($0, $1, snapshot: snapshot, screen: size, openTrace: entry)
        }
        let text = Frame.render(snapshot, state: state, size: size, context: Fixtures.context, openTrace: entry)
            .plainText().joined(separator: "\n")
        XCTAssertTrue(text.contains("Attributes (1 · 99,744 more dropped (--max-attributes))"), text)
        XCTAssertTrue(text.contains("Events (1 · 12 more dropped (--max-events))"), text)
    }
}
