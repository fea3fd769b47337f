import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

final class TraceStoreTests: XCTestCase {
    let origin = Origin(resource: [Attribute("service.name", .string("svc"))], scopeName: "test")

    func span(_ trace: UInt64, _ id: UInt64, parent: UInt64 = 0, name: String = "op", start: UInt64 = 1_000,
              end: UInt64 = 2_000, attributes: [Attribute] = [], status: StatusCode = .unset) -> RawSpan {
        RawSpan(traceID: TraceID(high: 1, low: trace), spanID: SpanID(id), parentSpanID: SpanID(parent), name: name,
                startNanos: start, endNanos: end, attributes: attributes, statusCode: status, origin: origin)
    }

    func chat(_ trace: UInt64, _ id: UInt64, parent: UInt64, input: Int64, output: Int64,
              finish: String = "stop") -> RawSpan {
        span(trace, id, parent: parent, name: "chat gpt-4o", attributes: [
            Attribute("gen_ai.operation.name", .string("chat")),
            Attribute("gen_ai.system", .string("openai")),
            Attribute("gen_ai.request.model", .string("gpt-4o")),
            Attribute("gen_ai.response.model", .string("gpt-4o-2024-08-06")),
            Attribute("gen_ai.usage.input_tokens", .int(input)),
            Attribute("gen_ai.usage.output_tokens", .int(output)),
            Attribute("gen_ai.response.finish_reasons", .array([.string(finish)])),
        ])
    }

    func assertAccounting(_ store: TraceStore, file: StaticString = #filePath, line: UInt = #line) {
        let c = store.counters
        XCTAssertEqual(c.receivedSpans, c.storedSpans + c.evictedSpans + c.rejectedSpans, file: file, line: line)
        XCTAssertEqual(c.storedSpans, store.traces.values.reduce(0) { $0 + $1.spans.count }, file: file, line: line)
    }

    func testEvictsWholeOldestTracesAndKeepsExactAccounting() {
        var store = TraceStore(limits: StoreLimits(maxSpans: 10))
        for trace in 1...5 as ClosedRange<UInt64> {
            let spans = (1...4 as ClosedRange<UInt64>).map { span(trace, $0, parent: $0 == 1 ? 0 : 1) }
            store.apply(TelemetryBatch(spans: spans), nowNanos: trace)
            assertAccounting(store)
        }
        XCTAssertEqual(store.counters.receivedSpans, 20)
        XCTAssertEqual(store.counters.storedSpans, 8)
        XCTAssertEqual(store.counters.evictedSpans, 12)
        XCTAssertEqual(Set(store.traces.keys), [TraceID(high: 1, low: 4), TraceID(high: 1, low: 5)])
        XCTAssertTrue(store.traces.values.allSatisfy { $0.spans.count == 4 }, "never half a trace")
    }

    /// An apply's evicted traces are handed over whole, to be freed outside the live store's lock, and
    /// the next apply lets go of any not taken.
    func testEvictedTracesAreHandedOverOnce() {
        var store = TraceStore(limits: StoreLimits(maxSpans: 4))
        let trace = { (n: UInt64) in TelemetryBatch(spans: (1...4 as ClosedRange<UInt64>).map { self.span(n, $0, parent: $0 == 1 ? 0 : 1) }) }
        store.apply(trace(1), nowNanos: 1)
        XCTAssertTrue(store.takeEvicted().isEmpty)
        store.apply(trace(2), nowNanos: 2)
        XCTAssertEqual(store.takeEvicted().map(\.id), [TraceID(high: 1, low: 1)])
        XCTAssertTrue(store.takeEvicted().isEmpty, "handed over once")
        store.apply(trace(3), nowNanos: 3)
        store.apply(trace(4), nowNanos: 4)
        XCTAssertEqual(store.takeEvicted().map(\.id), [TraceID(high: 1, low: 3)], "only the last apply's")
        XCTAssertEqual(store.counters.evictedSpans, 12)
        assertAccounting(store)
    }

    func testDuplicateSpanIDsAreRejectedAndCounted() {
        var store = TraceStore()
        store.apply(TelemetryBatch(spans: [span(1, 1), span(1, 1), span(1, 2, parent: 1)]), nowNanos: 1)
        XCTAssertEqual(store.counters.receivedSpans, 3)
        XCTAssertEqual(store.counters.storedSpans, 2)
        XCTAssertEqual(store.counters.rejectedSpans, 1)
        assertAccounting(store)
    }

    func testDecoderRejectionsCountAsReceivedAndRejected() {
        var store = TraceStore()
        store.apply(TelemetryBatch(spans: [span(1, 1)], rejectedSpans: 2), nowNanos: 1)
        XCTAssertEqual(store.counters.receivedSpans, 3)
        XCTAssertEqual(store.counters.rejectedSpans, 2)
        assertAccounting(store)
    }

    func testChildBeforeRootIsInFlightUntilRootArrives() {
        var store = TraceStore()
        store.apply(TelemetryBatch(spans: [chat(7, 2, parent: 1, input: 10, output: 5)]), nowNanos: 10)
        var row = store.snapshot(nowNanos: 20).traces[0]
        XCTAssertTrue(row.inFlight)
        XCTAssertEqual(row.rootName, "chat gpt-4o", "named after the earliest span until the root arrives")
        store.apply(TelemetryBatch(spans: [span(7, 1, name: "agent.research-agent", start: 500, end: 3_000,
                                                attributes: [Attribute("agent.name", .string("research-agent"))])]),
                    nowNanos: 30)
        row = store.snapshot(nowNanos: 40).traces[0]
        XCTAssertFalse(row.inFlight)
        XCTAssertEqual(row.rootName, "agent.research-agent")
        XCTAssertEqual(row.agentName, "research-agent")
        XCTAssertTrue(row.isAgentTrace)
        XCTAssertEqual(row.llmCalls, 1)
        XCTAssertEqual(row.usage.input, 10)
        XCTAssertEqual(row.durationNanos, 2_500)
    }

    func testRootlessTraceStopsBeingInFlightAfterTimeout() {
        var store = TraceStore(limits: StoreLimits(inFlightTimeoutNanos: 100))
        store.apply(TelemetryBatch(spans: [span(1, 2, parent: 1)]), nowNanos: 1_000)
        XCTAssertTrue(store.snapshot(nowNanos: 1_050).traces[0].inFlight)
        XCTAssertFalse(store.snapshot(nowNanos: 1_200).traces[0].inFlight)
    }

    func testLogEventsAttachBeforeAndAfterTheirSpan() {
        var store = TraceStore()
        let trace = TraceID(high: 1, low: 3)
        func log(_ name: String, span: UInt64) -> RawLogRecord {
            RawLogRecord(timeNanos: 5, eventName: name,
                         body: .map([Attribute("index", .int(0)), Attribute("finish_reason", .string("tool_calls")),
                                     Attribute("message", .map([Attribute("content", .string("hi"))]))]),
                         traceID: trace, spanID: SpanID(span), origin: origin)
        }
        store.apply(TelemetryBatch(logs: [log("gen_ai.choice", span: 9)]), nowNanos: 1)
        var streaming = chat(3, 9, parent: 0, input: 1, output: 1)
        streaming.attributes.removeAll { $0.key == "gen_ai.response.finish_reasons" }
        store.apply(TelemetryBatch(spans: [streaming]), nowNanos: 2)
        store.apply(TelemetryBatch(logs: [log("gen_ai.user.message", span: 9)]), nowNanos: 3)
        let stored = store.trace(trace)!.span(SpanID(9))!
        XCTAssertEqual(stored.logEvents.map(\.eventName), ["gen_ai.choice", "gen_ai.user.message"])
        XCTAssertEqual(stored.role.llm?.finishReasons, ["tool_call"], "a streaming span's finish reason comes from its choice event")
        XCTAssertEqual(store.counters.logRecords, 2)
    }

    func testRowsFollowInsertAndEviction() {
        var store = TraceStore(limits: StoreLimits(maxSpans: 1))
        store.apply(TelemetryBatch(spans: [chat(1, 1, parent: 0, input: 1, output: 1)]), nowNanos: 1)
        XCTAssertEqual(store.snapshot(nowNanos: 1).traces.map(\.models), [["gpt-4o-2024-08-06"]])
        let query = TraceQuery(filter: TraceFilter("model:gpt-4o"))
        XCTAssertEqual(store.snapshot(nowNanos: 1, query: query).window?.count, 1)
        store.apply(TelemetryBatch(spans: [span(2, 1)]), nowNanos: 2)
        XCTAssertEqual(store.snapshot(nowNanos: 2).traces.map(\.traceID), [TraceID(high: 1, low: 2)])
        XCTAssertEqual(store.snapshot(nowNanos: 2, query: query).window?.count, 0, "the evicted trace left the filtered list")
        XCTAssertEqual(store.snapshot(nowNanos: 2, query: TraceQuery()).window?.rows.map(\.serviceName), ["svc"])
    }

    func testSpansAreFoundByIDInShortAndLongTraces() {
        var store = TraceStore()
        // Spans in an order unlike their ids; the long trace passes the length where an index takes over.
        let ids: [UInt64] = (1...40).map { ($0 * 17) % 41 }
        store.apply(TelemetryBatch(spans: ids.prefix(5).map { span(1, $0, parent: 99) } + ids.map { span(2, $0, parent: 99) }),
                    nowNanos: 1)
        store.apply(TelemetryBatch(spans: [span(1, ids[2], parent: 99), span(2, ids[30], parent: 99)]), nowNanos: 2)
        XCTAssertEqual(store.counters.rejectedSpans, 2, "a span id seen before in its trace is refused")
        for (trace, count) in [(1, 5), (2, 40)] as [(UInt64, Int)] {
            let entry = store.trace(TraceID(high: 1, low: trace))!
            XCTAssertEqual(entry.spans.count, count)
            for id in ids.prefix(count) { XCTAssertEqual(entry.span(SpanID(id))?.packed.spanID, SpanID(id)) }
            XCTAssertNil(entry.span(SpanID(1_000)))
        }
    }

    func testSnapshotIsNewestFirst() {
        var store = TraceStore()
        store.apply(TelemetryBatch(spans: [span(1, 1, start: 100), span(2, 1, start: 300), span(3, 1, start: 200)]),
                    nowNanos: 1)
        XCTAssertEqual(store.snapshot(nowNanos: 2).traces.map(\.traceID.low), [2, 3, 1])
    }
}

extension TraceStoreTests {
    func testALateChoiceEventUpdatesTheTraceRow() {
        var store = TraceStore()
        // A streamed call whose finish reason comes only in its gen_ai.choice log event, after the span.
        let streamed = span(1, 1, name: "chat", attributes: [
            Attribute("gen_ai.operation.name", .string("chat")),
            Attribute("gen_ai.request.model", .string("gpt-4o")),
        ])
        store.apply(TelemetryBatch(spans: [streamed]), nowNanos: 1)
        XCTAssertEqual(store.snapshot(nowNanos: 1).traces.first?.truncatedCalls, 0)
        let choice = RawLogRecord(timeNanos: 3, eventName: "gen_ai.choice",
                                  body: .map([Attribute("finish_reason", .string("length"))]),
                                  traceID: streamed.traceID, spanID: streamed.spanID, origin: origin)
        store.apply(TelemetryBatch(logs: [choice]), nowNanos: 2)
        XCTAssertEqual(store.snapshot(nowNanos: 2).traces.first?.truncatedCalls, 1)
    }
}

/// `--max-memory`: the store's estimate of what it keeps stays under the budget by evicting whole oldest traces.
final class RetainedBytesTests: XCTestCase {
    let origin = Origin(resource: [Attribute("service.name", .string("svc"))], scopeName: "test")

    func testWholeOldestTracesAreEvictedToStayUnderTheByteBudget() {
        // Each span carries a prompt of its own of 10,000 bytes; the budget holds nine such spans and a little more.
        func span(trace: UInt64, id: UInt64) -> RawSpan {
            let prompt = "\(trace)-\(id)-" + String(repeating: "p", count: 10_000 - "\(trace)-\(id)-".count)
            return RawSpan(traceID: TraceID(high: 7, low: trace), spanID: SpanID(id), name: "chat", startNanos: 1,
                           endNanos: 2, attributes: [Attribute("gen_ai.prompt", .string(prompt))], origin: origin)
        }
        var packer = SpanPacker()
        let perSpan = RetainedSize.of(packer.pack(span(trace: 1, id: 1)), role: Normalizer.role(of: span(trace: 1, id: 1)))
        let budget = 9 * perSpan + 1_000
        var store = TraceStore(limits: StoreLimits(maxRetainedBytes: budget))
        for trace in 1...10 as ClosedRange<UInt64> {
            let spans = (1...3 as ClosedRange<UInt64>).map { span(trace: trace, id: $0) }
            store.apply(TelemetryBatch(spans: spans), nowNanos: trace)
            XCTAssertLessThanOrEqual(store.counters.retainedBytes, budget)
        }
        let c = store.counters
        XCTAssertEqual(c.receivedSpans, 30)
        XCTAssertEqual(c.storedSpans, 9, "three whole traces of three spans fit")
        XCTAssertEqual(c.evictedSpans, 21)
        XCTAssertEqual(c.receivedSpans, c.storedSpans + c.evictedSpans + c.rejectedSpans)
        XCTAssertEqual(Set(store.traces.keys), Set((8...10 as ClosedRange<UInt64>).map { TraceID(high: 7, low: $0) }))
        XCTAssertEqual(c.retainedBytes, 9 * perSpan)
        XCTAssertGreaterThan(perSpan, 10_000)
    }
}
