import Foundation
import Ingest
import Semantics
import Testing
import Telemetry
import PackedSpans

/// Every capture of every scenario decodes, and the records match the scenario's expected.json.
@Suite struct FixtureDecodingTests {
    static let scenarios = Fixtures.scenarios

    @Test(arguments: scenarios)
    func countsMatchExpectations(scenario: String) throws {
        let files = Fixtures.otlpFiles(scenario)
        #expect(!files.isEmpty)
        let requests = try files.flatMap { try TelemetryFile.decode(contentsOf: $0) }
        let all = TelemetryBatch.merged(requests.map(\.batch))
        let expected = try Fixtures.expected(scenario)
        let traces = expected["traces"] as? [String: Any] ?? [:]
        let logs = expected["logs"] as? [String: Any] ?? [:]
        let metrics = (expected["metrics"] as? [String: Any])?["metrics"] as? [String: [String: Any]] ?? [:]

        #expect(all.rejectedSpans == 0 && all.rejectedLogs == 0 && all.rejectedMetricPoints == 0)
        #expect(all.spans.count == traces["spans"] as? Int)
        #expect(all.logs.count == logs["log_records"] as? Int)
        #expect(all.metrics.count == metrics.values.reduce(0) { $0 + ($1["data_points_total"] as? Int ?? 0) })

        #expect(counted(all.spans.map(\.kind.label)) == traces["spans_by_kind"] as? [String: Int] ?? [:])
        #expect(counted(all.spans.map(\.name)) == traces["spans_by_name"] as? [String: Int] ?? [:])
        #expect(all.spans.filter { $0.statusCode == .error }.count == traces["error_spans"] as? Int ?? 0)
        #expect(counted(all.spans.flatMap { $0.events.map(\.name) }) == traces["span_events_by_name"] as? [String: Int] ?? [:])
        #expect(counted(all.spans.map(\.origin.serviceName)) == traces["resource_service_names"] as? [String: Int] ?? [:])
        #expect(counted(all.logs.map(\.eventName)) == logs["by_event_name"] as? [String: Int] ?? [:])
        #expect(all.logs.filter { !$0.traceID.isZero }.count == logs["records_with_trace_id"] as? Int ?? 0)

        for (key, facts) in metrics {
            let points = all.metrics.filter { metricKey($0, among: metrics) == key }
            #expect(points.count == facts["data_points_total"] as? Int, "\(key)")
            #expect(Set(points.map(\.kind.rawValue)) == [facts["type"] as? String ?? ""], "\(key)")
            #expect(Set(points.map(\.unit)) == [facts["unit"] as? String ?? ""], "\(key)")
            if let temporality = facts["temporality"] as? String {
                #expect(Set(points.map { "\($0.temporality)" }) == [temporality], "\(key)")
            }
            if let total = facts["total"] as? [String: Any] {
                checkTotal(points, temporality: facts["temporality"] as? String, expected: total, key: key)
            }
        }
    }

    /// expected.json adds ` [scope]` to a metric name that more than one scope emits.
    private func metricKey(_ point: RawMetricPoint, among metrics: [String: [String: Any]]) -> String {
        let scoped = "\(point.metricName) [\(point.origin.scopeName)]"
        return metrics[scoped] != nil ? scoped : point.metricName
    }

    /// Delta: all points added; cumulative: each series' last point added (series = service + attributes).
    private func checkTotal(_ points: [RawMetricPoint], temporality: String?, expected: [String: Any], key: String) {
        var chosen = points
        if temporality == "cumulative" {
            var last: [String: RawMetricPoint] = [:]
            for point in points {
                let series = point.origin.serviceName + "|" + point.attributes.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: ",")
                if let previous = last[series], previous.timeNanos > point.timeNanos { continue }
                last[series] = point
            }
            chosen = Array(last.values)
        }
        var value = 0.0, count: UInt64 = 0, sum = 0.0
        for point in chosen {
            switch point.value {
            case .number(let number): value += number
            case .histogram(let histogram): count += histogram.count; sum += histogram.sum ?? 0
            case .exponentialHistogram(let histogram): count += histogram.count; sum += histogram.sum ?? 0
            case .summary(let c, let s): count += c; sum += s
            }
        }
        if let expectedValue = expected["value"] as? Double {
            #expect(abs(value - expectedValue) < 1e-6, "\(key)")
        }
        if let expectedCount = expected["count"] as? Int {
            #expect(count == UInt64(expectedCount), "\(key)")
        }
        if let expectedSum = expected["sum"] as? Double {
            #expect(abs(sum - expectedSum) < 1e-4, "\(key)")
        }
    }

    private func counted(_ values: [String]) -> [String: Int] {
        values.reduce(into: [:]) { $0[$1, default: 0] += 1 }
    }

    @Test func protobufAndJSONOfTheSamePayloadDecodeIdentically() throws {
        let protobuf = Fixtures.otlpFiles("openai-v2")
        let json = Fixtures.otlpFiles("openai-v2-json")
        #expect(protobuf.count == json.count)
        for (binary, text) in zip(protobuf, json) {
            #expect(binary.deletingPathExtension().lastPathComponent == text.deletingPathExtension().lastPathComponent)
            let a = try TelemetryFile.decode(contentsOf: binary)
            let b = try TelemetryFile.decode(contentsOf: text)
            #expect(a.map(\.signal) == b.map(\.signal))
            #expect(BatchFingerprint(a[0].batch) == BatchFingerprint(b[0].batch), "\(binary.lastPathComponent)")
        }
    }

    @Test func collectorFileLinesDetectTheirSignal() throws {
        let requests = try TelemetryFile.decode(contentsOf: Fixtures.file("filefeed", "otlp.jsonl"))
        let exports = try Fixtures.expected("filefeed")["export_requests"] as? [String: Int] ?? [:]
        #expect(requests.filter { $0.signal == .traces }.count == exports["traces"])
        #expect(requests.filter { $0.signal == .metrics }.count == exports["metrics"])
        #expect(requests.filter { $0.signal == .logs }.count == exports["logs"])
    }

    @Test func protobufSignalFromFileNameOrByTrying() throws {
        let logs = Fixtures.file("openai-v2-grpc", "0001-logs.grpc.binpb")
        #expect(try TelemetryFile.decode(contentsOf: logs).map(\.signal) == [.logs])
        for (name, signal) in [("0001-traces.binpb", Signal.traces), ("0002-logs.binpb", .logs), ("0003-metrics.binpb", .metrics)] {
            let body = try Data(contentsOf: Fixtures.file("openai-v2", name))
            let decoded = try TelemetryFile.decodeProtobufOfUnknownSignal(body)
            #expect(decoded.signal == signal, "\(name)")
            #expect(!decoded.batch.isEmpty)
        }
    }
}

/// Everything a batch says, in comparable form.
struct BatchFingerprint: Equatable {
    var spans: [String]
    var logs: [String]
    var metrics: [String]

    init(_ batch: TelemetryBatch) {
        func origin(_ o: Origin) -> String { "\(o.resource)|\(o.scopeName)|\(o.scopeVersion)|\(o.schemaURL)" }
        spans = batch.spans.map { s in
            "\(s.traceID) \(s.spanID) \(s.parentSpanID) \(s.name) \(s.kind) \(s.startNanos) \(s.endNanos) \(s.attributes) "
                + "\(s.events) \(s.links) \(s.statusCode) \(s.statusMessage) \(origin(s.origin))"
        }
        logs = batch.logs.map { l in
            "\(l.timeNanos) \(l.observedTimeNanos) \(l.severityNumber) \(l.severityText) \(l.eventName) \(l.body) "
                + "\(l.attributes) \(l.traceID) \(l.spanID) \(origin(l.origin))"
        }
        metrics = batch.metrics.map { m in
            "\(m.metricName) \(m.unit) \(m.kind) \(m.temporality) \(m.isMonotonic) \(m.attributes) \(m.startNanos) "
                + "\(m.timeNanos) \(m.value) \(origin(m.origin))"
        }
    }
}
