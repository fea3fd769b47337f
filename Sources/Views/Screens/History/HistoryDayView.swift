import CanvasKit
import Semantics
import Store

/// `Enter` on a day of the history: its sessions, most expensive first, then its calls, latest first.
public enum HistoryDayView {
    public static func render(_ day: HistoryDay?, dayNumber: Int64, state: ViewState, size: Size,
                              context: FrameContext) -> Canvas {
        var canvas = Canvas(size: size)
        let date = HistoryView.weekday(dayNumber) + " " + HistoryView.dateLabel(dayNumber, short: false)
        guard let day else {
            canvas.box(canvas.bounds, title: date, border: Style(.border_focused))
            canvas.put("reading the day…", x: 2, y: size.height / 2, style: Style(.muted), limit: max(0, size.width - 4))
            return canvas
        }
        canvas.box(canvas.bounds, title: date + " · " + Format.cost(day.totals.costUSD) + " · "
                   + Format.grouped(day.totals.calls) + " calls · " + Format.grouped(day.toolCalls) + " tool calls",
                   border: Style(.border_focused))
        let inner = canvas.bounds.inset
        guard inner.width > 20, inner.height > 1 else { return canvas }
        let lines = self.lines(day, width: inner.width - 2, utcOffsetSeconds: context.utcOffsetSeconds)
        let scroll = min(state.historyDayScroll, max(0, lines.count - inner.height))
        for (offset, line) in lines.dropFirst(scroll).prefix(inner.height).enumerated() {
            canvas.put(line, x: inner.x + 1, y: inner.y + offset, limit: inner.width - 2)
        }
        return canvas
    }

    /// Every line of the day, to be scrolled through.
    static func lines(_ day: HistoryDay, width: Int, utcOffsetSeconds: Int) -> [[StyledRun]] {
        var lines: [[StyledRun]] = []
        let header = Style(.header, .bold)
        func cells(_ values: [(String, Int, Bool)], style: Style = .text) -> [StyledRun] {
            values.map { text, width, right in
                let cut = String(text.prefix(width))
                let pad = String(repeating: " ", count: max(0, width - DisplayWidth.of(cut)))
                return StyledRun((right ? pad + cut : cut + pad) + " ", style)
            }
        }
        lines.append([StyledRun("Sessions", header)])
        if day.sessions.isEmpty { lines.append([StyledRun("no calls named a session", Style(.muted))]) }
        let idWidth = max(12, min(38, width - 60))
        if !day.sessions.isEmpty {
            lines.append(cells([("session", idWidth, false), ("agent or app", 17, false), ("calls", 6, true), ("input", 9, true),
                                ("output", 8, true), ("cost", 10, true), ("models", 30, false)], style: header))
        }
        for session in day.sessions {
            let t = session.totals
            var line = cells([(session.id, idWidth, false), (session.agent.isEmpty ? session.service : session.agent, 17, false),
                              (Format.compact(t.calls), 6, true), (Format.compact(t.usage.input), 9, true),
                              (Format.compact(t.usage.output), 8, true)])
            line += [StyledRun(HistoryView.pad(Format.cost(t.costUSD), 10) + " ", Style(.cost)), StyledRun(session.models.joined(separator: ", "), Style(.muted))]
            lines.append(line)
        }
        lines.append([])
        let shown = day.calls.count < day.totals.calls ? " (latest \(day.calls.count) of \(Format.grouped(day.totals.calls)))" : ""
        lines.append([StyledRun("Calls" + shown, header)])
        lines.append(cells([("time", 8, false), ("agent or app", 17, false), ("model", 28, false), ("input", 9, true),
                            ("output", 8, true), ("cost", 10, true), ("took", 7, true), ("session", 36, false)], style: header))
        for call in day.calls {
            var line = cells([(Format.clock(unixNanos: call.startNanos, utcOffsetSeconds: utcOffsetSeconds), 8, false),
                              (call.agent.isEmpty ? call.service : call.agent, 17, false), (call.model, 28, false),
                              (Format.compact(call.usage.input), 9, true), (Format.compact(call.usage.output), 8, true)])
            line.append(StyledRun(HistoryView.pad(call.costUSD.map { Format.cost($0) } ?? "?", 10) + " ", Style(call.costUSD == nil ? .warning : .cost)))
            line.append(StyledRun(HistoryView.pad(call.durationSeconds.map { Format.duration(seconds: $0) } ?? "", 7) + " ", Style(.muted)))
            line.append(StyledRun(call.session, Style(.muted)))
            if let error = call.error { line.append(StyledRun("  ✗ " + error, Style(.error))) }
            lines.append(line)
        }
        return lines
    }
}
