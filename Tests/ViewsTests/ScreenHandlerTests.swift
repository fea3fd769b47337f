import CanvasKit
import Semantics
import Store
@testable import Views
import XCTest
import Telemetry

/// Every key a screen binds reaches code that handles it: the screen's own reducer or the shared
/// actions. A binding that fell through to nothing would be a key that silently does nothing.
final class ScreenHandlerTests: XCTestCase {
    private let size = Size(width: 120, height: 40)
    private var snapshot: StoreSnapshot { Fixtures.snapshot(Fixtures.typicalTraces) }

    /// A state showing each screen.
    private func state(for context: KeyContext) -> ViewState {
        var state = ViewState()
        switch context {
        case .traceList: break
        case .pane: state.focusedPane = .cost
        case .traceView: state.drill = DrillState(traceID: Fixtures.id(4))
        case .spanView:
            state.drill = DrillState(traceID: Fixtures.id(4))
            state.drill?.openSpanID = SpanID(1)
        case .value:
            state.drill = DrillState(traceID: Fixtures.id(4))
            state.drill?.openSpanID = SpanID(1)
            state.drill?.expandedValue = 0
        case .sessionList: state.showsSessions = true
        case .sessionTimeline:
            state.showsSessions = true
            state.openSessionID = "session-1"
        case .sessionEvent:
            state.showsSessions = true
            state.openSessionID = "session-1"
            state.sessionEventOpen = true
        case .history: state.showsHistory = true
        case .historyDay:
            state.showsHistory = true
            state.historyDayOpen = true
        case .filter: state.filterDraft = "model:"
        case .help: state.helpVisible = true
        }
        return state
    }

    func testEveryScreenHasAStateAndAFolderOfKeys() {
        XCTAssertEqual(Set(Screens.all.map { $0.context }), Set(KeyContext.allCases), "one screen per key context")
        XCTAssertEqual(Screens.all.count, KeyContext.allCases.count)
        for context in KeyContext.allCases {
            XCTAssertEqual(state(for: context).keyContext, context)
            XCTAssertFalse(KeyTable.standard.bindings(in: context).isEmpty, context.rawValue)
        }
    }

    func testEveryBoundActionHasAHandler() {
        let input = ScreenInput(snapshot: snapshot, size: size)
        for screen in Screens.all {
            let state = state(for: screen.context)
            for binding in KeyTable.standard.bindings(in: screen.context) {
                let handled = screen.reduce(state, binding.action, input) ?? GlobalActions.reduce(state, binding.action)
                XCTAssertNotNil(handled, "\(screen.context.rawValue).\(binding.action.rawValue) (\(binding.keyLabel)) has no handler")
            }
        }
    }

    /// The help closes over whatever screen it was opened on.
    func testHelpClosesOverEveryScreen() {
        for context in KeyContext.allCases where context != .help && context != .filter {
            var state = state(for: context)
            state = reduce(state, key: .character("?"), snapshot: snapshot, screen: size)
            XCTAssertTrue(state.helpVisible, context.rawValue)
            state = reduce(state, key: .escape, snapshot: snapshot, screen: size)
            XCTAssertFalse(state.helpVisible, "Esc closes the help over \(context.rawValue)")
            XCTAssertEqual(state.keyContext, context, "back on the screen it was opened on")
        }
    }
}
