import CanvasKit
import Semantics
import Store

/// One session: a coding agent's session (its calls, prompts and tool calls, from its own telemetry)
/// or the traces that share `gen_ai.conversation.id` / `session.id`.
public struct SessionRow: Sendable, Equatable {
    public var sessionID: String
    /// The coding agent (`claude-code`, `codex`, `gemini-cli`), else the service.
    public var agent = ""
    public var models: [String] = []
    public var traces = 0
    public var prompts = 0
    public var llmCalls = 0
    public var usage = TokenUsage.zero
    public var tokens: Int64 = 0
    public var costUSD: Double?
    public var unpricedCalls = 0
    public var reportedCostUSD: Double?
    public var toolCalls = 0
    public var rejectedTools = 0
    public var failedTools = 0
    /// The last call's input against its model's context window.
    public var contextFill: Double?
    public var contextWindow: Int?
    /// The latest time the session's telemetry names.
    public var lastStartNanos: UInt64 = 0
    /// Running traces.
    public var running = 0
    /// Heard of recently (a coding agent at work), whether or not a trace runs.
    public var isActive = false

    public init(sessionID: String) {
        self.sessionID = sessionID
    }

    public var isRunning: Bool { running > 0 || isActive }

    /// Sessions of the snapshot's traces and of its session activity, most recently active first.
    public static func rows(_ snapshot: StoreSnapshot) -> [SessionRow] {
        var rows: [String: SessionRow] = [:]
        for trace in snapshot.traces where !trace.sessionID.isEmpty {
            var row = rows[trace.sessionID] ?? SessionRow(sessionID: trace.sessionID)
            row.traces += 1
            row.llmCalls += trace.llmCalls
            row.usage += trace.usage
            row.tokens += trace.usage.input + trace.usage.output
            if let cost = trace.costUSD { row.costUSD = (row.costUSD ?? 0) + cost }
            row.unpricedCalls += trace.unpricedCalls
            row.lastStartNanos = max(row.lastStartNanos, trace.startNanos)
            if trace.inFlight { row.running += 1 }
            if row.agent.isEmpty { row.agent = trace.serviceName }
            for model in trace.models where !row.models.contains(model) { row.models.append(model) }
            rows[trace.sessionID] = row
        }
        // What the session's own calls, prompts and tools say wins over the sums of its traces: it
        // counts calls no trace carries (a coding agent's log events).
        for session in snapshot.sessions {
            var row = rows[session.id] ?? SessionRow(sessionID: session.id)
            row.agent = session.agent?.rawValue ?? session.service
            row.models = session.models
            row.prompts = session.prompts
            row.llmCalls = session.calls
            row.usage = session.usage
            row.tokens = session.usage.input + session.usage.output
            row.costUSD = session.pricedCostUSD
            row.unpricedCalls = session.unpricedCalls
            row.reportedCostUSD = session.reportedCostUSD
            row.toolCalls = session.toolCalls
            row.rejectedTools = session.rejectedTools
            row.failedTools = session.failedTools
            row.contextFill = session.contextFill
            row.contextWindow = session.contextWindow
            row.lastStartNanos = max(row.lastStartNanos, session.timeline.last?.atNanos ?? 0)
            row.isActive = session.isRunning(nowNanos: snapshot.takenAtNanos)
            rows[session.id] = row
        }
        return rows.values.sorted { ($0.lastStartNanos, $0.sessionID) > ($1.lastStartNanos, $1.sessionID) }
    }
}

/// `S`: every session, with what it spent and how full its context is; `Enter` opens its timeline.
public enum SessionsView {
    /// A column of the list: its heading, width, alignment, and how much it matters when space runs
    /// out (lower is kept longer).
    struct Column: Sendable {
        var title: String
        var width: Int
        var right: Bool
        var priority: Int
        var cell: @Sendable (SessionRow, FrameContext) -> (String, Style)
    }

    static let sessionPriority = 0

    static let columns: [Column] = [
        Column(title: "agent", width: 11, right: false, priority: 5) { row, _ in (row.agent, Style(.muted)) },
        Column(title: "models", width: 20, right: false, priority: 10) { row, _ in
            (row.models.first.map { $0 + (row.models.count > 1 ? " +\(row.models.count - 1)" : "") } ?? "·", .text)
        },
        Column(title: "prompts", width: 7, right: true, priority: 9) { row, _ in
            (row.prompts > 0 ? Format.grouped(row.prompts) : "·", .text)
        },
        Column(title: "calls", width: 6, right: true, priority: 2) { row, _ in (Format.grouped(row.llmCalls), .text) },
        Column(title: "in", width: 7, right: true, priority: 6) { row, _ in
            (Format.compact(row.usage.input), Style(.tokens_in))
        },
        Column(title: "cached", width: 7, right: true, priority: 12) { row, _ in
            (row.usage.cacheRead > 0 ? Format.compact(row.usage.cacheRead) : "·", Style(.tokens_in))
        },
        Column(title: "out", width: 6, right: true, priority: 7) { row, _ in
            (Format.compact(row.usage.output), Style(.tokens_out))
        },
        Column(title: "reason", width: 6, right: true, priority: 13) { row, _ in
            (row.usage.reasoning > 0 ? Format.compact(row.usage.reasoning) : "·", Style(.tokens_out))
        },
        Column(title: "cost", width: 8, right: true, priority: 1) { row, _ in
            let cost = row.costUSD.map { Format.cost($0) + (row.unpricedCalls > 0 ? "?" : "") }
                ?? (row.unpricedCalls > 0 ? "?" : "·")
            return (cost, Style(.cost))
        },
        Column(title: "reported", width: 8, right: true, priority: 11) { row, _ in
            (row.reportedCostUSD.map(Format.cost) ?? "·", Style(.muted))
        },
        Column(title: "tools", width: 9, right: true, priority: 4) { row, _ in
            guard row.toolCalls > 0 else { return ("·", .text) }
            var text = Format.grouped(row.toolCalls)
            if row.rejectedTools > 0 { text += " ⊘\(row.rejectedTools)" }
            if row.failedTools > 0 { text += " ✗\(row.failedTools)" }
            return (text, Style(row.failedTools > 0 ? .error : row.rejectedTools > 0 ? .warning : .text))
        },
        Column(title: "context", width: 12, right: false, priority: 3) { row, _ in
            guard let fill = row.contextFill else { return ("·", Style(.muted)) }
            return (ContextGauge.text(fill, barWidth: 6), Style(ContextGauge.role(fill)))
        },
        Column(title: "last", width: 8, right: false, priority: 8) { row, context in
            (Format.clock(unixNanos: row.lastStartNanos, utcOffsetSeconds: context.utcOffsetSeconds), Style(.muted))
        },
    ]

    /// The columns that fit beside a session id of at least `minimumID` columns, in display order.
    static func fitting(width: Int, minimumID: Int = 14) -> [Column] {
        var kept = Set<Int>()
        var used = minimumID
        // The most important first, until one does not fit: what is shown does not jump around as the
        // width changes by a column or two.
        for (index, column) in columns.enumerated().sorted(by: { $0.element.priority < $1.element.priority }) {
            guard used + column.width + 1 <= width else { break }
            kept.insert(index)
            used += column.width + 1
        }
        return columns.enumerated().filter { kept.contains($0.offset) }.map(\.element)
    }

    public static func render(_ snapshot: StoreSnapshot, state: ViewState, size: Size, context: FrameContext) -> Canvas {
        var canvas = Canvas(size: size)
        let rows = SessionRow.rows(snapshot)
        let running = rows.filter(\.isRunning).count
        canvas.box(canvas.bounds, title: "Sessions (\(running) running · \(Format.grouped(rows.count - running)) idle)",
                   border: Style(.border_focused))
        let inner = canvas.bounds.inset
        guard inner.width > 4, inner.height > 1 else { return canvas }
        let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        guard !rows.isEmpty else {
            canvas.put("No session yet: a coding agent's telemetry, or spans with gen_ai.conversation.id or session.id.",
                       x: content.x, y: content.y + content.height / 2, style: Style(.muted), limit: content.width)
            return canvas
        }
        let shown = fitting(width: content.width)
        let idWidth = max(8, min(38, content.width - shown.reduce(0) { $0 + $1.width + 1 }))
        func draw(_ id: (String, Style), _ cells: [(String, Style)], y: Int) {
            canvas.put(id.0, x: content.x, y: y, width: idWidth, style: id.1)
            var x = content.x + idWidth + 1
            for (column, cell) in zip(shown, cells) {
                canvas.put(cell.0, x: x, y: y, width: column.width, style: cell.1, align: column.right ? .right : .left)
                x += column.width + 1
            }
        }
        let header = Style(.header, .bold)
        draw(("  session", header), shown.map { ($0.title, header) }, y: content.y)
        let visible = content.height - 1
        let selected = min(state.sessionIndex, rows.count - 1)
        let first = max(0, min(selected - visible + 1, rows.count - visible))
        for (offset, row) in rows.dropFirst(first).prefix(visible).enumerated() {
            let y = content.y + 1 + offset
            draw(((row.isRunning ? "▶ " : "  ") + row.sessionID, Style(row.isRunning ? .running : .text)),
                 shown.map { $0.cell(row, context) }, y: y)
            if first + offset == selected {
                canvas.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: Style(.selected, .bold))
            }
        }
        return canvas
    }
}

/// How full a context window is: `████▌░ 62%`, warning from 80 %, an error from 95 %.
enum ContextGauge {
    static func text(_ fill: Double, barWidth: Int) -> String {
        let bar = Bars.horizontal(fill, width: barWidth)
        let percent = fill < 0.1 ? Format.fixed(fill * 100, decimals: 1) : Format.fixed(fill * 100, decimals: 0)
        return bar + String(repeating: "░", count: max(0, barWidth - DisplayWidth.of(bar))) + " " + percent + "%"
    }

    static func role(_ fill: Double) -> StyleRole {
        fill >= 0.95 ? .error : fill >= 0.8 ? .warning : .accent
    }
}
