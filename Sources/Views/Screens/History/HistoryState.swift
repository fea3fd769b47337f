import CanvasKit
import Store

/// What the history screens keep in the view state: which day is selected.
extension ViewState {
    /// Days shown on the history screen (its reducer does not see the ledger, only how many).
    public static let historyDays = 30

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
