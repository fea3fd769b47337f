/// A price in USD per million tokens, optionally tiered by the call's total input tokens.
///
/// Tiers are thresholds, not brackets: once a call's total input exceeds a tier's `start`, every
/// token of that kind is priced at the tier's price.
public struct TokenRate: Sendable, Equatable {
    public struct Tier: Sendable, Equatable {
        /// The tier applies when the call's total input tokens exceed this count.
        public var start: Int64
        public var price: Double
        public init(start: Int64, price: Double) {
            self.start = start
            self.price = price
        }
    }

    public var base: Double
    /// Ascending by `start`.
    public var tiers: [Tier]

    public init(_ base: Double, tiers: [Tier] = []) {
        self.base = base
        self.tiers = tiers.sorted { $0.start < $1.start }
    }

    /// USD per million tokens for a call with this many input tokens in total.
    public func perMillion(totalInputTokens: Int64) -> Double {
        tiers.last { totalInputTokens > $0.start }?.price ?? base
    }
}

extension TokenRate: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral {
    public init(floatLiteral value: Double) { self.init(value) }
    public init(integerLiteral value: Int) { self.init(Double(value)) }
}

/// The token prices of one model at one point in time, per million tokens in USD. A missing cache
/// price means cache tokens cost the input price; a missing input or output price means free.
public struct ModelPrice: Sendable, Equatable {
    public var input: TokenRate?
    public var output: TokenRate?
    public var cacheRead: TokenRate?
    public var cacheWrite: TokenRate?

    public init(input: TokenRate? = nil, output: TokenRate? = nil, cacheRead: TokenRate? = nil,
                cacheWrite: TokenRate? = nil) {
        self.input = input
        self.output = output
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
    }
}

/// What one call cost, in USD, by kind of token.
public struct CostBreakdown: Sendable, Equatable {
    public var uncachedInput: Double
    public var cacheRead: Double
    public var cacheWrite: Double
    /// Includes reasoning.
    public var output: Double

    public var total: Double { uncachedInput + cacheRead + cacheWrite + output }

    public init(uncachedInput: Double = 0, cacheRead: Double = 0, cacheWrite: Double = 0, output: Double = 0) {
        self.uncachedInput = uncachedInput
        self.cacheRead = cacheRead
        self.cacheWrite = cacheWrite
        self.output = output
    }

    public static let zero = CostBreakdown()

    public static func + (a: CostBreakdown, b: CostBreakdown) -> CostBreakdown {
        CostBreakdown(uncachedInput: a.uncachedInput + b.uncachedInput, cacheRead: a.cacheRead + b.cacheRead,
                      cacheWrite: a.cacheWrite + b.cacheWrite, output: a.output + b.output)
    }
    public static func += (a: inout CostBreakdown, b: CostBreakdown) { a = a + b }
}

extension ModelPrice {
    /// usage.input INCLUDES cacheRead and cacheWrite; usage.output INCLUDES reasoning. Prices the
    /// uncached input (input − cacheRead − cacheWrite, floored at 0), cache reads and cache writes at
    /// their own rates (the input rate when the model has no cache price) and output at the output
    /// rate. Tiers are chosen by the call's total input tokens (`usage.input`).
    public func cost(of usage: TokenUsage) -> CostBreakdown {
        let totalInput = usage.input
        func usd(_ tokens: Int64, _ rate: TokenRate?) -> Double {
            guard let rate, tokens > 0 else { return 0 }
            return Double(tokens) * rate.perMillion(totalInputTokens: totalInput) / 1_000_000
        }
        let uncached = max(0, usage.input - usage.cacheRead - usage.cacheWrite)
        return CostBreakdown(uncachedInput: usd(uncached, input),
                             cacheRead: usd(usage.cacheRead, cacheRead ?? input),
                             cacheWrite: usd(usage.cacheWrite, cacheWrite ?? input),
                             output: usd(usage.output, output))
    }
}
