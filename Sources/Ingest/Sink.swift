import Semantics

/// Where receivers and file sources deliver decoded batches. Must not block: the store's writer
/// applies batches on its own, so ingest never waits on readers.
public protocol TelemetrySink: Sendable {
    func accept(_ batch: TelemetryBatch)
    /// A whole request was refused (too large, malformed, bad content type, wrong method); nothing of it
    /// was accepted. Records dropped from an otherwise accepted request are counted in the batch instead.
    func rejectedRequest(signal: Signal, reason: String)
    /// A request was refused before its signal was known: an unknown URL path, or a followed/stdin
    /// line that is not an OTLP/JSON export request. Ignored unless a sink implements it.
    func rejectedRequestOfUnknownSignal(reason: String)
}

extension TelemetrySink {
    public func rejectedRequestOfUnknownSignal(reason: String) {}
}

public enum Signal: String, Sendable, CaseIterable {
    case traces, metrics, logs
}
