import SnapshotTesting
import Semantics
import Store
import XCTest
@testable import CanvasKit
@testable import Views

/// `Tab` moves the focus from pane to pane; a focused side pane scrolls; narrow screens show it full screen.
final class PaneFocusTests: XCTestCase {
    let wide = Size(width: 200, height: 50), small = Size(width: 80, height: 24)

    /// Fifteen priced models and a few more: more than the cost pane shows at once.
    static let manyModels: StoreSnapshot = {
        var snapshot = Fixtures.snapshot(Fixtures.typicalTraces)
        snapshot.models = (1...18).map(model)
        return snapshot
    }()

    static func model(_ n: Int) -> ModelSummary {
        let totals = ModelLedger.Entry(provider: "openai", model: "model-\(n)", calls: 100 - n,
                                       usage: TokenUsage(input: Int64(10_000 * (19 - n)), output: Int64(1_000 * n)),
                                       costUSD: Double(19 - n), pricedCalls: 100 - n)
        let rates = UsageWindows.Rates(inputPerSecond: Double(100 * n), outputPerSecond: Double(10 * n))
        let sparkline: [Int64] = (0..<30).map { Int64(($0 * n) % 9) }
        return ModelSummary(totals: totals, minute: rates, dollarsPerHour: Double(n) / 10, sparkline: sparkline)
    }

    func press(_ keys: [Key], _ state: ViewState = ViewState(), snapshot: StoreSnapshot = PaneFocusTests.manyModels,
               screen: Size) -> ViewState {
        keys.reduce(state) { reduce($0, key: $1, snapshot: snapshot, screen: screen) }
    }

    func frame(_ state: ViewState, _ size: Size, snapshot: StoreSnapshot = PaneFocusTests.manyModels) -> Canvas {
        Frame.render(snapshot, state: state, size: size, context: Fixtures.context)
    }

    /// Role codes of a rectangle's four corners.
    func cornerRoles(_ canvas: Canvas, _ rect: Rect) -> [Character] {
        [canvas[rect.x, rect.y], canvas[rect.maxX - 1, rect.y], canvas[rect.x, rect.maxY - 1],
         canvas[rect.maxX - 1, rect.maxY - 1]].map(\.style.role.code)
    }

    func testTabCyclesThePanesAndShiftTabGoesBack() {
        var state = ViewState()
        var visited: [Pane] = []
        for _ in 0..<4 {
            state = press([.tab], state, screen: wide)
            visited.append(state.focusedPane)
        }
        XCTAssertEqual(visited, [.burn, .cost, .quality, .traceList])
        state = press([.backTab], state, screen: wide)
        XCTAssertEqual(state.focusedPane, .quality)
        XCTAssertEqual(state.keyContext, .pane)
        state = press([.escape], state, screen: wide)
        XCTAssertEqual(state.focusedPane, .traceList)
        XCTAssertEqual(state.keyContext, .traceList)
    }

    func testOnlyTheFocusedPaneHasTheFocusedBorder() {
        let layout = MainLayout(size: wide)
        for (presses, focused) in [(0, Pane.traceList), (1, .burn), (2, .cost), (3, .quality)] {
            let canvas = frame(press(Array(repeating: .tab, count: presses), screen: wide), wide)
            for pane in Pane.allCases {
                let expected: Character = pane == focused ? "B" : "b"
                XCTAssertEqual(cornerRoles(canvas, layout.rect(of: pane)), Array(repeating: expected, count: 4),
                               "\(pane) with \(focused) focused")
            }
        }
    }

    func testAFocusedPaneScrollsAndTheListStaysPut() {
        var state = press([.tab, .tab], screen: wide)
        XCTAssertEqual(state.focusedPane, .cost)
        let top = frame(state, wide).plainText().joined(separator: "\n")
        XCTAssertTrue(top.contains("model-1 "), top)
        XCTAssertTrue(top.contains("more"), "the pane says rows are hidden")
        state = press([.character("j"), .character("j")], state, screen: wide)
        XCTAssertEqual(state.paneScroll[.cost], 2)
        XCTAssertEqual(state.selectedIndex, 0, "the trace list did not move")
        let scrolled = frame(state, wide)
        let costRect = MainLayout(size: wide).costPane
        let costText = scrolled.rows(costRect.y..<costRect.maxY).plainText().map { String($0.dropFirst(costRect.x)) }
        XCTAssertTrue(costText[1].contains("model"), "column titles stay: \(costText[1])")
        XCTAssertTrue(costText[2].contains("model-3 "), costText[2])
        state = press([.character("G")], state, screen: wide)
        let bottom = frame(state, wide).plainText().joined(separator: "\n")
        XCTAssertTrue(bottom.contains("model-18"), bottom)
        let last = state.paneScroll[.cost] ?? 0
        state = press([.character("j"), .pageDown], state, screen: wide)
        XCTAssertEqual(state.paneScroll[.cost], last, "scrolling stops at the last row")
        state = press([.character("g")], state, screen: wide)
        XCTAssertEqual(state.paneScroll[.cost], 0)
    }

    func testNarrowScreensShowTheFocusedPaneFullScreen() {
        var state = press([.tab], screen: small)
        XCTAssertEqual(state.focusedPane, .burn)
        var text = frame(state, small).plainText()
        XCTAssertTrue(text[1].contains("Token burn"), text[1])
        XCTAssertFalse(text.joined().contains("Traces ("))
        state = press([.tab], state, screen: small)
        text = frame(state, small).plainText()
        XCTAssertTrue(text[1].contains("Cost by model"), text[1])
        state = press([.tab], state, screen: small)
        XCTAssertTrue(frame(state, small).plainText()[1].contains("Quality"))
        state = press([.tab], state, screen: small)
        XCTAssertTrue(frame(state, small).plainText()[1].contains("Traces ("))
    }

    func testAClickFocusesThePaneUnderIt() {
        let layout = MainLayout(size: wide)
        var state = reduce(ViewState(), key: .mouse(.click(x: layout.costPane.x + 3, y: layout.costPane.y + 2)),
                           snapshot: Self.manyModels, screen: wide)
        XCTAssertEqual(state.focusedPane, .cost)
        state = reduce(state, key: .mouse(.click(x: 5, y: layout.traceList.y + 4)), snapshot: Self.manyModels, screen: wide)
        XCTAssertEqual(state.focusedPane, .traceList)
        XCTAssertEqual(state.selectedIndex, 2)
    }

    func testTheHintBarAndHelpNameThePaneKeys() {
        let state = press([.tab], screen: wide)
        let hint = frame(state, wide).plainText()[wide.height - 1]
        XCTAssertTrue(hint.contains("Tab next pane"), hint)
        XCTAssertTrue(hint.contains("Esc back to traces"), hint)
        let list = frame(ViewState(), wide).plainText()[wide.height - 1]
        XCTAssertTrue(list.contains("Tab next pane"), list)
    }

    // MARK: Golden frames

    func testFocusedPaneBorders() {
        assertSnapshot(of: frame(press([.tab, .tab], screen: wide), wide), as: .frame, named: "cost-focused-200x50")
        let scrolled = press([.tab, .tab, .tab, .character("j")], screen: wide)
        assertSnapshot(of: frame(scrolled, wide), as: .frame, named: "quality-focused-200x50")
    }

    func testFullScreenPanesAt80x24() {
        for (presses, name) in [(1, "burn"), (2, "cost"), (3, "quality")] {
            let state = press(Array(repeating: .tab, count: presses), screen: small)
            assertSnapshot(of: frame(state, small), as: .frame, named: name)
        }
        let scrolled = press([.tab, .tab, .pageDown], screen: small)
        assertSnapshot(of: frame(scrolled, small), as: .frame, named: "cost-page2")
    }
}
