import Foundation
import XCTest

/// The Langfuse SDK (5.2.0) pointed at tokentop with `LANGFUSE_HOST`: its own OTLP, sent to
/// `/api/public/otel/v1/traces` gzip'ed with Basic authentication, read like any dialect
/// (`Tests/Fixtures/langfuse-sdk/NOTES.md` has what it sent and the truth).
final class LangfuseTests: XCTestCase {
    /// Generations are LLM calls: the two OpenAI calls the fake server billed (62 in with 38 cached, 35
    /// out) and the manual Claude generation with the usage and cost the code gave it.
    private func assertLangfuseReport(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], what)
        XCTAssertEqual(report["llm_calls"] as? Int, 3, what, file: file, line: line)
        XCTAssertEqual(report["tool_calls"] as? Int, 1, what, file: file, line: line)
        let models = Dictionary(uniqueKeysWithValues: (report["models"] as! [[String: Any]]).map { ($0["model"] as! String, $0) })
        let openai = try XCTUnwrap(models["gpt-4o-mini-2024-07-18"], what)
        XCTAssertEqual(openai["calls"] as? Int, 2, what, file: file, line: line)
        XCTAssertEqual(openai["input_tokens"] as? Int, 62, what, file: file, line: line)
        XCTAssertEqual(openai["cache_read_tokens"] as? Int, 38, what, file: file, line: line)
        XCTAssertEqual(openai["output_tokens"] as? Int, 35, what, file: file, line: line)
        // gpt-4o-mini: $0.15 in, $0.075 cached in, $0.60 out per million tokens.
        let openaiCost: Double = (24.0 * 0.15 + 38.0 * 0.075 + 35.0 * 0.6) / 1e6
        XCTAssertEqual(openai["cost_usd"] as? Double ?? 0, openaiCost, accuracy: 1e-12, what, file: file, line: line)
        XCTAssertTrue(openai["reported_cost_usd"] is NSNull, what, file: file, line: line)
        // Langfuse's usage keys add up: 1,200 input besides the 1,000 cache reads.
        let claude = try XCTUnwrap(models["claude-sonnet-4-5-20250929"], what)
        XCTAssertEqual(claude["input_tokens"] as? Int, 2200, what, file: file, line: line)
        XCTAssertEqual(claude["cache_read_tokens"] as? Int, 1000, what, file: file, line: line)
        XCTAssertEqual(claude["output_tokens"] as? Int, 80, what, file: file, line: line)
        // claude-sonnet-4.5: $3 in, $0.30 cache read, $15 out per million tokens.
        let claudeCost: Double = (1200.0 * 3 + 1000.0 * 0.3 + 80.0 * 15) / 1e6
        XCTAssertEqual(claude["cost_usd"] as? Double ?? 0, claudeCost, accuracy: 1e-12, what, file: file, line: line)
        XCTAssertEqual(claude["reported_cost_usd"] as? Double ?? 0, 0.0048, accuracy: 1e-12, "cost_details total",
                       file: file, line: line)
        let sessions = report["sessions"] as! [[String: Any]]
        XCTAssertEqual(sessions.map { $0["session"] as! String }, ["lf-session-1"], what, file: file, line: line)
    }

    func testTheReportReadsTheLangfuseDialect() throws {
        let result = try TokentopProcess.run(["report", "--json"] + Scenario(name: "langfuse-sdk").files)
        XCTAssertEqual(result.status, 0, result.stderr)
        try assertLangfuseReport(result.stdout, "report")
    }

    func testLangfuseHostPointedAtTokentopJustWorks() throws {
        // LANGFUSE_SECRET_KEY set to tokentop's token lets the SDK's Basic authentication in.
        let server = try TokentopProcess.headless(["--token", "sk-lf-fixture"])
        let request = try XCTUnwrap(try Scenario(name: "langfuse-sdk").requests().first)
        let basic = "Basic " + Data("pk-lf-fixture:sk-lf-fixture".utf8).base64EncodedString()
        let refused = try HTTPPost.send(port: server.httpPort, path: "/api/public/otel/v1/traces", body: request.body,
                                        contentType: request.contentType, gzip: true,
                                        headers: ["Authorization": "Basic " + Data("pk-lf-fixture:wrong".utf8).base64EncodedString()])
        XCTAssertEqual(refused.status, 401)
        let accepted = try HTTPPost.send(port: server.httpPort, path: "/api/public/otel/v1/traces", body: request.body,
                                         contentType: request.contentType, gzip: true, headers: ["Authorization": basic])
        XCTAssertEqual(accepted.status, 200)
        try assertLangfuseReport(try server.interruptAndCollect(), "over HTTP")
    }
}
