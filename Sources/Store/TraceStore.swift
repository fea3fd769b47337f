import DequeModule
import HeapModule
import Semantics
import Telemetry
import PackedSpans

/// One stored span with its normalized role and the log events attached to it.
public struct StoredSpan: Sendable {
    /// The span as received, packed (see `PackedSpan`); `raw` unpacks it.
    public let packed: PackedSpan
    public var role: SpanRole
    /// The computed cost of an LLM call with a known price.
    public var cost: PricedCost?
    /// What few spans have, kept out of line so that the others do not carry room for it.
    private var rare: RareFields = .none

    public init(packed: PackedSpan, role: SpanRole, logEvents: [RawLogRecord] = []) {
        self.packed = packed
        self.role = role
        if !logEvents.isEmpty { rare = .some(Rare(logEvents: logEvents)) }
    }

    private struct Rare: Sendable {
        var logEvents: [RawLogRecord] = []
        var evaluations: [EvaluationResult] = []
        var duplicateOf: SpanKey?
        var inferredRetry = false

        var isEmpty: Bool { logEvents.isEmpty && evaluations.isEmpty && duplicateOf == nil && !inferredRetry }
    }

    private indirect enum RareFields: Sendable {
        case none
        case some(Rare)
    }

    private var rareValue: Rare {
        if case .some(let value) = rare { return value }
        return Rare()
    }

    /// Changes the rare fields in place (the box is let go first, so its arrays are not copied).
    private mutating func modifyRare(_ change: (inout Rare) -> Void) {
        var value = rareValue
        rare = .none
        change(&value)
        rare = value.isEmpty ? .none : .some(value)
    }

    /// Log records attached to the span (events sent as logs), in arrival order.
    public var logEvents: [RawLogRecord] {
        get { rareValue.logEvents }
        set { modifyRare { $0.logEvents = newValue } }
    }

    /// The evaluation results the span carries, as span events then as attached log events, read on arrival.
    public var evaluations: [EvaluationResult] {
        get { rareValue.evaluations }
        set { modifyRare { $0.evaluations = newValue } }
    }

    /// Set on the poorer of two reports of the same LLM call (see `DuplicateCallIndex`): the span is
    /// kept and shown, but the call is counted once, under the span named here.
    public var duplicateOf: SpanKey? {
        get { rareValue.duplicateOf }
        set { modifyRare { $0.duplicateOf = newValue } }
    }

    /// An LLM call that repeats a failed sibling (see `RetryInference`).
    public var inferredRetry: Bool {
        get { rareValue.inferredRetry }
        set { modifyRare { $0.inferredRetry = newValue } }
    }

    mutating func appendLogEvent(_ log: RawLogRecord) { modifyRare { $0.logEvents.append(log) } }

    /// Everything the span carried, unpacked (for drill-down and exports, not for every frame).
    public var raw: RawSpan { packed.unpacked() }
    public var isRoot: Bool { packed.parentSpanID.isZero }
    public var isError: Bool { packed.statusCode == .error }
    /// Ended spans have an end time at or after their start.
    public var isOpen: Bool { packed.isOpen }
}

extension PackedSpan {
    /// Ended spans have an end time at or after their start.
    public var isOpen: Bool { endNanos == 0 || endNanos < startNanos }
}

/// All spans of one trace, in arrival order.
public struct TraceEntry: Sendable {
    public let id: TraceID
    public internal(set) var spans: [StoredSpan] = []
    /// Positions in `spans` by span id, once the trace is too long to search; most traces never need it.
    private var indexBySpanID: [SpanID: Int] = [:]
    private static let searchedSpans = 16
    let arrivalSequence: UInt64
    public internal(set) var lastArrivalNanos: UInt64
    /// Estimated bytes its spans and attached logs keep (see `RetainedSize`).
    var retainedBytes = 0
    /// The first session or conversation id its spans carried, in arrival order.
    public internal(set) var sessionID = ""

    init(id: TraceID, arrivalSequence: UInt64, nowNanos: UInt64) {
        self.id = id
        self.arrivalSequence = arrivalSequence
        self.lastArrivalNanos = nowNanos
    }

    public func span(_ id: SpanID) -> StoredSpan? { position(of: id).map { spans[$0] } }

    func position(of id: SpanID) -> Int? {
        spans.count > Self.searchedSpans ? indexBySpanID[id] : spans.firstIndex { $0.packed.spanID == id }
    }

    /// Stores an arriving span.
    /// - Parameter sessionID: the span's; the trace takes the first one it meets.
    /// - Returns: whether the trace took its session from this span.
    mutating func add(_ span: StoredSpan, retainedBytes bytes: Int, atNanos nowNanos: UInt64, sessionID: String) -> Bool {
        retainedBytes += bytes
        let namesSession = self.sessionID.isEmpty && !sessionID.isEmpty
        if namesSession { self.sessionID = sessionID }
        append(span)
        lastArrivalNanos = nowNanos
        return namesSession
    }

    mutating func append(_ span: StoredSpan) {
        spans.append(span)
        if spans.count > Self.searchedSpans {
            if indexBySpanID.isEmpty {
                for (position, stored) in spans.enumerated() { indexBySpanID[stored.packed.spanID] = position }
            } else {
                indexBySpanID[span.packed.spanID] = spans.count - 1
            }
        }
    }
    public var root: StoredSpan? { spans.first(where: \.isRoot) }
}

public struct StoreLimits: Sendable {
    /// Stored spans at most; whole oldest traces are evicted past it.
    public var maxSpans: Int
    /// Log records waiting for a span that has not arrived yet.
    public var maxPendingLogs: Int
    /// Log records that name no span (kept for the report and drill-down).
    public var maxUnlinkedLogs: Int
    /// A trace with no root is shown as running until this long after its last span arrived.
    public var inFlightTimeoutNanos: UInt64
    /// Estimated bytes of stored telemetry at most (`--max-memory`); whole oldest traces are evicted past it.
    public var maxRetainedBytes: Int?

    /// About 400 MB of agent-trace spans at today's footprint (see BENCHMARKS.md).
    public static let defaultMaxSpans = 500_000

    /// LLM calls kept from coding agents' log events (see `TraceStore.eventCalls`).
    public var maxEventCalls = 200_000

    public init(maxSpans: Int = StoreLimits.defaultMaxSpans, maxPendingLogs: Int = 100_000,
                maxUnlinkedLogs: Int = 10_000, inFlightTimeoutNanos: UInt64 = 300_000_000_000,
                maxRetainedBytes: Int? = nil) {
        self.maxSpans = max(1, maxSpans)
        self.maxRetainedBytes = maxRetainedBytes
        self.maxPendingLogs = maxPendingLogs
        self.maxUnlinkedLogs = maxUnlinkedLogs
        self.inFlightTimeoutNanos = inFlightTimeoutNanos
    }
}

/// The bounded trace store. Not thread-safe: one writer applies whole batches (see `LiveStore`).
public struct TraceStore: Sendable {
    public private(set) var limits: StoreLimits
    public let pricing: CallPricing
    /// What `apply(_:nowNanos:)` packs unpacked spans with.
    public let packers: SpanPackerPool
    public private(set) var counters = IngestCounters()
    public private(set) var traces: [TraceID: TraceEntry] = [:]
    /// Trace ids by first arrival; eviction takes from the front.
    private var arrivalOrder = Deque<TraceID>()
    private var nextArrival: UInt64 = 0
    private var pendingLogs: [SpanKey: [Normalizer.LogReading]] = [:]
    private var pendingLogOrder = Deque<SpanKey>()
    private var pendingLogCount = 0
    public private(set) var unlinkedLogs: [RawLogRecord] = []
    public private(set) var metrics = MetricSeriesStore()
    public private(set) var version: UInt64 = 0
    private var rate = RateMeter()
    private var duplicates = DuplicateCallIndex()
    public private(set) var windows: UsageWindows
    public let windowSettings: WindowSettings
    public private(set) var ledger = ModelLedger()
    /// HDR histograms of call duration and time to first token.
    public private(set) var latencies = LatencyBook()
    /// `gen_ai.evaluation.result` events, by evaluation name.
    public private(set) var feedback = FeedbackLedger()
    private var retryInference = RetryInference()
    public private(set) var alerts: AlertMonitor
    public private(set) var prometheus = PrometheusSeries()
    /// Computed spend per local calendar day (the day a call arrived).
    public private(set) var spendByDay: [Int64: Double] = [:]
    /// Where the local day begins, as an offset from UTC.
    public let utcOffsetSeconds: Int
    /// Calls first reported by a coding agent's log event, by arrival number (the oldest are let go past
    /// `StoreLimits.maxEventCalls`; the aggregates keep them).
    public private(set) var eventCalls: [UInt64: CallRecord] = [:]
    private var eventCallOrder = Deque<UInt64>()
    private var nextEventCall: UInt64 = 0
    /// Event calls whose span arrived, by that span: an evicted span hands its call back to the event.
    private var eventCallBySpan: [SpanKey: UInt64] = [:]
    private var crossSignal = CrossSignalCalls()
    /// Each session's calls, prompts and tool calls.
    public private(set) var sessions = SessionBook()
    /// Every counted call added up (what the report reads).
    private(set) var callTotals = CallTotals()
    /// Codex's latest request per session, waiting for the event that reports its answer.
    private var pendingAgentRequests: [String: AgentRequestEvent] = [:]
    /// Kept report → the duplicates marked against it, to unmark them when it is evicted.
    private var duplicatesOfKept: [SpanKey: [SpanKey]] = [:]
    /// Whether counted calls and tool calls are handed to the history ledger (`takeLedgerChanges`).
    public let recordsHistory: Bool
    private var ledgerOutbox: [LedgerChange] = []
    /// Set before each batch: whether the history writer has room. Without room, changes are only
    /// counted (as unwritten), which spares the receive path the work of making them.
    public var ledgerHasRoom = true
    private var ledgerSkipped = 0
    /// Calls the history ledger had counted before this run: sent again, they are not added to today's
    /// spend and the burn windows a second time.
    private var restoredCalls = Set<CallIdentity>()

    /// Each trace's list row as of the last snapshot. Rows of the traces in `changedTraces` are brought up
    /// to date when the next snapshot is taken, once per frame however many batches touched them.
    private var summaries: [TraceID: TraceSummary] = [:]
    private var changedTraces = Set<TraceID>()
    /// The rows in the orders and under the filters the screen asked for.
    private var listings = TraceListings()
    /// Traces whose row says running, and the same by their last arrival: a trace stops running once
    /// nothing has arrived for the in-flight timeout, whether or not its root ever came.
    private var runningIDs = Set<TraceID>()
    private var runningByArrival = Heap<RunningMark>()

    public init(limits: StoreLimits = StoreLimits(), pricing: CallPricing = .none, utcOffsetSeconds: Int = 0,
                alertThresholds: AlertThresholds = AlertThresholds(), windowSettings: WindowSettings = .standard,
                recordsHistory: Bool = false, packers: SpanPackerPool = SpanPackerPool()) {
        self.recordsHistory = recordsHistory
        self.packers = packers
        self.alerts = AlertMonitor(rules: AlertMonitor.rules(alertThresholds))
        self.windowSettings = windowSettings
        self.windows = UsageWindows(longest: windowSettings.longest)
        self.limits = limits
        self.pricing = pricing
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The local calendar day of an instant, as days since 1970-01-01.
    public func localDay(atNanos nanos: UInt64) -> Int64 {
        LocalCalendar(utcOffsetSeconds: utcOffsetSeconds).day(atNanos: nanos)
    }

    // MARK: Writing

    public mutating func apply(_ batch: TelemetryBatch, nowNanos: UInt64) {
        apply(PreparedBatch(batch, pricing: pricing, packers: packers), nowNanos: nowNanos)
    }

    public mutating func apply(_ prepared: PreparedBatch, nowNanos: UInt64) {
        evicted.removeAll()
        let batch = prepared.batch
        counters.receivedSpans += batch.spanCount + batch.rejectedSpans
        counters.rejectedSpans += batch.rejectedSpans
        counters.limitCounts += batch.limitCounts
        counters.rejectedLogRecords += batch.rejectedLogs
        counters.rejectedMetricPoints += batch.rejectedMetricPoints
        rate.add(batch.spanCount, atNanos: nowNanos)
        // Exporters send a trace's spans together: a trace is marked changed once per run of its spans.
        var lastTouched: TraceID?
        for index in prepared.spans.indices where insert(prepared.spans, at: index, nowNanos: nowNanos) {
            let trace = prepared.spans[index].packed.traceID
            if trace != lastTouched { changedTraces.insert(trace) }
            lastTouched = trace
        }
        for log in prepared.logs {
            if let trace = attach(log, nowNanos: nowNanos) { changedTraces.insert(trace) }
        }
        for point in batch.metrics { metrics.apply(point) }
        counters.metricPoints += batch.metrics.count
        evictIfNeeded(protecting: nil)
        // Coding agents report calls in log records, so those are counted against the thresholds too.
        if batch.spanCount > 0 || !batch.logs.isEmpty { evaluateAlerts(nowNanos: nowNanos) }
        if !batch.isEmpty || batch.rejectedSpans > 0 { version &+= 1 }
    }

    /// A source has ended (standard input closed, a replay finished); the header says so.
    public mutating func noteSourceEnded(_ note: String) {
        counters.endedSources.append(note)
        version &+= 1
    }

    /// Takes the forwarder's latest counters; a change redraws the header.
    public mutating func updateForwarding(_ upstreams: [UpstreamCounters]) {
        guard counters.forwarding != upstreams else { return }
        counters.forwarding = upstreams
        version &+= 1
    }

    /// Takes the history writer's latest state; a change redraws the header.
    public mutating func updateHistory(_ status: HistoryStatus) {
        let old = counters.history
        counters.history = status
        // The writer's progress alone does not redraw: the header shows the mode and what went wrong.
        if old?.mode != status.mode || old?.problem != status.problem || old?.unwritten != status.unwritten { version &+= 1 }
    }

    public mutating func recordRefusedRequest(_ kind: RefusalKind) {
        counters.rejectedRequests += 1
        counters.refusals[kind, default: 0] += 1
        version &+= 1
    }

    /// Inserts `batch[index]`; returns false when the span was rejected (a duplicate of a stored span).
    private mutating func insert(_ batch: [PreparedBatch.Span], at index: Int, nowNanos: UInt64) -> Bool {
        let prepared = batch[index]
        let packed = prepared.packed
        let key = SpanKey(trace: packed.traceID, span: packed.spanID)
        if let stored = traces.index(forKey: packed.traceID) {
            if traces.values[stored].position(of: packed.spanID) != nil {
                counters.rejectedSpans += 1
                return false
            }
        } else {
            var entry = TraceEntry(id: packed.traceID, arrivalSequence: nextArrival, nowNanos: nowNanos)
            // Exporters send a trace's spans together: room for those that follow in this batch, so the
            // list is allocated once at its size instead of doubling.
            let together = batch[index...].prefix { $0.packed.traceID == packed.traceID }.count
            if together > 1 { entry.spans.reserveCapacity(together) }
            traces[packed.traceID] = entry
            nextArrival += 1
            arrivalOrder.append(packed.traceID)
        }
        var span = StoredSpan(packed: packed, role: prepared.role)
        if !prepared.evaluations.isEmpty { span.evaluations = prepared.evaluations }
        if !pendingLogs.isEmpty, let waiting = pendingLogs.removeValue(forKey: key) {
            pendingLogCount -= waiting.count
            for log in waiting { span.attach(log) }
        }
        for result in prepared.evaluations { feedback.record(result) }
        if case .llm(let call) = span.role {
            span.cost = prepared.cost
            let failed = prepared.failedAttempt
            if failed, !retryInference.follows(packed.traceID) {
                let stored = traces[packed.traceID]!.spans.compactMap { stored in
                    stored.role.llm.map { (span: stored.packed, call: $0) }
                }
                retryInference.startFollowing(packed.traceID, calls: stored)
            }
            let retries = retryInference.follows(packed.traceID)
                ? retryInference.register(packed, call: call, failed: failed, alreadyRetry: call.retries > 0) : []
            for retried in retries {
                if retried == packed.spanID {
                    span.inferredRetry = true
                } else {
                    markRetry(retried, in: packed.traceID, nowNanos: nowNanos)
                }
            }
            let indexing = duplicates.indexing(of: packed.origin)
            if indexing == .startsNow { indexStoredCalls() }
            if indexing != .off, let earlier = duplicates.register(key, call: call, span: packed) {
                markDuplicate(new: &span, key: key, earlier: earlier, nowNanos: nowNanos)
            } else if !joinCountedEvent(&span, call: call, key: key, nowNanos: nowNanos) {
                count(CallRecord(span: span, call: span.role.llm ?? call, key: key), nowNanos: nowNanos)
            }
        }
        let size = RetainedSize.of(span.packed, role: span.role) + span.logEvents.reduce(0) { $0 + RetainedSize.of($1) }
            + RetainedSize.of(span.evaluations)
        counters.retainedBytes += size
        counters.storedSpans += 1
        // Found once and changed in place (each lookup hashes the trace id again; reading a field
        // through `values[index]` would copy the whole entry).
        let entry = traces.index(forKey: packed.traceID)!
        let ledgerTool = recordsHistory ? span.role.tool : nil
        let (isOpen, isError) = (span.isOpen, span.isError)
        if traces.values[entry].add(span, retainedBytes: size, atNanos: nowNanos, sessionID: prepared.sessionID) {
            joinTraceSession(packed.traceID, nowNanos: nowNanos)
        }
        if let tool = ledgerTool {
            let session = traces[packed.traceID]?.sessionID ?? ""
            let agent = CodingAgent.of(packed.origin)
            fileInLedger(.tool(LedgerToolCall(
                // A coding agent's tool span and its events are one tool call, matched by call id.
                identity: (agent == nil ? nil : CallIdentity.tool(service: packed.origin.serviceName, session: session,
                                                                  callID: tool.callID)) ?? .span(key),
                startNanos: packed.startNanos, service: packed.origin.serviceName, session: session,
                agent: agent?.rawValue ?? "", name: tool.name,
                durationSeconds: isOpen ? nil : Double(packed.endNanos - packed.startNanos) / 1e9,
                outcome: isError ? .error : .ok)))
        }
        return true
    }

    /// Feeds one call to every aggregate: the burn windows, the model ledger, the latency histograms,
    /// the Prometheus series and the day's spend. Each call comes here once, whichever signal reported it.
    private mutating func count(_ record: CallRecord, attributes: [Attribute] = [], nowNanos: UInt64) {
        let call = record.call
        let session = session(of: record)
        if Self.keepsActivity(record) {
            sessions.record(record, session: session, attributes: attributes,
                            contextWindow: pricing.contextWindow(call.provider, call.model), nowNanos: nowNanos)
        }
        callTotals.add(record, session: session)
        var countedBefore = false
        if recordsHistory {
            let identity = record.identity
            countedBefore = !restoredCalls.isEmpty && restoredCalls.contains(identity)
            fileInLedger(.call(LedgerCall(record, identity: identity, session: session, countedNanos: nowNanos)))
        }
        if !countedBefore {
            windows.add(model: call.model, usage: call.usage, costUSD: record.cost?.usd, atNanos: nowNanos,
                        quality: .quality(of: record))
            addSpend(record.cost?.usd ?? 0, nowNanos: nowNanos)
        }
        ledger.record(record)
        latencies.record(.init(call), durationSeconds: record.durationSeconds, timeToFirstTokenSeconds: call.timeToFirstTokenSeconds,
                         atNanos: nowNanos)
        prometheus.record(record)
    }

    private mutating func fileInLedger(_ change: @autoclosure () -> LedgerChange) {
        if ledgerHasRoom { ledgerOutbox.append(change()) } else { ledgerSkipped += 1 }
    }

    /// Hands over what the history ledger is to write since the last call, and how many changes were
    /// left unmade for want of room.
    public mutating func takeLedgerChanges() -> (changes: [LedgerChange], skipped: Int) {
        defer {
            ledgerOutbox = []
            ledgerSkipped = 0
        }
        return (ledgerOutbox, ledgerSkipped)
    }

    /// Calls counted before a restart (from the history ledger): today's spend, the burn windows and so
    /// the budget take them again. Calls counted before the longest window kept only add to their day.
    public mutating func restore(_ calls: [RestoredCall], nowNanos: UInt64) {
        let windowStart = nowNanos - min(nowNanos, UInt64(windowSettings.longest.seconds) * 1_000_000_000)
        let today = localDay(atNanos: nowNanos)
        for call in calls where call.countedNanos <= nowNanos {
            restoredCalls.insert(call.identity)
            if call.countedNanos > windowStart {
                windows.add(model: call.model == "(none)" ? "" : call.model, usage: call.usage, costUSD: call.costUSD,
                            atNanos: call.countedNanos)
            }
            addSpend(call.costUSD ?? 0, nowNanos: call.countedNanos, today: today)
        }
        version &+= 1
    }

    /// A counted call reported again with more to say (the CLI's own cost, a finish reason, a model):
    /// the ledger and the day's spend take the difference, the latency histograms what they lacked.
    /// The burn windows keep what the first report said (the same tokens).
    private mutating func amendCounted(_ old: CallRecord, to new: CallRecord, attributes: [Attribute] = [],
                                       nowNanos: UInt64) {
        guard old != new else { return }
        ledger.amend(old, to: new)
        let oldSession = session(of: old), newSession = session(of: new)
        callTotals.add(old, session: oldSession, sign: -1)
        callTotals.add(new, session: newSession)
        if oldSession == newSession {
            sessions.amend(old, to: new, session: newSession, attributes: attributes)
        } else if oldSession.isEmpty {
            // The later report named the session (Codex's spans carry none; its events do).
            sessions.record(new, session: newSession, attributes: attributes,
                            contextWindow: pricing.contextWindow(new.call.provider, new.call.model), nowNanos: nowNanos)
        }
        let duration = old.durationSeconds == nil ? new.durationSeconds : nil
        let firstToken = old.call.timeToFirstTokenSeconds == nil ? new.call.timeToFirstTokenSeconds : nil
        if duration != nil || firstToken != nil {
            latencies.record(.init(new.call), durationSeconds: duration, timeToFirstTokenSeconds: firstToken, atNanos: nowNanos)
        }
        addSpend((new.cost?.usd ?? 0) - (old.cost?.usd ?? 0), nowNanos: nowNanos)
        if recordsHistory {
            fileInLedger(.amend(LedgerCall(new, identity: old.identity, session: newSession, countedNanos: nowNanos)))
        }
    }

    /// Coding agents' sessions keep their timeline and context fill (`SessionBook`); an app's
    /// conversations are the traces that share them, which the store keeps anyway.
    private static func keepsActivity(_ record: CallRecord) -> Bool {
        record.agent != nil || record.source == .logEvent
    }

    /// The call's session, or its span's trace's.
    private func session(of record: CallRecord) -> String {
        if !record.call.sessionID.isEmpty { return record.call.sessionID }
        return record.span.flatMap { traces[$0.trace]?.sessionID } ?? ""
    }

    private mutating func addSpend(_ usd: Double, nowNanos: UInt64, today: Int64? = nil) {
        guard usd != 0 else { return }
        let day = localDay(atNanos: nowNanos)
        spendByDay[day, default: 0] += usd
        let latest = max(today ?? day, day)
        if spendByDay.count > 7 { spendByDay = spendByDay.filter { $0.key > latest - 7 } }
    }

    // MARK: Coding agents' calls from log events

    /// A coding agent's span whose call one of its log events counted already: the span and the event's
    /// record take what the other knew, and the call is not counted again. Otherwise the span's call is
    /// remembered for the event that may follow. Returns true when the call was counted already.
    private mutating func joinCountedEvent(_ span: inout StoredSpan, call: LLMCall, key: SpanKey, nowNanos: UInt64) -> Bool {
        let origin = span.packed.origin
        guard CodingAgent.of(origin) != nil else { return false }
        let service = origin.serviceName
        if case .event(let id)? = crossSignal.match(call, service: service, startNanos: span.packed.startNanos, fromEvent: false),
           var record = eventCalls[id], record.span == nil {
            let old = record
            record.call = record.call.filled(from: call)
            record.span = key
            if record.durationSeconds == nil, !span.isOpen {
                record.durationSeconds = Double(span.packed.endNanos - span.packed.startNanos) / 1e9
            }
            if record.cost == nil { record.cost = span.cost }
            eventCalls[id] = record
            eventCallBySpan[key] = id
            amendCounted(old, to: record, nowNanos: nowNanos)
            span.role = .llm(call.filled(from: record.call))
            if span.cost == nil { span.cost = record.cost }
            return true
        }
        crossSignal.register(call, service: service, startNanos: span.packed.startNanos, as: .span(key))
        return false
    }

    /// A coding agent's log event that reports an LLM call (or the request a later event answers).
    private mutating func readAgentEvent(_ reading: Normalizer.LogReading, nowNanos: UInt64) {
        guard let event = reading.agentEvent else { return }
        let log = reading.record
        let service = log.origin.serviceName
        switch event {
        case .request(let request):
            if let status = request.statusCode, status >= 400 {
                // A failed request: never billed, counted as an error call.
                let call = LLMCall(provider: "openai", requestModel: request.model,
                                   retries: request.attempt, sessionID: request.sessionID)
                let started = request.atNanos - min(request.atNanos, UInt64((request.durationSeconds ?? 0) * 1e9))
                addEventCall(CallRecord(call: call, cost: nil, source: .logEvent, service: service, agent: .codex,
                                        startNanos: started, durationSeconds: request.durationSeconds, isError: true,
                                        errorMessage: "HTTP \(status)", retried: request.attempt > 0), attributes: log.attributes, nowNanos: nowNanos)
            } else {
                // One request waits per session; sessions come from the telemetry, so their number is bounded.
                if pendingAgentRequests.count >= limits.maxEventCalls { pendingAgentRequests.removeAll() }
                pendingAgentRequests[service + "\u{0}" + request.sessionID] = request
            }
        case .prompt(let prompt):
            sessions.record(prompt, service: service, attributes: log.attributes, nowNanos: nowNanos)
        case .tool(let tool):
            sessions.record(tool, service: service, attributes: log.attributes, nowNanos: nowNanos)
            if recordsHistory {
                let outcome: LedgerToolCall.Outcome? = tool.decision == .rejected ? .rejected
                    : tool.success.map { $0 ? .ok : .error }
                fileInLedger(.tool(LedgerToolCall(
                    identity: CallIdentity.tool(service: service, session: tool.sessionID, callID: tool.callID)
                        ?? .hashing(service, tool.sessionID, tool.name, String(tool.atNanos)),
                    startNanos: tool.atNanos - min(tool.atNanos, UInt64((tool.durationSeconds ?? 0) * 1e9)),
                    service: service, session: tool.sessionID, agent: tool.agent.rawValue, name: tool.name,
                    durationSeconds: tool.durationSeconds, outcome: outcome, error: tool.error.isEmpty ? nil : tool.error)))
            }
        case .call(let event):
            var record = CallRecord(call: event.call, cost: nil, source: .logEvent, service: service, agent: event.agent,
                                    startNanos: event.startNanos, durationSeconds: event.durationSeconds,
                                    isError: event.errorMessage != nil, errorMessage: event.errorMessage,
                                    retried: event.call.retries > 0, promptID: event.promptID)
            if event.agent == .codex, let request = pendingAgentRequests.removeValue(forKey: service + "\u{0}" + event.call.sessionID) {
                // The request this streamed answer completes: the call ran from the request to the answer's end.
                let sent = request.atNanos - min(request.atNanos, UInt64((request.durationSeconds ?? 0) * 1e9))
                if sent <= event.endNanos {
                    record.startNanos = sent
                    record.durationSeconds = Double(event.endNanos - sent) / 1e9
                }
                record.call.retries = max(record.call.retries, request.attempt)
                record.retried = record.call.retries > 0
            }
            if record.call.hasUsage { record.cost = pricing.price(record.call, record.startNanos) }
            join(record, attributes: log.attributes, nowNanos: nowNanos)
        }
    }

    /// An event's call: counted, unless a span or an earlier event reported it already.
    private mutating func join(_ record: CallRecord, attributes: [Attribute], nowNanos: UInt64) {
        switch crossSignal.match(record.call, service: record.service, startNanos: record.startNanos, fromEvent: true) {
        case .event?:
            counters.repeatedEventCalls += 1
        case .span(let key)?:
            guard let index = traces[key.trace]?.position(of: key.span), case .llm(let spanCall) = traces[key.trace]!.spans[index].role
            else { return addEventCall(record, attributes: attributes, nowNanos: nowNanos) }
            let stored = traces[key.trace]!.spans[index]
            var merged = spanCall.filled(from: record.call)
            if merged.model != spanCall.model { merged.responseModel = "" }
            var updated = stored
            updated.role = .llm(merged)
            if merged.model != spanCall.model || updated.cost == nil { updated.cost = pricing.price(merged, stored.packed.startNanos) }
            traces[key.trace]!.spans[index].role = updated.role
            traces[key.trace]!.spans[index].cost = updated.cost
            changedTraces.insert(key.trace)
            if stored.duplicateOf == nil {
                var amended = CallRecord(span: updated, call: merged, key: key)
                if amended.durationSeconds == nil { amended.durationSeconds = record.durationSeconds }
                amendCounted(CallRecord(span: stored, call: spanCall, key: key), to: amended, attributes: attributes,
                             nowNanos: nowNanos)
            }
        case nil:
            addEventCall(record, attributes: attributes, nowNanos: nowNanos)
        }
    }

    private mutating func addEventCall(_ record: CallRecord, attributes: [Attribute] = [], nowNanos: UInt64) {
        var record = record
        if recordsHistory { record.eventIdentity = CallRecord.eventIdentity(of: record) }
        let id = nextEventCall
        nextEventCall += 1
        eventCalls[id] = record
        eventCallOrder.append(id)
        crossSignal.register(record.call, service: record.service, startNanos: record.startNanos, as: .event(id))
        count(record, attributes: attributes, nowNanos: nowNanos)
        while eventCallOrder.count > limits.maxEventCalls, let oldest = eventCallOrder.popFirst() {
            if let span = eventCalls.removeValue(forKey: oldest)?.span { eventCallBySpan[span] = nil }
        }
    }

    /// A trace named its session: its calls that named none, counted before, join that session.
    private mutating func joinTraceSession(_ id: TraceID, nowNanos: UInt64) {
        guard let entry = traces[id] else { return }
        for stored in entry.spans where stored.duplicateOf == nil {
            guard case .llm(let call) = stored.role, call.sessionID.isEmpty else { continue }
            let key = SpanKey(trace: id, span: stored.packed.spanID)
            guard eventCallBySpan[key] == nil else { continue }  // its event's record named the session
            let record = CallRecord(span: stored, call: call, key: key)
            callTotals.addToSession(record, session: entry.sessionID)
            if recordsHistory {
                fileInLedger(.amend(LedgerCall(record, identity: record.identity, session: entry.sessionID, countedNanos: nowNanos)))
            }
            if Self.keepsActivity(record) {
                sessions.record(record, session: entry.sessionID, attributes: [],
                                contextWindow: pricing.contextWindow(call.provider, call.model), nowNanos: nowNanos)
            }
        }
    }

    /// A service's second instrumentation reports a call: the calls of that service stored so far join
    /// the duplicate index, in arrival order (none can be a duplicate of another: one scope reported them).
    private mutating func indexStoredCalls() {
        for id in arrivalOrder {
            guard let entry = traces[id] else { continue }
            for span in entry.spans where duplicates.needsIndexing(span.packed.origin) {
                guard case .llm(let call) = span.role else { continue }
                _ = duplicates.register(SpanKey(trace: id, span: span.packed.spanID), call: call, span: span.packed)
            }
        }
        duplicates.finishStarting()
    }

    /// A stored call turned out to repeat a failed sibling that arrived after it.
    private mutating func markRetry(_ id: SpanID, in trace: TraceID, nowNanos: UInt64) {
        guard let index = traces[trace]?.position(of: id) else { return }
        traces[trace]!.spans[index].inferredRetry = true
        let span = traces[trace]!.spans[index]
        if case .llm(let call) = span.role, call.retries == 0, span.duplicateOf == nil {
            ledger.countRetry(of: call)
            callTotals.countRetry()
            windows.addRetry(model: call.model, atNanos: nowNanos)
            if recordsHistory {
                let key = SpanKey(trace: trace, span: id)
                let record = CallRecord(span: span, call: call, key: key)
                let change = LedgerChange.amend(LedgerCall(record, identity: record.identity, session: session(of: record),
                                                           countedNanos: nowNanos))
                fileInLedger(change)
            }
        }
    }

    /// Of two reports of one call, the poorer is marked as the duplicate of the richer.
    private mutating func markDuplicate(new span: inout StoredSpan, key: SpanKey, earlier: SpanKey, nowNanos: UInt64) {
        guard let index = traces[earlier.trace]?.position(of: earlier.span) else { return }
        counters.duplicateCalls += 1
        let kept = traces[earlier.trace]!.spans[index]
        if DuplicateCallIndex.richness(of: span) > DuplicateCallIndex.richness(of: kept) {
            // The richer report is the one counted: the totals take what it says over the earlier one.
            if case .llm(let keptCall) = kept.role, case .llm(let newCall) = span.role, kept.duplicateOf == nil {
                amendCounted(CallRecord(span: kept, call: keptCall, key: earlier), to: CallRecord(span: span, call: newCall, key: key),
                             nowNanos: nowNanos)
            }
            traces[earlier.trace]!.spans[index].duplicateOf = key
            duplicatesOfKept[key, default: []].append(earlier)
            changedTraces.insert(earlier.trace)
        } else {
            let primary = kept.duplicateOf ?? earlier
            span.duplicateOf = primary
            duplicatesOfKept[primary, default: []].append(key)
        }
    }

    /// Log events attach to their span whether they arrive before or after it. Returns the trace of a
    /// stored span the event was attached to (its row may change).
    @discardableResult
    private mutating func attach(_ reading: Normalizer.LogReading, nowNanos: UInt64) -> TraceID? {
        let log = reading.record
        counters.logRecords += 1
        readAgentEvent(reading, nowNanos: nowNanos)
        if let result = reading.evaluation { feedback.record(result) }
        guard !log.traceID.isZero, !log.spanID.isZero else {
            unlinkedLogs.append(log)
            if unlinkedLogs.count > limits.maxUnlinkedLogs { unlinkedLogs.removeFirst(unlinkedLogs.count / 2) }
            return nil
        }
        if let index = traces[log.traceID]?.position(of: log.spanID) {
            traces[log.traceID]!.spans[index].attach(reading)
            let size = RetainedSize.of(log) + (reading.evaluation.map { RetainedSize.of([$0]) } ?? 0)
            traces[log.traceID]!.retainedBytes += size
            counters.retainedBytes += size
            return log.traceID
        }
        let key = SpanKey(trace: log.traceID, span: log.spanID)
        if pendingLogs[key] == nil { pendingLogOrder.append(key) }
        pendingLogs[key, default: []].append(reading)
        pendingLogCount += 1
        while pendingLogCount > limits.maxPendingLogs, let oldest = pendingLogOrder.popFirst() {
            if let dropped = pendingLogs.removeValue(forKey: oldest) {
                pendingLogCount -= dropped.count
                unlinkedLogs.append(contentsOf: dropped.map(\.record))
            }
        }
        return nil
    }

    /// The traces the last apply evicted, kept so that `LiveStore` frees them after letting go of its
    /// lock (freeing thousands of spans is a good part of an apply's time under eviction).
    private var evicted: [TraceEntry] = []

    /// The traces the last apply evicted, handed over to be freed elsewhere.
    public mutating func takeEvicted() -> [TraceEntry] {
        defer { evicted = [] }
        return evicted
    }

    /// Sets the estimated bytes the store may keep (nil: no bound) and evicts down to it now.
    public mutating func setRetainedBudget(_ bytes: Int?) {
        limits.maxRetainedBytes = bytes
        evictIfNeeded(protecting: nil)
    }

    /// Evicts whole traces, oldest first, until the span limit holds.
    private mutating func evictIfNeeded(protecting: TraceID?) {
        while counters.storedSpans > limits.maxSpans || counters.retainedBytes > limits.maxRetainedBytes ?? .max,
              let oldest = arrivalOrder.popFirst() {
            guard let entry = traces.removeValue(forKey: oldest) else { continue }
            evicted.append(entry)
            counters.storedSpans -= entry.spans.count
            counters.retainedBytes -= entry.retainedBytes
            counters.evictedSpans += entry.spans.count
            forgetRow(of: entry.id)
            forgetCalls(of: entry)
            retryInference.forget(entry.id)
        }
    }

    /// An evicted call stops matching new ones, and a duplicate whose kept report left counts again.
    private mutating func forgetCalls(of entry: TraceEntry) {
        // Read through positions: iterating would copy every span and bind every call out of its box.
        for position in entry.spans.indices where entry.spans[position].role.isLLMCall {
            let packed = entry.spans[position].packed
            let key = SpanKey(trace: entry.id, span: packed.spanID)
            if !eventCallBySpan.isEmpty, let id = eventCallBySpan.removeValue(forKey: key) { eventCalls[id]?.span = nil }
            if duplicates.isIndexed(packed.origin), case .llm(let call) = entry.spans[position].role {
                duplicates.remove(key, call: call, span: packed)
            }
        }
        // Only spans marked as duplicates, or kept against one, are in it.
        guard !duplicatesOfKept.isEmpty else { return }
        for position in entry.spans.indices {
            let key = SpanKey(trace: entry.id, span: entry.spans[position].packed.spanID)
            if let primary = entry.spans[position].duplicateOf { duplicatesOfKept[primary]?.removeAll { $0 == key } }
            for duplicate in duplicatesOfKept.removeValue(forKey: key) ?? [] {
                guard let index = traces[duplicate.trace]?.position(of: duplicate.span) else { continue }
                traces[duplicate.trace]!.spans[index].duplicateOf = nil
                changedTraces.insert(duplicate.trace)
            }
        }
    }

    private mutating func forgetRow(of id: TraceID) {
        changedTraces.remove(id)
        runningIDs.remove(id)
        if let row = summaries.removeValue(forKey: id) { listings.remove(row) }
    }

    private mutating func replaceRow(_ row: TraceSummary) {
        if let old = summaries[row.traceID] {
            guard old != row else { return }
            listings.remove(old)
        }
        summaries[row.traceID] = row
        listings.insert(row)
    }

    /// Summarizes the traces that changed since the last snapshot, and ends the running state of those
    /// that timed out.
    private mutating func refreshRows(nowNanos: UInt64) {
        for id in changedTraces {
            guard let entry = traces[id] else { continue }
            let row = TraceSummarizer.summarize(entry, nowNanos: nowNanos, inFlightTimeoutNanos: limits.inFlightTimeoutNanos)
            replaceRow(row)
            if !row.inFlight {
                runningIDs.remove(id)
            } else if runningIDs.insert(id).inserted {
                runningByArrival.insert(RunningMark(lastArrivalNanos: entry.lastArrivalNanos, traceID: id))
            }
        }
        changedTraces.removeAll(keepingCapacity: true)
        while let oldest = runningByArrival.min, !isRecent(oldest.lastArrivalNanos, nowNanos: nowNanos) {
            runningByArrival.removeMin()
            guard runningIDs.contains(oldest.traceID), let entry = traces[oldest.traceID] else { continue }
            if entry.lastArrivalNanos != oldest.lastArrivalNanos {
                // Spans came since it was marked: it runs until the timeout after the latest.
                runningByArrival.insert(RunningMark(lastArrivalNanos: entry.lastArrivalNanos, traceID: oldest.traceID))
                continue
            }
            runningIDs.remove(oldest.traceID)
            if var row = summaries[oldest.traceID], row.inFlight {
                row.inFlight = false
                replaceRow(row)
            }
        }
    }

    private func isRecent(_ lastArrivalNanos: UInt64, nowNanos: UInt64) -> Bool {
        nowNanos < lastArrivalNanos || nowNanos - lastArrivalNanos < limits.inFlightTimeoutNanos
    }

    // MARK: Reading

    /// Everything, with every trace row, newest first (for reports, tests and a paused screen).
    public mutating func snapshot(nowNanos: UInt64) -> StoreSnapshot {
        snapshot(nowNanos: nowNanos, query: nil)
    }

    /// The figures of every pane, and the trace rows `query` asks for; every row when it is nil.
    public mutating func snapshot(nowNanos: UInt64, query: TraceQuery?) -> StoreSnapshot {
        refreshRows(nowNanos: nowNanos)
        var snapshot = StoreSnapshot(counters: counters, traces: [], spansPerSecond: spansPerSecond(atNanos: nowNanos),
                                     takenAtNanos: nowNanos, version: version, burn: burnSummary(nowNanos: nowNanos),
                                     models: modelSummaries(nowNanos: nowNanos), quality: qualitySummary(nowNanos: nowNanos),
                                     windows: windowSettings)
        snapshot.sessions = sessions.byRecency
        if let query {
            snapshot.window = window(for: query)
        } else {
            var rows: [TraceSummary] = []
            rows.reserveCapacity(listings.all.count)
            listings.all.ranks.forEach { rows.append(summaries[$0.traceID]!) }
            snapshot.traces = rows
        }
        return snapshot
    }

    private mutating func window(for query: TraceQuery) -> TraceWindow {
        let listing = listings.listing(sort: query.sort, filter: query.filter, rows: summaries.values)
        let count = listing.count
        // Reversed, row `i` of the screen's list is position `count - 1 - i` of the listing.
        func position(ofRow row: Int) -> Int { query.reversed ? count - 1 - row : row }
        let selectedIndex = query.selected.flatMap { summaries[$0] }.flatMap { listing.position(of: $0) }.map(position(ofRow:))
        let anchor = selectedIndex ?? min(max(0, query.anchorIndex), max(0, count - 1))
        let around = max(0, query.rowsAround)
        let shown = max(0, anchor - around)..<min(count, anchor + around + 1)
        let positions = query.reversed ? (count - shown.upperBound)..<(count - shown.lowerBound) : shown
        let keys = listing.ranks.keys(in: positions)
        let lastPosition = position(ofRow: count - 1)
        return TraceWindow(query: query, count: count, running: listing.running, offset: shown.lowerBound,
                           rows: (query.reversed ? keys.reversed() : keys).map { summaries[$0.traceID]! },
                           last: count == 0 ? nil : listing.ranks.keys(in: lastPosition..<(lastPosition + 1)).first.map { summaries[$0.traceID]! },
                           selectedIndex: selectedIndex, openSummary: query.openTrace.flatMap { summaries[$0] },
                           totalTraces: listings.all.count, totalRunning: listings.all.running)
    }

    public func spansPerSecond(atNanos nowNanos: UInt64) -> Double { rate.perSecond(atNanos: nowNanos) }

    public func trace(_ id: TraceID) -> TraceEntry? { traces[id] }

    /// Moves the recent latency windows to `nowNanos` and caches their percentiles, so that snapshots
    /// read them without scanning histograms that did not change.
    public mutating func advance(nowNanos: UInt64) {
        latencies.advance(toNanos: nowNanos)
    }

    private mutating func evaluateAlerts(nowNanos: UInt64) {
        let counts = qualityCounts(nowNanos: nowNanos)
        var rates: [String: (rate: Double, calls: Int)] = [:]
        if counts.responses > 0 { rates["truncation"] = (Double(counts.truncated) / Double(counts.responses), counts.responses) }
        if counts.calls > 0 {
            rates["retries"] = (Double(counts.retried) / Double(counts.calls), counts.calls)
            rates["errors"] = (Double(counts.errors) / Double(counts.calls), counts.calls)
        }
        alerts.evaluate(rates, nowNanos: nowNanos, clearWhenTooFewCalls: windowSettings.quality != nil)
    }

    /// With a quality window, the alerts follow the window as it slides, also when nothing arrives.
    public mutating func refreshWindowedAlerts(nowNanos: UInt64) {
        guard windowSettings.quality != nil else { return }
        evaluateAlerts(nowNanos: nowNanos)
    }

    /// Calls, responses, truncations, retries and errors over the quality window, or since start.
    private func qualityCounts(nowNanos: UInt64) -> UsageWindows.Usage {
        if let window = windowSettings.quality { return windows.usage(window: window, nowNanos: nowNanos) }
        var counts = UsageWindows.Usage()
        for entry in ledger.entries.values {
            counts.calls += entry.calls
            counts.responses += entry.responses
            counts.truncated += entry.truncated
            counts.retried += entry.retried
            counts.errors += entry.errors
        }
        return counts
    }

    /// User feedback histograms from metrics, then each evaluation name, most used first.
    private func feedbackSources() -> [QualitySummary.FeedbackSource] {
        var sources: [QualitySummary.FeedbackSource] = []
        let fromMetrics = MetricsFill.userFeedback(metrics)
        if fromMetrics.count > 0 { sources.append(.init(name: "user feedback", feedback: fromMetrics)) }
        sources += feedback.byName.sorted { ($0.value.count, $1.key) > ($1.value.count, $0.key) }
            .map { .init(name: $0.key, feedback: $0.value) }
        return sources
    }

    /// The burn figures the header shows, without taking a whole snapshot.
    public func burn(nowNanos: UInt64) -> BurnSummary { burnSummary(nowNanos: nowNanos) }

    private func burnSummary(nowNanos: UInt64) -> BurnSummary {
        var burn = BurnSummary(windows, settings: windowSettings, nowNanos: nowNanos)
        let day = localDay(atNanos: nowNanos)
        burn.spentTodayUSD = spendByDay[day] ?? 0
        // What is left of the day at the last hour's pace.
        let secondsIntoDay = (Int64(nowNanos / 1_000_000_000) + Int64(utcOffsetSeconds)) - day * 86_400
        let hourlyPace = windows.rates(window: .oneHour, nowNanos: nowNanos).dollarsPerHour
        burn.projectedTodayUSD = burn.spentTodayUSD + hourlyPace * Double(86_400 - secondsIntoDay) / 3600
        burn.hourlyPaceUSD = hourlyPace
        return burn
    }

    private func modelSummaries(nowNanos: UInt64) -> [ModelSummary] {
        ledger.entries.values
            .sorted { ($0.costUSD, $0.calls, $1.model) > ($1.costUSD, $1.calls, $0.model) }
            .map { entry in
                let key = entry.model == "(none)" ? "" : entry.model
                var totals = entry
                (totals.latency, totals.timeToFirstToken) = latencies.recent(model: entry.model, atNanos: nowNanos)
                return ModelSummary(
                    totals: totals,
                    minute: windows.rates(model: key, window: windowSettings.burn, nowNanos: nowNanos),
                    dollarsPerHour: windows.rates(model: key, window: windowSettings.cost, nowNanos: nowNanos).dollarsPerHour,
                    sparkline: windows.tokenSeries(model: key, points: ModelSummary.sparklinePoints,
                                                   step: ModelSummary.sparklineStepSeconds, nowNanos: nowNanos))
            }
    }

    private func qualitySummary(nowNanos: UInt64) -> QualitySummary {
        var quality = QualitySummary()
        let counts = qualityCounts(nowNanos: nowNanos)
        quality.calls = counts.calls
        quality.responses = counts.responses
        quality.truncated = counts.truncated
        quality.retried = counts.retried
        quality.errors = counts.errors
        quality.window = windowSettings.quality
        quality.alerts = alerts.active
        quality.truncationThreshold = alerts.threshold("truncation") ?? quality.truncationThreshold
        quality.retryThreshold = alerts.threshold("retries") ?? quality.retryThreshold
        quality.errorThreshold = alerts.threshold("errors")
        (quality.latency, quality.timeToFirstToken) = latencies.recent(atNanos: nowNanos)
        quality.latencySinceStart = latencies.overall.duration.percentiles
        quality.timeToFirstTokenSinceStart = latencies.overall.timeToFirstToken.percentiles
        quality.feedback = feedbackSources()
        return quality
    }
}

extension LatencyBook.Key {
    /// The histograms a call's latencies go to.
    init(_ call: LLMCall) {
        self.init(provider: call.provider, model: ModelLedger.name(of: call), operation: call.operation)
    }
}

extension UsageWindows.Usage {
    /// One call's quality counts, as `ModelLedger.record` counts them.
    static func quality(of record: CallRecord) -> Self {
        var usage = Self()
        usage.responses = record.call.finishReasons.isEmpty ? 0 : 1
        usage.truncated = record.call.isTruncated ? 1 : 0
        usage.retried = record.retried ? 1 : 0
        usage.errors = record.isError ? 1 : 0
        return usage
    }
}

extension StoredSpan {
    mutating func attach(_ log: Normalizer.LogReading) {
        appendLogEvent(log.record)
        if let result = log.evaluation { modifyRare { $0.evaluations.append(result) } }
        // Streaming calls of some instrumentations carry their finish reason only in the choice event.
        if case .llm(var call) = role, call.rawFinishReasons.isEmpty, let reason = log.choiceFinishReason {
            call.rawFinishReasons = [reason.raw]
            call.finishReasons = [reason.normalized]
            role = .llm(call)
        }
    }
}

/// A running trace and when its last span arrived, for `TraceStore`'s timeout check.
struct RunningMark: Comparable, Sendable {
    var lastArrivalNanos: UInt64
    var traceID: TraceID

    static func < (a: RunningMark, b: RunningMark) -> Bool {
        (a.lastArrivalNanos, a.traceID) < (b.lastArrivalNanos, b.traceID)
    }
}
