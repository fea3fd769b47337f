import CanvasKit
import Semantics
import Store

/// `Enter` on a timeline event: what it was, then every attribute the agent sent with it.
public enum SessionEventView {
    public static func render(_ session: SessionActivity?, state: ViewState, size: Size, context: FrameContext) -> Canvas {
        var canvas = Canvas(size: size)
        guard let session, !session.timeline.isEmpty else {
            canvas.box(canvas.bounds, title: "Event", border: Style(.border_focused))
            return canvas
        }
        let event = session.timeline[min(state.timelineIndex, session.timeline.count - 1)]
        let kind = switch event.kind {
        case .prompt: "prompt"
        case .call(let call): "LLM call · " + call.model
        case .tool(let use): "tool call · " + use.name
        }
        canvas.box(canvas.bounds, title: kind + " at " + Format.clock(unixNanos: event.atNanos, utcOffsetSeconds: context.utcOffsetSeconds),
                   border: Style(.border_focused))
        let inner = canvas.bounds.inset
        guard inner.width > 10, inner.height > 0 else { return canvas }
        let width = inner.width - 2
        let lines = document(event, session: session, width: width)
        let top = min(state.eventScroll, max(0, lines.count - inner.height))
        for (offset, line) in lines.dropFirst(top).prefix(inner.height).enumerated() {
            _ = canvas.put(line, x: inner.x + 1, y: inner.y + offset, limit: width)
        }
        return canvas
    }

    static func document(_ event: SessionEvent, session: SessionActivity, width: Int) -> [[StyledRun]] {
        let label = Style(.muted)
        var lines: [[StyledRun]] = []
        func field(_ name: String, _ value: String, _ style: Style = .text) {
            guard !value.isEmpty else { return }
            // Long names (attribute keys) are never cut: the value starts after them.
            let shown = name.count >= 19 ? name + " " : name.padding(toLength: 20, withPad: " ", startingAt: 0)
            lines += TextWrap.wrapParagraphs(value, style: style, width: width, indent: 20,
                                             firstPrefix: [StyledRun(shown, label)])
        }
        field("session", session.id)
        field("prompt id", event.promptID)
        switch event.kind {
        case .prompt(let text, let length):
            field("prompt", text ?? "(not sent: the agent sends it when told to, e.g. OTEL_LOG_USER_PROMPTS=1)", Style(.title))
            field("length", length.map { Format.grouped($0) + " characters" } ?? "")
        case .call(let call):
            field("model", call.model)
            field("tokens", "in \(Format.grouped(call.usage.input)) (cache read \(Format.grouped(call.usage.cacheRead)), "
                  + "cache write \(Format.grouped(call.usage.cacheWrite))), out \(Format.grouped(call.usage.output)) "
                  + "(reasoning \(Format.grouped(call.usage.reasoning)))", Style(.tokens_in))
            field("cost", call.costUSD.map { Format.cost($0) } ?? "unpriced", Style(.cost))
            field("reported cost", call.reportedCostUSD.map { Format.cost($0) } ?? "")
            field("finish", call.finishReasons.joined(separator: ", "))
            field("error", call.error ?? "", Style(.error, .bold))
            field("request id", event.callID)
            field("reported by", call.source == .span ? "a span" : "a log event")
        case .tool(let use):
            field("tool", use.name, Style(.text, .bold))
            field("decision", use.decision.map { $0.rawValue + (use.decidedBy.isEmpty ? "" : " by " + use.decidedBy) } ?? "",
                  Style(use.isRejected ? .warning : .text))
            field("result", use.success.map { $0 ? "succeeded" : "failed" } ?? (use.isRejected ? "not run" : ""),
                  Style(use.isFailed ? .error : .ok))
            field("error", use.error, Style(.error))
            field("MCP server", use.mcpServer)
            field("call id", event.callID)
            field("arguments", use.arguments)
            field("output", use.output)
        }
        field("took", event.durationSeconds.map { Format.duration(seconds: $0) } ?? "")
        if let span = event.span { field("span", span.trace.hex + " / " + span.span.hex) }
        lines.append([])
        lines.append([StyledRun("attributes (\(event.attributes.count))", Style(.header, .bold))])
        for attribute in event.attributes {
            field(attribute.key, Normalizer.displayString(attribute.value))
        }
        return lines
    }
}
