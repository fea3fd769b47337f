import Foundation
import XCTest

/// `--demo` drives the real receivers: after a few seconds every kind of thing the screen shows is there.
final class DemoTests: XCTestCase {
    func testDemoTrafficFillsEveryPane() throws {
        let server = try TokentopProcess.headless(["--demo"])
        // The first agent runs end their research agents after about 4 s.
        Thread.sleep(forTimeInterval: 5)
        let text = try server.interruptAndCollect()
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                                   "not JSON: \(text.prefix(500)) \(server.errorOutput)")
        let ingest = try XCTUnwrap(report["ingest"] as? [String: Any])
        func count(_ key: String, in object: [String: Any] = report) -> Int { object[key] as? Int ?? -1 }

        XCTAssertGreaterThanOrEqual(count("traces"), 3, "traces")
        XCTAssertGreaterThanOrEqual(count("agent_runs"), 2, "agent runs")
        XCTAssertGreaterThan(count("tool_calls"), 0, "tool calls")
        XCTAssertGreaterThan(count("error_spans"), 0, "error spans")
        XCTAssertEqual(count("rejected_requests", in: ingest), 0, server.errorOutput)
        XCTAssertEqual(count("received_spans", in: ingest),
                       count("stored_spans", in: ingest) + count("evicted_spans", in: ingest)
                           + count("rejected_spans", in: ingest), "span accounting")

        let models = try XCTUnwrap(report["models"] as? [[String: Any]])
        let called = models.filter { count("calls", in: $0) > 0 }.map { $0["model"] as? String ?? "" }
        XCTAssertGreaterThanOrEqual(Set(called).count, 4, "models: \(called)")
        XCTAssertTrue(models.contains { ($0["cost_usd"] as? Double ?? 0) > 0 }, "a priced model: \(models)")
        let finetune = try XCTUnwrap(models.first { $0["model"] as? String == "my-finetune" }, "my-finetune: \(called)")
        XCTAssertGreaterThan(count("unpriced_calls", in: finetune), 0, "my-finetune is unpriced")
        XCTAssertTrue(server.errorOutput.contains("tokentop-demo"), server.errorOutput)
        let quality = try XCTUnwrap(report["quality"] as? [String: Any])
        let feedback = try XCTUnwrap(quality["feedback"] as? [String: Any])
        XCTAssertGreaterThan(count("count", in: feedback), 0, "evaluation feedback: \(quality)")
    }
}
