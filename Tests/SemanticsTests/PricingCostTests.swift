import Semantics
import Testing

/// Expected costs are worked out by hand from the published prices quoted in each test.
@Suite struct PricingCostTests {
    func expectClose(_ actual: Double, _ expected: Double, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(abs(actual - expected) < 1e-12, "\(actual) ≠ \(expected)", sourceLocation: sourceLocation)
    }

    func bundledPrice(_ provider: String, _ model: String) throws -> ModelPrice {
        try #require(PriceTable.bundled.resolve(provider: provider, model: model, atUnixNanos: pricingNow)).price
    }

    @Test func gpt4oWithCachedInput() throws {
        // gpt-4o: $2.50 input, $1.25 cached input, $10 output per MTok.
        let price = try bundledPrice("openai", "gpt-4o-2024-08-06")
        #expect(price == ModelPrice(input: 2.5, output: 10, cacheRead: 1.25))
        let cost = price.cost(of: TokenUsage(input: 10_000, output: 2_000, cacheRead: 4_000))
        expectClose(cost.uncachedInput, 0.015)   // 6,000 × $2.50 / 1M
        expectClose(cost.cacheRead, 0.005)       // 4,000 × $1.25 / 1M
        expectClose(cost.cacheWrite, 0)
        expectClose(cost.output, 0.02)           // 2,000 × $10 / 1M
        expectClose(cost.total, 0.04)
    }

    @Test func claudeSonnet4WithCacheReadsAndWritesAndReasoning() throws {
        // claude-sonnet-4: $3 input, $0.30 cache read, $3.75 cache write, $15 output per MTok.
        let price = try bundledPrice("anthropic", "claude-sonnet-4-20250514")
        #expect(price == ModelPrice(input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75))
        let usage = TokenUsage(input: 50_000, output: 1_000, cacheRead: 30_000, cacheWrite: 10_000, reasoning: 400)
        let cost = price.cost(of: usage)
        expectClose(cost.uncachedInput, 0.03)    // 10,000 × $3 / 1M
        expectClose(cost.cacheRead, 0.009)       // 30,000 × $0.30 / 1M
        expectClose(cost.cacheWrite, 0.0375)     // 10,000 × $3.75 / 1M
        expectClose(cost.output, 0.015)          // 1,000 (incl. 400 reasoning) × $15 / 1M
        expectClose(cost.total, 0.0915)
    }

    @Test func tieredPriceAbove200kInputAppliesToAllTokens() throws {
        // claude-sonnet-4-5: $3 / $15, cache read $0.30; above 200k input tokens $6 / $22.50, cache read $0.60.
        let price = try bundledPrice("anthropic", "claude-sonnet-4-5-20250929")
        let cost = price.cost(of: TokenUsage(input: 250_000, output: 5_000, cacheRead: 100_000))
        expectClose(cost.uncachedInput, 0.9)     // 150,000 × $6 / 1M
        expectClose(cost.cacheRead, 0.06)        // 100,000 × $0.60 / 1M
        expectClose(cost.output, 0.1125)         // 5,000 × $22.50 / 1M
        expectClose(cost.total, 1.0725)
    }

    @Test func tierStartsAboveItsThreshold() throws {
        // gemini-2.5-pro: $1.25 / $10 up to 200k input tokens, $2.50 / $15 above.
        let price = try bundledPrice("gcp.vertex_ai", "gemini-2.5-pro")
        let atThreshold = price.cost(of: TokenUsage(input: 200_000, output: 1_000))
        expectClose(atThreshold.uncachedInput, 0.25)  // 200,000 × $1.25 / 1M
        expectClose(atThreshold.output, 0.01)         // 1,000 × $10 / 1M
        let above = price.cost(of: TokenUsage(input: 200_001, output: 1_000))
        expectClose(above.uncachedInput, 0.5000025)   // 200,001 × $2.50 / 1M
        expectClose(above.output, 0.015)              // 1,000 × $15 / 1M
    }

    @Test func cacheTokensFallBackToTheInputRate() throws {
        // gpt-4: $30 input, $60 output per MTok, no cache prices.
        let price = try bundledPrice("openai", "gpt-4")
        #expect(price == ModelPrice(input: 30, output: 60))
        let cost = price.cost(of: TokenUsage(input: 1_000, output: 100, cacheRead: 200, cacheWrite: 100))
        expectClose(cost.uncachedInput, 0.021)   // 700 × $30 / 1M
        expectClose(cost.cacheRead, 0.006)       // 200 × $30 / 1M
        expectClose(cost.cacheWrite, 0.003)      // 100 × $30 / 1M
        expectClose(cost.output, 0.006)          // 100 × $60 / 1M
        expectClose(cost.total, 0.036)
    }

    @Test func uncachedInputIsFlooredAtZero() {
        let price = ModelPrice(input: 1, output: 2, cacheRead: 0.5, cacheWrite: 4)
        let cost = price.cost(of: TokenUsage(input: 100, output: 0, cacheRead: 80, cacheWrite: 50))
        expectClose(cost.uncachedInput, 0)
        expectClose(cost.cacheRead, 0.00004)     // 80 × $0.50 / 1M
        expectClose(cost.cacheWrite, 0.0002)     // 50 × $4 / 1M
        expectClose(cost.total, 0.00024)
    }

    @Test func embeddingsCostInputOnly() throws {
        // text-embedding-3-small: $0.02 per MTok input.
        let price = try bundledPrice("openai", "text-embedding-3-small")
        #expect(price == ModelPrice(input: 0.02))
        let cost = price.cost(of: TokenUsage(input: 1_500_000))
        expectClose(cost.uncachedInput, 0.03)
        expectClose(cost.total, 0.03)
    }

    @Test func tokenRateTiers() {
        let rate = TokenRate(1, tiers: [.init(start: 500, price: 3), .init(start: 100, price: 2)])
        #expect(rate.tiers.map(\.start) == [100, 500])
        #expect(rate.perMillion(totalInputTokens: 0) == 1)
        #expect(rate.perMillion(totalInputTokens: 100) == 1)
        #expect(rate.perMillion(totalInputTokens: 101) == 2)
        #expect(rate.perMillion(totalInputTokens: 501) == 3)
    }

    @Test func breakdownsAdd() {
        var sum = CostBreakdown(uncachedInput: 1, cacheRead: 2, cacheWrite: 3, output: 4)
        sum += CostBreakdown(uncachedInput: 0.5, output: 0.25)
        #expect(sum == CostBreakdown(uncachedInput: 1.5, cacheRead: 2, cacheWrite: 3, output: 4.25))
        #expect(sum.total == 10.75)
    }
}
