import Semantics

/// What one LLM call cost and which price rule said so.
public struct PricedCost: Sendable, Equatable {
    public var usd: Double
    public var rule: String

    public init(usd: Double, rule: String) {
        self.usd = usd
        self.rule = rule
    }
}

/// Prices LLM calls as they are stored. A call it cannot price stays unpriced (never $0).
public struct CallPricing: Sendable {
    public var price: @Sendable (_ call: LLMCall, _ startNanos: UInt64) -> PricedCost?

    public init(price: @escaping @Sendable (_ call: LLMCall, _ startNanos: UInt64) -> PricedCost?) {
        self.price = price
    }

    /// Leaves every call unpriced.
    public static let none = CallPricing { _, _ in nil }
}
