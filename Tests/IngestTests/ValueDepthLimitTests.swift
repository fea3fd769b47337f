import Foundation
import GRPCCore
import Ingest
import OTLPWire
import Semantics
import SwiftProtobuf
import Testing

private typealias MetricsRequest = Opentelemetry_Proto_Collector_Metrics_V1_ExportMetricsServiceRequest
private typealias LogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest

/// `--max-value-depth`: a value nesting exactly the limit is kept, one level more refuses the request,
/// on each path (scanner, swift-protobuf for metrics and logs, OTLP/JSON, both receivers).
@Suite struct ValueDepthLimitTests {
    enum Shape: CaseIterable { case arrays, maps }

    /// A value `depth` levels deep: a string inside `depth - 1` arrays or maps.
    private static func value(depth: Int, shape: Shape) -> WireAnyValue {
        var value = WireAnyValue()
        value.stringValue = "core"
        for _ in 1..<depth {
            var outer = WireAnyValue()
            switch shape {
            case .arrays:
                outer.arrayValue.values = [value]
            case .maps:
                var entry = WireKeyValue()
                entry.key = "k"
                entry.value = value
                outer.kvlistValue.values = [entry]
            }
            value = outer
        }
        return value
    }

    private static func attribute(depth: Int, shape: Shape) -> WireKeyValue {
        var attribute = WireKeyValue()
        attribute.key = "deep"
        attribute.value = value(depth: depth, shape: shape)
        return attribute
    }

    /// The value on an event, the deepest place a trace request holds one.
    static func traceBody(depth: Int, shape: Shape) throws -> Data {
        var event = Opentelemetry_Proto_Trace_V1_Span.Event()
        event.name = "e"
        event.attributes = [attribute(depth: depth, shape: shape)]
        var span = Build.span(name: "deep")
        span.events = [event]
        return try Build.traceRequest([span]).serializedData()
    }

    /// The value on an exemplar of a sum data point, the deepest place a metrics request holds one.
    private static func metricsBody(depth: Int, shape: Shape) throws -> Data {
        var exemplar = Opentelemetry_Proto_Metrics_V1_Exemplar()
        exemplar.filteredAttributes = [attribute(depth: depth, shape: shape)]
        exemplar.asDouble = 1
        var point = Opentelemetry_Proto_Metrics_V1_NumberDataPoint()
        point.asInt = 3
        point.exemplars = [exemplar]
        var metric = Opentelemetry_Proto_Metrics_V1_Metric()
        metric.name = "m"
        metric.sum.dataPoints = [point]
        var request = MetricsRequest()
        request.resourceMetrics = [.init()]
        request.resourceMetrics[0].scopeMetrics = [.init()]
        request.resourceMetrics[0].scopeMetrics[0].metrics = [metric]
        return try request.serializedData()
    }

    private static func logsBody(depth: Int, shape: Shape) throws -> Data {
        var record = Opentelemetry_Proto_Logs_V1_LogRecord()
        record.attributes = [attribute(depth: depth, shape: shape)]
        record.body.stringValue = "b"
        var request = LogsRequest()
        request.resourceLogs = [.init()]
        request.resourceLogs[0].scopeLogs = [.init()]
        request.resourceLogs[0].scopeLogs[0].logRecords = [record]
        return try request.serializedData()
    }

    private func accepts(_ signal: Signal, _ body: Data, limit: Int, json: Bool = false) -> Bool {
        do {
            if json {
                let text = try otlpJSON(signal: signal, protobuf: body)
                _ = try OTLPDecoder.decode(signal: signal, body: text, contentType: .json, maxValueDepth: limit)
            } else {
                _ = try OTLPDecoder.decode(signal: signal, body: body, contentType: .protobuf, maxValueDepth: limit)
            }
            return true
        } catch let error as DecodeError {
            #expect(error.description.contains("nests too deeply"), "\(error)")
            #expect(error.description.contains("\(limit) levels"), "\(error)")
            return false
        } catch {
            Issue.record("\(error)")
            return false
        }
    }

    /// OTLP/JSON of a protobuf request (ids in hex as OTLP/JSON wants them).
    private func otlpJSON(signal: Signal, protobuf body: Data) throws -> Data {
        switch signal {
        case .traces: Self.hexIDs(try OTLPDecoder.traceRequest(protobuf: body, maxValueDepth: 64).jsonUTF8Data())
        case .metrics: try OTLPDecoder.metricsRequest(protobuf: body, maxValueDepth: 64).jsonUTF8Data()
        case .logs: try OTLPDecoder.logsRequest(protobuf: body, maxValueDepth: 64).jsonUTF8Data()
        }
    }

    /// `Build.span`'s ids, base64 as swift-protobuf writes them, rewritten as hex.
    private static func hexIDs(_ json: Data) -> Data {
        var text = String(decoding: json, as: UTF8.self)
        text = text.replacingOccurrences(of: Build.traceID.base64EncodedString(), with: Build.traceID.map { String(format: "%02x", $0) }.joined())
        text = text.replacingOccurrences(of: Build.spanID.base64EncodedString(), with: Build.spanID.map { String(format: "%02x", $0) }.joined())
        return Data(text.utf8)
    }

    @Test(arguments: [1, 4, ValueDepthLimit.default, ValueDepthLimit.range.upperBound])
    func tracesAreHeldToTheLimitExactly(limit: Int) throws {
        for shape in Shape.allCases {
            for json in [false, true] {
                #expect(accepts(.traces, try Self.traceBody(depth: limit, shape: shape), limit: limit, json: json),
                        "\(shape) at the limit, json \(json)")
                #expect(!accepts(.traces, try Self.traceBody(depth: limit + 1, shape: shape), limit: limit, json: json),
                        "\(shape) past the limit, json \(json)")
            }
        }
    }

    @Test(arguments: [1, 4, ValueDepthLimit.default])
    func metricsAndLogsKeepEveryValueWithinTheLimit(limit: Int) throws {
        for json in [false, true] {
            for shape in Shape.allCases {
                #expect(accepts(.metrics, try Self.metricsBody(depth: limit, shape: shape), limit: limit, json: json), "\(shape)")
                #expect(accepts(.logs, try Self.logsBody(depth: limit, shape: shape), limit: limit, json: json), "\(shape)")
            }
            // Maps cost the most message levels: one more level is refused.
            #expect(!accepts(.metrics, try Self.metricsBody(depth: limit + 1, shape: .maps), limit: limit, json: json))
            #expect(!accepts(.logs, try Self.logsBody(depth: limit + 1, shape: .maps), limit: limit, json: json))
        }
    }

    @Test func messageDepthLimitsFollowFromTheValueDepth() {
        // One map level is three messages: AnyValue, KeyValueList, KeyValue.
        #expect(ValueDepthLimit.messageDepthLimit(for: .traces, maxValueDepth: 1) == 7)
        #expect(ValueDepthLimit.messageDepthLimit(for: .traces, maxValueDepth: 2) == 10)
        #expect(ValueDepthLimit.messageDepthLimit(for: .logs, maxValueDepth: 1) == 6)
        #expect(ValueDepthLimit.messageDepthLimit(for: .metrics, maxValueDepth: 1) == 9)
        // The default keeps swift-protobuf's own default for traces.
        #expect(ValueDepthLimit.messageDepthLimit(for: .traces, maxValueDepth: ValueDepthLimit.default) == 100)
    }
}

/// The receivers apply the configured limit: at it accepted, one past it refused with the reason.
@Suite(.serialized) struct ValueDepthReceiverTests {
    private static let limit = 4

    private func withServers(_ body: (OTLPServers, CollectingSink) async throws -> Void) async throws {
        try await LoopbackServers.with({ $0.maxValueDepth = Self.limit }, body)
    }

    private func port(_ address: String) -> Int { LoopbackServers.port(address) }

    @Test func httpRefusesOneLevelPastTheLimit() async throws {
        try await withServers { servers, sink in
            let http = port(servers.httpAddress)
            for gzip in [false, true] {
                for (depth, status) in [(Self.limit, 200), (Self.limit + 1, 400)] {
                    var body = try ValueDepthLimitTests.traceBody(depth: depth, shape: .arrays)
                    var headers = ["Content-Type": "application/x-protobuf"]
                    if gzip {
                        body = try Gzip.compress(body)
                        headers["Content-Encoding"] = "gzip"
                    }
                    let reply = try await RawHTTP.send(port: http, path: "/v1/traces", body: body, headers: headers)
                    #expect(reply.status == status, "depth \(depth), gzip \(gzip)")
                    if status == 400 {
                        #expect(RPCStatus.message(in: reply.body)?.contains("more than \(Self.limit) levels") == true)
                    }
                }
            }
            #expect(await sink.wait { $0.spanCount == 2 })
            #expect(sink.refusals.filter { $0.kind == .malformed }.count == 2)
        }
    }

    @Test func grpcRefusesOneLevelPastTheLimit() async throws {
        try await withServers { servers, sink in
            try await GRPCTestClient.with(port: port(servers.grpcAddress)) { client in
                _ = try await client.rawTraces(try ValueDepthLimitTests.traceBody(depth: Self.limit, shape: .maps))
                do {
                    _ = try await client.rawTraces(try ValueDepthLimitTests.traceBody(depth: Self.limit + 1, shape: .maps))
                    Issue.record("a value past the limit was accepted")
                } catch let error as RPCError {
                    #expect(error.code == .invalidArgument)
                    #expect(error.message.contains("nests too deeply") && error.message.contains("\(Self.limit) levels"), "\(error.message)")
                }
            }
            #expect(await sink.wait { $0.spanCount == 1 && $0.refusals.count == 1 })
        }
    }
}
