import Foundation
import Ingest
import Synchronization
import Telemetry

/// How to send: protocol, target, request size, parallelism and the bounds of the run.
public struct LoadPlan: Sendable {
    public enum Transport: String, Sendable, CaseIterable {
        case grpc
        case httpProtobuf = "http-protobuf"
        case httpJSON = "http-json"

        public var defaultPort: Int { self == .grpc ? OTLPPorts.grpc : OTLPPorts.http }
        var encoding: RequestTemplate.Encoding { self == .httpJSON ? .json : .protobuf }
    }

    public var transport: Transport
    /// `.traces` (agent traces) or `.logs` (a coding agent's log events); counts below are of its
    /// records: spans or log records.
    public var signal: Signal
    public var host: String
    public var port: Int
    public var spansPerRequest: Int
    public var concurrency: Int
    /// Spans per second across all connections; nil sends as fast as replies come back.
    public var rate: Double?
    /// Stop after this many spans; nil runs for `durationSeconds`.
    public var maxSpans: Int?
    /// No request is started after this, whatever else is set.
    public var durationSeconds: Double
    public var gzip: Bool

    public init(transport: Transport, signal: Signal = .traces, host: String, port: Int, spansPerRequest: Int = 512,
                concurrency: Int = 4, rate: Double? = nil, maxSpans: Int? = nil, durationSeconds: Double = 10,
                gzip: Bool = false) {
        precondition(signal != .metrics, "the load generator sends traces or logs")
        self.transport = transport
        self.signal = signal
        self.host = host
        self.port = port
        self.spansPerRequest = spansPerRequest
        self.concurrency = concurrency
        self.rate = rate
        self.maxSpans = maxSpans
        self.durationSeconds = durationSeconds
        self.gzip = gzip
    }

    /// Only this machine: the generator exists to measure tokentop, not to flood anything else.
    public static func isLoopback(_ host: String) -> Bool {
        LoopbackHost.contains(host)
    }
}

/// Hands out request numbers and says when each may go, so `rate`, `maxSpans` and the duration hold
/// across all connections.
final class LoadPacer: Sendable {
    struct Ticket {
        var sequence: Int
        var spans: Int
        /// Seconds after the start.
        var due: Double
    }

    private let next = Atomic<Int>(0)
    private let plan: LoadPlan
    let start: ContinuousClock.Instant

    init(plan: LoadPlan, start: ContinuousClock.Instant = .now) {
        self.plan = plan
        self.start = start
    }

    func take() -> Ticket? {
        let sequence = next.add(1, ordering: .relaxed).oldValue
        var spans = plan.spansPerRequest
        if let max = plan.maxSpans {
            let before = sequence * plan.spansPerRequest
            guard before < max else { return nil }
            spans = min(spans, max - before)
        }
        let due = plan.rate.map { Double(sequence * plan.spansPerRequest) / $0 } ?? 0
        guard due < plan.durationSeconds, elapsed < plan.durationSeconds else { return nil }
        return Ticket(sequence: sequence, spans: spans, due: due)
    }

    var elapsed: Double { Self.seconds(ContinuousClock.now - start) }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// Counters shared by all connections.
final class LoadCounters: Sendable {
    let requests = Atomic<Int>(0)
    let spansSent = Atomic<Int>(0)
    let spansAccepted = Atomic<Int>(0)
    let spansRejected = Atomic<Int>(0)
    let refusedRequests = Atomic<Int>(0)
    let failedRequests = Atomic<Int>(0)
    let bytesSent = Atomic<Int>(0)
    private let firstProblem = Mutex<String?>(nil)

    /// The server answered; `rejected` spans of it were not taken (partial success).
    func answered(spans: Int, bytes: Int, rejected: Int) {
        count(spans: spans, bytes: bytes)
        spansAccepted.add(spans - rejected, ordering: .relaxed)
        spansRejected.add(rejected, ordering: .relaxed)
    }

    /// The server refused the whole request with an error status.
    func refused(spans: Int, bytes: Int, reason: String) {
        count(spans: spans, bytes: bytes)
        spansRejected.add(spans, ordering: .relaxed)
        refusedRequests.add(1, ordering: .relaxed)
        note(reason)
    }

    /// No answer: connection refused or reset, timeout.
    func failed(spans: Int, bytes: Int, reason: String) {
        count(spans: spans, bytes: bytes)
        failedRequests.add(1, ordering: .relaxed)
        note(reason)
    }

    private func count(spans: Int, bytes: Int) {
        requests.add(1, ordering: .relaxed)
        spansSent.add(spans, ordering: .relaxed)
        bytesSent.add(bytes, ordering: .relaxed)
    }

    private func note(_ reason: String) {
        firstProblem.withLock { if $0 == nil { $0 = reason } }
    }

    var problem: String? { firstProblem.withLock { $0 } }
}
