import CanvasKit
import Semantics
import Store

/// The trace screen: a breadcrumb line, then the span tree with a waterfall on the trace's time axis.
public enum TraceScreenView {
    public static func render(_ trace: TraceEntry?, summary: TraceSummary?, drill: DrillState, size: Size,
                              nowNanos: UInt64, focused: Bool) -> Canvas {
        var canvas = Canvas(size: size)
        let layout = DrillLayout(size: size)
        canvas.draw(DrillHeader.render(summary: summary, span: nil, width: size.width, nowNanos: nowNanos),
                    x: 0, y: layout.header.y)
        guard layout.body.height > 0 else { return canvas }
        var body = Canvas(size: Size(width: layout.body.width, height: layout.body.height))
        let border = Style(focused ? .border_focused : .border)
        guard let trace else {
            body.box(body.bounds, title: "Trace", border: border)
            body.put("This trace is no longer stored (evicted to stay within --max-spans).", x: 2, y: 1,
                     style: Style(.muted), limit: body.width - 3)
            canvas.draw(body, x: 0, y: layout.body.y)
            return canvas
        }
        let tree = TraceTree(trace, nowNanos: nowNanos)
        let split = TimelineSplit(width: body.width)
        let treeBox = Rect(x: 0, y: 0, width: body.width - split.timelineWidth, height: body.height)
        body.box(treeBox, title: (split.isSplit ? "Tree" : "Spans") + " (\(Format.grouped(tree.rows.count)))", border: border)
        let inner = treeBox.inset
        guard inner.width > 2, inner.height > 0 else {
            canvas.draw(body, x: 0, y: layout.body.y)
            return canvas
        }
        let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        let columns = SpanColumns(width: content.width, withTimeline: !split.isSplit)
        var timeline = Canvas(size: Size(width: split.timelineWidth, height: body.height))
        let barWidth = split.isSplit ? max(0, split.timelineWidth - 4) : columns.width(of: .bar)
        let waterfall = Waterfall(startNanos: tree.startNanos, endNanos: tree.endNanos, width: barWidth)
        columns.drawTitles(into: &body, x: content.x, y: content.y, axis: waterfall.axisLabel())
        if split.isSplit {
            timeline.box(timeline.bounds, title: "Timeline", border: border)
            timeline.put(waterfall.axisLabel(), x: 2, y: 1, style: Style(.muted, .bold), limit: barWidth)
        }
        let rows = content.height - 1
        for (offset, row) in tree.rows.dropFirst(drill.scrollOffset).prefix(rows).enumerated() {
            let y = content.y + 1 + offset
            columns.drawRow(row, into: &body, x: content.x, y: y, nowNanos: nowNanos, waterfall: waterfall)
            if split.isSplit {
                waterfall.draw(into: &timeline, x: 2, y: y, start: row.span.packed.startNanos, end: row.span.packed.endNanos,
                               isOpen: row.span.isOpen, style: Style(SpanColumns.barRole(row.span)))
            }
            if drill.scrollOffset + offset == drill.selectedRow {
                body.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: Style(.selected, .bold))
                if split.isSplit {
                    timeline.restyle(Rect(x: 1, y: y, width: timeline.width - 2, height: 1), style: Style(.selected, .bold))
                }
            }
        }
        let below = tree.rows.count - drill.scrollOffset - rows
        if split.isSplit { body.draw(timeline, x: treeBox.width, y: 0) }
        if below > 0 { body.putBorderNote(" ↓ \(Format.grouped(below)) more ", y: body.height - 1) }
        if drill.scrollOffset > 0 { body.putBorderNote(" ↑ \(Format.grouped(drill.scrollOffset)) more ", y: 0) }
        canvas.draw(body, x: 0, y: layout.body.y)
        return canvas
    }
}

/// How the trace screen divides its width: from `minWidth` columns the timeline gets a box of its own right
/// of the tree; narrower screens keep it as the tree's last column.
struct TimelineSplit {
    static let minWidth = 120
    /// The tree box with every column at its widest (a 48-column span name, a 22-column role).
    static let widestTree = 105
    let timelineWidth: Int
    var isSplit: Bool { timelineWidth > 0 }

    init(width: Int) {
        timelineWidth = width >= Self.minWidth ? width - min(Self.widestTree, width * 3 / 5) : 0
    }
}

/// The breadcrumb line of the trace and span screens: where you are, and the trace's totals. When the line
/// is too narrow, the parts with the highest priority number go first.
enum DrillHeader {
    static func render(summary: TraceSummary?, span: StoredSpan?, width: Int, nowNanos: UInt64) -> Canvas {
        var canvas = Canvas(size: Size(width: width, height: 1))
        let muted = Style(.muted)
        let traceName = summary.map { $0.agentName ?? $0.rootName } ?? "trace"
        var groups: [(priority: Int, spans: [StyledRun])] = [(0, [StyledRun("tokentop", Style(.title, .bold)), StyledRun(" ›", muted)])]
        if let span {
            groups.append((2, [StyledRun(traceName, Style(.accent)), StyledRun(" ›", muted)]))
            groups.append((0, [StyledRun(span.packed.name, Style(.text, .bold))]))
            groups.append((3, [StyledRun(span.packed.kind.label, muted)]))
            groups.append((1, [StyledRun(Format.duration(nanos: span.durationNanos(nowNanos: nowNanos)), Style(span.isOpen ? .running : .text))]))
            switch span.packed.statusCode {
            case .error: groups.append((0, [StyledRun("ERROR", Style(.error, .bold))]))
            case .ok: groups.append((1, [StyledRun("OK", Style(.ok))]))
            case .unset: break
            }
        } else if let summary {
            groups.append((0, [StyledRun(traceName, Style(.accent, .bold))]))
            groups.append((4, [StyledRun("trace ", muted), StyledRun(String(summary.traceID.hex.prefix(8)) + "…")]))
            groups.append((3, [StyledRun(summary.serviceName, muted)]))
            let elapsed = summary.inFlight && nowNanos > summary.startNanos ? nowNanos - summary.startNanos : summary.durationNanos
            groups.append((1, [StyledRun(Format.duration(nanos: elapsed), Style(summary.inFlight ? .running : .text))]))
            groups.append((2, [StyledRun("\(summary.llmCalls) llm · \(summary.toolCalls) tools", muted)]))
            if !summary.usage.isZero {
                groups.append((1, [StyledRun(Format.grouped(summary.usage.input) + " in", Style(.tokens_in)), StyledRun(" → ", muted),
                                   StyledRun(Format.grouped(summary.usage.output) + " out", Style(.tokens_out))]))
            }
            if let cost = summary.costUSD {
                var spend = [StyledRun(Format.cost(cost), Style(.cost))]
                if summary.unpricedCalls > 0 { spend.append(StyledRun(" +?", Style(.warning))) }
                groups.append((1, spend))
            } else if summary.unpricedCalls > 0 {
                groups.append((1, [StyledRun("?", Style(.warning))]))
            }
        } else {
            groups.append((0, [StyledRun(traceName, Style(.accent, .bold))]))
        }
        let gap = 2, margin = 1
        var kept = groups
        func totalWidth() -> Int { kept.reduce(0) { $0 + $1.spans.displayWidth } + gap * max(0, kept.count - 1) + margin }
        while totalWidth() > width, let lowest = kept.map(\.priority).max(), lowest > 0,
              let drop = kept.lastIndex(where: { $0.priority == lowest }) {
            kept.remove(at: drop)
        }
        var x = margin
        for (index, group) in kept.enumerated() {
            // The breadcrumb's parts sit one space apart; the figures after it two.
            let breadcrumb = group.spans.last?.text == " ›"
            x += canvas.put(group.spans, x: x, y: 0, limit: width - x) + (breadcrumb || index == 0 ? 1 : gap)
        }
        return canvas
    }
}

/// The trace screen's columns and which of them fit a width.
struct SpanColumns {
    enum Column: FittedColumn {
        case status, tree, badge, tokens, cost, duration, bar

        var minWidth: Int {
            switch self {
            case .status: 1
            case .tree: 16
            case .badge: 5
            case .tokens: 11
            case .cost: 8
            case .duration: 6
            case .bar: 10
            }
        }

        var title: String {
            switch self {
            case .status, .bar: ""
            case .tree: "span"
            case .badge: "role"
            case .tokens: "in→out"
            case .cost: "cost"
            case .duration: "time"
            }
        }

        var alignment: Canvas.Alignment {
            switch self {
            case .tokens, .cost, .duration: .right
            default: .left
            }
        }

        /// Columns in the order they are kept as the width shrinks.
        static let keepOrder: [Column] = [.status, .tree, .duration, .bar, .tokens, .cost, .badge]
    }

    private(set) var layout: [(column: Column, x: Int, width: Int)] = []

    init(width: Int, withTimeline: Bool = true) {
        // Spare room lets the tree show typical names, then gives the timeline a third of the width,
        // then widens the role and the tree; what is left goes to the timeline.
        layout = withTimeline
            ? ColumnLayout.fit(width: width, keepOrder: Column.keepOrder, flexible: .tree,
                               growth: [(Column.tree, 28), (.bar, width / 3), (.badge, 22), (.tree, 48), (.bar, Int.max)])
            : ColumnLayout.fit(width: width, keepOrder: Column.keepOrder.filter { $0 != .bar }, flexible: .tree,
                               growth: [(Column.tree, 28), (.badge, 22), (.tree, Int.max)])
    }

    func width(of column: Column) -> Int { layout.first { $0.column == column }?.width ?? 0 }

    func drawTitles(into canvas: inout Canvas, x: Int, y: Int, axis: String) {
        for entry in layout {
            let title = entry.column == .bar ? axis : entry.column.title
            canvas.put(title, x: x + entry.x, y: y, width: entry.width, style: Style(entry.column == .bar ? .muted : .header, .bold),
                       align: entry.column.alignment)
        }
    }

    func drawRow(_ row: TraceTree.Row, into canvas: inout Canvas, x: Int, y: Int, nowNanos: UInt64, waterfall: Waterfall) {
        let span = row.span
        for entry in layout {
            let cellX = x + entry.x
            switch entry.column {
            case .bar:
                waterfall.draw(into: &canvas, x: cellX, y: y, start: span.packed.startNanos, end: span.packed.endNanos,
                               isOpen: span.isOpen, style: Style(Self.barRole(span)))
            case .tree:
                canvas.put(treeSpans(row, width: entry.width), x: cellX, y: y, limit: entry.width)
            default:
                let spans = cellSpans(entry.column, row: row, nowNanos: nowNanos)
                let start = entry.column.alignment == .right ? cellX + max(0, entry.width - spans.displayWidth) : cellX
                canvas.put(spans, x: start, y: y, limit: entry.width - (start - cellX))
            }
        }
    }

    static func barRole(_ span: StoredSpan) -> StyleRole {
        if span.isError { return .error }
        if span.isOpen { return .running }
        switch span.role {
        case .agent: return .accent
        case .llm: return .tokens_in
        case .tool: return .ok
        default: return .muted
        }
    }

    /// Tree lines, the orphan mark, the name and the duplicate mark.
    private func treeSpans(_ row: TraceTree.Row, width: Int) -> [StyledRun] {
        var guide = ""
        if row.depth > 0 {
            for level in 1..<row.depth { guide += row.lastAtLevel[level] ? "   " : "│  " }
            guide += row.lastAtLevel[row.depth] ? "└─ " : "├─ "
        }
        // Very deep trees keep their names readable: the depth is written instead of drawn.
        if DisplayWidth.of(guide) > width / 2 { guide = "·\(row.depth) " }
        var spans = [StyledRun(guide, Style(.muted))]
        if row.isOrphan { spans.append(StyledRun("⋯ ", Style(.warning))) }
        let span = row.span
        spans.append(StyledRun(span.packed.name, Style(span.role.agent != nil ? .accent : .text)))
        if span.duplicateOf != nil { spans.append(StyledRun(" (duplicate)", Style(.muted))) }
        return spans
    }

    private func cellSpans(_ column: Column, row: TraceTree.Row, nowNanos: UInt64) -> [StyledRun] {
        let span = row.span
        switch column {
        case .status:
            if span.isError { return [StyledRun("✗", Style(.error, .bold))] }
            return span.isOpen ? [StyledRun("▶", Style(.running, .bold))] : []
        case .badge:
            let badge = span.badge, room = width(of: .badge)
            // A model name cut to a stub says nothing; the bare role does.
            let text = DisplayWidth.of(badge.text) <= room || room >= 12 ? badge.text : String(badge.text.prefix { $0 != " " })
            return [StyledRun(Canvas.fit(text, width: room), Style(badge.role))]
        case .tokens:
            // An agent run shows what the calls beneath it used.
            let usage: TokenUsage
            if let subtotal = row.subtotal, subtotal.calls > 0 {
                usage = subtotal.usage
            } else if case .llm(let call) = span.role, call.hasUsage {
                usage = call.usage
            } else {
                return []
            }
            return [StyledRun(Format.compact(usage.input), Style(.tokens_in)), StyledRun("→", Style(.muted)),
                    StyledRun(Format.compact(usage.output), Style(.tokens_out))]
        case .cost:
            if let subtotal = row.subtotal {
                let unpriced = subtotal.unpricedCalls > 0 ? [StyledRun("?", Style(.warning))] : []
                guard let usd = subtotal.costUSD else { return unpriced }
                return [StyledRun(Format.cost(usd), Style(.cost))] + unpriced
            }
            if let cost = span.cost { return [StyledRun(Format.cost(cost.usd), Style(.cost))] }
            if let reported = span.role.llm?.reportedCostUSD { return [StyledRun(Format.cost(reported), Style(.cost))] }
            return span.isUnpricedCall ? [StyledRun("?", Style(.warning))] : []
        case .duration:
            return [StyledRun(Format.duration(nanos: span.durationNanos(nowNanos: nowNanos)), Style(span.isOpen ? .running : .text))]
        case .tree, .bar:
            return []
        }
    }
}
