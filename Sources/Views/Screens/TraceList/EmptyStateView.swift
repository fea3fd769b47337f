import CanvasKit
import Semantics
import Store

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
        var lines: [[StyledRun]] = [[StyledRun("No traces: these sessions report through their events.", Style(.title, .bold))], []]
        for session in sessions.prefix(max(1, area.height - 5)) {
            let running = session.isRunning(nowNanos: now)
            var line = [StyledRun(running ? "▶ " : "  ", Style(.running)),
                        StyledRun((session.agent?.rawValue ?? session.service) + "  ", Style(.text, .bold)),
                        StyledRun(Canvas.fit(session.id, width: 14) + "  ", Style(.muted)),
                        StyledRun(Format.grouped(session.calls) + " calls  "),
                        StyledRun(session.pricedCostUSD.map { Format.cost($0) } ?? "?", Style(.cost))]
            if let fill = session.contextFill {
                line.append(StyledRun("  ctx " + ContextGauge.text(fill, barWidth: 6), Style(ContextGauge.role(fill))))
            }
            if !running { line.append(StyledRun("  idle", Style(.muted))) }
            lines.append(line)
        }
        lines.append([])
        lines.append([StyledRun("S", Style(.hint_key)), StyledRun(" lists the sessions, ", Style(.muted)), StyledRun("⏎", Style(.hint_key)),
                      StyledRun(" there opens a session's timeline.", Style(.muted))])
        let top = area.y + max(0, (area.height - lines.count) / 3)
        for (offset, line) in lines.enumerated() where top + offset < area.maxY {
            canvas.put(line, x: area.x + 2, y: top + offset, limit: area.width - 3)
        }
    }

    static func draw(into canvas: inout Canvas, area: Rect, endpoints: ListenEndpoints) {
        var lines: [[StyledRun]] = [[StyledRun("No traces yet.", Style(.title, .bold))], []]
        let command = Style(.accent)
        if endpoints.http != nil || endpoints.grpc != nil {
            lines.append([StyledRun("Point any OpenTelemetry SDK or collector at tokentop:")])
            lines.append([])
        }
        if let http = endpoints.http {
            lines.append([StyledRun("  OTLP/HTTP  ", Style(.muted)),
                          StyledRun("OTEL_EXPORTER_OTLP_ENDPOINT=http://\(reachable(http))", command)])
        }
        if let grpc = endpoints.grpc {
            lines.append([StyledRun("  OTLP/gRPC  ", Style(.muted)), StyledRun("OTEL_EXPORTER_OTLP_PROTOCOL=grpc", command)])
            lines.append([StyledRun("             ", Style(.muted)),
                          StyledRun("OTEL_EXPORTER_OTLP_ENDPOINT=http://\(reachable(grpc))", command)])
        }
        lines.append([])
        lines.append([StyledRun("To see prompts and completions as well:", Style(.muted))])
        lines.append([StyledRun("  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true", command)])
        lines.append([])
        lines.append([StyledRun("A coding agent (Claude Code, Codex CLI, Gemini CLI)? What to set for it:", Style(.muted))])
        lines.append([StyledRun("  tokentop setup claude-code", command), StyledRun("  (or codex, gemini)", Style(.muted))])
        let top = area.y + max(0, (area.height - lines.count) / 3)
        for (offset, line) in lines.enumerated() where top + offset < area.maxY {
            canvas.put(line, x: area.x + 2, y: top + offset, limit: area.width - 3)
        }
    }
}
