import Foundation
import XCTest

/// `--prometheus` serves the GenAI series at /metrics while the real binary ingests a scenario.
final class PrometheusEndpointTests: XCTestCase {
    func testMetricsEndpointServesTheScenarioTokens() throws {
        let server = try TokentopProcess.headless(["--prometheus", "127.0.0.1:0"])
        let line = server.errorOutput.split(separator: "\n").first { $0.hasPrefix("tokentop listening ") } ?? ""
        let port = try XCTUnwrap(line.split(separator: " ").first { $0.hasPrefix("prometheus=") }
            .flatMap { $0.split(separator: ":").last }.flatMap { Int($0) }, String(line))
        for request in try Scenario(name: "openai-v2").requests() where request.signal == "traces" {
            XCTAssertEqual(try HTTPPost.send(port: server.httpPort, path: "/v1/traces", body: request.body,
                                             contentType: request.contentType).status, 200)
        }
        let (status, body) = try HTTPPost.send(port: port, path: "/metrics", body: Data(), contentType: "text/plain",
                                               method: "GET")
        XCTAssertEqual(status, 200)
        let text = String(decoding: body, as: UTF8.self)
        // openai-v2's gpt-4o-mini calls: 155 input and 82 output tokens (expected.json).
        let labels = #"gen_ai_request_model="gpt-4o-mini",gen_ai_system="openai",gen_ai_operation_name="chat""#
        XCTAssertTrue(text.contains("gen_ai_client_token_usage_total{\(labels),gen_ai_token_type=\"input\"} 155\n"), text)
        XCTAssertTrue(text.contains("gen_ai_client_token_usage_total{\(labels),gen_ai_token_type=\"output\"} 82\n"), text)
        XCTAssertTrue(text.contains("gen_ai_client_cost_millicents_total{\(labels)} "), text)
        XCTAssertTrue(text.contains("gen_ai_client_operation_duration_seconds_count{\(labels)} 5\n"), text)
        XCTAssertEqual(try HTTPPost.send(port: port, path: "/other", body: Data(), contentType: "text/plain",
                                         method: "GET").status, 404)
        _ = try server.interruptAndCollect()
    }
}
