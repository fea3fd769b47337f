import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Ingest
import OTLPWire
import Semantics
import SwiftProtobuf
import Testing
import Telemetry

/// The OTLP/HTTP and OTLP/gRPC receivers on loopback, each refusal checked for its status and message,
/// and each followed by a valid request that must still succeed.
@Suite(.serialized) struct ReceiverTests {
    private static let limit = 100_000

    private func withServers(_ body: (OTLPServers, CollectingSink) async throws -> Void) async throws {
        try await LoopbackServers.with({ $0.maxRequestBytes = Self.limit }, body)
    }

    private func port(_ address: String) -> Int { LoopbackServers.port(address) }

    // MARK: HTTP

    @Test func httpProtobufAndJSONAreAcceptedWithTheirResponseEncoding() async throws {
        try await withServers { servers, sink in
            let http = port(servers.httpAddress)
            let protobuf = try await RawHTTP.send(port: http, path: "/v1/traces", body: try Build.traceBody(spanCount: 3),
                                                  headers: ["Content-Type": "application/x-protobuf"])
            #expect(protobuf.status == 200)
            #expect(protobuf.header("content-type") == "application/x-protobuf")
            #expect(try ExportTraceResponse(serializedBytes: protobuf.body).hasPartialSuccess == false)

            let json = """
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"j"}}]},
             "scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1111111111111111",
             "name":"chat gpt-4o","kind":3,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000500000000,
             "attributes":[{"key":"gen_ai.usage.input_tokens","value":{"intValue":"12"}}]}]}]}]}
            """
            let reply = try await RawHTTP.send(port: http, path: "/v1/traces", body: Data(json.utf8),
                                               headers: ["Content-Type": "application/json; charset=utf-8"])
            #expect(reply.status == 200)
            #expect(reply.header("content-type") == "application/json")
            #expect(await sink.wait { $0.spanCount == 4 })
            let span = try #require(sink.batches.last?.spans.first)
            #expect(span.attributes["gen_ai.usage.input_tokens"]?.intValue == 12)
            #expect(span.origin.serviceName == "j")
        }
    }

    @Test func httpPartialSuccessCountsSpansWithInvalidIDs() async throws {
        try await withServers { servers, sink in
            var bad = Build.span(name: "bad")
            bad.traceID = Data(count: 16)
            let request = Build.traceRequest([Build.span(name: "good"), bad])
            let reply = try await RawHTTP.send(port: port(servers.httpAddress), path: "/v1/traces",
                                               body: try request.serializedData(),
                                               headers: ["Content-Type": "application/x-protobuf"])
            #expect(reply.status == 200)
            let response = try ExportTraceResponse(serializedBytes: reply.body)
            #expect(response.partialSuccess.rejectedSpans == 1)
            #expect(response.partialSuccess.errorMessage.contains("trace"))
            #expect(await sink.wait { $0.spanCount == 1 })
        }
    }

    struct BadRequest: Sendable, CustomTestStringConvertible {
        var label: String
        var method = "POST"
        var path = "/v1/traces"
        var headers = ["Content-Type": "application/x-protobuf"]
        var body: @Sendable () throws -> Data
        var status: Int
        var message: String
        var testDescription: String { label }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(label: "truncated protobuf", body: { try Build.traceBody().dropLast(3) }, status: 400,
                   message: "truncated"),
        BadRequest(label: "invalid UTF-8 in a string", body: {
            var body = try Build.traceBody()
            let at = try #require(body.range(of: Data("op0".utf8)))
            body.replaceSubrange(at, with: [0xFF, 0xFE, 0x41])
            return body
        }, status: 400, message: "UTF-8"),
        BadRequest(label: "garbage protobuf", body: { Data([0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) }, status: 400,
                   message: "ExportTraceServiceRequest"),
        BadRequest(label: "JSON with a wrong type", headers: ["Content-Type": "application/json"],
                   body: { Data(#"{"resourceSpans":{"not":"a list"}}"#.utf8) }, status: 400, message: "resourceSpans"),
        BadRequest(label: "cut-off JSON", headers: ["Content-Type": "application/json"],
                   body: { Data(#"{"resourceSpans":["#.utf8) }, status: 400, message: "JSON"),
        BadRequest(label: "oversized body", body: { Data(count: limit + 1) }, status: 413, message: "limit"),
        BadRequest(label: "gzip bomb", headers: ["Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"],
                   body: { try Gzip.compress(Data(count: 20 * limit)) }, status: 413, message: "inflates"),
        BadRequest(label: "broken gzip", headers: ["Content-Type": "application/x-protobuf", "Content-Encoding": "gzip"],
                   body: { Data("not gzip".utf8) }, status: 400, message: "gzip"),
        BadRequest(label: "unsupported encoding",
                   headers: ["Content-Type": "application/x-protobuf", "Content-Encoding": "br"],
                   body: { try Build.traceBody() }, status: 415, message: "br"),
        BadRequest(label: "unsupported content type", headers: ["Content-Type": "text/plain"],
                   body: { try Build.traceBody() }, status: 415, message: "text/plain"),
        BadRequest(label: "no content type", headers: [:], body: { try Build.traceBody() }, status: 415,
                   message: "content type"),
        BadRequest(label: "unknown path", path: "/v1/spans", body: { try Build.traceBody() }, status: 404,
                   message: "/v1/spans"),
        BadRequest(label: "wrong method", method: "PUT", body: { try Build.traceBody() }, status: 405, message: "POST"),
    ]

    @Test(arguments: badRequests)
    func httpRefusalSaysWhyAndTheNextRequestSucceeds(_ bad: BadRequest) async throws {
        try await withServers { servers, sink in
            let http = port(servers.httpAddress)
            let reply = try await RawHTTP.send(port: http, method: bad.method, path: bad.path, body: try bad.body(),
                                               headers: bad.headers)
            #expect(reply.status == bad.status)
            #expect(reply.readableMessage.contains(bad.message), "\(reply.readableMessage)")
            #expect(await sink.wait { $0.refusals.count == 1 })
            #expect(sink.refusals.first?.reason.contains(bad.message) == true)
            let kind: RefusalKind = switch bad.status {
            case 400: .malformed
            case 413: .tooLarge
            default: .unsupported
            }
            #expect(sink.refusals.first?.kind == kind, "each refusal counts under its own kind")
            #expect(sink.spanCount == 0)

            let good = try await RawHTTP.send(port: http, path: "/v1/traces", body: try Build.traceBody(spanCount: 2),
                                              headers: ["Content-Type": "application/x-protobuf"])
            #expect(good.status == 200)
            #expect(await sink.wait { $0.spanCount == 2 })
        }
    }

    @Test func httpKeepsServingOnTheSameConnectionAfterARefusal() async throws {
        try await withServers { servers, sink in
            let replies = try await RawHTTP.sendOnOneConnection(port: port(servers.httpAddress), requests: [
                ("/v1/traces", Data("junk".utf8)),
                ("/v1/traces", try Build.traceBody(spanCount: 1)),
            ])
            #expect(replies.map(\.status) == [400, 200])
            #expect(await sink.wait { $0.spanCount == 1 })
        }
    }

    // MARK: gRPC

    @Test func grpcExportOfEverySignal() async throws {
        try await withServers { servers, sink in
            try await GRPCTestClient.with(port: port(servers.grpcAddress)) { client in
                let traces = try await client.traces.export(Build.traceRequest([Build.span()]))
                #expect(!traces.hasPartialSuccess)
                var logs = ExportLogsRequest()
                var record = Opentelemetry_Proto_Logs_V1_LogRecord()
                record.eventName = "gen_ai.choice"
                record.timeUnixNano = 1_700_000_000_000_000_000
                logs.resourceLogs = [.with { $0.scopeLogs = [.with { $0.logRecords = [record] }] }]
                _ = try await client.logs.export(logs)
                var metrics = ExportMetricsRequest()
                var metric = Opentelemetry_Proto_Metrics_V1_Metric()
                metric.name = "gen_ai.client.token.usage"
                metric.sum.dataPoints = [.with { $0.asInt = 5; $0.timeUnixNano = 1_700_000_000_000_000_000 }]
                metric.sum.aggregationTemporality = .cumulative
                metrics.resourceMetrics = [.with { $0.scopeMetrics = [.with { $0.metrics = [metric] }] }]
                _ = try await client.metrics.export(metrics)
            }
            #expect(await sink.wait { $0.spanCount == 1 && $0.logCount == 1 && $0.pointCount == 1 })
            #expect(sink.logCount == 1)
            #expect(sink.batches.flatMap(\.logs).first?.eventName == "gen_ai.choice")
        }
    }

    @Test func grpcGzipAndPartialSuccess() async throws {
        try await withServers { servers, sink in
            var bad = Build.span(name: "bad")
            bad.spanID = Data([1, 2, 3])
            try await GRPCTestClient.with(port: port(servers.grpcAddress), compression: .gzip) { client in
                let response = try await client.traces.export(Build.traceRequest([Build.span(), bad]))
                #expect(response.partialSuccess.rejectedSpans == 1)
            }
            #expect(await sink.wait { $0.spanCount == 1 })
        }
    }

    @Test func grpcMalformedIsInvalidArgumentWithAReason() async throws {
        try await withServers { servers, sink in
            try await GRPCTestClient.with(port: port(servers.grpcAddress)) { client in
                let error = await #expect(throws: RPCError.self) {
                    _ = try await client.rawTraces(Data([0x0A, 0x05, 0x01]))
                }
                #expect(error?.code == .invalidArgument)
                #expect(error?.message.contains("truncated") == true, "\(String(describing: error?.message))")
                _ = try await client.traces.export(Build.traceRequest([Build.span()]))
            }
            #expect(await sink.wait { $0.spanCount == 1 && $0.refusals.count == 1 })
        }
    }

    @Test func grpcOversizedIsResourceExhausted() async throws {
        try await withServers { servers, sink in
            let big = Build.traceRequest((0..<2000).map { i in
                var span = Build.span(name: String(repeating: "x", count: 100), spanID: Data([0, 0, 0, 0, 0, 0, UInt8(i >> 8), UInt8(i & 0xFF)]))
                span.attributes = [Build.keyValue("k", .stringValue("v"))]
                return span
            })
            try await GRPCTestClient.with(port: port(servers.grpcAddress)) { client in
                let error = await #expect(throws: RPCError.self) { _ = try await client.traces.export(big) }
                #expect(error?.code == .resourceExhausted)
                _ = try await client.traces.export(Build.traceRequest([Build.span()]))
            }
            #expect(await sink.wait { $0.spanCount == 1 && $0.refusals.count == 1 })
        }
    }

    @Test func grpcGzipBombIsResourceExhausted() async throws {
        try await withServers { servers, sink in
            let bomb = Build.traceRequest([Build.span(name: String(repeating: "a", count: 10 * Self.limit))])
            try await GRPCTestClient.with(port: port(servers.grpcAddress), compression: .gzip) { client in
                let error = await #expect(throws: RPCError.self) { _ = try await client.traces.export(bomb) }
                #expect(error?.code == .resourceExhausted)
                _ = try await client.traces.export(Build.traceRequest([Build.span()]))
            }
            #expect(await sink.wait { $0.spanCount == 1 })
        }
    }

    @Test func portInUseIsAClearError() async throws {
        try await withServers { servers, _ in
            let taken = port(servers.httpAddress)
            await #expect {
                _ = try await OTLPServers.start(.init(grpcPort: 0, httpPort: taken, sink: CollectingSink()))
            } throws: { error in
                let listen = error as? ListenError
                return listen?.receiver == .http && listen?.port == taken
                    && listen?.description.contains("address already in use") == true
            }
        }
    }
}

typealias ExportTraceResponse = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceResponse
