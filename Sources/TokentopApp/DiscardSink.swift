import Ingest
import Semantics
import Synchronization
import PackedSpans

/// `serve --discard`: the receivers decode every request as usual and the batch is dropped, so the
/// load generator measures what transport and decoding alone allow (the baseline for the store).
public final class DiscardSink: TelemetrySink {
    private let spans = Atomic<Int>(0)
    private let logs = Atomic<Int>(0)
    private let points = Atomic<Int>(0)
    private let refused = Atomic<Int>(0)

    public init() {}

    public func accept(_ batch: TelemetryBatch) {
        spans.add(batch.spanCount + batch.rejectedSpans, ordering: .relaxed)
        logs.add(batch.logs.count, ordering: .relaxed)
        points.add(batch.metrics.count, ordering: .relaxed)
    }

    public func refused(_ refusal: RequestRefusal) { refused.add(1, ordering: .relaxed) }

    public var receivedSpans: Int { spans.load(ordering: .relaxed) }

    public func statusLine(spansPerSecond: Int) -> String {
        "tokentop status discard recv \(receivedSpans) logs \(logs.load(ordering: .relaxed))"
            + " points \(points.load(ordering: .relaxed)) refused \(refused.load(ordering: .relaxed)) spans/s \(spansPerSecond)"
    }

    public var summaryJSON: String {
        "{\"discarded\": {\"received_spans\": \(receivedSpans), \"log_records\": \(logs.load(ordering: .relaxed)),"
            + " \"metric_points\": \(points.load(ordering: .relaxed)), \"rejected_requests\": \(refused.load(ordering: .relaxed))}}"
    }
}
