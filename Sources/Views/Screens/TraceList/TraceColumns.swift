import CanvasKit
import Semantics
import Store

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
                           utcOffsetSeconds: Int) -> [StyledRun] {
        switch column {
        case .status:
            return [StyledRun(status.mark, Style(status.role, .bold))]
        case .started:
            return [StyledRun(Format.clock(unixNanos: trace.startNanos, utcOffsetSeconds: utcOffsetSeconds), Style(.muted))]
        case .name:
            return [StyledRun(trace.agentName ?? trace.rootName, Style(trace.isAgentTrace ? .accent : .text))]
        case .service:
            return [StyledRun(trace.serviceName, Style(.muted))]
        case .llm:
            return [StyledRun(trace.llmCalls > 0 ? Format.compact(trace.llmCalls) : "·", Style(trace.llmCalls > 0 ? .text : .muted))]
        case .tool:
            return [StyledRun(trace.toolCalls > 0 ? Format.compact(trace.toolCalls) : "·", Style(trace.toolCalls > 0 ? .text : .muted))]
        case .tokens:
            guard !trace.usage.isZero || trace.llmCalls > 0 else { return [StyledRun("·", Style(.muted))] }
            return [StyledRun(pad(Format.compact(trace.usage.input), 6), Style(.tokens_in)), StyledRun("→", Style(.muted)),
                    StyledRun(pad(Format.compact(trace.usage.output), 6), Style(.tokens_out))]
        case .duration:
            if trace.inFlight {
                let elapsed = now > trace.startNanos ? now - trace.startNanos : trace.durationNanos
                return [StyledRun(Format.duration(nanos: elapsed), Style(.running))]
            }
            return [StyledRun(Format.duration(nanos: trace.durationNanos))]
        case .cost:
            if let cost = trace.costUSD {
                // A trailing ? says some calls of the trace have no price and are not in the sum.
                return trace.unpricedCalls > 0
                    ? [StyledRun(Format.cost(cost), Style(.cost)), StyledRun("?", Style(.warning))]
                    : [StyledRun(Format.cost(cost), Style(.cost))]
            }
            // `?` only for calls that used tokens and have no price; a failed call without tokens costs nothing.
            return trace.unpricedCalls > 0 ? [StyledRun("?", Style(.warning))] : [StyledRun("·", Style(.muted))]
        case .errors:
            return trace.errorSpans > 0 ? [StyledRun("✗" + Format.compact(trace.errorSpans), Style(.error, .bold))] : [StyledRun("")]
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
