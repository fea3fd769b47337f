import CanvasKit
import Store

/// The main screen with a side pane (token burn, cost, quality) focused: its rows scroll.
enum PaneScreen: Screen {
    static let context = KeyContext.pane

    static let keys: [ScreenKey] = ScreenKey.moves(down: "scroll down", up: "scroll up", top: "top", bottom: "bottom") + [
        .own([.tab], .nextPane, "next pane", hint: true),
        .own([.backTab], .previousPane, "previous pane"),
        .own([.escape], .back, "back to traces", hint: true),
        .own([.character("p")], .togglePause, "pause"),
    ] + ScreenKey.global(hints: [.showHelp, .quit])

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        var state = state
        let pane = state.focusedPane
        let area = MainLayout(size: input.size).area(of: pane)
        let visible = max(1, area.height - 2)
        let rows = PaneViewport.contentRows(pane, input.snapshot, width: area.width)
        let largest = max(0, rows - visible)
        let scroll = min(state.paneScroll[pane] ?? 0, largest)
        func scrolled(to row: Int) { state.paneScroll[pane] = max(0, min(row, largest)) }
        switch action {
        case .moveDown: scrolled(to: scroll + 1)
        case .moveUp: scrolled(to: scroll - 1)
        case .moveTop: scrolled(to: 0)
        case .moveBottom: scrolled(to: largest)
        case .pageDown: scrolled(to: scroll + visible)
        case .pageUp: scrolled(to: scroll - visible)
        case .nextPane: state.focusedPane = pane.next
        case .previousPane: state.focusedPane = pane.previous
        case .back: state.focusedPane = .traceList
        case .togglePause: state.paused.toggle()
        default: return nil
        }
        return state.reconciled(with: input.snapshot, screen: input.size)
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        MainScreen.render(state, input, into: &canvas)
    }
}
