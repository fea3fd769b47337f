import Semantics

/// Which call (or tool call) a ledger row is: its span, or for one first reported by a log event, a
/// stable hash of what the event said. A re-sent report has the same identity, so it is written once.
public enum CallIdentity: Hashable, Sendable {
    case span(SpanKey)
    case event(UInt64)

    /// A tool call that names its call id in a session: its span and its agent's events are one tool
    /// call. (Call ids are unique within a session only.)
    public static func tool(service: String, session: String, callID: String) -> CallIdentity? {
        callID.isEmpty || session.isEmpty ? nil : .hashing("tool", service, session, callID)
    }

    /// FNV-1a over the fields, the same in every run (Swift's `Hasher` is seeded per process).
    static func hashing(_ fields: String...) -> CallIdentity {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for field in fields {
            for byte in field.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01b3
            }
            hash ^= 0xff
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return .event(hash)
    }
}

/// One LLM call as the history ledger keeps it.
public struct LedgerCall: Sendable, Equatable {
    public var identity: CallIdentity
    /// When the call started.
    public var startNanos: UInt64
    /// When tokentop counted it (what "today" counts by).
    public var countedNanos: UInt64
    public var service: String
    public var session: String
    public var agent: String
    public var provider: String
    public var model: String
    public var usage: TokenUsage
    public var costUSD: Double?
    public var reportedCostUSD: Double?
    public var priceRule: String
    public var durationSeconds: Double?
    public var finishReason: String
    public var error: String?
    public var retried: Bool
    public var fromEvent: Bool

    public init(identity: CallIdentity, startNanos: UInt64, countedNanos: UInt64, service: String, session: String = "",
                agent: String = "", provider: String = "", model: String, usage: TokenUsage, costUSD: Double?,
                reportedCostUSD: Double? = nil, priceRule: String = "", durationSeconds: Double? = nil,
                finishReason: String = "", error: String? = nil, retried: Bool = false, fromEvent: Bool = false) {
        self.identity = identity
        self.startNanos = startNanos
        self.countedNanos = countedNanos
        self.service = service
        self.session = session
        self.agent = agent
        self.provider = provider
        self.model = model
        self.usage = usage
        self.costUSD = costUSD
        self.reportedCostUSD = reportedCostUSD
        self.priceRule = priceRule
        self.durationSeconds = durationSeconds
        self.finishReason = finishReason
        self.error = error
        self.retried = retried
        self.fromEvent = fromEvent
    }

    init(_ record: CallRecord, identity: CallIdentity, session: String, countedNanos: UInt64) {
        let call = record.call
        self.init(identity: identity, startNanos: record.startNanos, countedNanos: countedNanos, service: record.service,
                  session: session, agent: record.agent?.rawValue ?? "", provider: call.provider,
                  model: ModelLedger.name(of: call), usage: call.usage, costUSD: record.cost?.usd,
                  reportedCostUSD: call.reportedCostUSD, priceRule: record.cost?.rule ?? "",
                  durationSeconds: record.durationSeconds, finishReason: call.finishReasons.first ?? "",
                  error: record.isError ? (record.errorMessage ?? "error") : nil, retried: record.retried,
                  fromEvent: record.source == .logEvent)
    }
}

/// One tool call as the history ledger keeps it. A coding agent reports a tool call twice (its decision,
/// then its result): the second fills in what the first left out.
public struct LedgerToolCall: Sendable, Equatable {
    public enum Outcome: String, Sendable {
        case ok, error, rejected
    }

    public var identity: CallIdentity
    public var startNanos: UInt64
    public var service: String
    public var session: String
    public var agent: String
    public var name: String
    public var durationSeconds: Double?
    public var outcome: Outcome?
    public var error: String?

    public init(identity: CallIdentity, startNanos: UInt64, service: String, session: String = "", agent: String = "",
                name: String, durationSeconds: Double? = nil, outcome: Outcome? = nil, error: String? = nil) {
        self.identity = identity
        self.startNanos = startNanos
        self.service = service
        self.session = session
        self.agent = agent
        self.name = name
        self.durationSeconds = durationSeconds
        self.outcome = outcome
        self.error = error
    }
}

/// What the store asks the history ledger to write, in the order it happened.
public enum LedgerChange: Sendable, Equatable {
    /// A call counted for the first time (written once: a second write of its identity is ignored).
    case call(LedgerCall)
    /// A counted call reported again with more to say: its row takes the new figures.
    case amend(LedgerCall)
    case tool(LedgerToolCall)
}

/// Where the store's ledger changes go (the history writer). `enqueue` must not block: it is called
/// on the receive path, right after a batch is applied.
public protocol LedgerFeed: Sendable {
    /// Whether changes are taken now; when not, the store only counts them (`skipped`).
    var hasRoom: Bool { get }
    func enqueue(_ changes: [LedgerChange], skipped: Int)
}

/// Calls counted before a restart, read back from the ledger: today's spend and the burn windows take
/// them again, and a call among them that is sent again is not added to them twice.
public struct RestoredCall: Sendable, Equatable {
    public var identity: CallIdentity
    public var countedNanos: UInt64
    public var model: String
    public var usage: TokenUsage
    public var costUSD: Double?

    public init(identity: CallIdentity, countedNanos: UInt64, model: String, usage: TokenUsage, costUSD: Double?) {
        self.identity = identity
        self.countedNanos = countedNanos
        self.model = model
        self.usage = usage
        self.costUSD = costUSD
    }
}

/// How the history ledger is doing, for the header and the report.
public struct HistoryStatus: Sendable, Equatable {
    public enum Mode: String, Sendable {
        /// Calls are written as they are counted.
        case writing
        /// Another tokentop writes the file: this one shows the history and writes nothing.
        case readOnly = "read-only"
        /// The file could not be opened or written: live figures go on without history.
        case failed
    }

    public var path: String
    public var mode: Mode
    /// Calls and tool calls written so far by this run.
    public var writtenCalls = 0
    public var writtenTools = 0
    /// Changes waiting for the writer.
    public var pending = 0
    /// Changes that will never be written: the queue was full, or the file failed.
    public var unwritten = 0
    /// What went wrong last (shown until the writer succeeds again).
    public var problem: String?

    public init(path: String, mode: Mode, problem: String? = nil) {
        self.path = path
        self.mode = mode
        self.problem = problem
    }
}
