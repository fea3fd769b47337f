import Semantics

/// A batch made ready for the store before its lock is taken: every span packed, normalized and its
/// call priced, so that a receiver does this work on its own thread while another applies its batch.
public struct PreparedBatch: Sendable {
    public struct Span: Sendable {
        public let packed: PackedSpan
        public let role: SpanRole
        public let evaluations: [EvaluationResult]
        /// The call's cost, when it has usage and a known price.
        public let cost: PricedCost?
        /// An LLM call that ended as a failed attempt (see `RetryInference`).
        public let failedAttempt: Bool
    }

    public let batch: TelemetryBatch
    public let spans: [Span]

    public init(_ batch: TelemetryBatch, pricing: CallPricing = .none, packers: SpanPackerPool = .shared) {
        self.batch = batch
        var spans = batch.packedSpans.map { Self.prepare($0, pricing: pricing) }
        if !batch.spans.isEmpty {
            spans += packers.withPacker { packer in batch.spans.map { Self.prepare(packer.pack($0), pricing: pricing) } }
        }
        self.spans = spans
    }

    /// Normalized from the packed form, so the role shares the strings the packed span keeps.
    private static func prepare(_ packed: PackedSpan, pricing: CallPricing) -> Span {
        let reading = Normalizer.read(packed)
        var cost: PricedCost?, failed = false
        if case .llm(let call) = reading.role {
            if call.hasUsage { cost = pricing.price(call, packed.startNanos) }
            failed = !packed.isOpen && reading.failedAttempt
        }
        return Span(packed: packed, role: reading.role, evaluations: reading.evaluations, cost: cost, failedAttempt: failed)
    }
}
