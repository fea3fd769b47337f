import Foundation
import Synchronization
import Telemetry

/// Receives every request the receivers accepted. Must not block: ingest never waits on an upstream.
public protocol RequestRelay: Sendable {
    func relay(_ request: OTLPRequest)
}

/// `--forward`: relays every accepted request to each upstream through a bounded queue of its own,
/// with retries and backoff on 429/502/503/504 and connection errors (honouring `Retry-After`).
/// A full queue drops the new request and counts it; nothing waits on a slow upstream.
public final class Forwarder: RequestRelay, Sendable {
    public struct Policy: Sendable {
        /// Bytes queued per upstream before new requests are dropped.
        public var queueBytes = 64 << 20
        /// Requests in flight per upstream.
        public var concurrency = 4
        public var maxAttempts = 8
        public var firstBackoff = Duration.milliseconds(250)
        public var maxBackoff = Duration.seconds(30)
        public var requestTimeout = Duration.seconds(10)
        public init() {}
    }

    private let upstreams: [Upstream]

    public init(destinations: [ForwardDestination], policy: Policy = Policy()) {
        upstreams = destinations.map { destination in
            let (target, headers) = (destination.target, destination.headers)
            let sender = OTLPExporters.exporter(to: target, headers: headers, timeout: policy.requestTimeout)
            return Upstream(target: target, sender: sender, policy: policy)
        }
    }

    public func relay(_ request: OTLPRequest) {
        for upstream in upstreams { upstream.enqueue(request) }
    }

    public var stats: [UpstreamCounters] { upstreams.map(\.stats) }

    /// Waits up to `drainTimeout` for queued requests to go out, then stops.
    public func shutdown(drainTimeout: Duration = .seconds(5)) async {
        await withDiscardingTaskGroup { group in
            for upstream in upstreams { group.addTask { await upstream.shutdown(drainTimeout: drainTimeout) } }
        }
    }
}

/// One upstream: its queue, its workers and its counters.
final class Upstream: Sendable {
    private struct State {
        var queue: [OTLPRequest] = []
        var head = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var closing = false
        var stats: UpstreamCounters

        var pending: Int { queue.count - head }

        mutating func pop() -> OTLPRequest? {
            guard head < queue.count else { return nil }
            let item = queue[head]
            head += 1
            if head > 1024 && head * 2 > queue.count {
                queue.removeFirst(head)
                head = 0
            }
            stats.queuedRequests -= 1
            stats.queuedBytes -= item.body.count
            stats.inFlightRequests += 1
            return item
        }
    }

    private let sender: any OTLPExporter
    private let policy: Forwarder.Policy
    private let state: Mutex<State>
    private let workers: Mutex<[Task<Void, Never>]> = Mutex([])

    init(target: OTLPEndpoint, sender: any OTLPExporter, policy: Forwarder.Policy) {
        self.sender = sender
        self.policy = policy
        state = Mutex(State(stats: UpstreamCounters(target: target.description)))
        let tasks = (0..<max(1, policy.concurrency)).map { _ in Task { [self] in await work() } }
        workers.withLock { $0 = tasks }
    }

    var stats: UpstreamCounters { state.withLock { $0.stats } }

    func enqueue(_ request: OTLPRequest) {
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.closing, state.stats.queuedBytes + request.body.count <= policy.queueBytes else {
                state.stats.droppedRequests += 1
                return nil
            }
            state.queue.append(request)
            state.stats.queuedRequests += 1
            state.stats.queuedBytes += request.body.count
            return state.waiters.isEmpty ? nil : state.waiters.removeFirst()
        }
        waiter?.resume()
    }

    private func next() async -> OTLPRequest? {
        while true {
            let taken: OTLPRequest?? = state.withLock { state in
                if state.closing { return .some(nil) }
                if let item = state.pop() { return .some(item) }
                return nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let ready = state.withLock { state in
                    if state.pending > 0 || state.closing { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    private func work() async {
        while let request = await next() {
            await deliver(request)
        }
    }

    private func deliver(_ request: OTLPRequest) async {
        var attempt = 1
        var backoff = policy.firstBackoff
        while true {
            switch await sender.send(request) {
            case .delivered:
                state.withLock { $0.stats.sentRequests += 1; $0.stats.inFlightRequests -= 1 }
                return
            case .failed(let reason):
                state.withLock { $0.stats.failedRequests += 1; $0.stats.inFlightRequests -= 1; $0.stats.lastError = reason }
                return
            case .retry(let after, let reason):
                let stopping = state.withLock { $0.closing }
                guard attempt < policy.maxAttempts, !stopping else {
                    state.withLock { state in
                        state.stats.failedRequests += 1
                        state.stats.inFlightRequests -= 1
                        // Stopping cancels the attempt; the error worth keeping is the one before.
                        if !stopping || state.stats.lastError == nil { state.stats.lastError = reason }
                    }
                    return
                }
                state.withLock { $0.stats.retries += 1; $0.stats.lastError = reason }
                let wait = min(after ?? backoff, policy.maxBackoff)
                try? await Task.sleep(for: wait)
                backoff = min(backoff * 2, policy.maxBackoff)
                attempt += 1
            }
        }
    }

    func shutdown(drainTimeout: Duration) async {
        let deadline = ContinuousClock.now + drainTimeout
        while ContinuousClock.now < deadline,
              state.withLock({ $0.pending > 0 || $0.stats.inFlightRequests > 0 }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
        let waiters = state.withLock { state in
            state.closing = true
            // Still queued when tokentop stops: never sent, so counted as dropped.
            state.stats.droppedRequests += state.pending
            state.stats.queuedRequests = 0
            state.stats.queuedBytes = 0
            state.queue = []
            state.head = 0
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
        for task in workers.withLock({ $0 }) { task.cancel() }
        for task in workers.withLock({ $0 }) { await task.value }
        await sender.close()
    }
}
