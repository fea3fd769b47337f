import Telemetry

/// What one export request (or one line of a collector file) decoded to: spans (packed as the store
/// keeps them, or raw), log records and metric points, with what was refused of them.
public struct TelemetryBatch: Sendable {
    public var spans: [RawSpan] {
        didSet { spanExtents = nil }
    }
    /// Spans a decoder packed straight from the wire (`OTLPTraceScanner`'s packing mode), stored as
    /// they are; a batch has these or `spans`, not both.
    public var packedSpans: [PackedSpan] = [] {
        didSet { spanExtents = nil }
    }
    /// Set by a decoder that measured the spans as it built them; any change to the spans forgets it.
    public var spanExtents: SpanExtents?
    public var logs: [RawLogRecord]
    public var metrics: [RawMetricPoint]
    /// Records the decoder dropped as invalid (e.g. a span with an invalid id); counted as rejected.
    public var rejectedSpans: Int
    public var rejectedLogs: Int
    public var rejectedMetricPoints: Int
    public var rejectionReason: String?
    /// What the ingest limits cut from the records of this batch.
    public var limitCounts = LimitCounts()

    public init(spans: [RawSpan] = [], logs: [RawLogRecord] = [], metrics: [RawMetricPoint] = [],
                rejectedSpans: Int = 0, rejectedLogs: Int = 0, rejectedMetricPoints: Int = 0,
                rejectionReason: String? = nil) {
        self.spans = spans
        self.logs = logs
        self.metrics = metrics
        self.rejectedSpans = rejectedSpans
        self.rejectedLogs = rejectedLogs
        self.rejectedMetricPoints = rejectedMetricPoints
        self.rejectionReason = rejectionReason
    }

    public var isEmpty: Bool { spans.isEmpty && packedSpans.isEmpty && logs.isEmpty && metrics.isEmpty }
    /// Spans in either form.
    public var spanCount: Int { spans.count + packedSpans.count }
}

/// Bounds a decoder measured on the wire for the spans of one batch, so that the ingest limits skip
/// checking spans that cannot exceed them.
public struct SpanExtents: Sendable, Equatable {
    /// The longest span message, in bytes: no name, key or value inside a span is longer.
    public var longestSpanBytes = 0
    /// The most entries of any list inside a span: attributes, events, links, array or map elements.
    public var longestList = 0

    public init() {}

    public mutating func note(spanBytes: Int) { longestSpanBytes = max(longestSpanBytes, spanBytes) }
    public mutating func note(list count: Int) { longestList = max(longestList, count) }
}

extension TelemetryBatch {
    /// The latest time a record in the batch carries (span ends, log and metric point times), 0 if none.
    public var latestTimeNanos: UInt64 {
        var latest: UInt64 = 0
        for span in spans { latest = max(latest, span.endNanos, span.startNanos) }
        for span in packedSpans { latest = max(latest, span.endNanos, span.startNanos) }
        for log in logs { latest = max(latest, log.timeNanos, log.observedTimeNanos) }
        for point in metrics { latest = max(latest, point.timeNanos) }
        return latest
    }

    /// Every timestamp moved by `offset` nanoseconds (unset zeros stay zero), durations unchanged.
    public mutating func shiftTimes(byNanos offset: Int64) {
        func moved(_ time: UInt64) -> UInt64 {
            guard time != 0 else { return 0 }
            let result = Int64(clamping: time) &+ offset
            return result > 0 ? UInt64(result) : 1
        }
        if !packedSpans.isEmpty {
            spans += packedSpans.map { $0.unpacked() }
            packedSpans = []
        }
        for index in spans.indices {
            spans[index].startNanos = moved(spans[index].startNanos)
            spans[index].endNanos = moved(spans[index].endNanos)
            for event in spans[index].events.indices {
                spans[index].events[event].timeNanos = moved(spans[index].events[event].timeNanos)
            }
        }
        for index in logs.indices {
            logs[index].timeNanos = moved(logs[index].timeNanos)
            logs[index].observedTimeNanos = moved(logs[index].observedTimeNanos)
        }
        for index in metrics.indices {
            metrics[index].startNanos = moved(metrics[index].startNanos)
            metrics[index].timeNanos = moved(metrics[index].timeNanos)
        }
    }
}
