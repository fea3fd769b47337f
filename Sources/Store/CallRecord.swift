import DequeModule
import Semantics

/// One LLM call as the aggregates count it, whichever signal reported it: a span, or a coding agent's
/// log event. Every call is counted once, through `TraceStore.count(_:nowNanos:)`.
public struct CallRecord: Sendable, Equatable {
    public enum Source: String, Sendable {
        case span
        case logEvent = "log_event"
    }

    public var call: LLMCall
    public var cost: PricedCost?
    public var source: Source
    public var service: String
    /// The coding-agent CLI that reported it, if one did.
    public var agent: CodingAgent?
    public var startNanos: UInt64
    public var durationSeconds: Double?
    public var isError: Bool
    public var errorMessage: String?
    public var retried: Bool
    /// The prompt or turn the call answers, where the telemetry says.
    public var promptID: String
    /// The span that reports the call too: for a call first seen as an event, once its span arrived.
    public var span: SpanKey?
    /// A call first reported by a log event: what the event said, hashed when it was counted (the
    /// history ledger's identity of the call, which later reports of it do not change).
    var eventIdentity: CallIdentity?

    public init(call: LLMCall, cost: PricedCost?, source: Source, service: String, agent: CodingAgent? = nil,
                startNanos: UInt64, durationSeconds: Double?, isError: Bool = false, errorMessage: String? = nil,
                retried: Bool = false, promptID: String = "", span: SpanKey? = nil) {
        self.call = call
        self.cost = cost
        self.source = source
        self.service = service
        self.agent = agent
        self.startNanos = startNanos
        self.durationSeconds = durationSeconds
        self.isError = isError
        self.errorMessage = errorMessage
        self.retried = retried
        self.promptID = promptID
        self.span = span
    }

    /// A span's call.
    init(span: StoredSpan, call: LLMCall, key: SpanKey) {
        let packed = span.packed
        let agent = CodingAgent.of(packed.origin)
        // Codex's call span (`handle_responses`) times the handling of the answer, not the request.
        let timesTheCall = !span.isOpen && agent != .codex
        self.init(call: call, cost: span.cost, source: .span, service: packed.origin.serviceName,
                  agent: agent, startNanos: packed.startNanos,
                  durationSeconds: timesTheCall ? Double(packed.endNanos - packed.startNanos) / 1e9 : nil,
                  isError: span.isError, retried: call.retries > 0 || span.inferredRetry, span: key)
    }
}

/// Finds the second report of a coding agent's call: the same call reaches tokentop as a log event and
/// as a span (and a retrying exporter or a replayed file can send either twice). Two reports are the
/// same call when they share the request id, or, when one has none (Codex's events name no request),
/// the same service and token counts within `toleranceNanos` of each other (see `match`).
struct CrossSignalCalls: Sendable {
    enum Report: Hashable, Sendable {
        case span(SpanKey)
        case event(UInt64)
    }

    private struct Fingerprint: Hashable {
        var service: String
        var input: Int64
        var output: Int64
        var cacheRead: Int64
        var reasoning: Int64
    }

    private struct Entry {
        var report: Report
        var startNanos: UInt64
        /// Reports that both name their request are matched by it alone.
        var hasRequestID: Bool
    }

    static let toleranceNanos: UInt64 = 10_000_000_000
    /// Reports remembered at most; the oldest are forgotten first.
    static let capacity = 100_000

    private var byRequestID: [String: Report] = [:]
    private var byUsage: [Fingerprint: [Entry]] = [:]
    private var order = Deque<(request: String?, usage: Fingerprint?)>()

    /// An earlier report of the same call, if any. Without a request id, an event matches a span of the
    /// same tokens near in time, but another event only when it is the same event sent again (the same
    /// time): two calls can bill the same tokens.
    func match(_ call: LLMCall, service: String, startNanos: UInt64, fromEvent: Bool) -> Report? {
        if !call.responseID.isEmpty, let report = byRequestID[service + "\u{0}" + call.responseID] { return report }
        guard let fingerprint = Self.fingerprint(call, service: service) else { return nil }
        let hasRequestID = !call.responseID.isEmpty
        return byUsage[fingerprint]?.last { entry in
            guard !(hasRequestID && entry.hasRequestID) else { return false }
            if fromEvent, case .event = entry.report { return entry.startNanos == startNanos }
            return Self.near(entry.startNanos, startNanos)
        }?.report
    }

    mutating func register(_ call: LLMCall, service: String, startNanos: UInt64, as report: Report) {
        let request = call.responseID.isEmpty ? nil : service + "\u{0}" + call.responseID
        if let request { byRequestID[request] = report }
        let fingerprint = Self.fingerprint(call, service: service)
        if let fingerprint { byUsage[fingerprint, default: []].append(Entry(report: report, startNanos: startNanos, hasRequestID: request != nil)) }
        guard request != nil || fingerprint != nil else { return }
        order.append((request, fingerprint))
        while order.count > Self.capacity, let oldest = order.popFirst() {
            if let request = oldest.request { byRequestID[request] = nil }
            if let usage = oldest.usage {
                byUsage[usage]?.removeFirst()
                if byUsage[usage]?.isEmpty == true { byUsage[usage] = nil }
            }
        }
    }

    private static func fingerprint(_ call: LLMCall, service: String) -> Fingerprint? {
        guard call.hasUsage, !call.usage.isZero else { return nil }
        return Fingerprint(service: service, input: call.usage.input, output: call.usage.output,
                           cacheRead: call.usage.cacheRead, reasoning: call.usage.reasoning)
    }

    private static func near(_ a: UInt64, _ b: UInt64) -> Bool {
        (a > b ? a - b : b - a) <= toleranceNanos
    }
}

extension CallRecord {
    /// The identity the history ledger files the call under.
    var identity: CallIdentity {
        if let eventIdentity { return eventIdentity }
        if source == .span, let span { return .span(span) }
        return Self.eventIdentity(of: self)
    }

    /// What identifies an event's call when it is sent again: the same service, session, start, request
    /// id, tokens and error.
    static func eventIdentity(of record: CallRecord) -> CallIdentity {
        let call = record.call, usage = call.usage
        return .hashing(record.service, call.sessionID, String(record.startNanos), call.responseID,
                      "\(usage.input)/\(usage.output)/\(usage.cacheRead)/\(usage.cacheWrite)/\(usage.reasoning)",
                      record.errorMessage ?? "", call.model)
    }
}

extension LLMCall {
    /// Fields this call lacks filled in from another report of the same call.
    func filled(from other: LLMCall) -> LLMCall {
        var call = self
        if call.provider.isEmpty { call.provider = other.provider }
        if call.requestModel.isEmpty { call.requestModel = other.requestModel }
        if call.responseModel.isEmpty, call.requestModel == other.requestModel { call.responseModel = other.responseModel }
        if !call.hasUsage, other.hasUsage {
            call.usage = other.usage
            call.hasUsage = true
        }
        if call.usage.reportedTotal == nil { call.usage.reportedTotal = other.usage.reportedTotal }
        if call.rawFinishReasons.isEmpty {
            call.rawFinishReasons = other.rawFinishReasons
            call.finishReasons = other.finishReasons
        }
        if call.streaming == nil { call.streaming = other.streaming }
        if call.timeToFirstTokenSeconds == nil { call.timeToFirstTokenSeconds = other.timeToFirstTokenSeconds }
        if call.responseID.isEmpty { call.responseID = other.responseID }
        if call.reportedCostUSD == nil { call.reportedCostUSD = other.reportedCostUSD }
        if call.sessionID.isEmpty { call.sessionID = other.sessionID }
        call.retries = max(call.retries, other.retries)
        return call
    }
}
