import Semantics

/// A batch made ready for the store before its lock is taken: every span packed and normalized, so
/// that a receiver does this work on its own thread while another applies its batch.
public struct PreparedBatch: Sendable {
    public struct Span: Sendable {
        public let raw: RawSpan
        public let packed: PackedSpan
        public let role: SpanRole
        public let evaluations: [EvaluationResult]
    }

    public let batch: TelemetryBatch
    public let spans: [Span]

    public init(_ batch: TelemetryBatch, packers: SpanPackerPool = .shared) {
        self.batch = batch
        spans = batch.spans.isEmpty ? [] : packers.withPacker { packer in
            batch.spans.map { raw in
                // The role first: the packer then refers to the strings it keeps instead of copying them.
                let role = packer.sharingStrings(of: Normalizer.role(of: raw))
                return Span(raw: raw, packed: packer.pack(raw), role: role, evaluations: Normalizer.evaluations(of: raw))
            }
        }
    }
}
