import Foundation
import Semantics

/// The series the article's Grafana queries read, kept as tokentop stores LLM calls, so those PromQL
/// queries run unchanged against tokentop's `/metrics`:
/// `gen_ai_client_cost_millicents_total`, `gen_ai_client_token_usage_total` and the
/// `gen_ai_client_operation_duration_seconds` histogram, by request model (as the queries group).
public struct PrometheusSeries: Sendable {
    /// The OpenTelemetry GenAI semantic conventions' advised buckets for operation duration.
    public static let durationBuckets: [Double] = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
                                                   10.24, 20.48, 40.96, 81.92]

    struct CallKey: Hashable, Sendable {
        var model: String
        var system: String
        var operation: String
    }

    struct Histogram: Sendable {
        var buckets = [UInt64](repeating: 0, count: PrometheusSeries.durationBuckets.count)
        var count: UInt64 = 0
        var sum = 0.0
    }

    private(set) var inputTokens: [CallKey: Int64] = [:]
    private(set) var outputTokens: [CallKey: Int64] = [:]
    private(set) var costMillicents: [CallKey: Double] = [:]
    private(set) var durations: [CallKey: Histogram] = [:]

    public init() {}

    mutating func record(_ call: LLMCall, span: StoredSpan) {
        let key = CallKey(model: call.requestModel.isEmpty ? call.model : call.requestModel,
                          system: call.provider, operation: call.operation)
        if call.hasUsage {
            inputTokens[key, default: 0] += call.usage.input
            outputTokens[key, default: 0] += call.usage.output
        }
        if let cost = span.cost { costMillicents[key, default: 0] += cost.usd * 100_000 }
        if !span.isOpen {
            let seconds = Double(span.raw.endNanos - span.raw.startNanos) / 1e9
            var histogram = durations[key] ?? Histogram()
            for (index, bound) in Self.durationBuckets.enumerated() where seconds <= bound { histogram.buckets[index] += 1 }
            histogram.count += 1
            histogram.sum += seconds
            durations[key] = histogram
        }
    }

    /// The Prometheus text exposition format (version 0.0.4).
    public func exposition() -> String {
        var out = ""
        func labels(_ key: CallKey, _ extra: [(String, String)] = []) -> String {
            let pairs = [("gen_ai_request_model", key.model), ("gen_ai_system", key.system),
                         ("gen_ai_operation_name", key.operation)] + extra
            return "{" + pairs.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ",") + "}"
        }
        func number(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        }
        let order: (CallKey, CallKey) -> Bool = { ($0.model, $0.system, $0.operation) < ($1.model, $1.system, $1.operation) }

        out += "# HELP gen_ai_client_cost_millicents_total Cost of LLM calls computed by tokentop, in millicents (1e-5 USD).\n"
        out += "# TYPE gen_ai_client_cost_millicents_total counter\n"
        for key in costMillicents.keys.sorted(by: order) {
            out += "gen_ai_client_cost_millicents_total\(labels(key)) \(number(costMillicents[key]!))\n"
        }
        out += "# HELP gen_ai_client_token_usage_total Tokens used by LLM calls, by type (input includes cached).\n"
        out += "# TYPE gen_ai_client_token_usage_total counter\n"
        for key in Set(inputTokens.keys).union(outputTokens.keys).sorted(by: order) {
            out += "gen_ai_client_token_usage_total\(labels(key, [("gen_ai_token_type", "input")])) \(inputTokens[key] ?? 0)\n"
            out += "gen_ai_client_token_usage_total\(labels(key, [("gen_ai_token_type", "output")])) \(outputTokens[key] ?? 0)\n"
        }
        out += "# HELP gen_ai_client_operation_duration_seconds Duration of LLM calls.\n"
        out += "# TYPE gen_ai_client_operation_duration_seconds histogram\n"
        for key in durations.keys.sorted(by: order) {
            let histogram = durations[key]!
            for (index, bound) in Self.durationBuckets.enumerated() {
                out += "gen_ai_client_operation_duration_seconds_bucket\(labels(key, [("le", number(bound))])) \(histogram.buckets[index])\n"
            }
            out += "gen_ai_client_operation_duration_seconds_bucket\(labels(key, [("le", "+Inf")])) \(histogram.count)\n"
            out += "gen_ai_client_operation_duration_seconds_sum\(labels(key)) \(histogram.sum)\n"
            out += "gen_ai_client_operation_duration_seconds_count\(labels(key)) \(histogram.count)\n"
        }
        return out
    }

    /// Label values escape backslash, double quote and newline.
    static func escaped(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
