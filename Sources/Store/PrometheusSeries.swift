import Prometheus
import Semantics

/// The series the article's Grafana queries read, kept in a swift-prometheus registry as tokentop
/// stores LLM calls, so those PromQL queries run unchanged against tokentop's `/metrics`:
/// `gen_ai_client_cost_millicents_total`, `gen_ai_client_token_usage_total` and the
/// `gen_ai_client_operation_duration_seconds` histogram, by request model (as the queries group).
///
/// The registry is a reference: copies of a `TraceStore` share it, and only the store's single writer
/// records into it.
public struct PrometheusSeries: Sendable {
    /// The OpenTelemetry GenAI semantic conventions' advised buckets for operation duration.
    public static let durationBuckets: [Double] = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
                                                   10.24, 20.48, 40.96, 81.92]

    static var cost: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "gen_ai_client_cost_millicents", unitName: "total",
                             helpText: "Cost of LLM calls computed by tokentop, in millicents (1e-5 USD).")
    }
    static var tokens: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "gen_ai_client_token_usage", unitName: "total",
                             helpText: "Tokens used by LLM calls, by type (input includes cached).")
    }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(metricName: "gen_ai_client_operation_duration", unitName: "seconds",
                             helpText: "Duration of LLM calls.")
    }

    struct CallKey: Hashable, Sendable {
        var model: String
        var system: String
        var operation: String

        var labels: [(String, String)] {
            [("gen_ai_request_model", model), ("gen_ai_system", system), ("gen_ai_operation_name", operation)]
        }
    }

    /// One call key's series, made when its first call is stored.
    private struct Series: Sendable {
        var cost: Counter?
        var tokens: (input: Counter, output: Counter)?
        var duration: ValueHistogram?

        mutating func record(_ record: CallRecord, key: CallKey, in registry: PrometheusCollectorRegistry) {
            let call = record.call
            if call.hasUsage {
                let tokens = self.tokens ?? (
                    registry.makeCounter(descriptor: PrometheusSeries.tokens, labels: key.labels + [("gen_ai_token_type", "input")]),
                    registry.makeCounter(descriptor: PrometheusSeries.tokens, labels: key.labels + [("gen_ai_token_type", "output")]))
                tokens.input.increment(by: call.usage.input)
                tokens.output.increment(by: call.usage.output)
                self.tokens = tokens
            }
            if let cost = record.cost {
                let counter = self.cost ?? registry.makeCounter(descriptor: PrometheusSeries.cost, labels: key.labels)
                let millicents = cost.usd * 100_000
                // Whole amounts go to the counter's integer part, so a whole total prints as one (150000, not 150000.0).
                if millicents == millicents.rounded(), abs(millicents) < 1e15 {
                    counter.increment(by: Int64(millicents))
                } else {
                    counter.increment(by: millicents)
                }
                self.cost = counter
            }
            if let seconds = record.durationSeconds {
                let histogram = self.duration ?? registry.makeValueHistogram(
                    descriptor: PrometheusSeries.duration, labels: key.labels, buckets: PrometheusSeries.durationBuckets)
                histogram.record(seconds)
                self.duration = histogram
            }
        }
    }

    private let registry = PrometheusCollectorRegistry()
    private var series: [CallKey: Series] = [:]

    public init() {}

    mutating func record(_ record: CallRecord) {
        let call = record.call
        let key = CallKey(model: call.requestModel.isEmpty ? call.model : call.requestModel,
                          system: call.provider, operation: call.operation)
        let index = series.index(forKey: key, insertingIfAbsent: Series())
        // In place, through the index found once (a lookup hashes the three labels again).
        series.values[index].record(record, key: key, in: registry)
    }

    /// The Prometheus text exposition format (version 0.0.4).
    public func exposition() -> String {
        String(decoding: registry.emitToBuffer(), as: UTF8.self)
    }
}
