import Semantics
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The store shared by receivers (writers) and the screen and reports (readers). Batches are applied
/// whole under one short lock; readers take immutable snapshots.
public final class LiveStore: Sendable {
    private let state: Mutex<TraceStore>
    private let clock: @Sendable () -> UInt64

    public init(limits: StoreLimits = StoreLimits(), pricing: CallPricing = .none, utcOffsetSeconds: Int = 0,
                alertThresholds: AlertThresholds = AlertThresholds(), windowSettings: WindowSettings = .standard,
                clock: @escaping @Sendable () -> UInt64 = LiveStore.wallClockNanos) {
        state = Mutex(TraceStore(limits: limits, pricing: pricing, utcOffsetSeconds: utcOffsetSeconds,
                                 alertThresholds: alertThresholds, windowSettings: windowSettings))
        self.clock = clock
    }

    public func apply(_ batch: TelemetryBatch) {
        let now = clock()
        state.withLock { $0.apply(batch, nowNanos: now) }
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

    public var version: UInt64 { state.withLock { $0.version } }
    public var counters: IngestCounters { state.withLock { $0.counters } }

    public func snapshot() -> StoreSnapshot {
        let now = clock()
        let draft = state.withLock { store in
            store.advance(nowNanos: now)
            store.refreshWindowedAlerts(nowNanos: now)
            return store.snapshotDraft(nowNanos: now)
        }
        // Sorting 100,000 rows takes milliseconds; ingest does not wait for it.
        return draft.finished()
    }

    public func trace(_ id: TraceID) -> TraceEntry? { state.withLock { $0.trace(id) } }

    /// `/metrics` for Prometheus.
    public func prometheusExposition() -> String { state.withLock { $0.prometheus.exposition() } }

    /// Runs `body` on the store under the lock (for reports).
    public func read<T>(_ body: (borrowing TraceStore) -> T) -> T { state.withLock { body($0) } }

    public static func wallClockNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
