import Semantics
import Store
import XCTest
@testable import CanvasKit
@testable import Views

final class ReducerTests: XCTestCase {
    let screen = Size(width: 80, height: 24)  // 19 trace rows
    var rows: Int { MainLayout(size: screen).visibleTraceRows }

    func apply(_ actions: [Action], to state: ViewState = ViewState(), _ snapshot: StoreSnapshot) -> ViewState {
        actions.reduce(state) { reduce($0, $1, snapshot: snapshot, screen: screen) }
    }

    func testMovesStayInBounds() {
        let snapshot = Fixtures.snapshot(Fixtures.many(5))
        XCTAssertEqual(apply([.moveUp], snapshot).selectedIndex, 0)
        XCTAssertEqual(apply([.moveDown, .moveDown], snapshot).selectedIndex, 2)
        XCTAssertEqual(apply(Array(repeating: .moveDown, count: 9), snapshot).selectedIndex, 4)
        XCTAssertEqual(apply([.moveBottom], snapshot).selectedIndex, 4)
        XCTAssertEqual(apply([.moveBottom, .moveTop], snapshot).selectedIndex, 0)
        XCTAssertEqual(apply([.moveBottom, .moveUp], snapshot).selectedIndex, 3)
    }

    func testSelectionNamesTheSelectedTrace() {
        let snapshot = Fixtures.snapshot(Fixtures.many(5))
        let state = apply([.moveDown, .moveDown], snapshot)
        XCTAssertEqual(state.selectedTraceID, snapshot.traces[2].traceID)
    }

    func testEmptyListIgnoresMoves() {
        let snapshot = Fixtures.snapshot([])
        let state = apply([.moveDown, .moveBottom, .pageDown, .moveUp], snapshot)
        XCTAssertEqual(state.selectedIndex, 0)
        XCTAssertEqual(state.scrollOffset, 0)
        XCTAssertNil(state.selectedTraceID)
    }

    func testSelectionStaysOnItsTraceWhenNewTracesArrive() {
        let before = Fixtures.snapshot(Fixtures.many(10))
        let state = apply([.moveDown, .moveDown, .moveDown], before)
        let selected = before.traces[3].traceID
        let arrivals = [Fixtures.trace(9000, name: "new one", startedSecondsAgo: 0, duration: 0.1),
                        Fixtures.trace(9001, name: "new two", startedSecondsAgo: 0, duration: 0.1)]
        let after = Fixtures.snapshot(arrivals + before.traces)
        let next = state.reconciled(with: after, screen: screen)
        XCTAssertEqual(next.selectedTraceID, selected)
        XCTAssertEqual(next.selectedIndex, 5)
        XCTAssertEqual(after.traces[next.selectedIndex].traceID, selected)
        // Moving from there continues from the same trace.
        let moved = reduce(state, .moveDown, snapshot: after, screen: screen)
        XCTAssertEqual(moved.selectedTraceID, before.traces[4].traceID)
    }

    func testArrivalsScrollTheViewWithTheSelection() {
        let before = Fixtures.snapshot(Fixtures.many(40))
        let state = apply(Array(repeating: .moveDown, count: 25), before)
        XCTAssertEqual(state.selectedIndex, 25)
        let firstVisible = before.traces[state.scrollOffset].traceID
        let after = Fixtures.snapshot(Fixtures.many(3, startingAt: 5000) + before.traces)
        let next = state.reconciled(with: after, screen: screen)
        XCTAssertEqual(after.traces[next.scrollOffset].traceID, firstVisible)
    }

    func testWithoutAMoveTheSelectionFollowsTheNewest() {
        let before = Fixtures.snapshot(Fixtures.many(3))
        let state = ViewState().reconciled(with: before, screen: screen)
        let after = Fixtures.snapshot(Fixtures.many(1, startingAt: 7000) + before.traces)
        let next = state.reconciled(with: after, screen: screen)
        XCTAssertEqual(next.selectedIndex, 0)
        XCTAssertNil(next.selectedTraceID)
        // `g` returns to following after a move.
        let back = apply([.moveDown, .moveTop], before)
        XCTAssertNil(back.selectedTraceID)
    }

    func testEvictedSelectionFallsToTheSameRow() {
        let before = Fixtures.snapshot(Fixtures.many(6))
        let state = apply([.moveBottom], before)
        let after = Fixtures.snapshot(Array(before.traces.prefix(3)))
        let next = state.reconciled(with: after, screen: screen)
        XCTAssertEqual(next.selectedIndex, 2)
        XCTAssertEqual(next.selectedTraceID, after.traces[2].traceID)
    }

    func testScrollKeepsTheSelectionVisible() {
        let snapshot = Fixtures.snapshot(Fixtures.many(100))
        var state = ViewState()
        for _ in 0..<60 {
            state = reduce(state, .moveDown, snapshot: snapshot, screen: screen)
            XCTAssertTrue((state.scrollOffset..<(state.scrollOffset + rows)).contains(state.selectedIndex))
        }
        state = reduce(state, .moveBottom, snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.scrollOffset, 100 - rows)
        state = reduce(state, .moveTop, snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.scrollOffset, 0)
    }

    func testPagingMovesByAScreenful() {
        let snapshot = Fixtures.snapshot(Fixtures.many(100))
        var state = apply([.pageDown], snapshot)
        XCTAssertEqual(state.selectedIndex, rows)
        XCTAssertEqual(state.scrollOffset, rows)
        state = apply([.pageDown, .pageDown, .pageDown, .pageDown, .pageDown, .pageDown], to: state, snapshot)
        XCTAssertEqual(state.selectedIndex, 99)
        XCTAssertEqual(state.scrollOffset, 100 - rows)
        state = apply([.pageUp], to: state, snapshot)
        XCTAssertEqual(state.selectedIndex, 99 - rows)
        XCTAssertTrue((state.scrollOffset..<(state.scrollOffset + rows)).contains(state.selectedIndex))
    }

    func testResizeRefitsTheScroll() {
        let snapshot = Fixtures.snapshot(Fixtures.many(100))
        let state = apply(Array(repeating: .moveDown, count: 50), snapshot)
        let small = Size(width: 80, height: 10)
        let next = reduce(state, key: .resize, snapshot: snapshot, screen: small)
        let smallRows = MainLayout(size: small).visibleTraceRows
        XCTAssertTrue((next.scrollOffset..<(next.scrollOffset + smallRows)).contains(50))
    }

    func testKeysGoThroughTheTableOfTheCurrentContext() {
        let snapshot = Fixtures.snapshot(Fixtures.many(5))
        var state = reduce(ViewState(), key: .character("j"), snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.selectedIndex, 1)
        state = reduce(state, key: .character("?"), snapshot: snapshot, screen: screen)
        XCTAssertTrue(state.helpVisible)
        XCTAssertEqual(state.keyContext, .help)
        state = reduce(state, key: .character("j"), snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.selectedIndex, 1, "list keys do nothing while help is open")
        state = reduce(state, key: .character("q"), snapshot: snapshot, screen: screen)
        XCTAssertFalse(state.helpVisible)
        XCTAssertFalse(state.quitRequested, "q closes help before it quits")
        state = reduce(state, key: .character("t"), snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.themeIndex, 1)
        state = reduce(state, key: .character("q"), snapshot: snapshot, screen: screen)
        XCTAssertTrue(state.quitRequested)
    }
}
