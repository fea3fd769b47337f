import Semantics

/// A batch made ready for the store before its lock is taken: every span packed, normalized and its
/// call priced, so that a receiver does this work on its own thread while another applies its batch.
public struct PreparedBatch: Sendable {
    public struct Span: Sendable {
        public let raw: RawSpan
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
        spans = batch.spans.isEmpty ? [] : packers.withPacker { packer in
            batch.spans.map { raw in
                // The role first: the packer then refers to the strings it keeps instead of copying them.
                let role = packer.sharingStrings(of: Normalizer.role(of: raw))
                let packed = packer.pack(raw)
                var cost: PricedCost?, failed = false
                if case .llm(let call) = role {
                    if call.hasUsage { cost = pricing.price(call, raw.startNanos) }
                    failed = RetryInference.failed(packed, raw)
                }
                return Span(raw: raw, packed: packed, role: role, evaluations: Normalizer.evaluations(of: raw),
                            cost: cost, failedAttempt: failed)
            }
        }
    }
}
