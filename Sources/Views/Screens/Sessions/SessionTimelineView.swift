import CanvasKit
import Semantics
import Store

/// `Enter` on a session: what it spent and how full its context is, then its prompts, LLM calls and
/// tool calls in time order, built from the agent's events alone (no span needed).
public enum SessionTimelineView {
    public static func render(_ session: SessionActivity?, state: ViewState, size: Size, context: FrameContext,
                              nowNanos: UInt64) -> Canvas {
        var canvas = Canvas(size: size)
        guard let session else {
            canvas.box(canvas.bounds, title: "Session", border: Style(.border_focused))
            canvas.put("This session is no longer kept.", x: 2, y: size.height / 2, style: Style(.muted), limit: size.width - 4)
            return canvas
        }
        let running = session.isRunning(nowNanos: nowNanos)
        let title = "Session " + session.id + "  " + (session.agent?.rawValue ?? session.service)
            + (running ? "  ▶ running" : "  idle")
        canvas.box(canvas.bounds, title: title, border: Style(.border_focused))
        let inner = canvas.bounds.inset
        guard inner.width > 10, inner.height > 4 else { return canvas }
        let x = inner.x + 1, width = inner.width - 2
        var y = inner.y
        for line in summary(session, width: width) {
            _ = canvas.put(line, x: x, y: y, limit: width)
            y += 1
        }
        y += 1
        let rows = timelineRows(session, context: context)
        let listTop = y + 1
        let visible = inner.y + inner.height - listTop
        guard visible > 0 else { return canvas }
        let columns = TimelineColumns(width: width)
        columns.draw(header: &canvas, x: x, y: y)
        guard !rows.isEmpty else {
            canvas.put("No prompts, calls or tool calls yet.", x: x, y: listTop, style: Style(.muted), limit: width)
            return canvas
        }
        let selected = min(state.timelineIndex, rows.count - 1)
        let first = max(0, min(selected - visible / 2, rows.count - visible))
        for (offset, row) in rows.dropFirst(first).prefix(visible).enumerated() {
            let rowY = listTop + offset
            columns.draw(row, on: &canvas, x: x, y: rowY)
            if first + offset == selected {
                canvas.restyle(Rect(x: inner.x, y: rowY, width: inner.width, height: 1), style: Style(.selected, .bold))
            }
        }
        if session.droppedEvents > 0 {
            canvas.put(" \(Format.grouped(session.droppedEvents)) older events not kept ", x: x,
                       y: inner.y + inner.height, style: Style(.muted), limit: width)
        }
        return canvas
    }

    /// Three lines: what it called, what it spent, how full its context is.
    static func summary(_ s: SessionActivity, width: Int) -> [[StyledRun]] {
        let muted = Style(.muted)
        var tools = [StyledRun("tools ", muted), StyledRun(Format.grouped(s.toolCalls))]
        if s.rejectedTools > 0 { tools.append(StyledRun(" ⊘ \(s.rejectedTools) rejected", Style(.warning, .bold))) }
        if s.failedTools > 0 { tools.append(StyledRun(" ✗ \(s.failedTools) failed", Style(.error, .bold))) }
        let first: [StyledRun] = [StyledRun("models ", muted), StyledRun(s.models.isEmpty ? "—" : s.models.joined(separator: ", ")),
                             StyledRun("   prompts ", muted), StyledRun(Format.grouped(s.prompts)),
                             StyledRun("   calls ", muted), StyledRun(Format.grouped(s.calls))]
            + (s.errors > 0 ? [StyledRun(" (\(s.errors) failed)", Style(.error))] : []) + [StyledRun("   ")] + tools
        var second: [StyledRun] = [
            StyledRun("tokens in ", muted), StyledRun(Format.compact(s.usage.input), Style(.tokens_in)),
            StyledRun(" (cached ", muted), StyledRun(Format.compact(s.usage.cacheRead), Style(.tokens_in)), StyledRun(")", muted),
            StyledRun("  out ", muted), StyledRun(Format.compact(s.usage.output), Style(.tokens_out)),
            StyledRun(" (reasoning ", muted), StyledRun(Format.compact(s.usage.reasoning), Style(.tokens_out)), StyledRun(")", muted),
            StyledRun("   cost ", muted),
            StyledRun(s.pricedCostUSD.map { Format.cost($0) + (s.unpricedCalls > 0 ? " +?" : "") } ?? (s.unpricedCalls > 0 ? "?" : "·"),
                 Style(.cost, .bold)),
        ]
        if let reported = s.reportedCostUSD {
            second += [StyledRun("   reported by the agent ", muted), StyledRun(Format.cost(reported), Style(.cost))]
        }
        var third: [StyledRun] = [StyledRun("context ", muted)]
        if let fill = s.contextFill, let window = s.contextWindow {
            let role = ContextGauge.role(fill)
            third += [StyledRun("▕", muted), StyledRun(ContextGauge.text(fill, barWidth: 20), Style(role, role == .accent ? [] : .bold)),
                      StyledRun(" of " + Format.compact(Int64(window)) + " tokens at the last call (", muted),
                      StyledRun(Format.grouped(s.lastInputTokens) + " in", Style(.tokens_in)), StyledRun(", " + s.lastModel + ")", muted)]
            if fill >= 0.8 { third.append(StyledRun("  ⚠ near the limit", Style(role, .bold))) }
        } else if s.lastInputTokens > 0 {
            third += [StyledRun(Format.grouped(s.lastInputTokens) + " tokens in at the last call", Style(.tokens_in)),
                      StyledRun(" (" + s.lastModel + ": context window unknown)", muted)]
        } else {
            third.append(StyledRun("—", muted))
        }
        return [first, second, third].map { TextWrap.wrap($0, width: width).first ?? [] }
    }

    /// One line of the timeline.
    struct Row {
        var time: String
        var offset: String
        var what: [StyledRun]
        var duration: String
        var tokens: String
        var cost: String
    }

    static func timelineRows(_ s: SessionActivity, context: FrameContext) -> [Row] {
        let start = s.timeline.first?.atNanos ?? 0
        // Calls and tool calls after a prompt answer it: they are indented under it.
        var prompted = false
        return s.timeline.map { event in
            let time = Format.clock(unixNanos: event.atNanos, utcOffsetSeconds: context.utcOffsetSeconds)
            let offset = "+" + Format.duration(nanos: event.atNanos >= start ? event.atNanos - start : 0)
            let indent = prompted ? "  " : ""
            let duration = event.durationSeconds.map { Format.duration(seconds: $0) } ?? ""
            switch event.kind {
            case .prompt(let text, let length):
                prompted = true
                let shown = text.map { $0.split(whereSeparator: \.isNewline).joined(separator: " ⏎ ") }
                    ?? "(\(length.map { "\($0) characters; " } ?? "")the agent did not send the text)"
                return Row(time: time, offset: offset, what: [StyledRun("› ", Style(.accent, .bold)), StyledRun(shown, Style(.title))],
                           duration: duration, tokens: "", cost: "")
            case .call(let call):
                var what = [StyledRun(indent + "◆ ", Style(.tokens_in)), StyledRun(call.model)]
                if let reason = call.finishReasons.first { what.append(StyledRun(" · " + reason, Style(.muted))) }
                if let error = call.error { what.append(StyledRun(" ✗ " + error, Style(.error, .bold))) }
                let tokens = call.usage.isZero ? "" : Format.compact(call.usage.input) + "→" + Format.compact(call.usage.output)
                let cost = call.costUSD.map { Format.cost($0) } ?? (call.usage.isZero ? "" : "?")
                return Row(time: time, offset: offset, what: what, duration: duration, tokens: tokens, cost: cost)
            case .tool(let use):
                var what = [StyledRun(indent + "⚙ ", Style(.ok)), StyledRun(use.name, Style(.text, .bold))]
                if !use.mcpServer.isEmpty { what.append(StyledRun(" [" + use.mcpServer + "]", Style(.muted))) }
                switch use.decision {
                case .rejected?:
                    what.append(StyledRun(" ⊘ rejected" + (use.decidedBy.isEmpty ? "" : " by " + use.decidedBy), Style(.warning, .bold)))
                case .accepted?:
                    what.append(StyledRun(" accepted" + (use.decidedBy.isEmpty ? "" : " by " + use.decidedBy), Style(.muted)))
                case nil: break
                }
                if use.success == true { what.append(StyledRun(" ✓", Style(.ok))) }
                if use.success == false {
                    what.append(StyledRun(" ✗ failed" + (use.error.isEmpty ? "" : ": " + use.error), Style(.error, .bold)))
                }
                if !use.arguments.isEmpty { what.append(StyledRun("  " + use.arguments, Style(.muted))) }
                return Row(time: time, offset: offset, what: what, duration: duration, tokens: "", cost: "")
            }
        }
    }

    /// Where each column of the timeline goes at a given width.
    struct TimelineColumns {
        let width: Int
        let showsClock: Bool
        var whatWidth: Int { width - (showsClock ? 9 : 0) - 9 - 8 - 12 - 9 }

        init(width: Int) {
            self.width = width
            showsClock = width >= 90
        }

        func draw(header canvas: inout Canvas, x: Int, y: Int) {
            let style = Style(.header, .bold)
            cells(["time", "since", "event", "took", "tokens", "cost"], styles: Array(repeating: style, count: 6),
                  on: &canvas, x: x, y: y)
        }

        func draw(_ row: Row, on canvas: inout Canvas, x: Int, y: Int) {
            cells([row.time, row.offset, "", row.duration, row.tokens, row.cost],
                  styles: [Style(.muted), Style(.muted), .text, Style(.muted), Style(.tokens_in), Style(.cost)],
                  on: &canvas, x: x, y: y)
            let whatX = x + (showsClock ? 9 : 0) + 9
            guard whatWidth > 1 else { return }
            // One line: cut where the column ends, with `…` saying so.
            var line = Canvas(size: Size(width: whatWidth, height: 1))
            if line.put(row.what, x: 0, y: 0, limit: whatWidth) >= whatWidth, row.what.displayWidth > whatWidth {
                line.put("…", x: whatWidth - 1, y: 0, style: Style(.muted))
            }
            canvas.draw(line, x: whatX, y: y)
        }

        private func cells(_ texts: [String], styles: [Style], on canvas: inout Canvas, x: Int, y: Int) {
            var column = x
            if showsClock {
                canvas.put(texts[0], x: column, y: y, width: 8, style: styles[0])
                column += 9
            }
            canvas.put(texts[1], x: column, y: y, width: 8, style: styles[1])
            column += 9
            if !texts[2].isEmpty { canvas.put(texts[2], x: column, y: y, width: max(1, whatWidth), style: styles[2]) }
            column += max(0, whatWidth) + 1
            canvas.put(texts[3], x: column, y: y, width: 7, style: styles[3], align: .right)
            column += 8
            canvas.put(texts[4], x: column, y: y, width: 11, style: styles[4], align: .right)
            column += 12
            canvas.put(texts[5], x: column, y: y, width: 8, style: styles[5], align: .right)
        }
    }
}
