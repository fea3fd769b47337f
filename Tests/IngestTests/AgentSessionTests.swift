import Foundation
import Ingest
import Semantics
import Store
import XCTest

/// The sessions of the captured coding agents, as the store keeps them: from all their signals and
/// from their log events alone.
final class AgentSessionTests: XCTestCase {
    private func store(_ scenario: String, signals: [String] = ["traces", "logs", "metrics"]) throws -> TraceStore {
        var store = TraceStore(pricing: CallPricing(table: PriceTable.bundled))
        let files = Fixtures.otlpFiles(scenario).filter { url in signals.contains { url.lastPathComponent.contains("-\($0).") } }
        for file in files {
            for request in try TelemetryFile.decode(contentsOf: file) { store.apply(request.batch, nowNanos: 1) }
        }
        return store
    }

    func testClaudeCodeSession() throws {
        for signals in [["traces", "logs", "metrics"], ["logs", "metrics"]] {
            let what = signals.joined(separator: "+")
            let sessions = try store("claude-code", signals: signals).sessions.byRecency
            XCTAssertEqual(sessions.map(\.id), ["d6d06ed1-6d2e-4831-a301-6cd31b5e756d"], what)
            let session = try XCTUnwrap(sessions.first)
            XCTAssertEqual(session.agent, .claudeCode, what)
            XCTAssertEqual(session.models, ["claude-sonnet-4-5-20250929", "claude-haiku-4-5-20251001"], what)
            XCTAssertEqual(session.prompts, 3, what)
            XCTAssertEqual(session.calls, 6, what)
            XCTAssertEqual(session.usage, TokenUsage(input: 38080, output: 138, cacheRead: 17896, cacheWrite: 8948), what)
            XCTAssertEqual(session.costUSD, 0.054682, accuracy: 1e-9, what)
            XCTAssertEqual(session.reportedCostUSD ?? 0, 0.054682, accuracy: 1e-9, what)
            XCTAssertEqual([session.toolCalls, session.rejectedTools, session.failedTools], [3, 1, 0], what)
            // The last call: sonnet, 2,086 + 4,474 cached tokens in, against its 1M-token window.
            XCTAssertEqual(session.lastModel, "claude-sonnet-4-5-20250929", what)
            XCTAssertEqual(session.lastInputTokens, 6560, what)
            XCTAssertEqual(session.contextWindow, 1_000_000, what)

            // Prompt → call → tool → call, three times; in time order.
            let kinds = session.timeline.map { event -> String in
                switch event.kind {
                case .prompt: "prompt"
                case .call: "call"
                case .tool(let use): "tool " + use.name + (use.isRejected ? " rejected" : "")
                }
            }
            XCTAssertEqual(kinds, ["prompt", "call", "tool Read", "call", "prompt", "call", "tool Bash", "call",
                                   "prompt", "call", "tool Write rejected", "call"], what)
            XCTAssertEqual(session.timeline.map(\.atNanos), session.timeline.map(\.atNanos).sorted(), what)
            guard case .prompt(let text, _) = session.timeline[0].kind else { return XCTFail(what) }
            XCTAssertEqual(text?.hasPrefix("What is the launch code in notes.txt?"), true, what)
            XCTAssertTrue(session.timeline[1].attributes.contains { $0.key == "cost_usd" }, "\(what): the event's attributes")
        }
    }

    func testCodexSession() throws {
        for signals in [["traces", "logs", "metrics"], ["logs", "metrics"]] {
            let what = signals.joined(separator: "+")
            let sessions = try store("codex-cli", signals: signals).sessions.byRecency
            XCTAssertEqual(sessions.map(\.id), ["01a24649-3c01-7233-a885-c7cf47a8083b"], what)
            let session = try XCTUnwrap(sessions.first)
            XCTAssertEqual(session.agent, .codex, what)
            XCTAssertEqual(Set(session.models), ["gpt-5.5", "gpt-4.1-mini"], what)
            XCTAssertEqual(session.prompts, 2, what)
            XCTAssertEqual(session.calls, 3, what)
            XCTAssertEqual(session.usage, TokenUsage(input: 16344, output: 109, cacheRead: 4400, reasoning: 54), what)
            XCTAssertNil(session.reportedCostUSD, what)
            XCTAssertEqual([session.toolCalls, session.rejectedTools, session.failedTools], [1, 0, 0], what)
            let tool = session.timeline.compactMap { event -> SessionEvent.ToolUse? in
                if case .tool(let use) = event.kind { return use } else { return nil }
            }.first
            XCTAssertEqual(tool?.name, "exec_command", what)
            XCTAssertEqual(tool?.decision, .accepted, what)
            XCTAssertEqual(tool?.success, true, what)
            XCTAssertEqual(tool?.arguments, #"{"cmd": "cat notes.txt"}"#, what)
            XCTAssertTrue(tool?.output.contains("The launch code is 7421.") ?? false, what)
            XCTAssertEqual(session.lastModel, "gpt-4.1-mini", what)
            XCTAssertEqual(session.lastInputTokens, 7506, what)
        }
    }
}
