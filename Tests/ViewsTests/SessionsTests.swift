import SnapshotTesting
import Store
import XCTest
@testable import CanvasKit
@testable import Views

/// `S` groups traces by conversation; `T` on one shows its traces through the filter.
final class SessionsTests: XCTestCase {
    private let screen = Size(width: 100, height: 16)

    private var snapshot: StoreSnapshot {
        var traces = Fixtures.typicalTraces
        for index in traces.indices { traces[index].sessionID = index < 3 ? "conv-a" : index < 5 ? "conv-b" : "" }
        return Fixtures.snapshot(traces)
    }

    func testRowsGroupTracesBySession() {
        let rows = SessionRow.rows(snapshot)
        XCTAssertEqual(rows.map(\.sessionID), ["conv-a", "conv-b"], "most recently active first")
        XCTAssertEqual(rows.map(\.traces), [3, 2])
        XCTAssertEqual(rows[0].running, 2)
        XCTAssertEqual(rows[0].llmCalls, 3 + 5 + 2)
        XCTAssertEqual(try XCTUnwrap(rows[0].costUSD), 0.011 + 0.021 + 0.0104, accuracy: 1e-12)
    }

    func testOpeningASessionFiltersTheTraceList() {
        var state = reduce(ViewState(), key: .character("S"), snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.keyContext, .sessionList)
        state = reduce(state, key: .character("j"), snapshot: snapshot, screen: screen)
        assertSnapshot(of: Frame.render(snapshot, state: state, size: screen, context: Fixtures.context), as: .frame,
                       named: "sessions")
        state = reduce(state, key: .character("T"), snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.keyContext, .traceList)
        XCTAssertEqual(state.filter.text, "session:conv-b")
        XCTAssertEqual(state.listed(snapshot).count, 2)
        let back = reduce(reduce(state, key: .character("S"), snapshot: snapshot, screen: screen), key: .escape,
                          snapshot: snapshot, screen: screen)
        XCTAssertEqual(back.keyContext, .traceList)
    }

    func testNoSessionsSaysWhatWouldMakeThem() {
        var state = ViewState()
        state.showsSessions = true
        let text = Frame.render(Fixtures.snapshot(Fixtures.typicalTraces), state: state, size: screen,
                                context: Fixtures.context).plainText().joined()
        XCTAssertTrue(text.contains("gen_ai.conversation.id"))
    }
}
