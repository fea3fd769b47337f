import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Ingest
import OTLPWire
import XCTest

/// The real binary, headless on free loopback ports, fed every captured scenario over OTLP/gRPC
/// by grpc-swift-2's client: protobuf as captured, JSON captures converted to protobuf, gzip on the wire.
final class GRPCIngestTests: XCTestCase {
    func testEveryScenarioOverGRPC() async throws {
        for name in Scenario.requestScenarios {
            let scenario = Scenario(name: name)
            let server = try TokentopProcess.headless()
            try await GRPCSender.with(port: server.grpcPort, compression: name == "openai-v2" ? .gzip : .none) { sender in
                for request in try scenario.requests() {
                    var body = request.body
                    if request.gzip { body = try OTLPDecoder.gunzip(body) }
                    let signal = Signal(rawValue: request.signal)!
                    if request.contentType.hasPrefix("application/json") {
                        body = try OTLPDecoder.protobufBody(fromJSON: body, signal: signal)
                    }
                    try await sender.export(body, signal: signal)
                }
            }
            ReportCheck.assertMatches(try server.interruptAndCollect(), scenario, transport: "grpc")
        }
    }

    func testMalformedMessageIsInvalidArgumentAndTheServerGoesOn() async throws {
        let server = try TokentopProcess.headless()
        let good = try Scenario(name: "seed-manual").requests()[0].body
        try await GRPCSender.with(port: server.grpcPort) { sender in
            do {
                try await sender.export(Data([0x0A, 0xFF, 0x01]), signal: .traces)
                XCTFail("a truncated message was accepted")
            } catch let error as RPCError {
                XCTAssertEqual(error.code, .invalidArgument)
                XCTAssertTrue(error.message.contains("truncated"), error.message)
            }
            try await sender.export(good, signal: .traces)
        }
        let report = try JSONSerialization.jsonObject(with: Data(try server.interruptAndCollect().utf8)) as! [String: Any]
        XCTAssertEqual(report["spans"] as? Int, 6)
        XCTAssertEqual((report["ingest"] as! [String: Any])["rejected_requests"] as? Int, 1)
    }
}

/// Sends already-encoded export request messages with the generated method descriptors.
struct GRPCSender {
    let client: GRPCClient<HTTP2ClientTransport.Posix>

    static func with(port: Int, compression: CompressionAlgorithm = .none,
                     _ body: (GRPCSender) async throws -> Void) async throws {
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext,
            config: .defaults { $0.compression.enabledAlgorithms = .all; $0.compression.algorithm = compression })
        try await withGRPCClient(transport: transport) { client in try await body(GRPCSender(client: client)) }
    }

    func export(_ message: Data, signal: Signal) async throws {
        let descriptor = switch signal {
        case .traces: Opentelemetry_Proto_Collector_Trace_V1_TraceService.Method.Export.descriptor
        case .metrics: Opentelemetry_Proto_Collector_Metrics_V1_MetricsService.Method.Export.descriptor
        case .logs: Opentelemetry_Proto_Collector_Logs_V1_LogsService.Method.Export.descriptor
        }
        _ = try await client.unary(request: ClientRequest(message: message), descriptor: descriptor,
                                   serializer: BytesSerializer(), deserializer: BytesDeserializer(),
                                   options: .defaults) { try $0.message }
    }
}

struct BytesSerializer: MessageSerializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: Data) throws -> Bytes { Bytes(Array(message)) }
}

struct BytesDeserializer: MessageDeserializer {
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> Data {
        serializedMessageBytes.withUnsafeBytes { Data($0) }
    }
}
