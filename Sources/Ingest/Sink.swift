import Telemetry
import PackedSpans

/// Where receivers and file sources deliver decoded batches. Must not block: the store's writer
/// applies batches on its own, so ingest never waits on readers.
public protocol TelemetrySink: Sendable {
    func accept(_ batch: TelemetryBatch)
    /// A whole request was refused (unauthenticated, too large, malformed, bad content type, wrong method,
    /// unknown path, or a followed/stdin line that is not an OTLP/JSON export request); nothing of it was
    /// accepted. Records dropped from an otherwise accepted request are counted in the batch instead.
    func refused(_ refusal: RequestRefusal)
}

/// Why and what was refused; `signal` is nil when the request was refused before its signal was known.
public struct RequestRefusal: Sendable, Equatable {
    public var kind: RefusalKind
    public var signal: Signal?
    public var reason: String

    public init(_ kind: RefusalKind, signal: Signal?, reason: String) {
        self.kind = kind
        self.signal = signal
        self.reason = reason
    }
}

public enum Signal: String, Sendable, CaseIterable {
    case traces, metrics, logs
}
