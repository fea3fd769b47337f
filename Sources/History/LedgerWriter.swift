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
    public static let defaultCapacity = 50_000
    /// What a waiting change takes in memory at most: the change, and the queue's room to grow.
    public static let bytesPerQueuedChange = MemoryLayout<LedgerChange>.stride * 2

    /// The capacity that keeps the queue within `bytes` (never below 1,000 changes, nor above the default).
    public static func capacity(withinBytes bytes: Int) -> Int {
        min(defaultCapacity, max(1_000, bytes / bytesPerQueuedChange))
    }
    /// How long a counted call waits before it is written while the writer keeps up: what a kill -9
    /// loses then.
    public static let flushInterval: TimeInterval = 0.2
    /// Changes written in one transaction at most.
    static let batchLimit = 20_000
    static let pruneInterval: TimeInterval = 3600

    private struct State {
        var queue = Deque<LedgerChange>()
        /// Changes the writer took from the queue and has not written yet (they still count against
        /// the capacity).
        var inWriter = 0
        var status: HistoryStatus
        var stopping = false

        var waiting: Int { queue.count + inWriter }
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
    #if os(Linux)
    /// The writer's thread while it runs, for `stop` to raise it.
    private let runningThread = Mutex<pthread_t?>(nil)
    #endif

    public init(ledger: CallLedger, retentionDays: Int?, capacity: Int = LedgerWriter.defaultCapacity) {
        self.ledger = ledger
        self.capacity = capacity
        self.retentionDays = retentionDays
        state = Mutex(State(status: HistoryStatus(path: ledger.path, mode: .writing)))
    }

    public var status: HistoryStatus { state.withLock { $0.status } }

    public var hasRoom: Bool { state.withLock { $0.waiting < capacity && !$0.stopping } }

    public func enqueue(_ changes: [LedgerChange]) { enqueue(changes, skipped: 0) }

    public func enqueue(_ changes: [LedgerChange], skipped: Int) {
        let accepted = state.withLock { state -> Bool in
            state.status.unwritten += skipped
            guard !state.stopping else {
                state.status.unwritten += changes.count
                return false
            }
            let room = max(0, capacity - state.waiting)
            if room >= changes.count {
                state.queue.append(contentsOf: changes)
            } else {
                state.queue.append(contentsOf: changes.prefix(room))
                state.status.unwritten += changes.count - room
            }
            state.status.pending = state.waiting
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
        let started = thread != nil
        state.withLock { state in
            state.stopping = true
            // Never started: nothing will write what waits.
            if !started {
                state.status.unwritten += state.queue.count
                state.queue = Deque()
                state.status.pending = state.waiting
            }
        }
        guard started else { return }
        raiseWriter()
        wake.signal()
        finished.lock()
        let deadline = Date().addingTimeInterval(timeout)
        while !isFinished && finished.wait(until: deadline) {}
        finished.unlock()
    }

    /// The writer's niceness: when ingest and the writer want the same cores, ingest wins, and a
    /// writer that falls behind says so (`unwritten`) instead of slowing the receivers down.
    static let niceness: Int32 = 19
    /// Linux's SCHED_IDLE (not exported to Swift by Glibc).
    static let idlePolicy: Int32 = 5

    /// SCHED_IDLE: the writer runs only on a core nothing else wants, and gives it up at once when a
    /// receiver wakes (SCHED_BATCH at nice 19 cost a flood 6-8 % of its rate; see BENCHMARKS.md). On
    /// Linux scheduling is a thread's own: pid 0 is this thread alone.
    private static func scheduleIdle() {
        #if os(Linux)
        var parameter = sched_param(sched_priority: 0)
        if sched_setscheduler(0, idlePolicy, &parameter) != 0 {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, niceness)
        }
        #endif
    }

    /// From the stopping thread: an idle writer on a machine whose cores other processes keep busy
    /// would never get one, and `stop` would wait out its timeout with nothing written.
    private func raiseWriter() {
        #if os(Linux)
        runningThread.withLock { thread in
            // Held while raising: the writer cannot clear it, so cannot exit, meanwhile.
            guard let thread else { return }
            var parameter = sched_param(sched_priority: 0)
            _ = pthread_setschedparam(thread, SCHED_OTHER, &parameter)
        }
        #endif
    }

    /// Once stopping, what waits is written at once, whatever else still runs.
    private static func scheduleNormally() {
        #if os(Linux)
        var parameter = sched_param(sched_priority: 0)
        _ = sched_setscheduler(0, SCHED_OTHER, &parameter)
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 0)
        #endif
    }

    private func run() {
        #if os(Linux)
        runningThread.withLock { $0 = pthread_self() }
        #endif
        Self.scheduleIdle()
        var lastPrune = Date.distantPast
        // Taken from the queue in one swap, so the receive path never waits while changes are copied
        // or freed; written from here a transaction at a time.
        var backlog = Deque<LedgerChange>()
        while true {
            if let retentionDays, Date().timeIntervalSince(lastPrune) > Self.pruneInterval {
                lastPrune = Date()
                prune(keepingDays: retentionDays)
            }
            let (taken, stopping) = state.withLock { state in
                let taken = state.queue
                state.queue = Deque()
                state.inWriter += taken.count
                return (taken, state.stopping)
            }
            backlog.append(contentsOf: taken)
            var failing = false
            while !backlog.isEmpty {
                let batch = Array(backlog.prefix(Self.batchLimit))
                do {
                    let written = try ledger.write(batch)
                    backlog.removeFirst(batch.count)
                    publish(done: batch.count) { status in
                        status.writtenCalls += written.calls
                        status.writtenTools += written.tools
                        status.problem = nil
                    }
                } catch {
                    failing = true
                    publish(done: 0) { $0.problem = "cannot write \(ledger.path): \(Self.describe(error))" }
                    break
                }
            }
            if stopping {
                Self.scheduleNormally()
                if failing {
                    // Nothing more will come to write it: what waits is lost, and said so.
                    let lost = backlog.count
                    backlog = Deque()
                    publish(done: lost) { $0.unwritten += lost }
                }
                if state.withLock({ $0.queue.isEmpty }) { break }
                continue
            }
            wake.lock()
            _ = wake.wait(until: Date().addingTimeInterval(failing ? 1 : Self.flushInterval))
            wake.unlock()
        }
        #if os(Linux)
        runningThread.withLock { $0 = nil }
        #endif
        finished.lock()
        isFinished = true
        finished.broadcast()
        finished.unlock()
    }

    /// `done` changes left the writer (written, or lost); then the status takes `change`.
    private func publish(done: Int, _ change: (inout HistoryStatus) -> Void) {
        let status = state.withLock { state in
            state.inWriter -= done
            change(&state.status)
            state.status.pending = state.waiting
            return state.status
        }
        onStatus(status)
    }

    private func prune(keepingDays days: Int) {
        let cutoff = UInt64(max(0, Date().timeIntervalSince1970 - Double(days) * 86_400) * 1e9)
        do {
            try ledger.prune(before: cutoff)
        } catch {
            publish(done: 0) { $0.problem = "cannot prune \(ledger.path): \(Self.describe(error))" }
        }
    }

    /// SQLite's own message ("database or disk is full"), without the statement GRDB adds.
    static func describe(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}
