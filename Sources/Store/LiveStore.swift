import Semantics
import Synchronization
import Telemetry
import PackedSpans
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The store shared by receivers (writers) and the screen and reports (readers). Batches are applied
/// whole under one short lock; readers take immutable snapshots.
public final class LiveStore: Sendable {
    private let state: Mutex<TraceStore>
    /// The store's pricing, used before the lock is taken.
    private let pricing: CallPricing
    private let clock: @Sendable () -> UInt64
    /// The history writer, which takes each batch's counted calls after the lock is released.
    private let ledger: (any LedgerFeed)?
    /// What the store's spans are packed with; receivers that pack for it take these.
    public let packers: SpanPackerPool

    public init(limits: StoreLimits = StoreLimits(), pricing: CallPricing = .none, utcOffsetSeconds: Int = 0,
                alertThresholds: AlertThresholds = AlertThresholds(), windowSettings: WindowSettings = .standard,
                ledger: (any LedgerFeed)? = nil, clock: @escaping @Sendable () -> UInt64 = LiveStore.wallClockNanos,
                packers: SpanPackerPool = SpanPackerPool()) {
        state = Mutex(TraceStore(limits: limits, pricing: pricing, utcOffsetSeconds: utcOffsetSeconds,
                                 alertThresholds: alertThresholds, windowSettings: windowSettings,
                                 recordsHistory: ledger != nil, packers: packers))
        self.packers = packers
        self.clock = clock
        self.pricing = pricing
        self.ledger = ledger
    }

    public func apply(_ batch: TelemetryBatch) {
        let prepared = PreparedBatch(batch, pricing: pricing, packers: packers)
        let now = clock()
        // What the apply evicted comes out of the lock and is freed here, after it is let go.
        guard let ledger else {
            _ = state.withLock { store in
                store.apply(prepared, nowNanos: now)
                return store.takeEvicted()
            }
            return
        }
        let hasRoom = ledger.hasRoom
        let (changes, skipped, _) = state.withLock { store in
            store.ledgerHasRoom = hasRoom
            store.apply(prepared, nowNanos: now)
            let (changes, skipped) = store.takeLedgerChanges()
            return (changes, skipped, store.takeEvicted())
        }
        if !changes.isEmpty || skipped > 0 { ledger.enqueue(changes, skipped: skipped) }
    }

    /// Calls counted before a restart, read back from the history ledger.
    public func restore(_ calls: [RestoredCall]) {
        let now = clock()
        state.withLock { $0.restore(calls, nowNanos: now) }
    }

    /// The history writer's latest state; a change redraws the header.
    public func updateHistory(_ status: HistoryStatus) {
        state.withLock { $0.updateHistory(status) }
    }

    public func noteSourceEnded(_ note: String) {
        state.withLock { $0.noteSourceEnded(note) }
    }

    public func updateForwarding(_ upstreams: [UpstreamCounters]) {
        state.withLock { $0.updateForwarding(upstreams) }
    }

    public func recordRefusedRequest(_ kind: RefusalKind) {
        state.withLock { $0.recordRefusedRequest(kind) }
    }

    /// See `TraceStore.setRetainedBudget`; returns the retained bytes after it.
    @discardableResult
    public func setRetainedBudget(_ bytes: Int?) -> Int {
        let (retained, _) = state.withLock { store in
            store.setRetainedBudget(bytes)
            return (store.counters.retainedBytes, store.takeEvicted())
        }
        return retained
    }

    public var version: UInt64 { state.withLock { $0.version } }
    public var counters: IngestCounters { state.withLock { $0.counters } }

    /// Every pane's figures with every trace row (for reports and a paused screen).
    public func snapshot() -> StoreSnapshot { snapshot(query: nil) }

    /// Every pane's figures with the trace rows `query` asks for (every row when nil). Only traces that
    /// changed since the last snapshot are summarized again, and the lists stay sorted as rows change,
    /// so the time under the lock follows what arrived, not what is stored.
    public func snapshot(query: TraceQuery?) -> StoreSnapshot {
        let now = clock()
        return state.withLock { store in
            store.advance(nowNanos: now)
            store.refreshWindowedAlerts(nowNanos: now)
            return store.snapshot(nowNanos: now, query: query)
        }
    }

    /// The alerts firing now (`--on-alert`), with windowed alerts moved to now first.
    public func firingAlerts(budgetUSD: Double?) -> [FiringAlert] {
        let now = clock()
        return state.withLock { store in
            store.refreshWindowedAlerts(nowNanos: now)
            return store.firingAlerts(nowNanos: now, budgetUSD: budgetUSD)
        }
    }

    /// Spans received per second over the last few seconds.
    public var spansPerSecond: Double {
        let now = clock()
        return state.withLock { $0.spansPerSecond(atNanos: now) }
    }

    public func trace(_ id: TraceID) -> TraceEntry? { state.withLock { $0.trace(id) } }

    /// `/metrics` for Prometheus.
    public func prometheusExposition() -> String { state.withLock { $0.prometheus.exposition() } }

    /// Runs `body` on the store under the lock (for reports).
    public func read<T>(_ body: (borrowing TraceStore) -> T) -> T { state.withLock { body($0) } }

    /// What `GET /api/summary` answers: a session (by id, else the one heard of last) and today's
    /// spend, as JSON. `query` is the request's query string (`session=ID`).
    public func statusSummaryJSON(query: String, budgetUSD: Double?) -> [UInt8] {
        let session = StatusSummary.sessionID(inQuery: query)
        let now = clock()
        let summary = state.withLock { StatusSummary(store: $0, nowNanos: now, sessionID: session, budgetUSD: budgetUSD) }
        return Array(summary.json.rendered(indent: nil).utf8)
    }

    public static func wallClockNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
