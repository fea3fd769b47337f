import Semantics
import Store
import Synthetic

/// Made-up past days for a ledger, to see and test the history screens without weeks of use. Every call
/// it writes is labelled as synthetic: service `synthetic-history`, sessions `synthetic-…`. The same seed
/// writes the same calls.
public enum SyntheticHistory {
    public static let service = "synthetic-history"

    /// Calls on each of the `days` days before `nowNanos` (not on the day of `nowNanos` itself).
    public static func calls(days: Int, before nowNanos: UInt64, seed: UInt64 = 1) -> [LedgerChange] {
        var random = SeededRandom(seed: seed)
        let models: [(provider: String, model: String, input: Double, output: Double)] = [
            ("anthropic", "claude-sonnet-4-5", 3e-6, 15e-6), ("openai", "gpt-4o", 2.5e-6, 10e-6),
            ("anthropic", "claude-haiku-4-5", 1e-6, 5e-6), ("openai", "o4-mini", 1.1e-6, 4.4e-6),
            ("google", "gemini-2.5-pro", 1.25e-6, 10e-6),
        ]
        let agents = ["claude-code", "codex", ""]
        var changes: [LedgerChange] = []
        var sequence: UInt64 = 0
        for day in 1...max(1, days) {
            for session in 0..<Int.random(in: 0...3, using: &random) {
                let id = "synthetic-d\(day)-s\(session)"
                let agent = agents[Int.random(in: 0..<agents.count, using: &random)]
                for _ in 0..<Int.random(in: 2...20, using: &random) {
                    let model = models[Int.random(in: 0..<models.count, using: &random)]
                    let input = Int64.random(in: 500...40_000, using: &random)
                    let output = Int64.random(in: 50...3_000, using: &random)
                    let offset = UInt64.random(in: 0..<43_200_000_000_000, using: &random)
                    let at = nowNanos - UInt64(day) * 86_400_000_000_000 - offset
                    sequence += 1
                    var call = LedgerCall(identity: .event(SeededRandom.mix(seed &+ sequence)), startNanos: at, countedNanos: at,
                                          service: service, session: id, agent: agent, provider: model.provider,
                                          model: model.model, usage: TokenUsage(input: input, output: output),
                                          costUSD: Double(input) * model.input + Double(output) * model.output,
                                          priceRule: model.provider + "/" + model.model)
                    call.durationSeconds = Double(UInt64.random(in: 200...20_000, using: &random)) / 1000
                    call.finishReason = "stop"
                    changes.append(.call(call))
                }
            }
        }
        return changes
    }
}
