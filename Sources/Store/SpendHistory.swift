import Semantics

/// What the history ledger says about past spend, for the history screen: the last days as bars split
/// by one dimension, week and month totals, and the most expensive sessions.
public struct SpendHistory: Sendable, Equatable {
    /// What a day's bar is split by.
    public enum Split: String, Sendable, CaseIterable {
        case model, service, agent, session

        public var next: Split {
            let all = Split.allCases
            return all[(all.firstIndex(of: self)! + 1) % all.count]
        }
    }

    /// Calls, tokens and cost of some calls.
    public struct Totals: Sendable, Equatable {
        public var calls = 0
        public var usage = TokenUsage.zero
        public var costUSD = 0.0
        /// Calls with tokens but no price: not in `costUSD`.
        public var unpricedCalls = 0
        public var reportedCostUSD: Double?

        public init() {}

        public mutating func add(_ other: Totals) {
            calls += other.calls
            usage += other.usage
            costUSD += other.costUSD
            unpricedCalls += other.unpricedCalls
            if let reported = other.reportedCostUSD { reportedCostUSD = (reportedCostUSD ?? 0) + reported }
        }
    }

    /// One local calendar day (days since 1970-01-01) and its spend by the split's names, largest first.
    public struct Day: Sendable, Equatable {
        public var day: Int64
        public var totals = Totals()
        public var parts: [(name: String, costUSD: Double)] = []

        public init(day: Int64) { self.day = day }

        public static func == (a: Day, b: Day) -> Bool {
            a.day == b.day && a.totals == b.totals && a.parts.map(\.name) == b.parts.map(\.name)
                && a.parts.map(\.costUSD) == b.parts.map(\.costUSD)
        }
    }

    /// A week (Monday first) or a calendar month, named as the screen shows it.
    public struct Period: Sendable, Equatable {
        public var label: String
        public var firstDay: Int64
        public var totals = Totals()

        public init(label: String, firstDay: Int64) {
            self.label = label
            self.firstDay = firstDay
        }
    }

    /// A session's calls over the period shown.
    public struct Session: Sendable, Equatable {
        public var id: String
        public var agent: String
        public var service: String
        public var models: [String]
        public var totals = Totals()
        public var firstNanos: UInt64
        public var lastNanos: UInt64

        public init(id: String, agent: String, service: String, models: [String], firstNanos: UInt64, lastNanos: UInt64) {
            self.id = id
            self.agent = agent
            self.service = service
            self.models = models
            self.firstNanos = firstNanos
            self.lastNanos = lastNanos
        }
    }

    public var split: Split
    /// The local day the history ends with (today).
    public var today: Int64
    /// Oldest first, one per day of the period, days without calls included.
    public var days: [Day]
    /// The weeks and months that the period touches, oldest first.
    public var weeks: [Period]
    public var months: [Period]
    /// The most expensive sessions of the period, most expensive first.
    public var topSessions: [Session]
    /// Calls and tool calls in the whole file, and its oldest call.
    public var ledgerCalls: Int
    public var ledgerTools: Int
    public var oldestNanos: UInt64?

    public init(split: Split, today: Int64, days: [Day], weeks: [Period] = [], months: [Period] = [],
                topSessions: [Session] = [], ledgerCalls: Int = 0, ledgerTools: Int = 0, oldestNanos: UInt64? = nil) {
        self.split = split
        self.today = today
        self.days = days
        self.weeks = weeks
        self.months = months
        self.topSessions = topSessions
        self.ledgerCalls = ledgerCalls
        self.ledgerTools = ledgerTools
        self.oldestNanos = oldestNanos
    }
}

/// One day's sessions and calls, for `Enter` on a day of the history screen.
public struct HistoryDay: Sendable, Equatable {
    public struct Call: Sendable, Equatable {
        public var startNanos: UInt64
        public var service: String
        public var session: String
        public var agent: String
        public var model: String
        public var usage: TokenUsage
        public var costUSD: Double?
        public var durationSeconds: Double?
        public var error: String?

        public init(startNanos: UInt64, service: String, session: String, agent: String, model: String,
                    usage: TokenUsage, costUSD: Double?, durationSeconds: Double?, error: String?) {
            self.startNanos = startNanos
            self.service = service
            self.session = session
            self.agent = agent
            self.model = model
            self.usage = usage
            self.costUSD = costUSD
            self.durationSeconds = durationSeconds
            self.error = error
        }
    }

    public var day: Int64
    public var totals: SpendHistory.Totals
    public var sessions: [SpendHistory.Session]
    /// Latest first; at most `callLimit` of `totals.calls`.
    public var calls: [Call]
    public var toolCalls: Int

    public static let callLimit = 500

    public init(day: Int64, totals: SpendHistory.Totals, sessions: [SpendHistory.Session], calls: [Call], toolCalls: Int) {
        self.day = day
        self.totals = totals
        self.sessions = sessions
        self.calls = calls
        self.toolCalls = toolCalls
    }
}

/// Where the screen reads history from (the ledger file), when there is one.
public protocol HistorySource: Sendable {
    func spendHistory(split: SpendHistory.Split, days: Int, nowNanos: UInt64) -> SpendHistory?
    func historyDay(_ day: Int64) -> HistoryDay?
}
