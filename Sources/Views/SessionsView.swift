import Store

/// One conversation/session: the traces that share `gen_ai.conversation.id` / `session.id`.
public struct SessionRow: Sendable, Equatable {
    public var sessionID: String
    public var traces = 0
    public var llmCalls = 0
    public var tokens: Int64 = 0
    public var costUSD: Double?
    public var unpricedCalls = 0
    public var lastStartNanos: UInt64 = 0
    public var running = 0

    /// Sessions of the snapshot's traces, most recently active first.
    public static func rows(_ snapshot: StoreSnapshot) -> [SessionRow] {
        var rows: [String: SessionRow] = [:]
        for trace in snapshot.traces where !trace.sessionID.isEmpty {
            var row = rows[trace.sessionID] ?? SessionRow(sessionID: trace.sessionID)
            row.traces += 1
            row.llmCalls += trace.llmCalls
            row.tokens += trace.usage.input + trace.usage.output
            if let cost = trace.costUSD { row.costUSD = (row.costUSD ?? 0) + cost }
            row.unpricedCalls += trace.unpricedCalls
            row.lastStartNanos = max(row.lastStartNanos, trace.startNanos)
            if trace.inFlight { row.running += 1 }
            rows[trace.sessionID] = row
        }
        return rows.values.sorted { ($0.lastStartNanos, $0.sessionID) > ($1.lastStartNanos, $1.sessionID) }
    }
}

/// `S`: the traces grouped by conversation/session; `Enter` shows one session's traces.
public enum SessionsView {
    public static func render(_ snapshot: StoreSnapshot, state: ViewState, size: Size, context: FrameContext) -> Canvas {
        var canvas = Canvas(size: size)
        let rows = SessionRow.rows(snapshot)
        canvas.box(canvas.bounds, title: "Sessions (\(Format.grouped(rows.count)))", border: Style(.border_focused))
        let inner = canvas.bounds.inset
        guard inner.width > 4, inner.height > 1 else { return canvas }
        let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        guard !rows.isEmpty else {
            canvas.put("No trace carries a session or conversation id (gen_ai.conversation.id, session.id).",
                       x: content.x, y: content.y + content.height / 2, style: Style(.muted), limit: content.width)
            return canvas
        }
        let numbers: [(String, Int)] = [("last", 8), ("traces", 6), ("llm", 5), ("tokens", 7), ("cost", 8)]
        let idWidth = max(8, content.width - numbers.reduce(0) { $0 + $1.1 + 1 })
        func draw(_ cells: [String], y: Int, style: Style) {
            canvas.put(cells[0], x: content.x, y: y, width: idWidth, style: style)
            var x = content.x + idWidth + 1
            for (index, (_, width)) in numbers.enumerated() where x + width <= content.x + content.width {
                canvas.put(cells[index + 1], x: x, y: y, width: width, style: style, align: index == 0 ? .left : .right)
                x += width + 1
            }
        }
        draw(["session"] + numbers.map(\.0), y: content.y, style: Style(.header, .bold))
        let visible = content.height - 1
        let selected = min(state.sessionIndex, rows.count - 1)
        let first = max(0, min(selected - visible + 1, rows.count - visible))
        for (offset, row) in rows.dropFirst(max(0, first)).prefix(visible).enumerated() {
            let y = content.y + 1 + offset
            let cost = row.costUSD.map { Format.cost($0) + (row.unpricedCalls > 0 ? "?" : "") } ?? (row.unpricedCalls > 0 ? "?" : "·")
            draw([(row.running > 0 ? "▶ " : "  ") + row.sessionID,
                  Format.clock(unixNanos: row.lastStartNanos, utcOffsetSeconds: context.utcOffsetSeconds),
                  Format.grouped(row.traces), Format.grouped(row.llmCalls), Format.compact(row.tokens), cost],
                 y: y, style: .text)
            if max(0, first) + offset == selected {
                canvas.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: Style(.selected, .bold))
            }
        }
        return canvas
    }
}
