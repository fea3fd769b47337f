import DequeModule
import Foundation
import GRDB
import Store
import Synchronization

/// Writes the store's ledger changes on a thread of its own, in batches, never on the receive path.
/// `enqueue` only appends to a bounded queue; past `capacity` waiting changes, what does not fit is
/// counted as unwritten (the header and the report say so) instead of slowing ingest down. A batch that
/// fails (a full disk) is tried again, and the problem shown, until it is written or the queue overflows.
public final class LedgerWriter: LedgerFeed, @unchecked Sendable {
    public static let defaultCapacity = 200_000
    /// The longest a counted call waits before it is written: what a kill -9 can lose at most.
    public static let flushInterval: TimeInterval = 0.2
    /// Changes written in one transaction at most.
    static let batchLimit = 20_000
    static let pruneInterval: TimeInterval = 3600

    private struct State {
        var queue = Deque<LedgerChange>()
        var status: HistoryStatus
        var stopping = false
    }

    private let ledger: CallLedger
    private let capacity: Int
    private let retentionDays: Int?
    private let state: Mutex<State>
    private let wake = NSCondition()
    private var onStatus: @Sendable (HistoryStatus) -> Void = { _ in }
    private var thread: Thread?
    private let finished = NSCondition()
    private var isFinished = false

    public init(ledger: CallLedger, retentionDays: Int?, capacity: Int = LedgerWriter.defaultCapacity) {
        self.ledger = ledger
        self.capacity = capacity
        self.retentionDays = retentionDays
        state = Mutex(State(status: HistoryStatus(path: ledger.path, mode: .writing)))
    }

    public var status: HistoryStatus { state.withLock { $0.status } }

    public func enqueue(_ changes: [LedgerChange]) {
        let accepted = state.withLock { state -> Bool in
            guard !state.stopping else {
                state.status.unwritten += changes.count
                return false
            }
            let room = capacity - state.queue.count
            if room >= changes.count {
                state.queue.append(contentsOf: changes)
            } else {
                state.queue.append(contentsOf: changes.prefix(max(0, room)))
                state.status.unwritten += changes.count - max(0, room)
            }
            state.status.pending = state.queue.count
            return true
        }
        if accepted && changes.count >= Self.batchLimit { wake.signal() }
    }

    /// `onStatus` is called from the writer's thread after each batch and each problem.
    public func start(onStatus: @escaping @Sendable (HistoryStatus) -> Void = { _ in }) {
        self.onStatus = onStatus
        let thread = Thread { [self] in run() }
        thread.name = "tokentop.history"
        self.thread = thread
        thread.start()
    }

    /// Writes what is queued and stops; waits at most `timeout` for the disk.
    public func stop(timeout: TimeInterval = 10) {
        state.withLock { $0.stopping = true }
        wake.signal()
        finished.lock()
        let deadline = Date().addingTimeInterval(timeout)
        while !isFinished && finished.wait(until: deadline) {}
        finished.unlock()
    }

    private func run() {
        var lastPrune = Date.distantPast
        var failing = false
        while true {
            if let retentionDays, Date().timeIntervalSince(lastPrune) > Self.pruneInterval {
                lastPrune = Date()
                prune(keepingDays: retentionDays)
            }
            let (batch, stopping) = state.withLock { state in
                (Array(state.queue.prefix(Self.batchLimit)), state.stopping)
            }
            if !batch.isEmpty {
                do {
                    let written = try ledger.write(batch)
                    failing = false
                    publish(removingFirst: batch.count) { status in
                        status.writtenCalls += written.calls
                        status.writtenTools += written.tools
                        status.problem = nil
                    }
                } catch {
                    failing = true
                    publish(removingFirst: 0) { $0.problem = "cannot write \(ledger.path): \(Self.describe(error))" }
                    if stopping {
                        // Nothing more will come to write it: what is queued is lost, and said so.
                        publish(removingFirst: Int.max) { $0.unwritten += $0.pending }
                        break
                    }
                }
            }
            let more = state.withLock { $0.queue.count >= Self.batchLimit }
            if stopping && (batch.isEmpty || state.withLock({ $0.queue.isEmpty })) { break }
            if more && !failing { continue }
            wake.lock()
            _ = wake.wait(until: Date().addingTimeInterval(failing ? 1 : Self.flushInterval))
            wake.unlock()
        }
        finished.lock()
        isFinished = true
        finished.broadcast()
        finished.unlock()
    }

    private func publish(removingFirst count: Int, _ change: (inout HistoryStatus) -> Void) {
        let status = state.withLock { state in
            state.queue.removeFirst(min(count, state.queue.count))
            change(&state.status)
            state.status.pending = state.queue.count
            return state.status
        }
        onStatus(status)
    }

    private func prune(keepingDays days: Int) {
        let cutoff = UInt64(max(0, Date().timeIntervalSince1970 - Double(days) * 86_400) * 1e9)
        do {
            try ledger.prune(before: cutoff)
        } catch {
            publish(removingFirst: 0) { $0.problem = "cannot prune \(ledger.path): \(Self.describe(error))" }
        }
    }

    /// SQLite's own message ("database or disk is full"), without the statement GRDB adds.
    static func describe(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}
