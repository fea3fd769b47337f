import Foundation
import XCTest

/// The captured scenarios under Tests/Fixtures and what each one's expected.json says.
struct Scenario {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Scenarios captured as OTLP/HTTP or gRPC requests (filefeed is a JSON-lines file).
    static let requestScenarios = ["seed-manual", "seed-agent", "seed-metrics", "seed-metrics-delta", "openai-v2",
                                   "openai-v2-json", "openai-v2-grpc", "openai-v2-latest", "traceloop-openai",
                                   "traceloop-openai-events", "traceloop-openai-legacy", "openinference-openai",
                                   "anthropic-native", "openai-agents-openinference", "pydantic-ai"]

    struct Request {
        let file: URL
        let signal: String
        let contentType: String
        let gzip: Bool
        let grpc: Bool
        var body: Data { (try? Data(contentsOf: file)) ?? Data() }
    }

    let name: String
    var dir: URL { Self.root.appendingPathComponent(name) }

    /// Requests in arrival order, from index.jsonl.
    func requests() throws -> [Request] {
        let index = try String(contentsOf: dir.appendingPathComponent("index.jsonl"), encoding: .utf8)
        return try index.split(separator: "\n").map { line in
            let entry = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
            let file = entry["file"] as! String
            return Request(file: dir.appendingPathComponent(file), signal: entry["signal"] as! String,
                           contentType: (entry["content_type"] as? String) ?? "application/x-protobuf",
                           gzip: (entry["content_encoding"] as? String) == "gzip",
                           grpc: file.contains(".grpc."))
        }
    }

    /// The OTLP files of the scenario, for `tokentop report`.
    var files: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter {
            $0.contains("-traces.") || $0.contains("-logs.") || $0.contains("-metrics.") || $0 == "otlp.jsonl"
        }.sorted().map { dir.appendingPathComponent($0).path }
    }

    var expected: [String: Any] {
        let data = try! Data(contentsOf: dir.appendingPathComponent("expected.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }
}

/// Compares a report JSON with a scenario's expected.json: every count and token field that both describe.
enum ReportCheck {
    static func assertMatches(_ reportText: String, _ scenario: Scenario, transport: String,
                              file: StaticString = #filePath, line: UInt = #line) {
        guard let report = try? JSONSerialization.jsonObject(with: Data(reportText.utf8)) as? [String: Any] else {
            XCTFail("\(scenario.name) [\(transport)]: not JSON: \(reportText.prefix(500))", file: file, line: line)
            return
        }
        let expected = scenario.expected
        let what = "\(scenario.name) [\(transport)]"
        let traces = expected["traces"] as? [String: Any] ?? [:]
        let logs = expected["logs"] as? [String: Any] ?? [:]
        let metrics = (expected["metrics"] as? [String: Any])?["metrics"] as? [String: [String: Any]] ?? [:]
        let ingest = report["ingest"] as! [String: Any]
        XCTAssertEqual(report["traces"] as? Int, traces["traces"] as? Int ?? 0, "\(what) traces", file: file, line: line)
        XCTAssertEqual(report["spans"] as? Int, traces["spans"] as? Int ?? 0, "\(what) spans", file: file, line: line)
        XCTAssertEqual(report["error_spans"] as? Int, traces["error_spans"] as? Int ?? 0, "\(what) error spans", file: file, line: line)
        XCTAssertEqual(ingest["received_spans"] as? Int, traces["spans"] as? Int ?? 0, "\(what) received", file: file, line: line)
        XCTAssertEqual(ingest["stored_spans"] as? Int, traces["spans"] as? Int ?? 0, "\(what) stored", file: file, line: line)
        XCTAssertEqual(ingest["rejected_spans"] as? Int, 0, "\(what) rejected", file: file, line: line)
        XCTAssertEqual(ingest["log_records"] as? Int, logs["log_records"] as? Int ?? 0, "\(what) log records", file: file, line: line)
        let points = metrics.values.reduce(0) { $0 + ($1["data_points_total"] as? Int ?? 0) }
        XCTAssertEqual(ingest["metric_points"] as? Int, points, "\(what) metric points", file: file, line: line)

        // The cost the telemetry itself reported in the seed's millicents counter, per model.
        if let cost = metrics.first(where: { $0.key.hasPrefix("gen_ai.client.cost.millicents") })?.value,
           let byModel = (cost["total_by_attribute"] as? [String: Any])?["gen_ai.request.model"] as? [String: Int] {
            let reported = Dictionary((report["models"] as? [[String: Any]] ?? []).compactMap { m -> (String, Double)? in
                guard m["source"] as? String == "metrics", let usd = m["reported_cost_usd"] as? Double else { return nil }
                return (m["model"] as! String, usd)
            }, uniquingKeysWith: +)
            XCTAssertEqual(Set(reported.keys), Set(byModel.keys), "\(what) models with a reported cost", file: file, line: line)
            for (model, millicents) in byModel {
                XCTAssertEqual(reported[model] ?? -1, Double(millicents) / 100_000, accuracy: 1e-9,
                               "\(what) \(model) reported cost", file: file, line: line)
            }
        }

        // Tokens per model: from spans where spans carry them, else from the token-usage metric.
        var got: [String: [Int]] = [:], fromMetrics: [String: [Int]] = [:]
        for model in report["models"] as? [[String: Any]] ?? [] {
            let row = ["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "reasoning_tokens"]
                .map { model[$0] as? Int ?? -1 }
            guard row.contains(where: { $0 != 0 }) else { continue }
            if model["source"] as? String == "metrics" {
                fromMetrics[model["model"] as! String] = row
            } else {
                got[model["model"] as! String] = row
            }
        }
        var want: [String: [Int]] = [:]
        if let byModel = (traces["llm"] as? [String: Any])?["by_model"] as? [String: [String: Any]], !byModel.isEmpty {
            PublishedPrices.assertCosts(report: report, byModel: byModel, what, file: file, line: line)
            for (model, v) in byModel {
                let row = ["input", "output", "cache_read", "cache_creation", "reasoning"].map { v[$0] as? Int ?? 0 }
                if row.contains(where: { $0 != 0 }) { want[model] = row }
            }
            // A service whose spans carry no usage (a metrics-only service in the same feed) is counted
            // from its token-usage metric: the usage metrics of scopes that sent no spans.
            let spanScopes = Set((traces["spans_by_scope"] as? [String: Any] ?? [:]).keys.map { String($0.split(separator: " ")[0]) })
            let metricOnly = usageMetrics(metrics).filter { !spanScopes.contains($0.scope) }.map(\.facts)
            compareMarginals(fromMetrics, metricOnly, what, file: file, line: line)
        } else {
            got.merge(fromMetrics) { a, _ in a }
            let usages = usageMetrics(metrics).map(\.facts)
            if !usages.isEmpty {
                // Metrics only: expected.json splits the counter by model and by token type separately,
                // so both marginals are compared.
                compareMarginals(got, usages, what, file: file, line: line)
                return
            }
        }
        XCTAssertEqual(got, want, "\(what) tokens per model", file: file, line: line)
    }

    /// The `gen_ai.client.token.usage` entries of expected.json (one per scope when several sent it).
    private static func usageMetrics(_ metrics: [String: [String: Any]]) -> [(scope: String, facts: [String: Any])] {
        metrics.filter { $0.key == "gen_ai.client.token.usage" || $0.key.hasPrefix("gen_ai.client.token.usage [") }
            .map { (scope: $0.value["scope"] as? String ?? "", facts: $0.value) }
    }

    /// Compares per-model rows with the usage metrics' totals by token type and by request model.
    private static func compareMarginals(_ got: [String: [Int]], _ usages: [[String: Any]], _ what: String,
                                         file: StaticString, line: UInt) {
        var byType: [String: Int] = [:], byModel: [String: Int] = [:]
        for usage in usages {
            let byAttribute = usage["total_by_attribute"] as? [String: [String: Any]] ?? [:]
            for (type, total) in byAttribute["gen_ai.token.type"] ?? [:] { byType[type, default: 0] += total as? Int ?? 0 }
            for (model, total) in byAttribute["gen_ai.request.model"] ?? [:] { byModel[model, default: 0] += total as? Int ?? 0 }
        }
        let input = got.values.reduce(0) { $0 + $1[0] }, output = got.values.reduce(0) { $0 + $1[1] }
        XCTAssertEqual(input, byType["input"] ?? 0, "\(what) metric input tokens", file: file, line: line)
        XCTAssertEqual(output, byType["output"] ?? 0, "\(what) metric output tokens", file: file, line: line)
        XCTAssertEqual(got.mapValues { $0[0] + $0[1] }, byModel, "\(what) metric tokens per model", file: file, line: line)
    }
}

/// Per-million-token list prices in USD as the providers publish them (openai.com/api/pricing,
/// anthropic.com/pricing), written here by hand so the expected costs do not come from tokentop's own
/// price table: (input, cached input read, cache write, output).
enum PublishedPrices {
    static let perMillion: [String: (input: Double, cacheRead: Double, cacheWrite: Double, output: Double)] = [
        "gpt-4o": (2.50, 1.25, 2.50, 10.00),
        "gpt-4o-2024-08-06": (2.50, 1.25, 2.50, 10.00),
        "gpt-4o-mini": (0.15, 0.075, 0.15, 0.60),
        "gpt-4o-mini-2024-07-18": (0.15, 0.075, 0.15, 0.60),
        "o4-mini": (1.10, 0.275, 1.10, 4.40),
        "o4-mini-2025-04-16": (1.10, 0.275, 1.10, 4.40),
        "text-embedding-3-small": (0.02, 0.02, 0.02, 0),
        "claude-sonnet-4-20250514": (3.00, 0.30, 3.75, 15.00),
        "claude-opus-4-20250514": (15.00, 1.50, 18.75, 75.00),
    ]

    /// Each span-sourced model's cost, from expected.json's token counts: uncached input, cache reads,
    /// cache writes and output (reasoning is part of output) each at its own rate, to the micro-dollar.
    static func assertCosts(report: [String: Any], byModel: [String: [String: Any]], _ what: String,
                            file: StaticString, line: UInt) {
        let rows = (report["models"] as? [[String: Any]] ?? []).filter { $0["source"] as? String != "metrics" }
        for (model, tokens) in byModel {
            let input = Double(tokens["input"] as? Int ?? 0), output = Double(tokens["output"] as? Int ?? 0)
            let cacheRead = Double(tokens["cache_read"] as? Int ?? 0), cacheWrite = Double(tokens["cache_creation"] as? Int ?? 0)
            let matching = rows.filter { $0["model"] as? String == model }
            let reported = matching.compactMap { $0["cost_usd"] as? Double }.reduce(0, +)
            guard input + output > 0 else { continue }
            guard let price = perMillion[model] else {
                XCTAssertTrue(matching.allSatisfy { $0["cost_usd"] is NSNull || $0["cost_usd"] == nil },
                              "\(what) \(model) has no published price here and must stay unpriced", file: file, line: line)
                continue
            }
            let expected = ((input - cacheRead - cacheWrite) * price.input + cacheRead * price.cacheRead
                            + cacheWrite * price.cacheWrite + output * price.output) / 1_000_000
            XCTAssertEqual(reported, expected, accuracy: 0.000_000_5, "\(what) \(model) cost", file: file, line: line)
            XCTAssertTrue(matching.allSatisfy { ($0["unpriced_calls"] as? Int) == 0 }, "\(what) \(model) priced",
                          file: file, line: line)
        }
    }
}
