import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// Retries inferred from repeated attempts under one parent, with spans built by hand.
final class RetryInferenceTests: XCTestCase {
    let origin = Origin(resource: [Attribute("service.name", .string("svc"))])
    let second: UInt64 = 1_000_000_000

    func attempt(_ id: UInt64, parent: UInt64 = 1, trace: UInt64 = 1, model: String = "gpt-4o",
                 provider: String = "openai", start: Double, end: Double, failed: Bool = false,
                 extra: [Attribute] = []) -> RawSpan {
        RawSpan(traceID: TraceID(high: 3, low: trace), spanID: SpanID(id), parentSpanID: SpanID(parent),
                name: "chat \(model)", startNanos: UInt64(start * 1e9) + 100 * second,
                endNanos: UInt64(end * 1e9) + 100 * second,
                attributes: [Attribute("gen_ai.operation.name", .string("chat")),
                             Attribute("gen_ai.provider.name", .string(provider)),
                             Attribute("gen_ai.request.model", .string(model))] + extra,
                statusCode: failed ? .error : .unset, origin: origin)
    }

    func parent(trace: UInt64 = 1) -> RawSpan {
        RawSpan(traceID: TraceID(high: 3, low: trace), spanID: SpanID(1), name: "agent",
                startNanos: 100 * second, endNanos: 200 * second,
                attributes: [Attribute("gen_ai.operation.name", .string("invoke_agent"))], origin: origin)
    }

    /// Retried calls by the live ledger and by the report, which must agree.
    func retried(_ batches: [[RawSpan]], file: StaticString = #filePath, line: UInt = #line) -> Int {
        var store = TraceStore()
        for (index, batch) in batches.enumerated() { store.apply(TelemetryBatch(spans: batch), nowNanos: UInt64(index + 1)) }
        let live = store.snapshot(nowNanos: 10).quality.retried
        let report = Report(store: store)
        XCTAssertEqual(report.retryRate * Double(report.llmCalls), Double(live), accuracy: 1e-9, "report and live",
                       file: file, line: line)
        return live
    }

    func testAFailedCallRepeatedUnderTheSameParentIsARetry() {
        let failed = attempt(2, start: 0, end: 1, failed: true), retry = attempt(3, start: 1.5, end: 3)
        XCTAssertEqual(retried([[parent(), failed, retry]]), 1)
        XCTAssertEqual(retried([[parent(), failed], [retry]]), 1, "across requests")
        XCTAssertEqual(retried([[retry], [parent()], [failed]]), 1, "the failure arrives last")

        var store = TraceStore()
        store.apply(TelemetryBatch(spans: [retry, parent(), failed]), nowNanos: 1)
        let spans = store.trace(TraceID(high: 3, low: 1))!.spans
        XCTAssertEqual(spans.filter(\.inferredRetry).map(\.packed.spanID), [SpanID(3)], "the repeat is the retry")
        XCTAssertEqual(Report(store: store).retryRate, 0.5)
    }

    func testHTTP429And5xxAreFailedAttempts() {
        for status: Int64 in [429, 500, 503] {
            let failed = attempt(2, start: 0, end: 1, extra: [Attribute("http.response.status_code", .int(status))])
            XCTAssertEqual(retried([[parent(), failed, attempt(3, start: 1.2, end: 2)]]), 1, "HTTP \(status)")
        }
        let notFound = attempt(2, start: 0, end: 1, extra: [Attribute("http.response.status_code", .int(404))])
        XCTAssertEqual(retried([[parent(), notFound, attempt(3, start: 1.2, end: 2)]]), 0, "404 is not retried")
    }

    func testUnrelatedCallsAreNotRetries() {
        let failed = attempt(2, start: 0, end: 1, failed: true)
        XCTAssertEqual(retried([[parent(), failed, attempt(3, parent: 9, start: 2, end: 3)]]), 0, "another parent")
        XCTAssertEqual(retried([[parent(), failed, attempt(3, model: "gpt-4o-mini", start: 2, end: 3)]]), 0, "another model")
        XCTAssertEqual(retried([[parent(), failed, attempt(3, provider: "azure.ai.openai", start: 2, end: 3)]]), 0,
                       "another provider")
        XCTAssertEqual(retried([[parent(), failed, attempt(3, start: 0.5, end: 2)]]), 0, "in parallel, not after")
        XCTAssertEqual(retried([[parent(), failed, attempt(3, start: 90, end: 91)]]), 0, "long after")
        XCTAssertEqual(retried([[parent(), attempt(2, start: 0, end: 1), attempt(3, start: 2, end: 3)]]), 0,
                       "the first call succeeded")
        XCTAssertEqual(retried([[parent(), parent(trace: 2), failed, attempt(3, trace: 2, start: 2, end: 3)]]), 0,
                       "another trace")
    }

    func testEachRetriedCallCountsOnce() {
        // Two failures, then success: the second and third calls are retries, the third once.
        let spans = [parent(), attempt(2, start: 0, end: 1, failed: true), attempt(3, start: 1.1, end: 2, failed: true),
                     attempt(4, start: 2.1, end: 3)]
        XCTAssertEqual(retried([spans]), 2)
        XCTAssertEqual(retried([spans.reversed()]), 2, "out of order")
        XCTAssertEqual(retried(spans.map { [$0] }.reversed()), 2, "one span per request, backwards")
        // A retry the instrumentation already counted is not counted again.
        let counted = attempt(3, start: 1.5, end: 2, extra: [Attribute("http.request.resend_count", .int(1))])
        XCTAssertEqual(retried([[parent(), attempt(2, start: 0, end: 1, failed: true), counted]]), 1)
        XCTAssertEqual(retried([[counted], [parent(), attempt(2, start: 0, end: 1, failed: true)]]), 1)
    }

    func testInferredRetriesRaiseTheRetryAlert() {
        var store = TraceStore()
        var spans = [parent()]
        // 40 calls, 6 of them (15 %) repeat a failure just before them.
        for n in 0..<34 { spans.append(attempt(UInt64(10 + n), start: Double(n) * 2, end: Double(n) * 2 + 1)) }
        for n in 0..<6 {
            let base = 100.0 + Double(n) * 5
            spans.append(attempt(UInt64(100 + n), parent: UInt64(50 + n), start: base, end: base + 1, failed: true))
            spans.append(attempt(UInt64(200 + n), parent: UInt64(50 + n), start: base + 2, end: base + 3))
        }
        store.apply(TelemetryBatch(spans: spans), nowNanos: 5)
        let quality = store.snapshot(nowNanos: 5).quality
        XCTAssertEqual(quality.retried, 6)
        XCTAssertEqual(quality.calls, 46)
        XCTAssertEqual(quality.alerts.map(\.name), ["retries"])
        XCTAssertEqual(Report(store: store).alerts.map(\.name), ["retries"])
    }
}

extension RetryInferenceTests {
    /// With a quality window set, the windowed counts see inferred retries too, in either arrival order.
    func testWindowedQualityCountsInferredRetries() {
        let failed = attempt(2, start: 0, end: 1, failed: true), retry = attempt(3, start: 1.5, end: 3)
        for order in [[[parent(), failed], [retry]], [[retry], [parent()], [failed]]] {
            var store = TraceStore(windowSettings: WindowSettings(windows: [.oneMinute, .fiveMinutes], quality: .fiveMinutes))
            let now = 1_000 * second
            for (index, batch) in order.enumerated() {
                store.apply(TelemetryBatch(spans: batch), nowNanos: now + UInt64(index) * second)
            }
            let quality = store.snapshot(nowNanos: now + 5 * second).quality
            XCTAssertEqual(quality.window, .fiveMinutes)
            XCTAssertEqual(quality.calls, 2)
            XCTAssertEqual(quality.retried, 1, "\(order.map { $0.map(\.spanID) })")
        }
    }
}
