import CanvasKit
import Store

/// The main screen with the trace list focused: every trace as it arrives, newest first.
enum TraceListScreen: Screen {
    static let context = KeyContext.traceList

    static let keys: [ScreenKey] = ScreenKey.moves(top: "newest (follow)", bottom: "oldest") + [
        .open(.openTrace, "open trace"),
        .own([.tab], .nextPane, "next pane", hint: true),
        .own([.backTab], .previousPane, "previous pane"),
        .own([.character("/")], .startFilter, "filter", hint: true),
        .own([.escape], .clearFilter, "clear filter"),
        .own([.character("s")], .cycleSort, "sort", hint: true),
        .own([.character("r")], .reverseSort, "reverse the order"),
        .own([.character("p")], .togglePause, "pause", hint: true),
        .own([.character("S")], .toggleSessions, "sessions", hint: true),
        .own([.character("H")], .toggleHistory, "spend history", hint: true),
    ] + ScreenKey.global(hints: [.cycleTheme, .showHelp, .quit])

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        var state = state
        let traces = state.listed(input.snapshot)
        let page = max(1, MainLayout(size: input.size).visibleTraceRows)

        func select(_ index: Int) {
            guard !traces.isEmpty, traces.isCurrent else { return }
            let index = max(0, min(index, traces.count - 1))
            guard let row = traces.row(at: index) else { return }
            state.selectedIndex = index
            state.selectedTraceID = row.traceID
        }

        switch action {
        case .moveDown: select(state.selectedIndex + 1)
        case .moveUp: select(state.selectedIndex - 1)
        case .moveTop:
            state.selectedIndex = 0
            state.selectedTraceID = nil
        case .moveBottom: select(traces.count - 1)
        case .pageDown:
            state.scrollOffset += page
            select(state.selectedIndex + page)
        case .pageUp:
            state.scrollOffset -= page
            select(state.selectedIndex - page)
        case .openTrace:
            guard !traces.isEmpty, traces.isCurrent else { break }
            // Pinned, so the list comes back with this trace selected.
            select(state.selectedIndex)
            guard let row = traces.row(at: state.selectedIndex) else { break }
            state.drill = DrillState(traceID: row.traceID)
        case .nextPane: state.focusedPane = state.focusedPane.next
        case .previousPane: state.focusedPane = state.focusedPane.previous
        case .startFilter: state.filterDraft = state.filter.text
        case .clearFilter: state.filter = TraceFilter()
        case .cycleSort, .reverseSort:
            if action == .cycleSort { state.order = state.order.next } else { state.order.reversed.toggle() }
            state.selectedIndex = 0
            state.selectedTraceID = nil
            state.scrollOffset = 0
        case .togglePause: state.paused.toggle()
        case .toggleSessions:
            state.showsSessions = true
            state.sessionIndex = 0
            state.openSessionID = nil
        case .toggleHistory:
            state.showsHistory = true
            state.historyDayIndex = nil
            state.historyDayOpen = false
        default: return nil
        }
        return state.reconciled(with: input.snapshot, screen: input.size)
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        MainScreen.render(state, input, into: &canvas)
    }
}
