import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// Feedback from `gen_ai.evaluation.result` events (span events and log records) and from the
/// `gen_ai.user.feedback.score` histogram.
final class FeedbackTests: XCTestCase {
    let origin = Origin(resource: [Attribute("service.name", .string("svc"))])
    let trace = TraceID(high: 4, low: 1)

    func evaluation(_ name: String?, score: Double?, label: String? = nil) -> [Attribute] {
        var attributes: [Attribute] = []
        if let name { attributes.append(Attribute("gen_ai.evaluation.name", .string(name))) }
        if let score { attributes.append(Attribute("gen_ai.evaluation.score.value", .double(score))) }
        if let label { attributes.append(Attribute("gen_ai.evaluation.score.label", .string(label))) }
        return attributes
    }

    func chat(_ id: UInt64, events: [SpanEvent] = []) -> RawSpan {
        RawSpan(traceID: trace, spanID: SpanID(id), name: "chat gpt-4o", startNanos: 1, endNanos: 2,
                attributes: [Attribute("gen_ai.operation.name", .string("chat")),
                             Attribute("gen_ai.request.model", .string("gpt-4o"))],
                events: events, origin: origin)
    }

    func log(_ attributes: [Attribute], span: UInt64?) -> RawLogRecord {
        RawLogRecord(timeNanos: 3, eventName: "gen_ai.evaluation.result", attributes: attributes,
                     traceID: span == nil ? .zero : trace, spanID: span.map(SpanID.init) ?? .zero, origin: origin)
    }

    func feedbackPoint(counts: [UInt64], sum: Double) -> RawMetricPoint {
        RawMetricPoint(metricName: "gen_ai.user.feedback.score", unit: "{score}", kind: .histogram,
                       temporality: .delta, isMonotonic: false, attributes: [], startNanos: 1, timeNanos: 2,
                       value: .histogram(HistogramValue(count: counts.reduce(0, +), sum: sum, bounds: [1, 2, 3, 4, 5],
                                                        bucketCounts: counts)),
                       origin: origin)
    }

    func testEvaluationEventsFromSpansAndLogsFeedTheReport() throws {
        var store = TraceStore()
        // A log record before its span, one after, one naming no span, and two span events.
        store.apply(TelemetryBatch(logs: [log(evaluation("relevance", score: 0.4, label: "irrelevant"), span: 2)]), nowNanos: 1)
        store.apply(TelemetryBatch(spans: [
            chat(2, events: [SpanEvent(timeNanos: 2, name: "gen_ai.evaluation.result",
                                       attributes: evaluation("relevance", score: 0.9, label: "relevant"))]),
            chat(3, events: [SpanEvent(timeNanos: 2, name: "gen_ai.evaluation.result",
                                       attributes: evaluation("relevance", score: 1, label: "relevant")),
                             SpanEvent(timeNanos: 2, name: "gen_ai.choice", attributes: [])]),
        ]), nowNanos: 2)
        store.apply(TelemetryBatch(logs: [log(evaluation("helpfulness", score: 4), span: 3),
                                          log(evaluation(nil, score: nil, label: "toxic"), span: nil),
                                          log([], span: 3)]), nowNanos: 3)
        let report = Report(store: store)
        XCTAssertEqual(report.feedback.count, 5, "the event with neither score nor label is not feedback")
        XCTAssertEqual(try XCTUnwrap(report.feedback.mean), (0.4 + 0.9 + 1 + 4) / 4, accuracy: 1e-12,
                       "the label-only result has no score")
        XCTAssertEqual(report.feedback.histogram.map(\.0), ["4", "irrelevant", "relevant", "toxic"])
        XCTAssertEqual(report.feedback.histogram.map(\.1), [1, 1, 2, 1])
        XCTAssertEqual(report.evaluations.map(\.name), ["evaluation", "helpfulness", "relevance"])
        let relevance = try XCTUnwrap(report.evaluations.first { $0.name == "relevance" }?.feedback)
        XCTAssertEqual(relevance.count, 3)
        XCTAssertEqual(try XCTUnwrap(relevance.mean), (0.4 + 0.9 + 1) / 3, accuracy: 1e-12)

        let json = report.json.rendered(indent: nil)
        XCTAssertTrue(json.contains("\"feedback\":{\"count\":5,"), json)
        XCTAssertTrue(json.contains("{\"name\":\"relevance\",\"count\":3,"), json)

        let sources = store.snapshot(nowNanos: 4).quality.feedback
        XCTAssertEqual(sources.map(\.name), ["relevance", "evaluation", "helpfulness"], "most used first")
        XCTAssertEqual(sources.map(\.feedback.count), [3, 1, 1])
    }

    func testMetricHistogramsAndEventsAddUp() throws {
        var store = TraceStore()
        // Scores 1, 2, 4, 4, 5 from the metric; 3 from an event.
        store.apply(TelemetryBatch(metrics: [feedbackPoint(counts: [1, 1, 0, 2, 1, 0], sum: 16)]), nowNanos: 1)
        store.apply(TelemetryBatch(logs: [log(evaluation("judge", score: 3), span: nil)]), nowNanos: 2)
        let report = Report(store: store)
        XCTAssertEqual(report.feedback.count, 6)
        XCTAssertEqual(try XCTUnwrap(report.feedback.mean), 19.0 / 6, accuracy: 1e-12)
        XCTAssertEqual(report.feedback.histogram.map(\.0), ["le_1", "le_2", "3", "le_4", "le_5"])
        let sources = store.snapshot(nowNanos: 3).quality.feedback
        XCTAssertEqual(sources.map(\.name), ["user feedback", "judge"])
        XCTAssertEqual(try XCTUnwrap(sources[0].feedback.mean), 16.0 / 5, accuracy: 1e-12)
    }

    func testEvaluationParsing() {
        XCTAssertNil(EvaluationResult(eventName: "gen_ai.choice", attributes: evaluation("x", score: 1)))
        XCTAssertNil(EvaluationResult(eventName: "gen_ai.evaluation.result",
                                      attributes: [Attribute("gen_ai.evaluation.score.value", .double(.nan))]))
        let fromBody = EvaluationResult(eventName: "gen_ai.evaluation.result", attributes: [],
                                        body: .map(evaluation("tone", score: 2, label: "curt")))
        XCTAssertEqual(fromBody, EvaluationResult(name: "tone", score: 2, label: "curt"))
        let fromText = EvaluationResult(eventName: "gen_ai.evaluation.result",
                                        attributes: [Attribute("gen_ai.evaluation.score.value", .string("0.75"))])
        XCTAssertEqual(fromText?.score, 0.75)
        XCTAssertEqual(fromText?.name, "evaluation")
    }
}
