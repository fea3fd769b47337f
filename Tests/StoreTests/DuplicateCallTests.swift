import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// One call reported by two instrumentations is counted once.
final class DuplicateCallTests: XCTestCase {
    private func call(trace: UInt64, span: UInt64, scope: String, responseID: String?, start: UInt64 = 1_000_000_000,
                      input: Int64 = 100, output: Int64 = 20, service: String = "svc",
                      extra: [Attribute] = []) -> RawSpan {
        var attributes = [
            Attribute("gen_ai.operation.name", .string("chat")),
            Attribute("gen_ai.provider.name", .string("anthropic")),
            Attribute("gen_ai.request.model", .string("claude-sonnet-4-20250514")),
            Attribute("gen_ai.usage.input_tokens", .int(input)),
            Attribute("gen_ai.usage.output_tokens", .int(output)),
        ] + extra
        if let responseID { attributes.append(Attribute("gen_ai.response.id", .string(responseID))) }
        return RawSpan(traceID: TraceID(high: 7, low: trace), spanID: SpanID(span), parentSpanID: SpanID(0),
                       name: "chat", startNanos: start, endNanos: start + 500_000_000, attributes: attributes,
                       origin: Origin(resource: [Attribute("service.name", .string(service))], scopeName: scope))
    }

    private func report(_ spans: [RawSpan], maxSpans: Int = 100) -> (Report, TraceStore) {
        var store = TraceStore(limits: StoreLimits(maxSpans: maxSpans))
        for (i, span) in spans.enumerated() { store.apply(TelemetryBatch(spans: [span]), nowNanos: UInt64(i + 1)) }
        return (Report(store: store), store)
    }

    func testSameResponseIDInTwoTracesCountsOnceAndKeepsTheRicherReport() {
        let sdk = call(trace: 1, span: 1, scope: "com.anthropic.sdk.python", responseID: "msg_01")
        let library = call(trace: 2, span: 2, scope: "opentelemetry.instrumentation.anthropic", responseID: "msg_01",
                           extra: [Attribute("gen_ai.response.finish_reasons", .array([.string("end_turn")]))])
        let (r, reported) = report([sdk, library])
        var store = reported
        XCTAssertEqual(r.spans, 2, "both spans stay visible")
        XCTAssertEqual(r.llmCalls, 1)
        XCTAssertEqual(r.duplicateCalls, 1)
        XCTAssertEqual(r.models.map(\.usage.input), [100], "tokens once, not twice")
        XCTAssertEqual(store.counters.duplicateCalls, 1)
        XCTAssertNotNil(store.trace(TraceID(high: 7, low: 1))?.spans[0].duplicateOf, "the poorer SDK span is the duplicate")
        XCTAssertNil(store.trace(TraceID(high: 7, low: 2))?.spans[0].duplicateOf)
        let rows = store.snapshot(nowNanos: 10).traces
        XCTAssertEqual(rows.first { $0.traceID == TraceID(high: 7, low: 1) }?.llmCalls, 0,
                       "the earlier trace's row stops counting the call once a richer report arrives")
        XCTAssertEqual(rows.first { $0.traceID == TraceID(high: 7, low: 2) }?.llmCalls, 1)
        XCTAssertEqual(r.json.rendered().contains("\"duplicate_calls\":1") || r.json.rendered().contains("\"duplicate_calls\": 1"), true)
    }

    func testTheSameResponseIDFromAnotherServiceIsAnotherCall() {
        // Separate processes (e.g. two runs against a test server that numbers its responses).
        let (r, _) = report([call(trace: 1, span: 1, scope: "a", responseID: "msg_01", service: "one"),
                             call(trace: 2, span: 2, scope: "b", responseID: "msg_01", service: "two")])
        XCTAssertEqual(r.llmCalls, 2)
    }

    func testDifferentResponseIDsAreDifferentCalls() {
        let (r, _) = report([call(trace: 1, span: 1, scope: "a", responseID: "msg_01"),
                             call(trace: 2, span: 2, scope: "b", responseID: "msg_02")])
        XCTAssertEqual(r.llmCalls, 2)
        XCTAssertEqual(r.duplicateCalls, 0)
    }

    func testWithoutResponseIDSameShapeFromAnotherScopeWithinToleranceIsADuplicate() {
        let a = call(trace: 1, span: 1, scope: "a", responseID: nil, start: 1_000_000_000)
        let b = call(trace: 2, span: 2, scope: "b", responseID: nil, start: 1_000_000_000 + 3_000_000)
        XCTAssertEqual(report([a, b]).0.llmCalls, 1)

        let later = call(trace: 2, span: 2, scope: "b", responseID: nil, start: 1_000_000_000 + 50_000_000)
        XCTAssertEqual(report([a, later]).0.llmCalls, 2, "50 ms apart: two calls")
        let sameScope = call(trace: 2, span: 2, scope: "a", responseID: nil, start: 1_000_000_000 + 1_000_000)
        XCTAssertEqual(report([a, sameScope]).0.llmCalls, 2, "one instrumentation's two identical calls are two calls")
        let otherTokens = call(trace: 2, span: 2, scope: "b", responseID: nil, start: 1_000_000_000, input: 101)
        XCTAssertEqual(report([a, otherTokens]).0.llmCalls, 2)
    }

    func testEvictingTheKeptReportCountsTheDuplicateAgain() {
        let richFirst = call(trace: 1, span: 1, scope: "a", responseID: "msg_01",
                             extra: [Attribute("gen_ai.response.finish_reasons", .array([.string("stop")]))])
        let poorSecond = call(trace: 2, span: 2, scope: "b", responseID: "msg_01")
        let filler = call(trace: 3, span: 3, scope: "a", responseID: "msg_03")
        let (r, store) = report([richFirst, poorSecond, filler], maxSpans: 2)
        XCTAssertNil(store.trace(TraceID(high: 7, low: 1)), "the oldest trace was evicted")
        XCTAssertNil(store.trace(TraceID(high: 7, low: 2))?.spans[0].duplicateOf)
        XCTAssertEqual(r.llmCalls, 2)
        XCTAssertEqual(r.duplicateCalls, 0)
    }
    func testAThirdReportMatchesWhicheverEarlierReportIsFromAnotherInstrumentation() {
        // Two reports from one scope (not duplicates of each other), then one from another scope.
        let first = call(trace: 1, span: 1, scope: "a", responseID: "msg_01")
        let second = call(trace: 2, span: 2, scope: "a", responseID: "msg_01")
        let third = call(trace: 3, span: 3, scope: "b", responseID: "msg_01")
        let (r, _) = report([first, second, third])
        XCTAssertEqual(r.llmCalls, 2, "the scope-a pair is two calls; the scope-b report repeats one of them")
        XCTAssertEqual(r.duplicateCalls, 1)
    }

    func testEvictingTheFirstOfSeveralReportsKeepsTheOthersMatching() {
        let first = call(trace: 1, span: 1, scope: "a", responseID: "msg_01")
        let filler = call(trace: 2, span: 2, scope: "a", responseID: "msg_02")
        let second = call(trace: 3, span: 3, scope: "a", responseID: "msg_01")
        let later = call(trace: 4, span: 4, scope: "b", responseID: "msg_01")
        let (r, store) = report([first, filler, second, later], maxSpans: 2)
        XCTAssertNil(store.trace(TraceID(high: 7, low: 1)), "the first report was evicted before the last arrived")
        XCTAssertEqual(store.trace(TraceID(high: 7, low: 4))?.spans[0].duplicateOf?.trace, TraceID(high: 7, low: 3),
                       "the second report, still stored, is matched")
        XCTAssertEqual(r.duplicateCalls, 1)
        XCTAssertEqual(r.llmCalls, 3, "the report counts every call since start, the evicted one included")
    }

    func testShapesMatchAcrossTheToleranceBucketBoundaryEitherWay() {
        let tolerance = DuplicateCallIndex.startToleranceNanos
        let edge = 200 * tolerance
        for (a, b) in [(edge - 1_000_000, edge + 1_000_000), (edge + 1_000_000, edge - 1_000_000)] {
            let (r, _) = report([call(trace: 1, span: 1, scope: "a", responseID: nil, start: a),
                                 call(trace: 2, span: 2, scope: "b", responseID: nil, start: b)])
            XCTAssertEqual(r.llmCalls, 1, "2 ms apart on either side of a bucket edge")
        }
    }
    func testPastTheFollowedServicesEveryServiceIsIndexedAndEarlierCallsStillMatch() {
        let services = DuplicateCallIndex.maxFollowedServices
        var spans = (0..<services).map { index in
            call(trace: UInt64(index + 1), span: UInt64(index + 1), scope: "a", responseID: "msg_\(index)",
                 service: "svc-\(index)")
        }
        spans.append(call(trace: 90_001, span: 90_001, scope: "a", responseID: "msg_new", service: "svc-new"))
        spans.append(call(trace: 90_002, span: 90_002, scope: "b", responseID: "msg_7", service: "svc-7"))
        spans.append(call(trace: 90_003, span: 90_003, scope: "b", responseID: "msg_new", service: "svc-new"))
        let (r, _) = report(spans, maxSpans: services + 10)
        XCTAssertEqual(r.duplicateCalls, 2, "a call stored before the switch and one after it are both matched")
        XCTAssertEqual(r.llmCalls, services + 1)
    }
}
