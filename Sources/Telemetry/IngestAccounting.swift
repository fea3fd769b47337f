// What ingest counts, shared by the receivers (which count) and the store (which shows the counts).

/// Why a whole request was refused; each kind has its own counter.
public enum RefusalKind: String, Sendable, CaseIterable, Comparable {
    /// Not OTLP: undecodable bytes, wrong JSON types, invalid UTF-8, nesting too deep.
    case malformed
    /// Over a size limit, as sent or once inflated.
    case tooLarge = "too_large"
    /// Wrong path, method, content type or content encoding.
    case unsupported
    /// Missing or wrong bearer token.
    case unauthenticated
    /// A connection past the receiver's limit of open connections.
    case tooManyConnections = "too_many_connections"
    /// A request that did not arrive whole in time (slow-loris).
    case timedOut = "timed_out"

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// Totals of what the ingest limits cut: dropped entries and strings cut short.
public struct LimitCounts: Sendable, Equatable {
    public var droppedAttributes = 0
    public var droppedEvents = 0
    public var droppedLinks = 0
    public var cutValues = 0
    public init() {}

    public static func += (lhs: inout Self, rhs: Self) {
        lhs.droppedAttributes += rhs.droppedAttributes
        lhs.droppedEvents += rhs.droppedEvents
        lhs.droppedLinks += rhs.droppedLinks
        lhs.cutValues += rhs.cutValues
    }
}

/// What relaying to one `--forward` upstream has done so far: kept by the forwarder, shown by the
/// header and the report.
public struct UpstreamCounters: Sendable, Equatable {
    public var target: String
    public var sentRequests = 0
    /// Given up: refused by the upstream (4xx other than 429), or still failing after every retry.
    public var failedRequests = 0
    /// Not queued because the queue was full (or still queued when tokentop stopped).
    public var droppedRequests = 0
    public var retries = 0
    public var queuedRequests = 0
    public var queuedBytes = 0
    /// Taken from the queue, not yet sent or given up (retries included).
    public var inFlightRequests = 0
    public var lastError: String?

    public init(target: String, sentRequests: Int = 0, failedRequests: Int = 0, droppedRequests: Int = 0,
                retries: Int = 0, queuedRequests: Int = 0, lastError: String? = nil) {
        self.target = target
        self.sentRequests = sentRequests
        self.failedRequests = failedRequests
        self.droppedRequests = droppedRequests
        self.retries = retries
        self.queuedRequests = queuedRequests
        self.lastError = lastError
    }

    /// Requests not yet sent or given up: queued or in flight.
    public var pendingRequests: Int { queuedRequests + inFlightRequests }
}
