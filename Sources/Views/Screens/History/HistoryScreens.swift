import CanvasKit
import Store

/// `H`: spend per day from the history ledger, split by model, service, agent or session.
enum HistoryScreen: Screen {
    static let context = KeyContext.history

    static let keys: [ScreenKey] = [
        .move(.moveUp, "earlier day", hint: true), .move(.moveDown, "later day", hint: true),
        .move(.moveTop, "first day"), .move(.moveBottom, "today"),
        .move(.pageUp, "page up"), .move(.pageDown, "page down"),
        .open(.openHistoryDay, "the day's sessions and calls"),
        .own([.character("s")], .cycleHistorySplit, "split by model/service/agent/session", hint: true),
        .own([.escape, .character("H")], .toggleHistory, "back to traces", hint: true),
    ] + ScreenKey.global()

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        var state = state
        let last = ViewState.historyDays - 1
        let page = HistoryScreens.page(input)
        let current = state.historyDayIndex ?? last
        func select(_ index: Int) { state.historyDayIndex = index >= last ? nil : max(0, index) }
        switch action {
        case .moveDown: select(current + 1)
        case .moveUp: select(current - 1)
        case .moveTop: select(0)
        case .moveBottom: select(last)
        case .pageDown: select(current + page)
        case .pageUp: select(current - page)
        case .cycleHistorySplit: state.historySplit = state.historySplit.next
        case .openHistoryDay:
            state.historyDayOpen = true
            state.historyDayScroll = 0
        case .toggleHistory, .back: state.showsHistory = false
        default: return nil
        }
        return state
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        let data = HistoryScreens.data(input)
        MainScreen.renderFullBody(input, into: &canvas) { HistoryView.render(data, state: state, size: $0, context: input.context!) }
    }
}

/// `⏎` on a day: its sessions and calls.
enum HistoryDayScreen: Screen {
    static let context = KeyContext.historyDay

    static let keys: [ScreenKey] = ScreenKey.moves(down: "scroll down", up: "scroll up", top: "top", bottom: "bottom")
        + [.back("back to the days")] + ScreenKey.global()

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        var state = state
        let page = HistoryScreens.page(input)
        let scroll = state.historyDayScroll
        switch action {
        case .moveDown: state.historyDayScroll += 1
        case .moveUp: state.historyDayScroll = max(0, scroll - 1)
        case .moveTop: state.historyDayScroll = 0
        case .moveBottom: state.historyDayScroll = Int.max
        case .pageDown: state.historyDayScroll = scroll == Int.max ? Int.max : scroll + page
        case .pageUp: state.historyDayScroll = max(0, min(scroll, 1_000_000) - page)
        case .back, .toggleHistory: state.historyDayOpen = false
        default: return nil
        }
        return state
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        let data = HistoryScreens.data(input)
        MainScreen.renderFullBody(input, into: &canvas) { size in
            if let days = data.history {
                HistoryDayView.render(data.day, dayNumber: state.selectedHistoryDay(today: days.today), state: state,
                                      size: size, context: input.context!)
            } else {
                HistoryView.render(data, state: state, size: size, context: input.context!)
            }
        }
    }
}

/// What the history screens share.
enum HistoryScreens {
    static func page(_ input: ScreenInput) -> Int { max(1, input.size.height - 8) }

    /// What the ledger gave, or only its status while nothing has been read yet.
    static func data(_ input: ScreenInput) -> HistoryScreenData {
        input.history ?? HistoryScreenData(status: input.snapshot.counters.history)
    }
}
