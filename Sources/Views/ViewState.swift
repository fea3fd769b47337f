import CanvasKit
import Semantics
import Store
import Telemetry

/// Everything the screen remembers between frames. Changed only by `reduce`.
public struct ViewState: Sendable, Equatable {
    /// Row of the selected trace in the list as shown (`listed`).
    public var selectedIndex = 0
    /// The selected trace, so the selection stays on it as new traces arrive above.
    /// nil means "follow the newest trace".
    public var selectedTraceID: TraceID?
    /// First trace row shown.
    public var scrollOffset = 0
    public var helpVisible = false
    /// `Tab`: the pane keys go to. Side panes are shown full screen where they do not fit beside the list.
    public var focusedPane = Pane.traceList
    /// First row shown of each side pane that has scrolled.
    public var paneScroll: [Pane: Int] = [:]
    /// Index into the executable's theme list; `cycleTheme` advances it.
    public var themeIndex = 0
    public var quitRequested = false
    /// The open trace (and span), or nil on the main screen.
    public var drill: DrillState?
    /// The trace list shows only the traces this matches.
    public var filter = TraceFilter()
    /// The filter being typed after `/`; nil when not editing.
    public var filterDraft: String?
    public var order = TraceOrder()
    /// `p`: the screen holds still while the store keeps ingesting.
    public var paused = false
    /// `y`: the span the executable should copy (OSC 52), taken and cleared by it.
    public var copyRequest: SpanID?
    /// `y` on an expanded value: the text the executable should copy (OSC 52), taken and cleared by it.
    public var valueCopyRequest: String?
    /// A short message for the hint bar (e.g. what was copied); the executable clears it.
    public var notice: String?
    /// The notice is a problem (a followed file gone, an upstream failing), drawn as a warning.
    public var noticeIsWarning = false
    /// `S`: the list shows sessions instead of traces.
    public var showsSessions = false
    public var sessionIndex = 0
    /// `Enter` on a session: its timeline, and the selected event in it.
    public var openSessionID: String?
    public var timelineIndex = 0
    /// `Enter` on a timeline event: everything it carried, and how far that is scrolled.
    public var sessionEventOpen = false
    public var eventScroll = 0
    /// `H`: spend per day from the history ledger, split by `historySplit`.
    public var showsHistory = false
    public var historySplit = SpendHistory.Split.model
    /// The selected day, as an index into the days shown; nil follows today (the last).
    public var historyDayIndex: Int?
    /// `Enter` on a day: its sessions and calls, and how far they are scrolled.
    public var historyDayOpen = false
    public var historyDayScroll = 0

    public init() {}

    /// The context whose key bindings apply now: the help or the filter over the screen, else the screen's.
    public var keyContext: KeyContext {
        if helpVisible { return .help }
        if filterDraft != nil { return .filter }
        return screenContext
    }

    /// The screen under the help and the filter.
    public var screenContext: KeyContext {
        if let drill {
            if drill.expandedValue != nil { return .value }
            return drill.openSpanID == nil ? .traceView : .spanView
        }
        if showsHistory { return historyDayOpen ? .historyDay : .history }
        if showsSessions {
            guard openSessionID != nil else { return .sessionList }
            return sessionEventOpen ? .sessionEvent : .sessionTimeline
        }
        return focusedPane == .traceList ? .traceList : .pane
    }

    /// Brings selection and scrolling in line with a new snapshot or screen size.
    public func reconciled(with snapshot: StoreSnapshot, screen: Size) -> ViewState {
        var state = self
        let traces = listed(snapshot)
        guard traces.isCurrent else { return state }
        guard !traces.isEmpty else {
            state.selectedIndex = 0
            state.scrollOffset = 0
            return state
        }
        if let id = selectedTraceID {
            if let index = traces.index(of: id) {
                // Rows that arrived above the selection scroll the view with it, so nothing jumps.
                state.scrollOffset += index - selectedIndex
                state.selectedIndex = index
            } else {
                state.selectedIndex = min(selectedIndex, traces.count - 1)
                state.selectedTraceID = traces.row(at: state.selectedIndex)?.traceID
            }
        } else {
            state.selectedIndex = 0
        }
        let rows = max(1, MainLayout(size: screen).visibleTraceRows)
        state.scrollOffset = min(state.scrollOffset, state.selectedIndex)
        state.scrollOffset = max(state.scrollOffset, state.selectedIndex - rows + 1)
        state.scrollOffset = max(0, min(state.scrollOffset, traces.count - rows))
        return state
    }
}

/// Applies one action: the screen whose keys are in use handles it, else the shared actions (theme,
/// help, quit); an action neither knows changes nothing. Pure: the same inputs always give the same state.
/// `openTrace` is the store's entry for `state.drill`'s trace, which moves on the trace and span screens need.
public func reduce(_ state: ViewState, _ action: Action, snapshot: StoreSnapshot, screen: Size,
                   openTrace: TraceEntry? = nil) -> ViewState {
    let state = state.reconciled(with: snapshot, screen: screen)
    let input = ScreenInput(snapshot: snapshot, size: screen, openTrace: openTrace)
    return Screens.screen(for: state.keyContext).reduce(state, action, input) ?? GlobalActions.reduce(state, action) ?? state
}

/// Looks the key up in the table for the current context and applies its action; unbound keys change nothing
/// but a resize, which re-fits the selection to the new size.
public func reduce(_ state: ViewState, key: Key, snapshot: StoreSnapshot, screen: Size,
                   keys: KeyTable = .standard, openTrace: TraceEntry? = nil) -> ViewState {
    // The wheel moves like the arrow keys of the screen under it; a click on a trace selects it.
    if case .mouse(let event) = key {
        switch event {
        case .wheelUp: return reduce(state, key: .up, snapshot: snapshot, screen: screen, keys: keys, openTrace: openTrace)
        case .wheelDown: return reduce(state, key: .down, snapshot: snapshot, screen: screen, keys: keys, openTrace: openTrace)
        case .click(let x, let y):
            var state = state.reconciled(with: snapshot, screen: screen)
            guard state.keyContext == .traceList || state.keyContext == .pane else { return state }
            let layout = MainLayout(size: screen)
            // A click on a side pane focuses it; one on the list focuses the list and selects a trace.
            if layout.hasSidePanes {
                for pane in Pane.allCases where layout.rect(of: pane).contains(x: x, y: y) {
                    state.focusedPane = pane
                }
            }
            guard state.focusedPane == .traceList else { return state }
            let list = layout.traceList
            let row = y - (list.y + 2) + state.scrollOffset
            let traces = state.listed(snapshot)
            guard y >= list.y + 2, y < list.y + list.height - 1, traces.isCurrent, let trace = traces.row(at: row)
            else { return state }
            state.selectedIndex = row
            state.selectedTraceID = trace.traceID
            return state.reconciled(with: snapshot, screen: screen)
        }
    }
    guard let action = keys.action(for: key, in: state.keyContext) else {
        var state = state
        // Typing a filter: every printable character that is not a binding goes into it.
        if state.filterDraft != nil, case .character(let character) = key, !character.isNewline,
           character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
            state.filterDraft?.append(character)
        }
        return state.reconciled(with: snapshot, screen: screen)
    }
    return reduce(state, action, snapshot: snapshot, screen: screen, openTrace: openTrace)
}
