import CanvasKit
import Semantics
import Store
import Telemetry

/// The span screen's document: the GenAI summary, the conversation, then everything the span carries,
/// as wrapped lines of styled text.
struct SpanDetails {
    let span: StoredSpan
    let nowNanos: UInt64
    /// The span unpacked once for all the sections below.
    private let raw: RawSpan

    init(span: StoredSpan, nowNanos: UInt64) {
        self.span = span
        self.nowNanos = nowNanos
        raw = span.raw
    }

    /// Longest run of lines one value may take; the rest is counted, not drawn.
    static let maxLinesPerValue = 400

    func lines(width: Int) -> [[StyledRun]] { document(width: width).lines }

    func document(width: Int) -> SpanDocument {
        var document = Document(width: width)
        switch span.role {
        case .llm(let call): callSummary(call, &document)
        case .tool(let tool): toolSummary(tool, &document)
        case .agent(let run):
            document.section("Agent")
            document.field("name", run.name)
            if !run.task.isEmpty { document.field("task", run.task) }
        default: break
        }
        evaluations(&document)
        conversation(&document)
        identity(&document)
        status(&document)
        attributes(&document)
        events(&document)
        logEvents(&document)
        links(&document)
        origin(&document)
        return SpanDocument(lines: document.lines, entries: document.entries)
    }

    // MARK: Sections

    private func identity(_ d: inout Document) {
        d.section("Span")
        d.field("name", raw.name)
        d.field("kind", raw.kind.label)
        let duration = Format.duration(nanos: span.durationNanos(nowNanos: nowNanos))
        d.field("duration", span.isOpen ? duration + " (running)" : duration, style: Style(span.isOpen ? .running : .text))
        d.field("span id", raw.spanID.hex)
        d.field("parent", raw.parentSpanID.isZero ? "— (root)" : raw.parentSpanID.hex)
        d.field("trace id", raw.traceID.hex)
        if let primary = span.duplicateOf {
            d.field("duplicate", "of span \(primary.span.hex): the call is counted there", style: Style(.warning))
        }
    }

    private func callSummary(_ call: LLMCall, _ d: inout Document) {
        d.section("Call")
        d.field("provider", call.provider.isEmpty ? "—" : call.provider)
        d.field("operation", call.operation)
        d.field("model", (call.requestModel.isEmpty ? "—" : call.requestModel) + " requested → "
                + (call.responseModel.isEmpty ? "—" : call.responseModel) + " answered")
        if call.hasUsage {
            let u = call.usage
            d.line([StyledRun(Document.label("tokens"), Style(.muted)),
                    StyledRun(Format.grouped(u.input) + " in", Style(.tokens_in)),
                    StyledRun(" (cache read \(Format.grouped(u.cacheRead)) · cache write \(Format.grouped(u.cacheWrite)))", Style(.muted)),
                    StyledRun(" → ", Style(.muted)),
                    StyledRun(Format.grouped(u.output) + " out", Style(.tokens_out)),
                    StyledRun(" (reasoning \(Format.grouped(u.reasoning)))", Style(.muted))]
                   + (u.reportedTotal.map { [StyledRun(" · total \(Format.grouped($0)) reported", Style(.muted))] } ?? []))
        } else {
            d.field("tokens", "not reported", style: Style(.muted))
        }
        if let cost = span.cost {
            d.line([StyledRun(Document.label("cost"), Style(.muted)), StyledRun(Format.cost(cost.usd), Style(.cost)),
                    StyledRun("  rule ", Style(.muted)), StyledRun(cost.rule)])
        } else if let reported = call.reportedCostUSD {
            d.line([StyledRun(Document.label("cost"), Style(.muted)), StyledRun(Format.cost(reported), Style(.cost)),
                    StyledRun("  as reported by the telemetry", Style(.muted))])
        } else if span.isUnpricedCall {
            d.line([StyledRun(Document.label("cost"), Style(.muted)), StyledRun("?", Style(.warning)),
                    StyledRun("  no price known for this model", Style(.muted))])
        } else {
            d.field("cost", "—", style: Style(.muted))
        }
        if !call.rawFinishReasons.isEmpty {
            let shown = zip(call.finishReasons, call.rawFinishReasons).map { $0 == $1 ? $0 : "\($0) (\($1))" }
            d.field("finish", shown.joined(separator: ", "), style: Style(call.isTruncated ? .truncated : .text))
        }
        if let streaming = call.streaming { d.field("streaming", streaming ? "yes" : "no") }
        if let ttft = call.timeToFirstTokenSeconds { d.field("TTFT", Format.fixed(ttft, decimals: 2) + "s") }
        if !call.responseID.isEmpty { d.field("response id", call.responseID) }
        if call.retries > 0 { d.field("retries", String(call.retries), style: Style(.warning)) }
        if span.inferredRetry {
            d.field("retry", "repeats a failed call under the same parent", style: Style(.warning))
        }
        if !call.sessionID.isEmpty { d.field("session", call.sessionID) }
    }

    /// `gen_ai.evaluation.result` events, from span events and attached log events.
    private func evaluations(_ d: inout Document) {
        let results = span.evaluations
        guard !results.isEmpty else { return }
        d.section("Evaluations (\(results.count))")
        for result in results {
            var text = [result.score.map { Format.score($0) }, result.label].compactMap { $0 }.joined(separator: " · ")
            if let explanation = result.explanation, !explanation.isEmpty { text += " — " + explanation }
            d.field(result.name, text)
        }
    }

    private func toolSummary(_ tool: ToolCall, _ d: inout Document) {
        d.section("Tool")
        d.field("name", tool.name)
        if !tool.callID.isEmpty { d.field("call id", tool.callID) }
        if !tool.arguments.isEmpty { d.field("arguments", tool.arguments) }
        if !tool.result.isEmpty { d.field("result", tool.result) }
    }

    private func conversation(_ d: inout Document) {
        guard span.role.llm != nil else { return }
        let messages = Conversation.messages(span: raw, logs: span.logEvents)
        d.section("Conversation (\(messages.count))")
        if messages.isEmpty {
            d.line([StyledRun("not captured — set OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true", Style(.muted))])
        }
        for message in messages {
            let style = Style(message.role == .system ? .muted : (message.isOutput ? .tokens_out : .text))
            var label = message.role.rawValue
            if !message.toolCallID.isEmpty { label += " " + message.toolCallID }
            var calls = message.toolCalls.map { call in
                "→ " + call.name + "(" + call.arguments + ")" + (call.id.isEmpty ? "" : "  [\(call.id)]")
            }
            if !message.content.isEmpty || calls.isEmpty {
                d.value(label, message.content.isEmpty ? "(empty)" : message.content, keyStyle: Style(.accent, .bold),
                        style: style)
            } else {
                d.value(label, calls.removeFirst(), keyStyle: Style(.accent, .bold), style: Style(.accent))
            }
            for call in calls { d.value("", call, style: Style(.accent)) }
            if !message.finishReason.isEmpty {
                d.value("", "finish " + message.finishReason, style: Style(.muted))
            }
        }
    }

    private func status(_ d: inout Document) {
        let exceptions = raw.events.filter { $0.name == "exception" }
        guard span.isError || !exceptions.isEmpty || !raw.statusMessage.isEmpty else { return }
        d.section("Status")
        let code: String
        switch span.packed.statusCode {
        case .error: code = "ERROR"
        case .ok: code = "OK"
        case .unset: code = "UNSET"
        }
        d.field("status", code, style: Style(span.isError ? .error : .text, span.isError ? .bold : []))
        if !raw.statusMessage.isEmpty { d.field("message", raw.statusMessage) }
        for exception in exceptions {
            let a = exception.attributes
            d.field("exception", a["exception.type"].map(Normalizer.displayString) ?? "—", style: Style(.error, .bold))
            if let message = a["exception.message"] { d.field("message", Normalizer.displayString(message)) }
            if let trace = a["exception.stacktrace"] {
                d.line([StyledRun(Document.label("stacktrace"), Style(.muted))])
                d.block(Normalizer.displayString(trace), indent: 2, style: Style(.muted), label: "stacktrace")
            }
        }
    }

    private func attributes(_ d: inout Document) {
        d.section("Attributes (\(raw.attributes.count)\(droppedNote(raw.dropped.attributes, "--max-attributes")))")
        d.attributes(raw.attributes)
    }

    /// ` · 99,744 more dropped (--max-attributes)` when the ingest limits cut some.
    private func droppedNote(_ count: Int, _ option: String) -> String {
        count == 0 ? "" : " · \(Format.grouped(count)) more dropped (\(option))"
    }

    private func events(_ d: inout Document) {
        let events = raw.events
        guard !events.isEmpty else { return }
        d.section("Events (\(events.count)\(droppedNote(raw.dropped.events, "--max-events")))")
        for event in events {
            d.line([StyledRun(offset(event.timeNanos) + "  ", Style(.muted)), StyledRun(event.name, Style(.accent, .bold))])
            d.attributes(event.attributes, indent: 2)
        }
    }

    private func logEvents(_ d: inout Document) {
        // A record without a time has only the time the SDK observed it (as OTLP prescribes).
        func time(_ log: RawLogRecord) -> UInt64 { log.timeNanos != 0 ? log.timeNanos : log.observedTimeNanos }
        let logs = span.logEvents.sorted { time($0) < time($1) }
        guard !logs.isEmpty else { return }
        d.section("Log events (\(logs.count))")
        for log in logs {
            var head = [StyledRun((time(log) == 0 ? "—" : offset(time(log))) + "  ", Style(.muted)),
                        StyledRun(log.eventName.isEmpty ? "log" : log.eventName, Style(.accent, .bold))]
            if !log.severityText.isEmpty { head.append(StyledRun("  " + log.severityText, Style(.muted))) }
            d.line(head)
            if log.body != .empty { d.value("body", Normalizer.displayString(log.body), indent: 2) }
            d.attributes(log.attributes, indent: 2)
        }
    }

    private func links(_ d: inout Document) {
        let links = raw.links
        guard !links.isEmpty else { return }
        d.section("Links (\(links.count)\(droppedNote(raw.dropped.links, "--max-links")))")
        for link in links {
            d.line([StyledRun("trace ", Style(.muted)), StyledRun(link.traceID.hex), StyledRun("  span ", Style(.muted)), StyledRun(link.spanID.hex)])
            d.attributes(link.attributes, indent: 2)
        }
    }

    private func origin(_ d: inout Document) {
        let origin = span.packed.origin
        d.section("Resource (\(origin.resource.count))")
        d.attributes(origin.resource)
        d.section("Scope")
        d.field("name", origin.scopeName.isEmpty ? "—" : origin.scopeName)
        if !origin.scopeVersion.isEmpty { d.field("version", origin.scopeVersion) }
        if !origin.schemaURL.isEmpty { d.field("schema", origin.schemaURL) }
    }

    /// `+0.12s` from the span's start.
    private func offset(_ time: UInt64) -> String {
        time >= span.packed.startNanos ? "+" + Format.duration(nanos: time - span.packed.startNanos)
            : "-" + Format.duration(nanos: span.packed.startNanos - time)
    }
}

/// The span screen's lines and the values among them that the cursor visits and `Enter` expands.
struct SpanDocument {
    struct Entry: Equatable {
        /// The attribute key or field name.
        var label: String
        /// The value as received, before wrapping or sanitizing.
        var text: String
        var firstLine: Int
        var lineCount: Int
    }

    var lines: [[StyledRun]]
    var entries: [Entry]
}

/// Lines under construction, wrapped to one width.
private struct Document {
    let width: Int
    var lines: [[StyledRun]] = []
    var entries: [SpanDocument.Entry] = []

    static let labelWidth = 12

    /// `label` padded to the label column.
    static func label(_ text: String) -> String {
        text + String(repeating: " ", count: max(1, labelWidth - DisplayWidth.of(text)))
    }

    mutating func section(_ title: String) {
        if !lines.isEmpty { lines.append([]) }
        lines.append([StyledRun(title, Style(.header, .bold))])
    }

    mutating func line(_ spans: [StyledRun]) {
        lines += TextWrap.wrap(spans, width: width, indent: Self.labelWidth)
    }

    mutating func field(_ label: String, _ value: String, style: Style = .text) {
        self.value(label, value, style: style)
    }

    /// A label, then a value that may span several lines; continuation lines hang under the value.
    mutating func value(_ label: String, _ value: String, indent: Int = 0, keyStyle: Style = Style(.muted),
                        style: Style = .text) {
        let pad = String(repeating: " ", count: indent)
        let prefix = [StyledRun(pad + Self.label(label), keyStyle)]
        append(TextWrap.wrapParagraphs(value, style: style, width: width, indent: indent + Self.labelWidth,
                                       firstPrefix: prefix), entry: (label, value))
    }

    mutating func block(_ text: String, indent: Int, style: Style, label: String) {
        append(TextWrap.wrapParagraphs(text, style: style, width: width, indent: indent,
                                       firstPrefix: [StyledRun(String(repeating: " ", count: indent))]), entry: (label, text))
    }

    /// `key = value`, sorted by key, values aligned and wrapped under themselves.
    mutating func attributes(_ attributes: [Attribute], indent: Int = 0) {
        guard !attributes.isEmpty else {
            lines.append([StyledRun(String(repeating: " ", count: indent) + "none", Style(.muted))])
            return
        }
        let sorted = attributes.sorted { $0.key < $1.key }
        let keyWidth = min(sorted.map { DisplayWidth.of(Sanitizer.sanitize($0.key)) }.max() ?? 0, max(8, width * 2 / 5))
        for attribute in sorted {
            let key = Canvas.fit(attribute.key, width: keyWidth)
            let pad = String(repeating: " ", count: indent)
            let prefix = [StyledRun(pad), StyledRun(key, Style(.accent)),
                          StyledRun(String(repeating: " ", count: keyWidth - DisplayWidth.of(key)) + " = ", Style(.muted))]
            let value = Normalizer.displayString(attribute.value)
            append(TextWrap.wrapParagraphs(value, style: .text, width: width, indent: indent + keyWidth + 3,
                                           firstPrefix: prefix), entry: (attribute.key, value))
        }
    }

    private mutating func append(_ wrapped: [[StyledRun]], entry: (label: String, text: String)) {
        let first = lines.count
        if wrapped.count > SpanDetails.maxLinesPerValue {
            lines += wrapped.prefix(SpanDetails.maxLinesPerValue)
            lines.append([StyledRun("… \(Format.grouped(wrapped.count - SpanDetails.maxLinesPerValue)) more lines — ⏎ shows all",
                               Style(.muted))])
        } else {
            lines += wrapped
        }
        entries.append(SpanDocument.Entry(label: entry.label, text: entry.text, firstLine: first, lineCount: lines.count - first))
    }
}
