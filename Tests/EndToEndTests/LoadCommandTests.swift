import Foundation
import XCTest

/// `tokentop load` against a real headless tokentop: what the generator says was accepted is what
/// tokentop says it stored, over every protocol.
final class LoadCommandTests: XCTestCase {
    /// The JSON object a command printed on standard output (one line or pretty-printed).
    private func object(_ text: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], text)
    }

    private func load(_ arguments: [String]) throws -> [String: Any] {
        let run = try TokentopProcess.run(["load", "--json"] + arguments)
        XCTAssertEqual(run.status, 0, run.stderr + run.stdout)
        return try object(run.stdout)
    }

    /// One load against a fresh headless tokentop: what the generator printed, and the server's summary.
    private func loadFreshServer(_ proto: String, _ arguments: [String]) throws -> (load: [String: Any], summary: [String: Any]) {
        let server = try TokentopProcess.headless()
        let port = proto == "grpc" ? server.grpcPort : server.httpPort
        let result = try load(["--protocol", proto, "--target", "127.0.0.1:\(port)"] + arguments)
        return (result, try object(try server.interruptAndCollect()))
    }

    func testEveryProtocolDeliversExactlyTheSpansSent() throws {
        let cases: [(protocol: String, gzip: Bool)] = [("grpc", false), ("grpc", true), ("http-protobuf", false),
                                                        ("http-protobuf", true), ("http-json", false)]
        for (proto, gzip) in cases {
            let (result, report) = try loadFreshServer(proto, ["--max-spans", "1000", "--spans-per-request", "128",
                                                               "--concurrency", "3"] + (gzip ? ["--gzip"] : []))
            let label = "\(proto)\(gzip ? " gzip" : "")"
            XCTAssertEqual(result["spans_sent"] as? Int, 1000, label)
            XCTAssertEqual(result["spans_accepted"] as? Int, 1000, label)
            XCTAssertEqual(result["requests"] as? Int, 8, label)
            XCTAssertEqual(result["failed_requests"] as? Int, 0, label)
            let ingest = try XCTUnwrap(report["ingest"] as? [String: Any], label)
            XCTAssertEqual(ingest["received_spans"] as? Int, 1000, label)
            XCTAssertEqual(ingest["stored_spans"] as? Int, 1000, label)
            XCTAssertEqual(ingest["rejected_spans"] as? Int, 0, label)
            XCTAssertGreaterThan(report["llm_calls"] as? Int ?? 0, 400, label)
            XCTAssertGreaterThan(report["tool_calls"] as? Int ?? 0, 250, label)
        }
    }

    /// `--signal logs`: Claude Code's log events, every record stored, every api_request a call.
    func testLogEventsAreDeliveredAndReadAsCodingAgentCalls() throws {
        for proto in ["grpc", "http-protobuf", "http-json"] {
            let (result, report) = try loadFreshServer(proto, ["--signal", "logs", "--max-spans", "1000", "--spans-per-request", "200"])
            XCTAssertEqual(result["signal"] as? String, "logs", proto)
            XCTAssertEqual(result["spans_accepted"] as? Int, 1000, proto)
            XCTAssertEqual(result["failed_requests"] as? Int, 0, proto)
            let ingest = try XCTUnwrap(report["ingest"] as? [String: Any], proto)
            XCTAssertEqual(ingest["log_records"] as? Int, 1000, proto)
            XCTAssertEqual(ingest["received_spans"] as? Int, 0, proto)
            XCTAssertEqual(report["llm_calls"] as? Int, 500, "\(proto): two api_request events in every four")
            XCTAssertEqual(report["tool_calls"] as? Int, 250, "\(proto): a tool_result in every four")
        }
    }

    func testRepeatedRunsNeverRepeatIds() throws {
        // Two runs against one server: each request's ids are fresh, so nothing is a duplicate.
        let server = try TokentopProcess.headless()
        for _ in 0..<2 {
            let result = try load(["--target", "127.0.0.1:\(server.httpPort)", "--protocol", "http-protobuf",
                                   "--max-spans", "512", "--spans-per-request", "256"])
            XCTAssertEqual(result["spans_accepted"] as? Int, 512)
        }
        let ingest = try XCTUnwrap(try object(try server.interruptAndCollect())["ingest"] as? [String: Any])
        XCTAssertEqual(ingest["stored_spans"] as? Int, 1024)
        XCTAssertEqual(ingest["rejected_spans"] as? Int, 0)
    }

    func testDiscardModeDecodesAndDropsEverything() throws {
        let server = try TokentopProcess.headless(["--discard"])
        let result = try load(["--target", "127.0.0.1:\(server.grpcPort)", "--max-spans", "700",
                               "--spans-per-request", "200"])
        XCTAssertEqual(result["spans_accepted"] as? Int, 700)
        let summary = try object(try server.interruptAndCollect())
        let discarded = try XCTUnwrap(summary["discarded"] as? [String: Any])
        XCTAssertEqual(discarded["received_spans"] as? Int, 700)
        XCTAssertNil(summary["ingest"], "nothing is stored")
    }

    func testDiscardGoesWithHeadlessOnly() throws {
        let run = try TokentopProcess.run(["--discard", "--grpc-port", "0", "--http-port", "0"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("--discard goes with --headless"), run.stderr)
    }

    func testRefusesTargetsOffThisMachine() throws {
        let run = try TokentopProcess.run(["load", "--target", "10.1.2.3:4317", "--max-spans", "1"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("must be on this machine"), run.stderr)
    }

    func testRefusesSignalsItCannotSend() throws {
        let run = try TokentopProcess.run(["load", "--signal", "metrics", "--max-spans", "1"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("The value 'metrics' is invalid for '--signal <signal>'"), run.stderr)
        XCTAssertTrue(run.stderr.contains("'traces' and 'logs'"), run.stderr)
    }

    func testUnreachableReceiverIsAnErrorNotASuccess() throws {
        // Port 1 on loopback: nothing listens there.
        let run = try TokentopProcess.run(["load", "--protocol", "http-protobuf", "--target", "127.0.0.1:1",
                                           "--max-spans", "10", "--json"])
        XCTAssertEqual(run.status, 1)
        let result = try object(run.stdout)
        XCTAssertEqual(result["spans_accepted"] as? Int, 0)
        XCTAssertEqual(result["failed_requests"] as? Int, 1)
    }
}
