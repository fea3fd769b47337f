import Foundation
import OTLPWire
import XCTest

/// Hostile requests against the real binary: each is refused with a message, or stored within the
/// limits and counted, and a valid request right after still succeeds.
final class HostileRequestTests: XCTestCase {
    private typealias Span = Opentelemetry_Proto_Trace_V1_Span
    private typealias KeyValue = Opentelemetry_Proto_Common_V1_KeyValue

    private func request(_ span: Span) throws -> Data {
        var scope = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scope.spans = [span]
        var resource = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resource.scopeSpans = [scope]
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        request.resourceSpans = [resource]
        return try request.serializedData()
    }

    private func span(_ id: UInt8, name: String) -> Span {
        var span = Span()
        span.traceID = Data(repeating: id, count: 16)
        span.spanID = Data(repeating: id, count: 8)
        span.name = name
        span.startTimeUnixNano = 1_700_000_000_000_000_000
        span.endTimeUnixNano = 1_700_000_001_000_000_000
        return span
    }

    private func attribute(_ key: String, _ text: String) -> KeyValue {
        var keyValue = KeyValue()
        keyValue.key = key
        keyValue.value.stringValue = text
        return keyValue
    }

    func testOversizedDimensionsAreCutAndCountedAndTheServerKeepsServing() throws {
        let server = try TokentopProcess.headless(["--max-value-bytes", "4096"])
        let good = try Scenario(name: "seed-manual").requests()[0].body
        var crowded = span(1, name: "crowded")
        crowded.attributes = (0..<100_000).map { attribute("k\($0)", "v") }
        var long = span(2, name: "long")
        long.attributes = [attribute("gen_ai.prompt", String(repeating: "p", count: 10_000) + "\u{1B}[2J")]
        for body in [try request(crowded), try request(long)] {
            XCTAssertEqual(try HTTPPost.send(port: server.httpPort, path: "/v1/traces", body: body,
                                             contentType: "application/x-protobuf").status, 200)
            XCTAssertEqual(try HTTPPost.send(port: server.httpPort, path: "/v1/traces", body: good,
                                             contentType: "application/x-protobuf").status, 200)
        }
        let report = try JSONSerialization.jsonObject(with: Data(try server.interruptAndCollect().utf8)) as! [String: Any]
        let ingest = report["ingest"] as! [String: Any]
        XCTAssertEqual(ingest["stored_spans"] as? Int, 2 + 6)
        let limited = ingest["limited"] as? [String: Int]
        XCTAssertEqual(limited?["dropped_attributes"], 100_000 - 256)
        XCTAssertEqual(limited?["cut_values"], 1)
    }

    func testTenThousandDeepValueIsRefusedAsMalformed() throws {
        let server = try TokentopProcess.headless()
        let good = try Scenario(name: "seed-manual").requests()[0].body
        let deep = String(repeating: #"{"arrayValue":{"values":["#, count: 10_000) + #"{"stringValue":"x"}"#
            + String(repeating: "]}}", count: 10_000)
        let json = #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1111111111111111","name":"deep","attributes":[{"key":"deep","value":"#
            + deep + "}]}]}]}]}"
        let (status, reply) = try HTTPPost.send(port: server.httpPort, path: "/v1/traces", body: Data(json.utf8),
                                                contentType: "application/json")
        XCTAssertEqual(status, 400)
        XCTAssertTrue(String(decoding: reply, as: UTF8.self).contains("nests too deeply"), String(decoding: reply, as: UTF8.self))
        XCTAssertEqual(try HTTPPost.send(port: server.httpPort, path: "/v1/traces", body: good,
                                         contentType: "application/x-protobuf").status, 200)
        let report = try JSONSerialization.jsonObject(with: Data(try server.interruptAndCollect().utf8)) as! [String: Any]
        let ingest = report["ingest"] as! [String: Any]
        XCTAssertEqual((ingest["refused_requests"] as? [String: Int])?["malformed"], 1)
        XCTAssertEqual(ingest["stored_spans"] as? Int, 6)
    }
}
