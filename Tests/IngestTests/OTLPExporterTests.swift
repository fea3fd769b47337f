import Foundation
import Ingest
import OTLPWire
import Semantics
import SwiftProtobuf
import Testing

/// The exporter `--forward`, the demo and the load generator share, against tokentop's own receivers:
/// delivered with OTLP's partial success read back, refusals final, over both transports.
@Suite(.serialized) struct OTLPExporterTests {
    /// Three spans, one with a trace id of the wrong length (the receiver refuses that one alone).
    private func requestWithOneBadSpan() throws -> Data {
        try Build.traceRequest([
            Build.span(name: "a", spanID: Data(repeating: 1, count: 8)),
            Build.span(name: "b", spanID: Data(repeating: 2, count: 8)),
            Build.span(name: "bad", traceID: Data([1, 2, 3]), spanID: Data(repeating: 3, count: 8)),
        ]).serializedData()
    }

    private func withReceivers(token: String? = nil, _ body: (OTLPServers, CollectingSink) async throws -> Void) async throws {
        let sink = CollectingSink()
        let servers = try await OTLPServers.start(.init(host: "127.0.0.1", grpcPort: 0, httpPort: 0,
                                                        token: token.flatMap(BearerToken.init), sink: sink))
        do { try await body(servers, sink) } catch {
            await servers.shutdown()
            throw error
        }
        await servers.shutdown()
    }

    @Test func httpReadsThePartialSuccessOfProtobufAndJSON() async throws {
        try await withReceivers { servers, sink in
            let exporter = OTLPExporters.exporter(to: try OTLPEndpoint(parsing: "http://\(servers.httpAddress)"))
            let protobuf = OTLPRequest(signal: .traces, body: try requestWithOneBadSpan(), contentType: .protobuf)
            #expect(await exporter.send(protobuf) == .delivered(rejected: 1))
            let json = Data(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102","spanId":"2222222222222222","name":"j"}]}]}]}"#.utf8)
            #expect(await exporter.send(OTLPRequest(signal: .traces, body: json, contentType: .json)) == .delivered(rejected: 1))
            let junk = await exporter.send(OTLPRequest(signal: .traces, body: Data("junk".utf8), contentType: .protobuf))
            guard case .failed(let reason) = junk else { Issue.record("\(junk)"); return }
            #expect(reason.hasPrefix("HTTP 400"))
            await exporter.close()
            #expect(sink.spanCount == 2)
        }
    }

    @Test func grpcReadsThePartialSuccessAndConvertsJSON() async throws {
        try await withReceivers { servers, sink in
            let exporter = OTLPExporters.exporter(to: try OTLPEndpoint(parsing: "grpc://\(servers.grpcAddress)"))
            #expect(await exporter.send(OTLPRequest(signal: .traces, body: try requestWithOneBadSpan(), contentType: .protobuf))
                    == .delivered(rejected: 1))
            let json = Data(#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"2222222222222222","name":"j"}]}]}]}"#.utf8)
            #expect(await exporter.send(OTLPRequest(signal: .traces, body: json, contentType: .json)) == .delivered)
            await exporter.close()
            #expect(sink.spanCount == 3)
        }
    }

    @Test func aRefusedTokenIsFinalOnBothTransports() async throws {
        try await withReceivers(token: "right") { servers, _ in
            let body = try requestWithOneBadSpan()
            for endpoint in ["http://\(servers.httpAddress)", "grpc://\(servers.grpcAddress)"] {
                let exporter = OTLPExporters.exporter(to: try OTLPEndpoint(parsing: endpoint), headers: [("authorization", "Bearer wrong")])
                let outcome = await exporter.send(OTLPRequest(signal: .traces, body: body, contentType: .protobuf))
                guard case .failed = outcome else { Issue.record("\(endpoint): \(outcome)"); continue }
                await exporter.close()
            }
        }
    }
}
