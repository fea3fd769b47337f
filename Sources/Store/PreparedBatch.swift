import Semantics
import PackedSpans

/// A batch made ready for the store before its lock is taken: every span packed, normalized and its
/// call priced, every log record read, so that a receiver does this work on its own thread while
/// another applies its batch. This is the one place telemetry is normalized: the store and the
/// screens keep and read its results.
public struct PreparedBatch: Sendable {
    public struct Span: Sendable {
        public let packed: PackedSpan
        public let role: SpanRole
        public let evaluations: [EvaluationResult]
        /// The call's cost, when it has usage and a known price.
        public let cost: PricedCost?
        /// An LLM call that ended as a failed attempt (see `RetryInference`).
        public let failedAttempt: Bool
        /// The session the span names, if any.
        public let sessionID: String
    }

    public let batch: TelemetryBatch
    public let spans: [Span]
    public let logs: [Normalizer.LogReading]

    /// - Parameter packers: pack the batch's unpacked `spans` (a file's, a test's) with these: the store's.
    public init(_ batch: TelemetryBatch, pricing: CallPricing = .none, packers: SpanPackerPool) {
        self.batch = batch
        var spans = batch.packedSpans.map { Self.prepare($0, pricing: pricing) }
        if !batch.spans.isEmpty {
            spans += packers.withPacker { packer in batch.spans.map { Self.prepare(packer.pack($0), pricing: pricing) } }
        }
        Self.nameCodexModels(&spans, pricing: pricing)
        self.spans = spans
        logs = batch.logs.map(Normalizer.read)
    }

    /// Codex's call spans (`handle_responses`) carry tokens but no model: an ancestor sent with them
    /// (`run_sampling_request`, `session_task.turn`) names it in a plain `model` attribute.
    private static func nameCodexModels(_ spans: inout [Span], pricing: CallPricing) {
        func needsModel(_ span: Span) -> Bool {
            guard let call = span.role.llm else { return false }
            return call.model.isEmpty && CodingAgent.of(span.packed.origin) == .codex
        }
        guard spans.contains(where: needsModel) else { return }
        var positions: [SpanKey: Int] = [:]
        for (index, span) in spans.enumerated() {
            positions[SpanKey(trace: span.packed.traceID, span: span.packed.spanID)] = index
        }
        for index in spans.indices where needsModel(spans[index]) {
            var parent = spans[index].packed.parentSpanID, hops = 0
            while !parent.isZero, hops < 64,
                  let position = positions[SpanKey(trace: spans[index].packed.traceID, span: parent)] {
                if let model = Normalizer.plainModel(of: spans[position].packed), !model.isEmpty {
                    var call = spans[index].role.llm!
                    call.requestModel = model
                    let span = spans[index]
                    spans[index] = Span(packed: span.packed, role: .llm(call), evaluations: span.evaluations,
                                        cost: call.hasUsage ? pricing.price(call, span.packed.startNanos) : nil,
                                        failedAttempt: span.failedAttempt, sessionID: span.sessionID)
                    break
                }
                parent = spans[position].packed.parentSpanID
                hops += 1
            }
        }
    }

    /// Normalized from the packed form, so the role shares the strings the packed span keeps.
    private static func prepare(_ packed: PackedSpan, pricing: CallPricing) -> Span {
        let reading = Normalizer.read(packed)
        var role = reading.role
        var cost: PricedCost?, failed = false
        if case .llm(var call) = role, call.provider.isEmpty, let agent = CodingAgent.of(packed.origin) {
            call.provider = agent.provider
            role = .llm(call)
        }
        if case .llm(let call) = role {
            if call.hasUsage { cost = pricing.price(call, packed.startNanos) }
            failed = !packed.isOpen && reading.failedAttempt
        }
        return Span(packed: packed, role: role, evaluations: reading.evaluations, cost: cost, failedAttempt: failed,
                    sessionID: reading.sessionID)
    }
}
