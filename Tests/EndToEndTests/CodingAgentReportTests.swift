import Foundation
import Ingest
import XCTest

/// Claude Code and the Codex CLI, captured as they really export (`Tests/Fixtures/claude-code`,
/// `codex-cli`, see their NOTES.md): every billed call counted once, from all their signals and from
/// their logs and metrics alone, with the tokens the fake LLM billed (`truth.json`), the cost of the
/// bundled prices, the CLI's own cost beside it, and the session listed.
final class CodingAgentReportTests: XCTestCase {
    /// What a report should say of one model, in tokentop's convention: input includes cache reads and
    /// writes, output includes reasoning.
    struct ModelTruth {
        var calls: Int?
        var input: Int
        var output: Int
        var cacheRead: Int
        var cacheWrite: Int
        var reasoning: Int
        var cost: Double
        var reported: Double?
    }

    /// Claude Code's truth.json counts input without the cache tokens (Anthropic's convention); its
    /// cost is the CLI's own price table, the same prices as the bundled table.
    static func claudeTruth() throws -> (session: String, models: [String: ModelTruth]) {
        let truth = try json(Scenario(name: "claude-code").dir.appendingPathComponent("truth.json"))
        var models: [String: ModelTruth] = [:]
        for (model, value) in truth["by_model"] as! [String: [String: Any]] {
            let cacheRead = value["cache_read_tokens"] as! Int, cacheWrite = value["cache_creation_tokens"] as! Int
            models[model] = ModelTruth(calls: value["llm_calls"] as? Int,
                                       input: value["input_tokens"] as! Int + cacheRead + cacheWrite,
                                       output: value["output_tokens"] as! Int, cacheRead: cacheRead, cacheWrite: cacheWrite,
                                       reasoning: value["reasoning_tokens"] as! Int, cost: value["cost_usd"] as! Double,
                                       reported: value["cli_reported_cost_usd"] as? Double)
        }
        return ((truth["session_ids"] as! [String])[0], models)
    }

    /// Codex counts as tokentop does. It reports no cost; the cost is the bundled table's (USD per
    /// million tokens: gpt-5.5 5 in, 0.5 cached in, 30 out; gpt-4.1-mini 0.4, 0.1, 1.6).
    static func codexTruth() throws -> (session: String, models: [String: ModelTruth]) {
        let truth = try json(Scenario(name: "codex-cli").dir.appendingPathComponent("truth.json"))
        let prices: [String: (input: Double, cached: Double, output: Double)] = [
            "gpt-5.5": (5, 0.5, 30), "gpt-4.1-mini": (0.4, 0.1, 1.6),
        ]
        var models: [String: ModelTruth] = [:]
        for (model, value) in truth["by_model"] as! [String: [String: Any]] {
            let input = value["input_tokens"] as! Int, cached = value["cached_input_tokens"] as! Int
            let output = value["output_tokens"] as! Int
            let price = prices[model]!
            let cost = (Double(input - cached) * price.input + Double(cached) * price.cached + Double(output) * price.output) / 1e6
            XCTAssertTrue(value["cli_reported_cost_usd"] is NSNull)
            models[model] = ModelTruth(calls: value["llm_calls"] as? Int, input: input, output: output, cacheRead: cached,
                                       cacheWrite: 0, reasoning: value["reasoning_tokens"] as! Int, cost: cost, reported: nil)
        }
        return ((truth["conversation_ids"] as! [String])[0], models)
    }

    static func json(_ url: URL) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    static func files(_ scenario: String, signals: [String]) -> [String] {
        Scenario(name: scenario).files.filter { file in signals.contains { file.hasSuffix("-\($0).binpb") } }
    }

    func report(_ files: [String]) throws -> [String: Any] {
        let result = try TokentopProcess.run(["report", "--json"] + files)
        XCTAssertEqual(result.status, 0, result.stderr)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
    }

    func assertReport(_ report: [String: Any], session: String, models: [String: ModelTruth], source: String,
                      _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        let rows = report["models"] as! [[String: Any]]
        XCTAssertEqual(Set(rows.map { $0["model"] as! String }), Set(models.keys), "\(what): one row per model", file: file, line: line)
        if source != "metrics" {
            XCTAssertEqual(report["llm_calls"] as? Int, models.values.reduce(0) { $0 + ($1.calls ?? 0) },
                           "\(what): every billed call once", file: file, line: line)
        }
        for row in rows {
            let model = row["model"] as! String
            guard let truth = models[model] else { continue }
            let label = "\(what) \(model)"
            if let calls = truth.calls { XCTAssertEqual(row["calls"] as? Int, calls, "\(label) calls", file: file, line: line) }
            XCTAssertEqual(row["input_tokens"] as? Int, truth.input, "\(label) input", file: file, line: line)
            XCTAssertEqual(row["output_tokens"] as? Int, truth.output, "\(label) output", file: file, line: line)
            XCTAssertEqual(row["cache_read_tokens"] as? Int, truth.cacheRead, "\(label) cache read", file: file, line: line)
            XCTAssertEqual(row["cache_write_tokens"] as? Int, truth.cacheWrite, "\(label) cache write", file: file, line: line)
            XCTAssertEqual(row["reasoning_tokens"] as? Int, truth.reasoning, "\(label) reasoning", file: file, line: line)
            XCTAssertEqual(row["cost_usd"] as? Double ?? -1, truth.cost, accuracy: 1e-9, "\(label) cost", file: file, line: line)
            if let reported = truth.reported {
                XCTAssertEqual(row["reported_cost_usd"] as? Double ?? -1, reported, accuracy: 1e-9, "\(label) CLI cost",
                               file: file, line: line)
            } else {
                XCTAssertTrue(row["reported_cost_usd"] is NSNull, "\(label): the CLI reported no cost", file: file, line: line)
            }
            XCTAssertEqual(row["source"] as? String, source, "\(label) source", file: file, line: line)
        }
        guard source != "metrics" else { return }
        let sessions = report["sessions"] as! [[String: Any]]
        XCTAssertEqual(sessions.map { $0["session"] as! String }, [session], "\(what) sessions", file: file, line: line)
        XCTAssertEqual(sessions.first?["llm_calls"] as? Int, report["llm_calls"] as? Int, "\(what) session calls",
                       file: file, line: line)
        let total = models.values.reduce(0) { $0 + $1.cost }
        XCTAssertEqual(sessions.first?["cost_usd"] as? Double ?? -1, total, accuracy: 1e-9, "\(what) session cost",
                       file: file, line: line)
    }

    func testClaudeCodeFromEverySignalAndFromLogsAndMetricsAlone() throws {
        let (session, models) = try Self.claudeTruth()
        let all = try report(Scenario(name: "claude-code").files)
        assertReport(all, session: session, models: models, source: "spans", "all signals")
        // Spans of interactions and tools carry gen_ai.provider.name too: they are not LLM calls.
        XCTAssertEqual(all["agent_runs"] as? Int, 3)
        XCTAssertEqual(all["tool_calls"] as? Int, 3, "Read, Bash and the denied Write; their phases are not tool calls")
        XCTAssertEqual(all["finish_reasons"] as? [String: Int], ["tool_call": 3, "stop": 3])

        // Claude Code's default: logs and metrics, no traces.
        let logs = try report(Self.files("claude-code", signals: ["logs", "metrics"]))
        assertReport(logs, session: session, models: models, source: "events", "logs and metrics")
        XCTAssertEqual(logs["spans"] as? Int, 0)
        XCTAssertEqual(logs["tool_calls"] as? Int, 3, "Read, Bash and Write, from their decision and result events")
        XCTAssertEqual(logs["rejected_tool_calls"] as? Int, 1, "the Write")
        XCTAssertEqual(all["rejected_tool_calls"] as? Int, 1)
        XCTAssertEqual(all["failed_tool_calls"] as? Int, 0)
        let ttft = logs["ttft_s"] as! [String: Any]
        XCTAssertNotNil(ttft["p50"] as? Double, "the events' ttft_ms")
    }

    func testClaudeCodeMetricsAloneFillTheModels() throws {
        let (session, models) = try Self.claudeTruth()
        var fromMetrics = models
        for key in fromMetrics.keys { fromMetrics[key]!.calls = nil }  // Claude Code sends no count of requests
        assertReport(try report(Self.files("claude-code", signals: ["metrics"])), session: session, models: fromMetrics,
                     source: "metrics", "metrics alone")
    }

    func testCodexFromEverySignalAndFromLogsAndMetricsAlone() throws {
        let (session, models) = try Self.codexTruth()
        let all = try report(Scenario(name: "codex-cli").files)
        assertReport(all, session: session, models: models, source: "spans", "all signals")
        XCTAssertEqual(all["spans"] as? Int, 1257)
        let logs = try report(Self.files("codex-cli", signals: ["logs", "metrics"]))
        assertReport(logs, session: session, models: models, source: "events", "logs and metrics")
        // The call's duration runs from its request (codex.api_request) to the answer's end.
        let latency = logs["latency_s"] as! [String: Any]
        XCTAssertGreaterThan(latency["p50"] as? Double ?? 0, 0.05)
        XCTAssertEqual(logs["tool_calls"] as? Int, 1, "exec_command")
        XCTAssertEqual(all["tool_calls"] as? Int, 1, "from its events: its spans name no tool")
        let metrics = try report(Self.files("codex-cli", signals: ["metrics"]))
        assertReport(metrics, session: session, models: models, source: "metrics", "metrics alone")
    }

    /// A retrying exporter or a replayed file sends the same events and spans again: each call still
    /// counts once.
    func testTheSameCaptureSentTwiceCountsEachCallOnce() throws {
        let (claudeSession, claude) = try Self.claudeTruth()
        let claudeFiles = Scenario(name: "claude-code").files
        assertReport(try report(claudeFiles + claudeFiles), session: claudeSession, models: claude, source: "spans",
                     "claude-code twice")
        let codexLogs = Self.files("codex-cli", signals: ["logs"])
        let (codexSession, codex) = try Self.codexTruth()
        assertReport(try report(codexLogs + codexLogs), session: codexSession, models: codex, source: "events",
                     "codex logs twice")
    }

    /// The real binary fed each capture as its CLI sent it, over OTLP/HTTP and over OTLP/gRPC.
    func testEachCaptureOverHTTPAndGRPC() async throws {
        let truths = ["claude-code": try Self.claudeTruth(), "codex-cli": try Self.codexTruth()]
        for (name, truth) in truths.sorted(by: { $0.key < $1.key }) {
            let http = try TokentopProcess.headless()
            for request in try Scenario(name: name).requests() {
                let (status, _) = try HTTPPost.send(port: http.httpPort, path: "/v1/\(request.signal)", body: request.body,
                                                    contentType: request.contentType)
                XCTAssertEqual(status, 200, "\(name) \(request.file.lastPathComponent)")
            }
            let overHTTP = try JSONSerialization.jsonObject(with: Data(try http.interruptAndCollect().utf8)) as! [String: Any]
            assertReport(overHTTP, session: truth.session, models: truth.models, source: "spans", "\(name) over HTTP")

            let grpc = try TokentopProcess.headless()
            try await GRPCSender.with(port: grpc.grpcPort) { sender in
                for request in try Scenario(name: name).requests() {
                    try await sender.export(request.body, signal: Signal(rawValue: request.signal)!)
                }
            }
            let overGRPC = try JSONSerialization.jsonObject(with: Data(try grpc.interruptAndCollect().utf8)) as! [String: Any]
            assertReport(overGRPC, session: truth.session, models: truth.models, source: "spans", "\(name) over gRPC")
        }
    }
}
