import CanvasKit
import Store

/// Keys on the history screens: the days (`H`) and one day (`Enter`).
extension ViewState {
    /// Days shown on the history screen (its reducer does not see the ledger, only how many).
    public static let historyDays = 30

    func reducedInHistory(_ action: Action, screen: Size) -> ViewState {
        var state = self
        let last = Self.historyDays - 1
        let page = max(1, screen.height - 8)
        switch action {
        case .showHelp: state.helpVisible = true
        case .quit: state.quitRequested = true
        case .cycleTheme: state.themeIndex += 1
        default:
            if historyDayOpen {
                switch action {
                case .moveDown: state.historyDayScroll += 1
                case .moveUp: state.historyDayScroll = max(0, historyDayScroll - 1)
                case .moveTop: state.historyDayScroll = 0
                case .moveBottom: state.historyDayScroll = Int.max
                case .pageDown: state.historyDayScroll = historyDayScroll == Int.max ? Int.max : historyDayScroll + page
                case .pageUp: state.historyDayScroll = max(0, min(historyDayScroll, 1_000_000) - page)
                case .back, .toggleHistory: state.historyDayOpen = false
                default: break
                }
                return state
            }
            let current = historyDayIndex ?? last
            func select(_ index: Int) { state.historyDayIndex = index >= last ? nil : max(0, index) }
            switch action {
            case .moveDown: select(current + 1)
            case .moveUp: select(current - 1)
            case .moveTop: select(0)
            case .moveBottom: select(last)
            case .pageDown: select(current + page)
            case .pageUp: select(current - page)
            case .cycleHistorySplit: state.historySplit = historySplit.next
            case .openHistoryDay:
                state.historyDayOpen = true
                state.historyDayScroll = 0
            case .toggleHistory, .back: state.showsHistory = false
            default: break
            }
        }
        return state
    }

    /// The selected day's index in `history.days`.
    func selectedHistoryDay(in history: SpendHistory) -> Int {
        let last = history.days.count - 1
        return min(historyDayIndex ?? last, last)
    }

    /// The local day (days since 1970-01-01) the selection is on, given today.
    public func selectedHistoryDay(today: Int64) -> Int64 {
        today - Int64(Self.historyDays - 1 - (historyDayIndex ?? Self.historyDays - 1))
    }
}
