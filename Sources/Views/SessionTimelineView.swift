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
    static func summary(_ s: SessionActivity, width: Int) -> [[Span]] {
        let muted = Style(.muted)
        var tools = [Span("tools ", muted), Span(Format.grouped(s.toolCalls))]
        if s.rejectedTools > 0 { tools.append(Span(" ⊘ \(s.rejectedTools) rejected", Style(.warning, .bold))) }
        if s.failedTools > 0 { tools.append(Span(" ✗ \(s.failedTools) failed", Style(.error, .bold))) }
        let first: [Span] = [Span("models ", muted), Span(s.models.isEmpty ? "—" : s.models.joined(separator: ", ")),
                             Span("   prompts ", muted), Span(Format.grouped(s.prompts)),
                             Span("   calls ", muted), Span(Format.grouped(s.calls))]
            + (s.errors > 0 ? [Span(" (\(s.errors) failed)", Style(.error))] : []) + [Span("   ")] + tools
        var second: [Span] = [
            Span("tokens in ", muted), Span(Format.compact(s.usage.input), Style(.tokens_in)),
            Span(" (cached ", muted), Span(Format.compact(s.usage.cacheRead), Style(.tokens_in)), Span(")", muted),
            Span("  out ", muted), Span(Format.compact(s.usage.output), Style(.tokens_out)),
            Span(" (reasoning ", muted), Span(Format.compact(s.usage.reasoning), Style(.tokens_out)), Span(")", muted),
            Span("   cost ", muted),
            Span(s.pricedCostUSD.map { Format.cost($0) + (s.unpricedCalls > 0 ? " +?" : "") } ?? (s.unpricedCalls > 0 ? "?" : "·"),
                 Style(.cost, .bold)),
        ]
        if let reported = s.reportedCostUSD {
            second += [Span("   reported by the agent ", muted), Span(Format.cost(reported), Style(.cost))]
        }
        var third: [Span] = [Span("context ", muted)]
        if let fill = s.contextFill, let window = s.contextWindow {
            let role = ContextGauge.role(fill)
            third += [Span("▕", muted), Span(ContextGauge.text(fill, barWidth: 20), Style(role, role == .accent ? [] : .bold)),
                      Span(" of " + Format.compact(Int64(window)) + " tokens at the last call (", muted),
                      Span(Format.grouped(s.lastInputTokens) + " in", Style(.tokens_in)), Span(", " + s.lastModel + ")", muted)]
            if fill >= 0.8 { third.append(Span("  ⚠ near the limit", Style(role, .bold))) }
        } else if s.lastInputTokens > 0 {
            third += [Span(Format.grouped(s.lastInputTokens) + " tokens in at the last call", Style(.tokens_in)),
                      Span(" (" + s.lastModel + ": context window unknown)", muted)]
        } else {
            third.append(Span("—", muted))
        }
        return [first, second, third].map { TextWrap.wrap($0, width: width).first ?? [] }
    }

    /// One line of the timeline.
    struct Row {
        var time: String
        var offset: String
        var what: [Span]
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
                return Row(time: time, offset: offset, what: [Span("› ", Style(.accent, .bold)), Span(shown, Style(.title))],
                           duration: duration, tokens: "", cost: "")
            case .call(let call):
                var what = [Span(indent + "◆ ", Style(.tokens_in)), Span(call.model)]
                if let reason = call.finishReasons.first { what.append(Span(" · " + reason, Style(.muted))) }
                if let error = call.error { what.append(Span(" ✗ " + error, Style(.error, .bold))) }
                let tokens = call.usage.isZero ? "" : Format.compact(call.usage.input) + "→" + Format.compact(call.usage.output)
                let cost = call.costUSD.map { Format.cost($0) } ?? (call.usage.isZero ? "" : "?")
                return Row(time: time, offset: offset, what: what, duration: duration, tokens: tokens, cost: cost)
            case .tool(let use):
                var what = [Span(indent + "⚙ ", Style(.ok)), Span(use.name, Style(.text, .bold))]
                if !use.mcpServer.isEmpty { what.append(Span(" [" + use.mcpServer + "]", Style(.muted))) }
                switch use.decision {
                case .rejected?:
                    what.append(Span(" ⊘ rejected" + (use.decidedBy.isEmpty ? "" : " by " + use.decidedBy), Style(.warning, .bold)))
                case .accepted?:
                    what.append(Span(" accepted" + (use.decidedBy.isEmpty ? "" : " by " + use.decidedBy), Style(.muted)))
                case nil: break
                }
                if use.success == true { what.append(Span(" ✓", Style(.ok))) }
                if use.success == false {
                    what.append(Span(" ✗ failed" + (use.error.isEmpty ? "" : ": " + use.error), Style(.error, .bold)))
                }
                if !use.arguments.isEmpty { what.append(Span("  " + use.arguments, Style(.muted))) }
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

    static func document(_ event: SessionEvent, session: SessionActivity, width: Int) -> [[Span]] {
        let label = Style(.muted)
        var lines: [[Span]] = []
        func field(_ name: String, _ value: String, _ style: Style = .text) {
            guard !value.isEmpty else { return }
            // Long names (attribute keys) are never cut: the value starts after them.
            let shown = name.count >= 19 ? name + " " : name.padding(toLength: 20, withPad: " ", startingAt: 0)
            lines += TextWrap.wrapParagraphs(value, style: style, width: width, indent: 20,
                                             firstPrefix: [Span(shown, label)])
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
        lines.append([Span("attributes (\(event.attributes.count))", Style(.header, .bold))])
        for attribute in event.attributes {
            field(attribute.key, Normalizer.displayString(attribute.value))
        }
        return lines
    }
}
