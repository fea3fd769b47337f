import Foundation
import PackedSpans

/// The Langfuse SDK's own dialect (v3 and later send OTLP): `langfuse.observation.type` says what a
/// span is, a generation's model, usage and cost come as `langfuse.observation.*`, the usage and cost
/// as JSON objects in strings.
enum Langfuse {
    static let observationType = AttributeKey("langfuse.observation.type")
    static let model = AttributeKey("langfuse.observation.model.name")
    static let usageDetails = AttributeKey("langfuse.observation.usage_details")
    static let costDetails = AttributeKey("langfuse.observation.cost_details")
    static let completionStart = AttributeKey("langfuse.observation.completion_start_time")
    static let level = AttributeKey("langfuse.observation.level")

    /// Token usage from `usage_details`, in tokentop's convention. The SDK sends either the provider's
    /// own usage object (OpenAI's `prompt_tokens`, which include the cached ones, with their
    /// `*_details`; Anthropic's `input_tokens`, which do not) or Langfuse's keys, which add up to the
    /// total (`input` without the cache reads and writes, `output` without reasoning). nil when there is
    /// no usage.
    static func usage(_ json: String) -> TokenUsage? {
        guard let object = jsonObject(json) else { return nil }
        func value(_ key: String, in object: [String: Any]?) -> Int64? {
            (object?[key] as? NSNumber)?.int64Value
        }
        let total = value("total", in: object) ?? value("total_tokens", in: object)
        if let prompt = value("prompt_tokens", in: object) {
            let completion = value("completion_tokens", in: object) ?? 0
            let cached = value("cached_tokens", in: object["prompt_tokens_details"] as? [String: Any]) ?? 0
            let reasoning = value("reasoning_tokens", in: object["completion_tokens_details"] as? [String: Any]) ?? 0
            return TokenUsage(input: max(prompt, cached), output: max(completion, reasoning), cacheRead: cached,
                              reasoning: reasoning, reportedTotal: total)
        }
        let cacheRead = ["input_cached_tokens", "cache_read_input_tokens", "input_cache_read", "cached_tokens"]
            .lazy.compactMap { value($0, in: object) }.first ?? 0
        let cacheWrite = ["cache_creation_input_tokens", "input_cache_creation", "cache_write_input_tokens"]
            .lazy.compactMap { value($0, in: object) }.first ?? 0
        let reasoning = ["output_reasoning_tokens", "output_reasoning", "reasoning_tokens"]
            .lazy.compactMap { value($0, in: object) }.first ?? 0
        guard let input = value("input", in: object) ?? value("input_tokens", in: object),
              let output = value("output", in: object) ?? value("output_tokens", in: object) ?? Optional(0) else { return nil }
        return TokenUsage(input: input + cacheRead + cacheWrite, output: output + reasoning, cacheRead: cacheRead,
                          cacheWrite: cacheWrite, reasoning: reasoning, reportedTotal: total)
    }

    /// The cost the SDK reported: `total`, else the sum of the parts.
    static func cost(_ json: String) -> Double? {
        guard let object = jsonObject(json) else { return nil }
        if let total = object["total"] as? NSNumber { return total.doubleValue }
        let parts = object.values.compactMap { ($0 as? NSNumber)?.doubleValue }
        return parts.isEmpty ? nil : parts.reduce(0, +)
    }

    private static func jsonObject(_ json: String) -> [String: Any]? {
        guard json.utf8.count < 65_536, let data = json.data(using: .utf8) else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
