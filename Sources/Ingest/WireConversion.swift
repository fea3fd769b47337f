import Foundation
import OTLPWire
import Telemetry
import PackedSpans

public typealias ExportTraceRequest = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest
public typealias ExportMetricsRequest = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
public typealias ExportLogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest

private typealias WireAnyValue = Opentelemetry_Proto_Common_V1_AnyValue
private typealias WireKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
private typealias WireResource = Opentelemetry_Proto_Resource_V1_Resource
private typealias WireScope = Opentelemetry_Proto_Common_V1_InstrumentationScope
private typealias WireSpan = Opentelemetry_Proto_Trace_V1_Span
private typealias WireLogRecord = Opentelemetry_Proto_Logs_V1_LogRecord
private typealias WireMetric = Opentelemetry_Proto_Metrics_V1_Metric
private typealias WireNumberPoint = Opentelemetry_Proto_Metrics_V1_NumberDataPoint
private typealias WireHistogramPoint = Opentelemetry_Proto_Metrics_V1_HistogramDataPoint
private typealias WireExponentialPoint = Opentelemetry_Proto_Metrics_V1_ExponentialHistogramDataPoint
private typealias WireSummaryPoint = Opentelemetry_Proto_Metrics_V1_SummaryDataPoint

/// A record the decoder drops, with the reason (e.g. an invalid span id).
struct InvalidRecord: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// Counts dropped records and keeps the first reason, which is what partial_success reports.
struct Rejections {
    private(set) var count = 0
    private(set) var firstReason: String?

    mutating func record(_ reason: String, at path: @autoclosure () -> String) {
        count += 1
        if firstReason == nil { firstReason = "\(path()): \(reason)" }
    }
}

// MARK: - Requests to batches

extension TelemetryBatch {
    /// One `RawSpan` per valid span; spans with invalid ids are counted in `rejectedSpans`.
    public init(_ request: ExportTraceRequest) {
        var spans: [Telemetry.RawSpan] = []
        var rejections = Rejections()
        for (r, resourceSpans) in request.resourceSpans.enumerated() {
            let resource = Attribute.list(resourceSpans.resource.attributes)
            for (s, scopeSpans) in resourceSpans.scopeSpans.enumerated() {
                let origin = Origin(resource: resource, scope: scopeSpans.scope,
                                    schemaURL: scopeSpans.schemaURL.isEmpty ? resourceSpans.schemaURL : scopeSpans.schemaURL)
                spans.reserveCapacity(spans.count + scopeSpans.spans.count)
                for (i, span) in scopeSpans.spans.enumerated() {
                    do throws(InvalidRecord) {
                        spans.append(try Telemetry.RawSpan(span, origin: origin))
                    } catch {
                        rejections.record(error.reason, at: "resourceSpans[\(r)].scopeSpans[\(s)].spans[\(i)]")
                    }
                }
            }
        }
        self.init(spans: spans, rejectedSpans: rejections.count, rejectionReason: rejections.firstReason)
    }

    /// One `RawLogRecord` per valid record; records with malformed ids are counted in `rejectedLogs`.
    public init(_ request: ExportLogsRequest) {
        var logs: [RawLogRecord] = []
        var rejections = Rejections()
        for (r, resourceLogs) in request.resourceLogs.enumerated() {
            let resource = Attribute.list(resourceLogs.resource.attributes)
            for (s, scopeLogs) in resourceLogs.scopeLogs.enumerated() {
                let origin = Origin(resource: resource, scope: scopeLogs.scope,
                                    schemaURL: scopeLogs.schemaURL.isEmpty ? resourceLogs.schemaURL : scopeLogs.schemaURL)
                logs.reserveCapacity(logs.count + scopeLogs.logRecords.count)
                for (i, record) in scopeLogs.logRecords.enumerated() {
                    do throws(InvalidRecord) {
                        logs.append(try RawLogRecord(record, origin: origin))
                    } catch {
                        rejections.record(error.reason, at: "resourceLogs[\(r)].scopeLogs[\(s)].logRecords[\(i)]")
                    }
                }
            }
        }
        self.init(logs: logs, rejectedLogs: rejections.count, rejectionReason: rejections.firstReason)
    }

    /// One `RawMetricPoint` per data point of every metric type; points that cannot be represented
    /// (no value, inconsistent buckets) are counted in `rejectedMetricPoints`.
    public init(_ request: ExportMetricsRequest) {
        var collector = MetricPointCollector()
        for (r, resourceMetrics) in request.resourceMetrics.enumerated() {
            let resource = Attribute.list(resourceMetrics.resource.attributes)
            for (s, scopeMetrics) in resourceMetrics.scopeMetrics.enumerated() {
                let origin = Origin(resource: resource, scope: scopeMetrics.scope,
                                    schemaURL: scopeMetrics.schemaURL.isEmpty ? resourceMetrics.schemaURL : scopeMetrics.schemaURL)
                for (m, metric) in scopeMetrics.metrics.enumerated() {
                    collector.add(metric, origin: origin, path: "resourceMetrics[\(r)].scopeMetrics[\(s)].metrics[\(m)]")
                }
            }
        }
        self.init(metrics: collector.points, rejectedMetricPoints: collector.rejections.count,
                  rejectionReason: collector.rejections.firstReason)
    }
}

// MARK: - Records

extension Origin {
    fileprivate convenience init(resource: [Attribute], scope: WireScope, schemaURL: String) {
        self.init(resource: resource, scopeName: scope.name, scopeVersion: scope.version, schemaURL: schemaURL)
    }
}

extension Telemetry.RawSpan {
    fileprivate init(_ span: WireSpan, origin: Origin) throws(InvalidRecord) {
        self.init(
            traceID: try requiredTraceID(span.traceID, field: "traceId"),
            spanID: try requiredSpanID(span.spanID, field: "spanId"),
            parentSpanID: try optionalSpanID(span.parentSpanID, field: "parentSpanId"),
            name: span.name,
            kind: SpanKind(rawValue: span.kind.rawValue) ?? .unspecified,
            startNanos: span.startTimeUnixNano,
            endNanos: span.endTimeUnixNano,
            attributes: Attribute.list(span.attributes),
            events: span.events.map {
                SpanEvent(timeNanos: $0.timeUnixNano, name: $0.name, attributes: Attribute.list($0.attributes))
            },
            links: span.links.compactMap { link in
                // A link that points nowhere carries no information; the span itself stays valid.
                guard let traceID = try? requiredTraceID(link.traceID, field: "traceId"),
                      let spanID = try? requiredSpanID(link.spanID, field: "spanId") else { return nil }
                return SpanLink(traceID: traceID, spanID: spanID, attributes: Attribute.list(link.attributes))
            },
            statusCode: StatusCode(rawValue: span.status.code.rawValue) ?? .unset,
            statusMessage: span.status.message,
            origin: origin
        )
    }
}

extension RawLogRecord {
    fileprivate init(_ record: WireLogRecord, origin: Origin) throws(InvalidRecord) {
        self.init(
            timeNanos: record.timeUnixNano,
            observedTimeNanos: record.observedTimeUnixNano,
            severityNumber: record.severityNumber.rawValue,
            severityText: record.severityText,
            eventName: record.eventName,
            body: record.hasBody ? AttributeValue(record.body) : .empty,
            attributes: Attribute.list(record.attributes),
            traceID: try optionalTraceID(record.traceID, field: "traceId"),
            spanID: try optionalSpanID(record.spanID, field: "spanId"),
            origin: origin
        )
    }
}

private struct MetricPointCollector {
    var points: [RawMetricPoint] = []
    var rejections = Rejections()

    mutating func add(_ metric: WireMetric, origin: Origin, path: String) {
        func point(_ kind: MetricKind, _ temporality: Temporality, monotonic: Bool, attributes: [WireKeyValue],
                   start: UInt64, time: UInt64, value: MetricValue) -> RawMetricPoint {
            RawMetricPoint(metricName: metric.name, unit: metric.unit, kind: kind, temporality: temporality,
                           isMonotonic: monotonic, attributes: Attribute.list(attributes),
                           startNanos: start, timeNanos: time, value: value, origin: origin)
        }
        switch metric.data {
        case .gauge(let gauge):
            for (i, p) in gauge.dataPoints.enumerated() {
                guard let value = p.numberValue else { rejectNoValue(at: "\(path).gauge.dataPoints[\(i)]"); continue }
                points.append(point(.gauge, .unspecified, monotonic: false, attributes: p.attributes,
                                    start: p.startTimeUnixNano, time: p.timeUnixNano, value: value))
            }
        case .sum(let sum):
            let temporality = Temporality(rawValue: sum.aggregationTemporality.rawValue) ?? .unspecified
            for (i, p) in sum.dataPoints.enumerated() {
                guard let value = p.numberValue else { rejectNoValue(at: "\(path).sum.dataPoints[\(i)]"); continue }
                points.append(point(.sum, temporality, monotonic: sum.isMonotonic, attributes: p.attributes,
                                    start: p.startTimeUnixNano, time: p.timeUnixNano, value: value))
            }
        case .histogram(let histogram):
            let temporality = Temporality(rawValue: histogram.aggregationTemporality.rawValue) ?? .unspecified
            for (i, p) in histogram.dataPoints.enumerated() {
                do throws(InvalidRecord) {
                    points.append(point(.histogram, temporality, monotonic: false, attributes: p.attributes,
                                        start: p.startTimeUnixNano, time: p.timeUnixNano,
                                        value: .histogram(try HistogramValue(p))))
                } catch {
                    rejections.record(error.reason, at: "\(path).histogram.dataPoints[\(i)]")
                }
            }
        case .exponentialHistogram(let histogram):
            let temporality = Temporality(rawValue: histogram.aggregationTemporality.rawValue) ?? .unspecified
            for p in histogram.dataPoints {
                points.append(point(.exponentialHistogram, temporality, monotonic: false, attributes: p.attributes,
                                    start: p.startTimeUnixNano, time: p.timeUnixNano,
                                    value: .exponentialHistogram(ExponentialHistogramValue(p))))
            }
        case .summary(let summary):
            for p in summary.dataPoints {
                points.append(point(.summary, .unspecified, monotonic: false, attributes: p.attributes,
                                    start: p.startTimeUnixNano, time: p.timeUnixNano,
                                    value: .summary(count: p.count, sum: p.sum)))
            }
        case nil:
            break
        }
    }

    private mutating func rejectNoValue(at path: String) {
        rejections.record("data point has no value", at: path)
    }
}

extension WireNumberPoint {
    fileprivate var numberValue: MetricValue? {
        switch value {
        case .asDouble(let d)?: .number(d)
        case .asInt(let i)?: .number(Double(i))
        case nil: nil
        }
    }
}

extension HistogramValue {
    fileprivate init(_ point: WireHistogramPoint) throws(InvalidRecord) {
        let buckets = point.bucketCounts.count, bounds = point.explicitBounds.count
        guard buckets == bounds + 1 || (buckets == 0 && bounds == 0) else {
            throw InvalidRecord("histogram has \(buckets) bucket counts for \(bounds) explicit bounds")
        }
        self.init(count: point.count, sum: point.hasSum ? point.sum : nil,
                  min: point.hasMin ? point.min : nil, max: point.hasMax ? point.max : nil,
                  bounds: point.explicitBounds, bucketCounts: point.bucketCounts)
    }
}

extension ExponentialHistogramValue {
    fileprivate init(_ point: WireExponentialPoint) {
        self.init(count: point.count, sum: point.hasSum ? point.sum : nil, scale: point.scale,
                  zeroCount: point.zeroCount,
                  positiveOffset: point.positive.offset, positiveCounts: point.positive.bucketCounts,
                  negativeOffset: point.negative.offset, negativeCounts: point.negative.bucketCounts)
    }
}

// MARK: - Attributes and ids

extension Attribute {
    fileprivate static func list(_ keyValues: [WireKeyValue]) -> [Attribute] {
        keyValues.map { Attribute($0.key, $0.hasValue ? AttributeValue($0.value) : .empty) }
    }
}

extension AttributeValue {
    fileprivate init(_ value: WireAnyValue) {
        switch value.value {
        case .stringValue(let s)?: self = .string(s)
        case .boolValue(let b)?: self = .bool(b)
        case .intValue(let i)?: self = .int(i)
        case .doubleValue(let d)?: self = .double(d)
        case .bytesValue(let data)?: self = .bytes([UInt8](data))
        case .arrayValue(let array)?: self = .array(array.values.map(AttributeValue.init))
        case .kvlistValue(let map)?: self = .map(Attribute.list(map.values))
        // An index into a profiles string table; meaningless outside a profiles request.
        case .stringValueStrindex?, nil: self = .empty
        }
    }
}

private func requiredTraceID(_ bytes: Data, field: String) throws(InvalidRecord) -> TraceID {
    let id = try optionalTraceID(bytes, field: field)
    guard !id.isZero else { throw InvalidRecord(bytes.isEmpty ? "\(field) is missing" : "\(field) is all zeros") }
    return id
}

private func optionalTraceID(_ bytes: Data, field: String) throws(InvalidRecord) -> TraceID {
    if bytes.isEmpty { return .zero }
    guard let id = TraceID(bytes: bytes) else {
        throw InvalidRecord("\(field) has \(bytes.count) bytes, expected 16")
    }
    return id
}

private func requiredSpanID(_ bytes: Data, field: String) throws(InvalidRecord) -> SpanID {
    let id = try optionalSpanID(bytes, field: field)
    guard !id.isZero else { throw InvalidRecord(bytes.isEmpty ? "\(field) is missing" : "\(field) is all zeros") }
    return id
}

private func optionalSpanID(_ bytes: Data, field: String) throws(InvalidRecord) -> SpanID {
    if bytes.isEmpty { return .zero }
    guard let id = SpanID(bytes: bytes) else {
        throw InvalidRecord("\(field) has \(bytes.count) bytes, expected 8")
    }
    return id
}
