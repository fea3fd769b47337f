import Semantics
import Telemetry
import PackedSpans

/// Where a stored span lives.
public struct SpanKey: Hashable, Sendable {
    public var trace: TraceID
    public var span: SpanID

    public init(trace: TraceID, span: SpanID) {
        self.trace = trace
        self.span = span
    }
}

/// Finds LLM calls reported twice: by two instrumentations at once (e.g. an SDK's built-in tracing plus
/// an instrumentation library, two unrelated spans) so that each call is counted once.
///
/// Only reports from the same service (one process, so one resource) by different instrumentation
/// scopes are compared. Two calls are the same when they share provider and `gen_ai.response.id`;
/// calls without a response id are the same when they have the same model and token counts and start
/// within `startToleranceNanos` of each other.
///
/// Most processes report their calls through one instrumentation, and then no call can be a duplicate:
/// a service's calls are indexed only once a second scope of it reports one (`indexing(of:)` says
/// when, and the store then indexes the calls of that service it keeps), which spares the index's time
/// and memory for every other service.
struct DuplicateCallIndex: Sendable {
    static let startToleranceNanos: UInt64 = 5_000_000
    /// Services followed while they have one scope; past this many, every service is indexed.
    static let maxFollowedServices = 4_096

    enum Indexing: Equatable {
        /// One scope of the service has reported calls so far: register nothing.
        case off
        case on
        /// Register this call after the stored calls that `needsIndexing` names.
        case startsNow
    }

    /// The only scope that has reported calls, for each service not indexed yet.
    private var soleScope: [String: String] = [:]
    /// Services whose calls are indexed (until `indexesEverything`, then frozen).
    private var indexedServices = Set<String>()
    /// Set once more services came than are followed one by one.
    private var indexesEverything = false
    /// Services whose stored calls the store is to index now (after `.startsNow`).
    private var startingServices: Set<String>?
    /// The last origin asked about and the answer (a batch's spans share their origin).
    private var lastOrigin: (origin: Origin, indexed: Bool)?

    /// Whether the calls of `origin`'s service are indexed, noting its scope as one that reports calls.
    mutating func indexing(of origin: Origin) -> Indexing {
        if let last = lastOrigin, last.origin === origin { return last.indexed ? .on : .off }
        let service = origin.serviceName
        var answer = Indexing.on
        if !indexesEverything, !indexedServices.contains(service) {
            switch soleScope[service] {
            case origin.scopeName?:
                answer = .off
            case nil where soleScope.count + indexedServices.count < Self.maxFollowedServices:
                soleScope[service] = origin.scopeName
                answer = .off
            case nil:
                // Too many to follow: every service followed so far starts now, and all later ones.
                indexesEverything = true
                startingServices = Set(soleScope.keys)
                soleScope = [:]
                answer = .startsNow
            default:
                soleScope[service] = nil
                indexedServices.insert(service)
                startingServices = [service]
                answer = .startsNow
            }
        }
        lastOrigin = (origin, answer != .off)
        return answer
    }

    /// After `.startsNow`: whether a stored call of this service is to be registered now.
    func needsIndexing(_ origin: Origin) -> Bool {
        startingServices?.contains(origin.serviceName) ?? false
    }

    /// Ends the indexing started by `.startsNow`.
    mutating func finishStarting() { startingServices = nil }

    /// Whether calls of this origin's service are indexed (for forgetting evicted ones).
    func isIndexed(_ origin: Origin) -> Bool {
        if indexesEverything { return true }
        if let last = lastOrigin, last.origin === origin { return last.indexed }
        return indexedServices.contains(origin.serviceName)
    }

    private struct Registered: Sendable {
        var key: SpanKey
        var startNanos: UInt64
        /// Resource and scope of the report (shared by every span of its request).
        var origin: Origin

        /// Another instrumentation in the same process.
        func isOtherInstrumentation(than other: Registered) -> Bool {
            key != other.key && origin.serviceName == other.origin.serviceName
                && origin.scopeName != other.origin.scopeName
        }
    }

    /// The reports filed under one key: almost always one, kept inline so that filing allocates nothing.
    private struct Reports: Sendable {
        var first: Registered
        var more: [Registered] = []

        func first(where matches: (Registered) -> Bool) -> Registered? {
            matches(first) ? first : more.first(where: matches)
        }

        /// False when nothing is left.
        mutating func remove(_ key: SpanKey) -> Bool {
            if first.key == key {
                guard !more.isEmpty else { return false }
                first = more.removeFirst()
            } else {
                more.removeAll { $0.key == key }
            }
            return true
        }
    }

    private struct Shape: Hashable, Sendable {
        var provider: String
        var model: String
        var input: Int64
        var output: Int64
        var bucket: UInt64
    }

    /// A provider's response id. Its hash is computed once: the dictionary rehashes keys as it grows and
    /// compares them on every probe, and comparing hashes first spares comparing the text.
    private struct ResponseKey: Hashable, Sendable {
        let hash: Int
        let provider: String
        let responseID: String

        init(provider: String, responseID: String) {
            var hasher = Hasher()
            hasher.combine(provider)
            hasher.combine(responseID)
            hash = hasher.finalize()
            self.provider = provider
            self.responseID = responseID
        }

        static func == (a: Self, b: Self) -> Bool {
            a.hash == b.hash && a.responseID == b.responseID && a.provider == b.provider
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hash) }
    }

    private var byResponseID: [ResponseKey: Reports] = [:]
    private var byShape: [Shape: Reports] = [:]

    /// Registers a call of an indexed service and returns the earlier span it duplicates, if any.
    mutating func register(_ key: SpanKey, call: LLMCall, span: PackedSpan) -> SpanKey? {
        let entry = Registered(key: key, startNanos: span.startNanos, origin: span.origin)
        if let responseKey = Self.responseKey(call) {
            return Self.file(entry, under: responseKey, in: &byResponseID) {
                $0.isOtherInstrumentation(than: entry)
            }
        }
        guard call.hasUsage else { return nil }
        let shape = Self.shape(call, startNanos: span.startNanos)
        func isSameCall(_ other: Registered) -> Bool {
            other.isOtherInstrumentation(than: entry)
                && max(other.startNanos, entry.startNanos) - min(other.startNanos, entry.startNanos)
                    <= Self.startToleranceNanos
        }
        func neighbour(_ bucket: UInt64) -> SpanKey? {
            var neighbour = shape
            neighbour.bucket = bucket
            return byShape[neighbour]?.first(where: isSameCall)?.key
        }
        let before = neighbour(shape.bucket &- 1)
        let inOwnBucket = Self.file(entry, under: shape, in: &byShape, matching: isSameCall)
        return before ?? inOwnBucket ?? neighbour(shape.bucket &+ 1)
    }

    /// Files `entry` under `key` with one lookup, and returns the first report already there that matches.
    private static func file<Key: Hashable>(_ entry: Registered, under key: Key, in index: inout [Key: Reports],
                                            matching matches: (Registered) -> Bool) -> SpanKey? {
        var match: SpanKey?
        switch index.index(forKey: key) {
        case .some(let position):
            match = index.values[position].first(where: matches)?.key
            index.values[position].more.append(entry)
        case .none:
            index[key] = Reports(first: entry)
        }
        return match
    }

    /// Forgets an evicted call.
    mutating func remove(_ key: SpanKey, call: LLMCall, span: PackedSpan) {
        guard isIndexed(span.origin) else { return }
        if let responseKey = Self.responseKey(call) {
            if byResponseID[responseKey]?.remove(key) == false { byResponseID[responseKey] = nil }
        } else if call.hasUsage {
            let shape = Self.shape(call, startNanos: span.startNanos)
            if byShape[shape]?.remove(key) == false { byShape[shape] = nil }
        }
    }

    private static func responseKey(_ call: LLMCall) -> ResponseKey? {
        call.responseID.isEmpty ? nil : ResponseKey(provider: call.provider, responseID: call.responseID)
    }

    private static func shape(_ call: LLMCall, startNanos: UInt64) -> Shape {
        Shape(provider: call.provider, model: call.model, input: call.usage.input, output: call.usage.output,
              bucket: startNanos / startToleranceNanos)
    }

    /// Which of two reports of one call to keep: the one that says more.
    static func richness(of span: StoredSpan) -> Int {
        guard case .llm(let call) = span.role else { return 0 }
        let raw = span.raw
        return (call.hasUsage ? 10_000 : 0) + (call.finishReasons.isEmpty ? 0 : 1_000)
            + raw.events.count * 10 + span.logEvents.count * 10 + raw.attributes.count
    }
}
