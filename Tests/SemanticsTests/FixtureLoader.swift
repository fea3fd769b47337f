import Foundation
import Ingest
import Semantics
import PackedSpans

/// Decodes the captured requests of one fixture scenario (Tests/Fixtures/<name>/).
enum Fixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func batch(_ scenario: String) throws -> TelemetryBatch {
        let dir = root.appendingPathComponent(scenario)
        var all = TelemetryBatch()
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() {
            let signal: Signal
            if name.contains("-traces.") { signal = .traces }
            else if name.contains("-logs.") { signal = .logs }
            else if name.contains("-metrics.") { signal = .metrics }
            else { continue }
            var body = try Data(contentsOf: dir.appendingPathComponent(name))
            if name.hasSuffix(".gz") { body = try OTLPDecoder.gunzip(body) }
            let batch = try OTLPDecoder.decode(signal: signal, body: body,
                                               contentType: name.hasSuffix(".json") ? .json : .protobuf)
            all.spans += batch.spans
            all.logs += batch.logs
            all.metrics += batch.metrics
        }
        return all
    }

    static func expected(_ scenario: String) throws -> [String: Any] {
        let data = try Data(contentsOf: root.appendingPathComponent(scenario).appendingPathComponent("expected.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// `traces.llm.by_model` of expected.json: model → (input, output, cache_read, cache_creation, reasoning).
    static func expectedTokens(_ scenario: String) throws -> [String: [Int64]] {
        let traces = try expected(scenario)["traces"] as! [String: Any]
        let byModel = (traces["llm"] as! [String: Any])["by_model"] as! [String: [String: Any]]
        return byModel.mapValues { v in
            ["input", "output", "cache_read", "cache_creation", "reasoning"].map { Int64(v[$0] as! Int) }
        }
    }
}
