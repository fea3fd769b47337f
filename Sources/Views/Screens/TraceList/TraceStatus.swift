import CanvasKit
import Semantics
import Store

/// The status of a trace as one mark.
public enum TraceStatus: Sendable, Equatable {
    case running, ok, error, truncated

    public init(_ trace: TraceSummary) {
        if trace.inFlight { self = .running } else if trace.errorSpans > 0 { self = .error }
        else if trace.truncatedCalls > 0 { self = .truncated } else { self = .ok }
    }

    public var mark: String {
        switch self {
        case .running: "▶"
        case .ok: "✓"
        case .error: "✗"
        case .truncated: "✂"
        }
    }

    public var role: StyleRole {
        switch self {
        case .running: .running
        case .ok: .ok
        case .error: .error
        case .truncated: .truncated
        }
    }
}
