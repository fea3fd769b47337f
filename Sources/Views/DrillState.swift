import Semantics
import Store

/// Where the user has drilled to from the trace list: an open trace and, maybe, one of its spans.
public struct DrillState: Sendable, Equatable {
    public var traceID: TraceID
    /// Row of the selected span in the trace's tree, and its id, so the selection stays on it as spans arrive.
    public var selectedRow = 0
    public var selectedSpanID: SpanID?
    /// First tree row shown.
    public var scrollOffset = 0
    /// The span whose details are open.
    public var openSpanID: SpanID?
    /// First detail line shown.
    public var detailScroll = 0

    public init(traceID: TraceID) { self.traceID = traceID }

    /// Actions that move within the drill-down rather than act on the whole app.
    static func handles(_ action: Action) -> Bool {
        switch action {
        case .moveUp, .moveDown, .moveTop, .moveBottom, .pageUp, .pageDown, .openSpan, .back: true
        default: false
        }
    }

    /// The state after one action; nil when `back` leaves the trace screen.
    func reduced(_ action: Action, trace: TraceEntry?, screen: Size, nowNanos: UInt64) -> DrillState? {
        let layout = DrillLayout(size: screen)
        var next = reconciled(with: trace, screen: screen, nowNanos: nowNanos)
        if let spanID = openSpanID {
            let page = max(1, layout.detailRows)
            let lines = trace?.span(spanID).map {
                SpanDetails(span: $0, nowNanos: nowNanos).lines(width: layout.detailTextWidth).count
            } ?? 0
            switch action {
            case .moveDown: next.detailScroll += 1
            case .moveUp: next.detailScroll -= 1
            case .moveTop: next.detailScroll = 0
            case .moveBottom: next.detailScroll = lines
            case .pageDown: next.detailScroll += page
            case .pageUp: next.detailScroll -= page
            case .back:
                next.openSpanID = nil
                next.detailScroll = 0
                return next
            default: break
            }
            next.detailScroll = max(0, min(next.detailScroll, lines - page))
            return next
        }
        let rows = trace.map { TraceTree($0, nowNanos: nowNanos).rows } ?? []
        let page = max(1, layout.treeRows)
        func select(_ row: Int) {
            guard !rows.isEmpty else { return }
            next.selectedRow = max(0, min(row, rows.count - 1))
            next.selectedSpanID = rows[next.selectedRow].span.raw.spanID
        }
        switch action {
        case .moveDown: select(next.selectedRow + 1)
        case .moveUp: select(next.selectedRow - 1)
        case .moveTop: select(0)
        case .moveBottom: select(rows.count - 1)
        case .pageDown:
            next.scrollOffset += page
            select(next.selectedRow + page)
        case .pageUp:
            next.scrollOffset -= page
            select(next.selectedRow - page)
        case .openSpan:
            guard !rows.isEmpty else { break }
            select(next.selectedRow)
            next.openSpanID = next.selectedSpanID
            next.detailScroll = 0
        case .back: return nil
        default: break
        }
        return next.reconciled(with: trace, screen: screen, nowNanos: nowNanos)
    }

    /// Keeps the tree selection on its span as spans arrive, and visible.
    func reconciled(with trace: TraceEntry?, screen: Size, nowNanos: UInt64) -> DrillState {
        guard let trace else { return self }
        var state = self
        let tree = TraceTree(trace, nowNanos: nowNanos)
        guard !tree.rows.isEmpty else { return state }
        if let id = selectedSpanID, let row = tree.index(of: id) {
            state.selectedRow = row
        } else {
            state.selectedRow = min(max(0, selectedRow), tree.rows.count - 1)
        }
        let rows = max(1, DrillLayout(size: screen).treeRows)
        state.scrollOffset = min(state.scrollOffset, state.selectedRow)
        state.scrollOffset = max(state.scrollOffset, state.selectedRow - rows + 1)
        state.scrollOffset = max(0, min(state.scrollOffset, tree.rows.count - rows))
        return state
    }
}

/// Where the trace and span screens' parts go: a breadcrumb line, one box, the hint bar.
public struct DrillLayout: Sendable, Equatable {
    public var size: Size
    public init(size: Size) { self.size = size }

    public var header: Rect { Rect(x: 0, y: 0, width: size.width, height: min(1, size.height)) }
    public var body: Rect { Rect(x: 0, y: 1, width: size.width, height: size.height - 2) }
    /// Tree rows below the box border and the column titles.
    public var treeRows: Int { max(0, body.height - 3) }
    public var detailRows: Int { max(0, body.height - 2) }
    /// Columns for detail text: inside the border with one blank column each side.
    public var detailTextWidth: Int { max(1, body.width - 4) }
}

/// The trace or span screen, whichever `state.drill` has open, above the hint bar.
enum DrillScreen {
    static func render(_ snapshot: StoreSnapshot, state: ViewState, size: Size, openTrace: TraceEntry?) -> Canvas {
        guard let drill = state.drill else { return Canvas(size: size) }
        let summary = snapshot.traces.first { $0.traceID == drill.traceID }
        let focused = !state.helpVisible
        return drill.openSpanID == nil
            ? TraceScreenView.render(openTrace, summary: summary, drill: drill, size: size, nowNanos: snapshot.takenAtNanos,
                                     focused: focused)
            : SpanScreenView.render(openTrace, summary: summary, drill: drill, size: size, nowNanos: snapshot.takenAtNanos,
                                    focused: focused)
    }
}
