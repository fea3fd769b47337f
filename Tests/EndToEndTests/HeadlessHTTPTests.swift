import Foundation
import XCTest

/// The real binary, headless on free loopback ports, fed every captured scenario over OTLP/HTTP.
final class HeadlessHTTPTests: XCTestCase {
    func testEveryScenarioOverHTTPAsCaptured() throws {
        for name in Scenario.requestScenarios where name != "openai-v2-grpc" {
            let scenario = Scenario(name: name)
            let server = try TokentopProcess.headless()
            for request in try scenario.requests() {
                let (status, _) = try HTTPPost.send(port: server.httpPort, path: "/v1/\(request.signal)", body: request.body,
                                                    contentType: request.contentType, gzip: request.gzip)
                XCTAssertEqual(status, 200, "\(name) \(request.file.lastPathComponent)")
            }
            ReportCheck.assertMatches(try server.interruptAndCollect(), scenario, transport: "http")
        }
    }

    func testProtobufScenarioGzippedAndAsJSONGivesTheSameReport() throws {
        // openai-v2 (protobuf) sent gzip'ed, and its JSON rendering openai-v2-json, give the same numbers.
        let server = try TokentopProcess.headless()
        for request in try Scenario(name: "openai-v2").requests() {
            let (status, _) = try HTTPPost.send(port: server.httpPort, path: "/v1/\(request.signal)",
                                                body: try HTTPPost.gzipped(request.body),
                                                contentType: "application/x-protobuf", gzip: true)
            XCTAssertEqual(status, 200)
        }
        let fromProtobuf = try server.interruptAndCollect()
        ReportCheck.assertMatches(fromProtobuf, Scenario(name: "openai-v2"), transport: "http gzip")

        let jsonServer = try TokentopProcess.headless()
        for request in try Scenario(name: "openai-v2-json").requests() {
            let (status, _) = try HTTPPost.send(port: jsonServer.httpPort, path: "/v1/\(request.signal)",
                                                body: try HTTPPost.gzipped(request.body),
                                                contentType: "application/json", gzip: true)
            XCTAssertEqual(status, 200)
        }
        let fromJSON = try jsonServer.interruptAndCollect()
        XCTAssertEqual(stripped(fromProtobuf), stripped(fromJSON))
    }

    func testBadRequestsAreAnsweredAndNothingElseIsLost() throws {
        let server = try TokentopProcess.headless(["--max-request-bytes", "100000"])
        let good = try Scenario(name: "seed-manual").requests()[0].body
        let cases: [(String, String, Data, String, Bool, Int)] = [
            ("POST", "/v1/traces", Data("not protobuf at all \u{1}\u{2}".utf8), "application/x-protobuf", false, 400),
            ("POST", "/v1/traces", Data("{\"resourceSpans\": [".utf8), "application/json", false, 400),
            ("POST", "/v1/traces", Data(count: 200_000), "application/x-protobuf", false, 413),
            ("POST", "/v1/traces", try HTTPPost.gzipped(Data(count: 5_000_000)), "application/x-protobuf", true, 413),
            ("POST", "/v1/traces", good, "text/plain", false, 415),
            ("POST", "/v1/nothing", good, "application/x-protobuf", false, 404),
            ("GET", "/v1/traces", Data(), "application/x-protobuf", false, 405),
        ]
        for (method, path, body, type, gzip, want) in cases {
            let (status, reply) = try HTTPPost.send(port: server.httpPort, path: path, body: body, contentType: type,
                                                    gzip: gzip, method: method)
            XCTAssertEqual(status, want, "\(method) \(path) \(type)")
            if want == 400 { XCTAssertFalse(reply.isEmpty, "a 400 says what was wrong") }
            // The server keeps serving: a valid request right after still succeeds.
            XCTAssertEqual(try HTTPPost.send(port: server.httpPort, path: "/v1/traces", body: good,
                                             contentType: "application/x-protobuf").status, 200)
        }
        let report = try JSONSerialization.jsonObject(with: Data(try server.interruptAndCollect().utf8)) as! [String: Any]
        let ingest = report["ingest"] as! [String: Any]
        XCTAssertEqual(report["spans"] as? Int, 6, "the valid spans, once: repeats are rejected as duplicates")
        XCTAssertEqual(ingest["received_spans"] as? Int, 6 * cases.count)
        XCTAssertEqual(ingest["rejected_spans"] as? Int, 6 * (cases.count - 1))
        XCTAssertEqual(ingest["rejected_requests"] as? Int, cases.count)
        XCTAssertEqual(ingest["refused_requests"] as? [String: Int],
                       ["malformed": 2, "too_large": 2, "unsupported": 3, "unauthenticated": 0,
                        "too_many_connections": 0, "timed_out": 0])
    }

    func testWithATokenOnlyAuthorizedRequestsAreStoredAndTheTokenIsNeverPrinted() throws {
        let secret = "e2e-secret-\(UUID().uuidString)"
        let server = try TokentopProcess.headless(["--token", secret])
        let good = try Scenario(name: "seed-manual").requests()[0].body
        for headers in [[:], ["Authorization": "Bearer not-it"]] {
            let (status, reply) = try HTTPPost.send(port: server.httpPort, path: "/v1/traces", body: good,
                                                    contentType: "application/x-protobuf", headers: headers)
            XCTAssertEqual(status, 401)
            XCTAssertFalse(String(decoding: reply, as: UTF8.self).contains(secret))
        }
        XCTAssertEqual(try HTTPPost.send(port: server.httpPort, path: "/v1/traces", body: good, contentType: "application/x-protobuf",
                                         headers: ["Authorization": "Bearer \(secret)"]).status, 200)
        let output = try server.interruptAndCollect()
        let ingest = (try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any])["ingest"] as! [String: Any]
        XCTAssertEqual(ingest["stored_spans"] as? Int, 6)
        XCTAssertEqual((ingest["refused_requests"] as? [String: Int])?["unauthenticated"], 2)
        XCTAssertFalse(output.contains(secret))
        XCTAssertFalse(server.errorOutput.contains(secret))
    }

    func testPortInUseNamesThePortAndTheFlag() throws {
        let first = try TokentopProcess.headless()
        let second = try TokentopProcess(["--headless", "--grpc-port", "0", "--http-port", String(first.httpPort)])
        _ = try second.collect()
        XCTAssertNotEqual(second.process.terminationStatus, 0)
        XCTAssertTrue(second.errorOutput.contains(String(first.httpPort)), second.errorOutput)
        XCTAssertTrue(second.errorOutput.contains("--http-port"), second.errorOutput)
        _ = try first.interruptAndCollect()
    }

    /// The report minus what legitimately differs between encodings of the same data: each run's own
    /// history file.
    private func stripped(_ report: String) -> String {
        report.split(separator: "\n").filter { !$0.contains("\"file\": \"") }.joined(separator: "\n")
    }
}
