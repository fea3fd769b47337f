import SnapshotTesting
import Semantics
import Store
import XCTest
@testable import CanvasKit
@testable import Views
import Telemetry
import PackedSpans

/// Feedback on screen: the Quality pane's feedback lines and evaluation results on their span.
final class FeedbackViewTests: XCTestCase {
    func feedback(_ scores: [Double], labels: [String?]) -> Feedback {
        var store = TraceStore()
        let origin = Origin(resource: [Attribute("service.name", .string("svc"))])
        let logs = zip(scores, labels).map { score, label in
            RawLogRecord(timeNanos: 1, eventName: EvaluationResult.eventName,
                         attributes: [Attribute("gen_ai.evaluation.name", .string("x")),
                                      Attribute("gen_ai.evaluation.score.value", .double(score))]
                             + (label.map { [Attribute("gen_ai.evaluation.score.label", .string($0))] } ?? []),
                         origin: origin)
        }
        store.apply(TelemetryBatch(logs: logs), nowNanos: 1)
        return store.feedback.total
    }

    func snapshot(_ sources: [QualitySummary.FeedbackSource]) -> StoreSnapshot {
        var snapshot = Fixtures.snapshot(Fixtures.many(3))
        snapshot.quality.feedback = sources
        return snapshot
    }

    func testOneSourceIsOneFeedbackLine() {
        let single = snapshot([.init(name: "relevance", feedback: feedback([1, 2, 2, 3, 3, 3, 3, 4, 5], labels: Array(repeating: nil, count: 9)))])
        let lines = QualityPaneView.render(single, size: Size(width: 58, height: 12)).plainText()
        XCTAssertTrue(lines.contains { $0.contains("feedback   2.89 avg  n 9  ") }, lines.joined(separator: "\n"))
        assertSnapshot(of: QualityPaneView.render(single, size: Size(width: 58, height: 12)), as: .frame, named: "single")
    }

    func testSeveralSourcesGetALineEach() {
        let several = snapshot([
            .init(name: "user feedback", feedback: feedback([4, 5, 5], labels: [nil, nil, nil])),
            .init(name: "relevance", feedback: feedback([0.2, 0.9, 1], labels: ["irrelevant", "relevant", "relevant"])),
        ])
        let lines = QualityPaneView.render(several, size: Size(width: 58, height: 12)).plainText()
        XCTAssertTrue(lines.contains { $0.contains("user feed… 4.67 avg  n 3") }, lines.joined(separator: "\n"))
        XCTAssertTrue(lines.contains { $0.contains("relevance  0.70 avg  n 3") }, lines.joined(separator: "\n"))
        assertSnapshot(of: QualityPaneView.render(several, size: Size(width: 58, height: 12)), as: .frame, named: "several")
    }

    func testSpanScreenListsEvaluationsOfTheSpan() {
        let origin = Origin(resource: [Attribute("service.name", .string("svc"))])
        let trace = Fixtures.id(70)
        let span = RawSpan(traceID: trace, spanID: SpanID(1), name: "chat gpt-4o", startNanos: 1, endNanos: 2,
                           attributes: [Attribute("gen_ai.operation.name", .string("chat"))],
                           events: [SpanEvent(timeNanos: 2, name: EvaluationResult.eventName, attributes: [
                               Attribute("gen_ai.evaluation.name", .string("relevance")),
                               Attribute("gen_ai.evaluation.score.value", .double(0.9)),
                               Attribute("gen_ai.evaluation.score.label", .string("relevant")),
                           ])], origin: origin)
        let log = RawLogRecord(timeNanos: 3, eventName: EvaluationResult.eventName, attributes: [
            Attribute("gen_ai.evaluation.name", .string("tone")), Attribute("gen_ai.evaluation.score.value", .int(4)),
            Attribute("gen_ai.evaluation.explanation", .string("polite but long")),
        ], traceID: trace, spanID: SpanID(1), origin: origin)
        // The log event with its span, and before it (waiting for it): read once, on arrival, either way.
        for batches in [[TelemetryBatch(spans: [span], logs: [log])],
                        [TelemetryBatch(logs: [log]), TelemetryBatch(spans: [span])]] {
            var store = TraceStore()
            for batch in batches { store.apply(batch, nowNanos: 5) }
            let stored = store.trace(trace)!.spans[0]
            XCTAssertEqual(stored.evaluations.map(\.name), ["relevance", "tone"])
            let text = SpanDetails(span: stored, nowNanos: 5).lines(width: 80).map { $0.map(\.text).joined() }
            let start = text.firstIndex { $0.contains("Evaluations (2)") }
            XCTAssertNotNil(start, text.joined(separator: "\n"))
            let section = text.dropFirst((start ?? 0) + 1).prefix(2).joined(separator: "\n")
            XCTAssertTrue(section.contains("relevance") && section.contains("0.90 · relevant"), section)
            XCTAssertTrue(section.contains("tone") && section.contains("4 — polite but long"), section)
        }
    }
}
