import Semantics
import Store

/// The live list of traces, newest first, with the selection highlighted.
public enum TraceListView {
    /// `traces` is the list as `state` shows it (`state.listed(snapshot)`).
    public static func render(_ traces: ListedTraces, snapshot: StoreSnapshot, state: ViewState, size: Size, focused: Bool,
                              context: FrameContext) -> Canvas {
        var canvas = Canvas(size: size)
        let running = traces.running
        var title = "Traces (\(Format.grouped(running)) running · \(Format.grouped(traces.count - running)) done)"
        if let label = state.order.label { title += "  " + label }
        if !state.filter.isEmpty { title += "  filter: " + state.filter.text }
        canvas.box(canvas.bounds, title: title, border: Style(focused ? .border_focused : .border))
        let inner = canvas.bounds.inset
        guard inner.width > 0, inner.height > 0 else { return canvas }
        guard !traces.isEmpty else {
            if state.filter.isEmpty, !snapshot.sessions.isEmpty {
                EmptyStateView.drawSessions(into: &canvas, area: inner, snapshot: snapshot)
            } else if state.filter.isEmpty {
                EmptyStateView.draw(into: &canvas, area: inner, endpoints: context.endpoints)
            } else {
                canvas.put("No trace matches the filter. / edits it, Esc clears it.", x: inner.x + 2,
                           y: inner.y + inner.height / 2, style: Style(.muted), limit: inner.width - 3)
            }
            return canvas
        }
        let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        let columns = TraceColumns(width: content.width)
        columns.drawTitles(into: &canvas, x: content.x, y: content.y)
        let rows = content.height - 1
        for index in state.scrollOffset..<max(state.scrollOffset, min(traces.count, state.scrollOffset + rows)) {
            guard let trace = traces.row(at: index) else { continue }
            let y = content.y + 1 + index - state.scrollOffset
            columns.drawRow(trace, into: &canvas, x: content.x, y: y, now: snapshot.takenAtNanos,
                            utcOffsetSeconds: context.utcOffsetSeconds)
            if index == state.selectedIndex {
                canvas.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: Style(.selected, .bold))
            }
        }
        let below = traces.count - state.scrollOffset - rows
        if below > 0 { canvas.putBorderNote(" ↓ \(Format.grouped(below)) more ", y: canvas.height - 1) }
        if state.scrollOffset > 0 { canvas.putBorderNote(" ↑ \(Format.grouped(state.scrollOffset)) more ", y: 0) }
        return canvas
    }
}

extension Canvas {
    /// A short note at the right end of a border line, when it fits without covering the title.
    mutating func putBorderNote(_ note: String, y: Int) {
        let noteWidth = DisplayWidth.of(note)
        let x = width - noteWidth - 2
        guard x > 2, (0..<noteWidth).allSatisfy({ self[x + $0, y].style.role == .border || self[x + $0, y].style.role == .border_focused })
        else { return }
        put(note, x: x, y: y, style: Style(.muted))
    }
}

/// The status of a trace as one mark.
public enum TraceStatus: Sendable, Equatable {
    case running, ok, error, truncated

    public init(_ trace: TraceSummary) {
        if trace.inFlight { self = .running } else if trace.errorSpans > 0 { self = .error }
        else if trace.truncatedCalls > 0 { self = .truncated } else { self = .ok }
    }

    public var mark: String {
        switch self {
        case .running: "▶"
        case .ok: "✓"
        case .error: "✗"
        case .truncated: "✂"
        }
    }

    public var role: StyleRole {
        switch self {
        case .running: .running
        case .ok: .ok
        case .error: .error
        case .truncated: .truncated
        }
    }
}

/// Which columns fit a width, and how wide each is.
struct TraceColumns {
    enum Column: FittedColumn {
        case status, started, name, service, llm, tool, tokens, duration, cost, errors

        var minWidth: Int {
            switch self {
            case .status: 1
            case .started: 8
            case .name: 14
            case .service: 10
            case .llm: 4
            case .tool: 4
            case .tokens: 13
            case .duration: 6
            case .cost: 8
            case .errors: 5
            }
        }

        var title: String {
            switch self {
            case .status: ""
            case .started: "started"
            case .name: "agent / root"
            case .service: "service"
            case .llm: "llm"
            case .tool: "tool"
            case .tokens: "tokens in→out"
            case .duration: "time"
            case .cost: "cost"
            case .errors: "err"
            }
        }

        var alignment: Canvas.Alignment {
            switch self {
            case .llm, .tool, .tokens, .duration, .cost, .errors: .right
            default: .left
            }
        }

        /// Columns in the order they are kept as the width shrinks.
        static let keepOrder: [Column] = [.status, .name, .tokens, .duration, .cost, .started, .llm, .tool, .service, .errors]
    }

    private(set) var layout: [(column: Column, x: Int, width: Int)] = []

    init(width: Int) {
        // Spare room goes to a typical root name, then a typical service name, then both again;
        // beyond that it stays free on the right.
        layout = ColumnLayout.fit(width: width, keepOrder: Column.keepOrder, flexible: .name,
                                  growth: [(Column.name, 20), (.service, 20), (.name, 48), (.service, 28)])
    }

    var columns: [Column] { layout.map(\.column) }

    func drawTitles(into canvas: inout Canvas, x: Int, y: Int) {
        for entry in layout {
            canvas.put(entry.column.title, x: x + entry.x, y: y, width: entry.width, style: Style(.header, .bold),
                       align: entry.column.alignment)
        }
    }

    func drawRow(_ trace: TraceSummary, into canvas: inout Canvas, x: Int, y: Int, now: UInt64, utcOffsetSeconds: Int) {
        let status = TraceStatus(trace)
        for entry in layout {
            let cellX = x + entry.x
            let spans = cellSpans(entry.column, trace: trace, status: status, now: now, utcOffsetSeconds: utcOffsetSeconds)
            let textWidth = spans.displayWidth
            if spans.count == 1 {
                canvas.put(spans[0].text, x: cellX, y: y, width: entry.width, style: spans[0].style, align: entry.column.alignment)
            } else {
                let start = entry.column.alignment == .right ? cellX + max(0, entry.width - textWidth) : cellX
                canvas.put(spans, x: start, y: y, limit: entry.width - (start - cellX))
            }
        }
    }

    private func cellSpans(_ column: Column, trace: TraceSummary, status: TraceStatus, now: UInt64,
                           utcOffsetSeconds: Int) -> [Span] {
        switch column {
        case .status:
            return [Span(status.mark, Style(status.role, .bold))]
        case .started:
            return [Span(Format.clock(unixNanos: trace.startNanos, utcOffsetSeconds: utcOffsetSeconds), Style(.muted))]
        case .name:
            return [Span(trace.agentName ?? trace.rootName, Style(trace.isAgentTrace ? .accent : .text))]
        case .service:
            return [Span(trace.serviceName, Style(.muted))]
        case .llm:
            return [Span(trace.llmCalls > 0 ? Format.compact(trace.llmCalls) : "·", Style(trace.llmCalls > 0 ? .text : .muted))]
        case .tool:
            return [Span(trace.toolCalls > 0 ? Format.compact(trace.toolCalls) : "·", Style(trace.toolCalls > 0 ? .text : .muted))]
        case .tokens:
            guard !trace.usage.isZero || trace.llmCalls > 0 else { return [Span("·", Style(.muted))] }
            return [Span(pad(Format.compact(trace.usage.input), 6), Style(.tokens_in)), Span("→", Style(.muted)),
                    Span(pad(Format.compact(trace.usage.output), 6), Style(.tokens_out))]
        case .duration:
            if trace.inFlight {
                let elapsed = now > trace.startNanos ? now - trace.startNanos : trace.durationNanos
                return [Span(Format.duration(nanos: elapsed), Style(.running))]
            }
            return [Span(Format.duration(nanos: trace.durationNanos))]
        case .cost:
            if let cost = trace.costUSD {
                // A trailing ? says some calls of the trace have no price and are not in the sum.
                return trace.unpricedCalls > 0
                    ? [Span(Format.cost(cost), Style(.cost)), Span("?", Style(.warning))]
                    : [Span(Format.cost(cost), Style(.cost))]
            }
            // `?` only for calls that used tokens and have no price; a failed call without tokens costs nothing.
            return trace.unpricedCalls > 0 ? [Span("?", Style(.warning))] : [Span("·", Style(.muted))]
        case .errors:
            return trace.errorSpans > 0 ? [Span("✗" + Format.compact(trace.errorSpans), Style(.error, .bold))] : [Span("")]
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// What the list shows before any trace has arrived: how to send one.
enum EmptyStateView {
    /// A listen address a client can dial: the wildcard addresses become loopback.
    static func reachable(_ endpoint: String) -> String {
        for wildcard in ["0.0.0.0:", "[::]:", ":::"] where endpoint.hasPrefix(wildcard) {
            return "127.0.0.1:" + endpoint.dropFirst(wildcard.count)
        }
        return endpoint
    }

    /// No trace, but sessions that report through their logs (a coding agent's default telemetry):
    /// those, running first, so that the main screen shows what is at work.
    static func drawSessions(into canvas: inout Canvas, area: Rect, snapshot: StoreSnapshot) {
        let now = snapshot.takenAtNanos
        let sessions = snapshot.sessions.sorted { ($0.isRunning(nowNanos: now) ? 1 : 0, $0.lastArrivalNanos) > ($1.isRunning(nowNanos: now) ? 1 : 0, $1.lastArrivalNanos) }
        var lines: [[Span]] = [[Span("No traces: these sessions report through their events.", Style(.title, .bold))], []]
        for session in sessions.prefix(max(1, area.height - 5)) {
            let running = session.isRunning(nowNanos: now)
            var line = [Span(running ? "▶ " : "  ", Style(.running)),
                        Span((session.agent?.rawValue ?? session.service) + "  ", Style(.text, .bold)),
                        Span(Canvas.fit(session.id, width: 14) + "  ", Style(.muted)),
                        Span(Format.grouped(session.calls) + " calls  "),
                        Span(session.pricedCostUSD.map { Format.cost($0) } ?? "?", Style(.cost))]
            if let fill = session.contextFill {
                line.append(Span("  ctx " + ContextGauge.text(fill, barWidth: 6), Style(ContextGauge.role(fill))))
            }
            if !running { line.append(Span("  idle", Style(.muted))) }
            lines.append(line)
        }
        lines.append([])
        lines.append([Span("S", Style(.hint_key)), Span(" lists the sessions, ", Style(.muted)), Span("⏎", Style(.hint_key)),
                      Span(" there opens a session's timeline.", Style(.muted))])
        let top = area.y + max(0, (area.height - lines.count) / 3)
        for (offset, line) in lines.enumerated() where top + offset < area.maxY {
            canvas.put(line, x: area.x + 2, y: top + offset, limit: area.width - 3)
        }
    }

    static func draw(into canvas: inout Canvas, area: Rect, endpoints: ListenEndpoints) {
        var lines: [[Span]] = [[Span("No traces yet.", Style(.title, .bold))], []]
        let command = Style(.accent)
        if endpoints.http != nil || endpoints.grpc != nil {
            lines.append([Span("Point any OpenTelemetry SDK or collector at tokentop:")])
            lines.append([])
        }
        if let http = endpoints.http {
            lines.append([Span("  OTLP/HTTP  ", Style(.muted)),
                          Span("OTEL_EXPORTER_OTLP_ENDPOINT=http://\(reachable(http))", command)])
        }
        if let grpc = endpoints.grpc {
            lines.append([Span("  OTLP/gRPC  ", Style(.muted)), Span("OTEL_EXPORTER_OTLP_PROTOCOL=grpc", command)])
            lines.append([Span("             ", Style(.muted)),
                          Span("OTEL_EXPORTER_OTLP_ENDPOINT=http://\(reachable(grpc))", command)])
        }
        lines.append([])
        lines.append([Span("To see prompts and completions as well:", Style(.muted))])
        lines.append([Span("  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true", command)])
        lines.append([])
        lines.append([Span("A coding agent (Claude Code, Codex CLI, Gemini CLI)? What to set for it:", Style(.muted))])
        lines.append([Span("  tokentop setup claude-code", command), Span("  (or codex, gemini)", Style(.muted))])
        let top = area.y + max(0, (area.height - lines.count) / 3)
        for (offset, line) in lines.enumerated() where top + offset < area.maxY {
            canvas.put(line, x: area.x + 2, y: top + offset, limit: area.width - 3)
        }
    }
}
