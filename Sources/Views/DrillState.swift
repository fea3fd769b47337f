import CanvasKit
import Semantics
import Store
import Telemetry

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
    /// The value under the span screen's cursor, counted among the values the span shows.
    public var detailCursor = 0
    /// The value shown on the whole screen (an index like `detailCursor`), and its first line shown.
    public var expandedValue: Int?
    public var valueScroll = 0

    public init(traceID: TraceID) { self.traceID = traceID }

    /// Actions that move within the drill-down rather than act on the whole app.
    static func handles(_ action: Action) -> Bool {
        switch action {
        case .moveUp, .moveDown, .moveTop, .moveBottom, .pageUp, .pageDown, .openSpan, .back, .expandValue: true
        default: false
        }
    }

    /// The state after one action; nil when `back` leaves the trace screen.
    func reduced(_ action: Action, trace: TraceEntry?, screen: Size, nowNanos: UInt64) -> DrillState? {
        let layout = DrillLayout(size: screen)
        var next = reconciled(with: trace, screen: screen, nowNanos: nowNanos)
        if let spanID = openSpanID {
            let document = trace?.span(spanID).map {
                SpanDetails(span: $0, nowNanos: nowNanos).document(width: layout.detailTextWidth)
            } ?? SpanDocument(lines: [], entries: [])
            if let expanded = expandedValue {
                return next.reducedInValue(action, value: document.entries.indices.contains(expanded)
                                           ? ExpandedValue(label: document.entries[expanded].label, text: document.entries[expanded].text)
                                           : nil, layout: layout)
            }
            return next.reducedInDetails(action, document: document, page: max(1, layout.detailRows))
        }
        let rows = trace.map { TraceTree($0, nowNanos: nowNanos).rows } ?? []
        let page = max(1, layout.treeRows)
        func select(_ row: Int) {
            guard !rows.isEmpty else { return }
            next.selectedRow = max(0, min(row, rows.count - 1))
            next.selectedSpanID = rows[next.selectedRow].span.packed.spanID
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
            next.detailCursor = 0
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

extension DrillState {
    /// The span screen: the cursor moves from value to value and the lines scroll to keep it in view.
    fileprivate func reducedInDetails(_ action: Action, document: SpanDocument, page: Int) -> DrillState? {
        var next = self
        let entries = document.entries
        let largest = max(0, document.lines.count - page)
        func show(_ entry: SpanDocument.Entry) {
            if entry.firstLine < next.detailScroll {
                next.detailScroll = entry.firstLine
            } else if entry.firstLine + min(entry.lineCount, page) > next.detailScroll + page {
                next.detailScroll = entry.firstLine + min(entry.lineCount, page) - page
            }
        }
        /// After a page turn, a cursor left outside the page moves to the first value on it.
        func cursorOntoPage() {
            let inView = { (entry: SpanDocument.Entry) in
                entry.firstLine >= next.detailScroll && entry.firstLine < next.detailScroll + page
            }
            guard entries.indices.contains(next.detailCursor), !inView(entries[next.detailCursor]) else { return }
            if let first = entries.firstIndex(where: inView) { next.detailCursor = first }
        }
        next.detailCursor = max(0, min(next.detailCursor, entries.count - 1))
        switch action {
        case .moveDown:
            next.detailCursor = min(next.detailCursor + 1, max(0, entries.count - 1))
            if entries.indices.contains(next.detailCursor) { show(entries[next.detailCursor]) }
        case .moveUp:
            next.detailCursor = max(next.detailCursor - 1, 0)
            if entries.indices.contains(next.detailCursor) { show(entries[next.detailCursor]) }
        case .moveTop:
            next.detailCursor = 0
            next.detailScroll = 0
        case .moveBottom:
            next.detailCursor = max(0, entries.count - 1)
            next.detailScroll = largest
        case .pageDown:
            next.detailScroll = min(next.detailScroll + page, largest)
            cursorOntoPage()
        case .pageUp:
            next.detailScroll = max(0, next.detailScroll - page)
            cursorOntoPage()
        case .expandValue:
            guard entries.indices.contains(next.detailCursor) else { break }
            next.expandedValue = next.detailCursor
            next.valueScroll = 0
        case .back:
            next.openSpanID = nil
            next.detailScroll = 0
            next.detailCursor = 0
            return next
        default: break
        }
        next.detailScroll = max(0, min(next.detailScroll, largest))
        return next
    }

    /// The expanded value: moves scroll it, `back` returns to the span screen with the cursor where it was.
    fileprivate func reducedInValue(_ action: Action, value: ExpandedValue?, layout: DrillLayout) -> DrillState? {
        var next = self
        let page = max(1, layout.detailRows)
        let lines = value?.lines(width: layout.detailTextWidth).count ?? 0
        switch action {
        case .moveDown: next.valueScroll += 1
        case .moveUp: next.valueScroll -= 1
        case .moveTop: next.valueScroll = 0
        case .moveBottom: next.valueScroll = lines
        case .pageDown: next.valueScroll += page
        case .pageUp: next.valueScroll -= page
        case .back:
            next.expandedValue = nil
            next.valueScroll = 0
            return next
        default: break
        }
        next.valueScroll = max(0, min(next.valueScroll, lines - page))
        return next
    }

    /// The value `expandedValue` points at, for showing or copying.
    func value(in trace: TraceEntry?, screen: Size, nowNanos: UInt64) -> ExpandedValue? {
        guard let spanID = openSpanID, let span = trace?.span(spanID), let index = expandedValue else { return nil }
        let entries = SpanDetails(span: span, nowNanos: nowNanos).document(width: DrillLayout(size: screen).detailTextWidth).entries
        guard entries.indices.contains(index) else { return nil }
        return ExpandedValue(label: entries[index].label, text: entries[index].text)
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
