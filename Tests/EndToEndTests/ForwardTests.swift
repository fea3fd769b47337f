import Foundation
import XCTest

/// `--forward`: one tokentop in front of two others (one over OTLP/HTTP, one over OTLP/gRPC); each
/// upstream ends up with the same numbers as the one in front, and the front counts what it relayed.
final class ForwardTests: XCTestCase {
    func testEveryScenarioPassesThroughToHTTPAndGRPCUpstreams() throws {
        for name in ["seed-agent", "openai-v2", "anthropic-native", "openinference-openai"] {
            let scenario = Scenario(name: name)
            let overHTTP = try TokentopProcess.headless()
            let overGRPC = try TokentopProcess.headless()
            let front = try TokentopProcess.headless([
                "--forward", "http://127.0.0.1:\(overHTTP.httpPort)",
                "--forward", "grpc://127.0.0.1:\(overGRPC.grpcPort)",
                "--forward-header", "x-tenant=tests",
            ])
            let requests = try scenario.requests()
            for request in requests {
                let (status, _) = try HTTPPost.send(port: front.httpPort, path: "/v1/\(request.signal)", body: request.body,
                                                    contentType: request.contentType, gzip: request.gzip)
                XCTAssertEqual(status, 200, "\(name) \(request.file.lastPathComponent)")
            }
            let frontReport = try front.interruptAndCollect()
            ReportCheck.assertMatches(frontReport, scenario, transport: "front")
            ReportCheck.assertMatches(try overHTTP.interruptAndCollect(), scenario, transport: "forwarded over http")
            ReportCheck.assertMatches(try overGRPC.interruptAndCollect(), scenario, transport: "forwarded over grpc")

            let forward = (try JSONSerialization.jsonObject(with: Data(frontReport.utf8)) as! [String: Any])["forward"] as! [[String: Any]]
            XCTAssertEqual(forward.map { $0["target"] as? String },
                           ["http://127.0.0.1:\(overHTTP.httpPort)", "grpc://127.0.0.1:\(overGRPC.grpcPort)"])
            for upstream in forward {
                XCTAssertEqual(upstream["sent_requests"] as? Int, requests.count, "\(name) \(upstream)")
                XCTAssertEqual(upstream["failed_requests"] as? Int, 0, "\(name) \(upstream)")
                XCTAssertEqual(upstream["dropped_requests"] as? Int, 0, "\(name) \(upstream)")
            }
        }
    }

    func testAnUnreachableUpstreamNeverSlowsIngestAndIsCountedAsFailing() throws {
        // A port nothing listens on: connections are refused, retried, then given up.
        let deadPort = BoundSocket()
        defer { deadPort.close() }
        let front = try TokentopProcess.headless(["--forward", "http://127.0.0.1:\(deadPort.port)"])
        let scenario = Scenario(name: "seed-manual")
        let started = Date()
        for request in try scenario.requests() {
            XCTAssertEqual(try HTTPPost.send(port: front.httpPort, path: "/v1/\(request.signal)", body: request.body,
                                             contentType: request.contentType, gzip: request.gzip).status, 200)
        }
        XCTAssertLessThan(Date().timeIntervalSince(started), 5, "ingest does not wait on the upstream")
        let report = try JSONSerialization.jsonObject(with: Data(try front.interruptAndCollect().utf8)) as! [String: Any]
        XCTAssertEqual((report["ingest"] as! [String: Any])["stored_spans"] as? Int, 6)
        let upstream = (report["forward"] as! [[String: Any]])[0]
        XCTAssertEqual(upstream["sent_requests"] as? Int, 0)
        XCTAssertEqual((upstream["failed_requests"] as! Int) + (upstream["dropped_requests"] as! Int), try scenario.requests().count)
        XCTAssertNotNil(upstream["last_error"] as? String)
    }

    /// Three upstreams, each a tokentop with a token of its own. A header goes to the --forward it follows
    /// only, and OTEL_EXPORTER_OTLP_HEADERS (here the front's own token) is sent on only when asked.
    func testEachUpstreamGetsItsOwnHeadersAndTheEnvironmentsOnlyWhenAsked() throws {
        let scenario = Scenario(name: "seed-manual")
        let requests = try scenario.requests()
        for sendsEnvironment in [false, true] {
            let upstreams = try ["token-a", "token-b", "token-c"].map { try TokentopProcess.headless(["--token", $0]) }
            var arguments = ["--headless", "--json", "--grpc-port", "0", "--http-port", "0",
                             "--forward", "http://127.0.0.1:\(upstreams[0].httpPort)", "--forward-header", "Authorization=Bearer token-a",
                             "--forward", "grpc://127.0.0.1:\(upstreams[1].grpcPort)",
                             "--forward", "http://127.0.0.1:\(upstreams[2].httpPort)", "--forward-header", "Authorization=Bearer token-c"]
            if sendsEnvironment { arguments.append("--forward-env-headers") }
            let front = try TokentopProcess(arguments, environment: ["OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Bearer%20token-b"])
            try front.waitForListening()
            for request in requests {
                XCTAssertEqual(try HTTPPost.send(port: front.httpPort, path: "/v1/\(request.signal)", body: request.body,
                                                 contentType: request.contentType, gzip: request.gzip).status, 200)
            }
            let report = try JSONSerialization.jsonObject(with: Data(try front.interruptAndCollect().utf8)) as! [String: Any]
            let forward = report["forward"] as! [[String: Any]]
            for (index, upstream) in forward.enumerated() {
                let reachesIt = index != 1 || sendsEnvironment
                XCTAssertEqual(upstream["sent_requests"] as? Int, reachesIt ? requests.count : 0, "\(sendsEnvironment) \(upstream)")
                XCTAssertEqual(upstream["failed_requests"] as? Int, reachesIt ? 0 : requests.count, "\(sendsEnvironment) \(upstream)")
            }
            for (index, upstream) in upstreams.enumerated() {
                let collected = try JSONSerialization.jsonObject(with: Data(try upstream.interruptAndCollect().utf8)) as! [String: Any]
                let ingest = collected["ingest"] as! [String: Any]
                XCTAssertEqual(ingest["stored_spans"] as? Int, index != 1 || sendsEnvironment ? 6 : 0, "\(sendsEnvironment) \(index)")
            }
        }
    }

    func testBadForwardOptionsAreClearErrors() throws {
        for (arguments, message) in [(["--forward", "collector:4318"], "--forward collector:4318 is not a URL"),
                                     (["--forward", "ftp://x"], "needs the scheme http, https, grpc or grpcs"),
                                     (["--forward", "http://x", "--forward-header", "nonsense"], "--forward-header takes NAME=VALUE"),
                                     (["--forward-header", "x-a=1", "--forward", "http://x"], "comes before any --forward")] {
            let result = try TokentopProcess.run(["--headless"] + arguments)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
