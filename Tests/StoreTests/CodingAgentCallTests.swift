import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// Coding agents' calls from log events, counted once with their spans, whichever arrives first.
final class CodingAgentCallTests: XCTestCase {
    private let claude = Origin(resource: [Attribute("service.name", .string("claude-code"))],
                                scopeName: "com.anthropic.claude_code.events")
    private let claudeSpans = Origin(resource: [Attribute("service.name", .string("claude-code"))],
                                     scopeName: "com.anthropic.claude_code.tracing")
    /// $1 per 1,000 input tokens.
    private let pricing = CallPricing { call, _ in PricedCost(usd: Double(call.usage.input) / 1000, rule: "test") }
    private let t0: UInt64 = 1_796_475_518_000_000_000

    /// Claude Code's `api_request` event as 2.1.332 sends it: the name in the body, the short name in
    /// `event.name`, input without the cache tokens.
    private func apiRequest(_ requestID: String, input: Int64, cacheRead: Int64 = 0, at: UInt64) -> RawLogRecord {
        RawLogRecord(timeNanos: at, eventName: "", body: .string("claude_code.api_request"),
                     attributes: [Attribute("event.name", .string("api_request")),
                                  Attribute("session.id", .string("s1")), Attribute("prompt.id", .string("p1")),
                                  Attribute("model", .string("claude-sonnet-4-5-20250929")),
                                  Attribute("input_tokens", .int(input)), Attribute("output_tokens", .int(10)),
                                  Attribute("cache_read_tokens", .int(cacheRead)), Attribute("cache_creation_tokens", .int(0)),
                                  Attribute("cost_usd", .double(0.25)), Attribute("duration_ms", .int(1500)),
                                  Attribute("ttft_ms", .int(400)), Attribute("request_id", .string(requestID))],
                     origin: claude)
    }

    /// Claude Code's `claude_code.llm_request` span: input includes the cache tokens.
    private func llmSpan(_ requestID: String, input: Int64, id: UInt64, at: UInt64) -> RawSpan {
        RawSpan(traceID: TraceID(high: 9, low: id), spanID: SpanID(id), name: "claude_code.llm_request",
                startNanos: at - 1_500_000_000, endNanos: at,
                attributes: [Attribute("gen_ai.operation.name", .string("chat")),
                             Attribute("gen_ai.provider.name", .string("anthropic")),
                             Attribute("gen_ai.request.model", .string("claude-sonnet-4-5-20250929")),
                             Attribute("gen_ai.usage.input_tokens", .int(input)),
                             Attribute("gen_ai.usage.output_tokens", .int(10)),
                             Attribute("gen_ai.response.id", .string(requestID)),
                             Attribute("gen_ai.response.finish_reasons", .array([.string("end_turn")]))],
                origin: claudeSpans)
    }

    private func assertOneCall(_ store: inout TraceStore, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let report = Report(store: store)
        XCTAssertEqual(report.llmCalls, 1, what, file: file, line: line)
        XCTAssertEqual(report.models.map(\.calls), [1], what, file: file, line: line)
        XCTAssertEqual(report.models.first?.usage.input, 1200, "\(what): input includes the cache read", file: file, line: line)
        XCTAssertEqual(report.models.first?.reportedCostUSD, 0.25, "\(what): the CLI's cost", file: file, line: line)
        XCTAssertEqual(report.models.first?.costUSD ?? -1, 1.2, accuracy: 1e-12, what, file: file, line: line)
        XCTAssertEqual(report.finishReasons, ["stop": 1], "\(what): the span's finish reason", file: file, line: line)
        XCTAssertEqual(report.sessions.map(\.name), ["s1"], what, file: file, line: line)
        XCTAssertEqual(store.ledger.entries.values.map(\.calls), [1], "\(what): the ledger counts it once", file: file, line: line)
        XCTAssertEqual(store.ledger.entries.values.first?.responses, 1, what, file: file, line: line)
        XCTAssertEqual(store.snapshot(nowNanos: t0).burn.spentTodayUSD, 1.2, accuracy: 1e-12, what, file: file, line: line)
    }

    func testAnEventThenItsSpanCountOnce() {
        var store = TraceStore(pricing: pricing)
        store.apply(TelemetryBatch(logs: [apiRequest("req_1", input: 200, cacheRead: 1000, at: t0)]), nowNanos: t0)
        store.apply(TelemetryBatch(spans: [llmSpan("req_1", input: 1200, id: 1, at: t0)]), nowNanos: t0)
        assertOneCall(&store, "event first")
        let span = store.trace(TraceID(high: 9, low: 1))!.spans[0]
        XCTAssertEqual(span.role.llm?.reportedCostUSD, 0.25, "the span shows the CLI's cost")
        XCTAssertEqual(store.eventCalls.values.first?.span, SpanKey(trace: TraceID(high: 9, low: 1), span: SpanID(1)))
    }

    func testASpanThenItsEventCountOnce() {
        var store = TraceStore(pricing: pricing)
        store.apply(TelemetryBatch(spans: [llmSpan("req_1", input: 1200, id: 1, at: t0)]), nowNanos: t0)
        store.apply(TelemetryBatch(logs: [apiRequest("req_1", input: 200, cacheRead: 1000, at: t0)]), nowNanos: t0)
        assertOneCall(&store, "span first")
        XCTAssertTrue(store.eventCalls.isEmpty)
    }

    func testAnEventSentTwiceCountsOnce() {
        var store = TraceStore(pricing: pricing)
        let event = apiRequest("req_1", input: 200, cacheRead: 1000, at: t0)
        store.apply(TelemetryBatch(logs: [event]), nowNanos: t0)
        store.apply(TelemetryBatch(logs: [event]), nowNanos: t0 + 1)
        XCTAssertEqual(Report(store: store).llmCalls, 1)
        XCTAssertEqual(store.counters.repeatedEventCalls, 1)
        // Two calls with the same tokens are still two calls when their request ids differ.
        store.apply(TelemetryBatch(logs: [apiRequest("req_2", input: 200, cacheRead: 1000, at: t0)]), nowNanos: t0 + 2)
        XCTAssertEqual(Report(store: store).llmCalls, 2)
    }

    func testAnEvictedSpanHandsItsCallBackToTheEvent() {
        var store = TraceStore(limits: StoreLimits(maxSpans: 1), pricing: pricing)
        store.apply(TelemetryBatch(logs: [apiRequest("req_1", input: 200, cacheRead: 1000, at: t0)]), nowNanos: t0)
        store.apply(TelemetryBatch(spans: [llmSpan("req_1", input: 1200, id: 1, at: t0)]), nowNanos: t0)
        store.apply(TelemetryBatch(spans: [llmSpan("other", input: 5, id: 2, at: t0 + 60_000_000_000)]), nowNanos: t0)
        let report = Report(store: store)
        XCTAssertEqual(report.llmCalls, 2, "the evicted span's call still counts, from its event")
        XCTAssertEqual(report.sessions.map(\.name), ["s1"])
    }

    /// Gemini CLI could not be captured here (it ships through npm only): this event is built from the
    /// names its documentation gives (`gemini_cli.api_response`: model, input_token_count,
    /// output_token_count, cached_content_token_count, thoughts_token_count, tool_token_count,
    /// duration_ms, finish_reasons).
    func testAGeminiCLIResponseFromItsDocumentedNames() {
        let origin = Origin(resource: [Attribute("service.name", .string("gemini-cli"))], scopeName: "gemini-cli")
        let event = RawLogRecord(
            timeNanos: t0, eventName: "gemini_cli.api_response",
            attributes: [Attribute("event.name", .string("gemini_cli.api_response")),
                         Attribute("session.id", .string("g1")), Attribute("prompt_id", .string("g1########0")),
                         Attribute("model", .string("gemini-2.5-pro")), Attribute("input_token_count", .int(1000)),
                         Attribute("output_token_count", .int(50)), Attribute("cached_content_token_count", .int(600)),
                         Attribute("thoughts_token_count", .int(30)), Attribute("tool_token_count", .int(20)),
                         Attribute("duration_ms", .int(2000)), Attribute("finish_reasons", .array([.string("STOP")]))],
            origin: origin)
        guard case .call(let read)? = CodingAgentEvents.read(event) else { return XCTFail("not read as a call") }
        XCTAssertEqual(read.agent, .gemini)
        XCTAssertEqual(read.call.usage, TokenUsage(input: 1020, output: 80, cacheRead: 600, reasoning: 30))
        XCTAssertEqual(read.call.finishReasons, ["stop"])
        XCTAssertEqual(read.durationSeconds, 2)
        XCTAssertEqual(read.promptID, "g1########0")
        XCTAssertEqual(read.startNanos, t0 - 2_000_000_000)

        var store = TraceStore(pricing: pricing)
        store.apply(TelemetryBatch(logs: [event]), nowNanos: t0)
        let report = Report(store: store)
        XCTAssertEqual(report.llmCalls, 1)
        XCTAssertEqual(report.models.first?.provider, "google")
        XCTAssertEqual(report.models.first?.source, "events")
        XCTAssertEqual(report.sessions.map(\.name), ["g1"])
        XCTAssertEqual(report.latency.p50 ?? 0, 2, accuracy: 0.01)
    }

    /// Calls known from events alone raise the quality alerts as span calls do; events of the same
    /// tokens are still separate calls when they are not the same event sent again.
    func testEventCallsRaiseTheQualityAlerts() {
        let origin = Origin(resource: [Attribute("service.name", .string("gemini-cli"))], scopeName: "gemini-cli")
        let events = (0..<25).map { index in
            RawLogRecord(timeNanos: t0 + UInt64(index) * 1_000_000, eventName: "gemini_cli.api_response",
                         attributes: [Attribute("session.id", .string("g1")), Attribute("model", .string("gemini-2.5-pro")),
                                      Attribute("input_token_count", .int(100)), Attribute("output_token_count", .int(10)),
                                      Attribute("finish_reasons", .array([.string("MAX_TOKENS")]))],
                         origin: origin)
        }
        var store = TraceStore(pricing: pricing)
        store.apply(TelemetryBatch(logs: events), nowNanos: t0)
        XCTAssertEqual(Report(store: store).llmCalls, 25)
        XCTAssertEqual(store.alerts.active.map(\.name), ["truncation"])
    }

    /// Codex names its events in `event.name` (LogRecord.event_name holds a source location); a failed
    /// request is an error call, and a completed answer's duration runs from its request.
    func testCodexRequestsAndAnswers() {
        let origin = Origin(resource: [Attribute("service.name", .string("codex_exec"))], scopeName: "codex_otel.log_only")
        func event(_ attributes: [Attribute], at: UInt64) -> RawLogRecord {
            RawLogRecord(timeNanos: at, eventName: "event otel/src/events/session_telemetry.rs:1132",
                         attributes: attributes + [Attribute("conversation.id", .string("c1")),
                                                   Attribute("model", .string("gpt-4.1-mini"))],
                         origin: origin)
        }
        let failed = event([Attribute("event.name", .string("codex.api_request")), Attribute("duration_ms", .string("30")),
                            Attribute("http.response.status_code", .int(500)), Attribute("attempt", .string("0"))], at: t0)
        let request = event([Attribute("event.name", .string("codex.api_request")), Attribute("duration_ms", .string("100")),
                             Attribute("http.response.status_code", .int(200)), Attribute("attempt", .string("1"))],
                            at: t0 + 1_000_000_000)
        let empty = event([Attribute("event.name", .string("codex.sse_event")),
                           Attribute("event.kind", .string("response.completed"))], at: t0 + 1_400_000_000)
        let answer = event([Attribute("event.name", .string("codex.sse_event")),
                            Attribute("event.kind", .string("response.completed")),
                            Attribute("input_token_count", .string("3000")), Attribute("output_token_count", .string("40")),
                            Attribute("cached_token_count", .int(1000)), Attribute("reasoning_token_count", .int(0))],
                           at: t0 + 1_400_000_000)
        var store = TraceStore(pricing: pricing)
        store.apply(TelemetryBatch(logs: [failed, request, empty, answer]), nowNanos: t0)
        let report = Report(store: store)
        XCTAssertEqual(report.llmCalls, 2, "the failed request and the answered one")
        XCTAssertEqual(report.errorRate, 0.5)
        XCTAssertEqual(report.retryRate, 0.5, "the answered request was a second attempt")
        XCTAssertEqual(report.models.first?.usage, TokenUsage(input: 3000, output: 40, cacheRead: 1000))
        XCTAssertEqual(report.models.first?.costUSD ?? -1, 3, accuracy: 1e-12)
        let answered = store.eventCalls.values.first { !$0.isError }!
        XCTAssertEqual(answered.durationSeconds ?? 0, 0.5, accuracy: 1e-9, "from the request sent at 0.9 s to 1.4 s")
    }

    /// Sessions come from the telemetry: the book keeps the latest ones, within its bounds.
    func testTheSessionBookStaysBounded() {
        var store = TraceStore(pricing: pricing)
        let origin = claudeSpans
        let spans = (1...(SessionBook.maxSessions + 500)).map { n in
            RawSpan(traceID: TraceID(high: 1, low: UInt64(n)), spanID: SpanID(UInt64(n)), name: "chat", startNanos: t0,
                    endNanos: t0 + 1,
                    attributes: [Attribute("gen_ai.operation.name", .string("chat")), Attribute("gen_ai.request.model", .string("m")),
                                 Attribute("gen_ai.usage.input_tokens", .int(10)), Attribute("session.id", .string("s\(n)"))],
                    origin: origin)
        }
        store.apply(TelemetryBatch(spans: spans), nowNanos: t0)
        XCTAssertEqual(store.sessions.sessions.count, SessionBook.maxSessions)
        XCTAssertNil(store.sessions.sessions["s1"], "the first heard of went first")
        XCTAssertNotNil(store.sessions.sessions["s\(SessionBook.maxSessions + 500)"])
        XCTAssertEqual(Report(store: store).llmCalls, SessionBook.maxSessions + 500, "the totals keep every call")
    }

    /// A decision and a result of one tool use id make one tool call, however long the session; a
    /// result whose decision was trimmed off the timeline starts a tool call of its own.
    func testToolEventsPairByCallIDAcrossALongTimeline() throws {
        var store = TraceStore(pricing: pricing)
        func toolEvent(_ kind: String, _ n: Int, at: UInt64) -> RawLogRecord {
            var attributes = [Attribute("event.name", .string(kind)), Attribute("session.id", .string("long")),
                              Attribute("tool_use_id", .string("toolu_\(n)")), Attribute("tool_name", .string("Bash"))]
            attributes.append(kind == "tool_decision" ? Attribute("decision", .string(n % 10 == 0 ? "reject" : "accept"))
                                                      : Attribute("success", .bool(n % 7 != 0)))
            return RawLogRecord(timeNanos: at, eventName: "", body: .string("claude_code.\(kind)"), attributes: attributes,
                                origin: claude)
        }
        let uses = SessionBook.timelineLength * 2
        for n in 0..<uses {
            let at = t0 + UInt64(n) * 1_000_000
            store.apply(TelemetryBatch(logs: [toolEvent("tool_decision", n, at: at), toolEvent("tool_result", n, at: at + 500)]),
                        nowNanos: t0)
        }
        // Results late by a whole timeline: the first one's decision is gone, the last one's is there.
        store.apply(TelemetryBatch(logs: [toolEvent("tool_result", 0, at: t0 + 1), toolEvent("tool_result", uses - 1, at: t0 + 2)]),
                    nowNanos: t0)
        let session = try XCTUnwrap(store.sessions.sessions["long"])
        XCTAssertEqual(session.toolCalls, uses + 1, "one for each id, and one for the result whose decision was trimmed")
        XCTAssertEqual(session.rejectedTools, uses / 10)
        XCTAssertEqual(session.failedTools, (0..<uses).filter { $0 % 7 == 0 }.count + 1)
        XCTAssertLessThanOrEqual(session.timeline.count, SessionBook.timelineLength + SessionBook.timelineLength / 4)
        let idsInTimeline = Dictionary(grouping: session.timeline.map(\.callID), by: { $0 }).mapValues(\.count)
        XCTAssertEqual(session.toolCallIDs, idsInTimeline, "the index holds exactly the timeline's tool ids")
        let last = try XCTUnwrap(session.timeline.last { $0.callID == "toolu_\(uses - 1)" })
        guard case .tool(let use) = last.kind else { return XCTFail("not a tool call") }
        XCTAssertEqual(use.decision, .accepted)
        XCTAssertEqual(use.success, true)
    }

    /// An app's conversations are its traces: only coding agents' sessions keep a timeline.
    func testAnAppsSessionsAreItsTraces() {
        var store = TraceStore(pricing: pricing)
        let span = RawSpan(traceID: TraceID(high: 2, low: 1), spanID: SpanID(1), name: "chat", startNanos: t0, endNanos: t0 + 1,
                           attributes: [Attribute("gen_ai.operation.name", .string("chat")),
                                        Attribute("gen_ai.request.model", .string("m")),
                                        Attribute("gen_ai.usage.input_tokens", .int(10)), Attribute("session.id", .string("conv"))],
                           origin: Origin(resource: [Attribute("service.name", .string("app"))]))
        store.apply(TelemetryBatch(spans: [span]), nowNanos: t0)
        XCTAssertTrue(store.sessions.sessions.isEmpty)
        XCTAssertEqual(Report(store: store).sessions.map(\.name), ["conv"])
    }

    /// Untrusted attributes: Langfuse's JSON usage that is not JSON, Claude Code events with text where
    /// numbers belong, a Codex answer with negative counts. Nothing traps; what cannot be read is left out.
    func testMalformedAgentTelemetryIsReadAsFarAsItGoes() {
        let generation = RawSpan(traceID: TraceID(high: 5, low: 1), spanID: SpanID(1), name: "gen", startNanos: t0, endNanos: t0 + 1,
                                 attributes: [Attribute("langfuse.observation.type", .string("generation")),
                                              Attribute("langfuse.observation.model.name", .string("gpt-4o")),
                                              Attribute("langfuse.observation.usage_details", .string("{\"input\": ")),
                                              Attribute("langfuse.observation.cost_details", .string("[1, 2"))],
                                 origin: Origin(resource: [Attribute("service.name", .string("app"))]))
        let call = Normalizer.role(of: generation).llm
        XCTAssertEqual(call?.requestModel, "gpt-4o")
        XCTAssertEqual(call?.hasUsage, false)
        XCTAssertNil(call?.reportedCostUSD)

        let event = RawLogRecord(timeNanos: t0, eventName: "", body: .string("claude_code.api_request"),
                                 attributes: [Attribute("event.name", .string("api_request")), Attribute("model", .int(7)),
                                              Attribute("input_tokens", .string("many")), Attribute("duration_ms", .double(-5)),
                                              Attribute("cost_usd", .string("free"))],
                                 origin: claude)
        guard case .call(let read)? = CodingAgentEvents.read(event) else { return XCTFail("not read as a call") }
        XCTAssertEqual(read.call.requestModel, "")
        XCTAssertFalse(read.call.hasUsage)
        XCTAssertNil(read.durationSeconds)
        XCTAssertNil(read.call.reportedCostUSD)
        var store = TraceStore(pricing: pricing)
        store.apply(TelemetryBatch(logs: [event]), nowNanos: t0)
        XCTAssertEqual(Report(store: store).llmCalls, 1, "a call without usage is still a call")
    }
}
