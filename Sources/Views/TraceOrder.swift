import CanvasKit
import Semantics
import Store
import Telemetry

/// How the trace list is sorted; `s` cycles through the columns, each newest/largest first, then
/// back to start time; `r` turns the order around (oldest, smallest first).
public struct TraceOrder: Sendable, Equatable {
    public typealias Column = TraceSortKey

    public var column = Column.started
    public var reversed = false

    public init(column: Column = .started, reversed: Bool = false) {
        self.column = column
        self.reversed = reversed
    }

    /// The next column in the cycle, in the same direction.
    public var next: TraceOrder {
        let all = Column.allCases
        return TraceOrder(column: all[(all.firstIndex(of: column)! + 1) % all.count], reversed: reversed)
    }

    /// Largest first (smallest first reversed); ties keep the store's newest-first order (reversed too).
    public func sorted(_ traces: [TraceSummary]) -> [TraceSummary] {
        let largestFirst = column == .started ? traces : traces.enumerated().sorted { a, b in
            let (ka, kb) = (column.value(of: a.element), column.value(of: b.element))
            return ka != kb ? ka > kb : a.offset < b.offset
        }.map(\.element)
        return reversed ? largestFirst.reversed() : largestFirst
    }

    /// `by cost ↑` for the list's title; nil for the standard order.
    public var label: String? {
        switch (column, reversed) {
        case (.started, false): nil
        case (.started, true): "oldest first"
        case (_, false): "by " + column.rawValue
        case (_, true): "by " + column.rawValue + " ↑"
        }
    }
}

/// The trace list as the screen shows it (filtered, then sorted): every row of a snapshot that holds
/// them all, or the window the store listed for the screen's query.
public struct ListedTraces: Sendable {
    public let count: Int
    public let running: Int
    /// Position of `rows.first`.
    let offset: Int
    let rows: [TraceSummary]
    let last: TraceSummary?
    /// The store's position of the trace it was asked to centre on.
    let known: (id: TraceID, index: Int)?
    /// False when the snapshot was listed for another filter or order than the screen's; the next
    /// snapshot brings the right one, and until then selection and scrolling stay where they are.
    public let isCurrent: Bool

    init(all rows: [TraceSummary]) {
        count = rows.count
        running = rows.reduce(0) { $0 + ($1.inFlight ? 1 : 0) }
        offset = 0
        self.rows = rows
        last = nil
        known = nil
        isCurrent = true
    }

    init(window: TraceWindow, isCurrent: Bool) {
        count = window.count
        running = window.running
        offset = window.offset
        rows = window.rows
        last = window.last
        known = zip(window.query.selected, window.selectedIndex).map { (id: $0.0, index: $0.1) }
        self.isCurrent = isCurrent
    }

    public var isEmpty: Bool { count == 0 }

    /// The row at a position of the list, when the snapshot holds it.
    public func row(at index: Int) -> TraceSummary? {
        if index >= offset, index - offset < rows.count { return rows[index - offset] }
        if index == count - 1 { return last }
        return nil
    }

    public func index(of id: TraceID) -> Int? {
        if let known, known.id == id { return known.index }
        return rows.firstIndex { $0.traceID == id }.map { $0 + offset } ?? (last?.traceID == id ? count - 1 : nil)
    }
}

private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

extension ViewState {
    /// The trace list as this state shows it.
    public func listed(_ snapshot: StoreSnapshot) -> ListedTraces {
        if let window = snapshot.window {
            let current = window.query.sort == order.column && window.query.reversed == order.reversed
                && window.query.filter == filter
            return ListedTraces(window: window, isCurrent: current)
        }
        return ListedTraces(all: order.sorted(filter.apply(to: snapshot).traces))
    }

    /// What to ask the store for so that the next frame, and any one key after it, finds its rows.
    public func traceQuery(screen: Size) -> TraceQuery {
        let page = max(1, MainLayout(size: screen).visibleTraceRows)
        return TraceQuery(sort: order.column, reversed: order.reversed, filter: filter, selected: selectedTraceID,
                          anchorIndex: selectedTraceID == nil ? 0 : selectedIndex,
                          rowsAround: 2 * page + 2, openTrace: drill?.traceID)
    }
}

/// The filter type lives with the store, which keeps filtered lists current.
public typealias TraceFilter = Store.TraceFilter
