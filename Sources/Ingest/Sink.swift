import Semantics

/// Where receivers and file sources deliver decoded batches. Must not block: the store's writer
/// applies batches on its own, so ingest never waits on readers.
public protocol TelemetrySink: Sendable {
    func accept(_ batch: TelemetryBatch)
    /// A whole request was refused before decoding (too large, malformed, bad content type).
    /// `spans` is known only when the body could be decoded far enough to count them.
    func rejectedRequest(signal: Signal, reason: String)
}

public enum Signal: String, Sendable, CaseIterable {
    case traces, metrics, logs
}
