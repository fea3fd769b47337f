import Semantics
import Telemetry

/// The columns the trace list can be sorted by, each largest first; ties, and `started`, newest first.
public enum TraceSortKey: String, Sendable, CaseIterable, Hashable {
    case started, duration, cost, tokens, llmCalls = "llm calls", errors

    /// The value a trace is sorted by (largest first); not used for `started`.
    public func value(of trace: TraceSummary) -> Double {
        switch self {
        case .started: 0
        case .duration: Double(trace.durationNanos)
        case .cost: trace.costUSD.flatMap { $0.isNaN ? nil : $0 } ?? -1
        case .tokens: Double(trace.usage.input + trace.usage.output)
        case .llmCalls: Double(trace.llmCalls)
        case .errors: Double(trace.errorSpans)
        }
    }
}

/// A trace's place in a sorted list: ascending keys are the list from its top.
struct TraceRank: Comparable, Sendable {
    var value: Double
    var startNanos: UInt64
    var traceID: TraceID

    init(_ trace: TraceSummary, by sort: TraceSortKey) {
        value = sort.value(of: trace)
        startNanos = trace.startNanos
        traceID = trace.traceID
    }

    static func < (a: TraceRank, b: TraceRank) -> Bool {
        if a.value != b.value { return a.value > b.value }
        if a.startNanos != b.startNanos { return a.startNanos > b.startNanos }
        return a.traceID > b.traceID
    }
}

/// What the screen's trace list asks of the store: the rows around the selection, in its order and
/// under its filter.
public struct TraceQuery: Sendable, Equatable {
    public var sort: TraceSortKey
    /// Smallest (or, by start, oldest) first.
    public var reversed: Bool
    public var filter: TraceFilter
    /// The selected trace; the window is centred on its row.
    public var selected: TraceID?
    /// The row the window is centred on when `selected` is nil or no longer listed.
    public var anchorIndex: Int
    /// Rows wanted each side of the centre.
    public var rowsAround: Int
    /// The trace open on the trace or span screen, whose row comes along.
    public var openTrace: TraceID?

    public init(sort: TraceSortKey = .started, reversed: Bool = false, filter: TraceFilter = TraceFilter(),
                selected: TraceID? = nil, anchorIndex: Int = 0, rowsAround: Int = 100, openTrace: TraceID? = nil) {
        self.sort = sort
        self.reversed = reversed
        self.filter = filter
        self.selected = selected
        self.anchorIndex = anchorIndex
        self.rowsAround = rowsAround
        self.openTrace = openTrace
    }
}

/// The part of the trace list a query asked for, with the counts of the whole list.
public struct TraceWindow: Sendable {
    public var query: TraceQuery
    /// Traces the filter matches.
    public var count: Int
    /// Of those, the running ones.
    public var running: Int
    /// Position in the list of `rows.first`.
    public var offset: Int
    public var rows: [TraceSummary]
    /// The list's last row, for a jump to the bottom.
    public var last: TraceSummary?
    /// Position of `query.selected` when it is listed.
    public var selectedIndex: Int?
    /// The row of `query.openTrace`, listed or not.
    public var openSummary: TraceSummary?
    /// All stored traces, and the running ones, whatever the filter.
    public var totalTraces: Int
    public var totalRunning: Int

    public init(query: TraceQuery, count: Int, running: Int, offset: Int, rows: [TraceSummary],
                last: TraceSummary? = nil, selectedIndex: Int? = nil, openSummary: TraceSummary? = nil,
                totalTraces: Int, totalRunning: Int) {
        self.query = query
        self.count = count
        self.running = running
        self.offset = offset
        self.rows = rows
        self.last = last
        self.selectedIndex = selectedIndex
        self.openSummary = openSummary
        self.totalTraces = totalTraces
        self.totalRunning = totalRunning
    }
}

/// One sort order under one filter, kept current as trace rows change.
struct TraceListing: Sendable {
    let sort: TraceSortKey
    let filter: TraceFilter
    private(set) var ranks = SortedChunks<TraceRank>()
    private(set) var running = 0
    /// When it was last asked for (a snapshot counter), so the least used is dropped first.
    var lastUsed: UInt64 = 0

    init(sort: TraceSortKey, filter: TraceFilter, rows: some Sequence<TraceSummary>) {
        self.sort = sort
        self.filter = filter
        var listed: [TraceRank] = []
        for row in rows where filter.matches(row) {
            listed.append(TraceRank(row, by: sort))
            if row.inFlight { running += 1 }
        }
        listed.sort()
        ranks = SortedChunks(sorted: listed)
    }

    var count: Int { ranks.count }

    mutating func insert(_ row: TraceSummary) {
        guard filter.matches(row) else { return }
        if ranks.insert(TraceRank(row, by: sort)), row.inFlight { running += 1 }
    }

    /// `row` must be the row as it was inserted.
    mutating func remove(_ row: TraceSummary) {
        guard filter.matches(row) else { return }
        if ranks.remove(TraceRank(row, by: sort)), row.inFlight { running -= 1 }
    }

    func position(of row: TraceSummary) -> Int? {
        filter.matches(row) ? ranks.rank(of: TraceRank(row, by: sort)) : nil
    }
}

/// The listings the screen has asked for, all kept in step with the trace rows: newest first without a
/// filter always, and a few more (other orders, filters) after they were last used.
struct TraceListings: Sendable {
    private(set) var all = TraceListing(sort: .started, filter: TraceFilter(), rows: [])
    private var others: [TraceListing] = []
    private var uses: UInt64 = 0
    static let keptOthers = 3

    mutating func insert(_ row: TraceSummary) {
        all.insert(row)
        for index in others.indices { others[index].insert(row) }
    }

    mutating func remove(_ row: TraceSummary) {
        all.remove(row)
        for index in others.indices { others[index].remove(row) }
    }

    /// The listing for a sort and filter, built from `rows` the first time it is asked for.
    mutating func listing(sort: TraceSortKey, filter: TraceFilter,
                          rows: @autoclosure () -> [TraceID: TraceSummary].Values) -> TraceListing {
        if sort == .started, filter.isEmpty { return all }
        uses += 1
        if let index = others.firstIndex(where: { $0.sort == sort && $0.filter == filter }) {
            others[index].lastUsed = uses
            return others[index]
        }
        var listing = TraceListing(sort: sort, filter: filter, rows: rows())
        listing.lastUsed = uses
        if others.count >= Self.keptOthers, let stalest = others.indices.min(by: { others[$0].lastUsed < others[$1].lastUsed }) {
            others.remove(at: stalest)
        }
        others.append(listing)
        return listing
    }
}
