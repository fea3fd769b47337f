import Foundation
import Store
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// How much the store may keep under `--max-memory`, from the resident size measured as tokentop runs.
/// The store's share starts at the bound less the process's baseline; what the rest of the process
/// holds under load (requests in flight, decoded batches waiting for the store, the allocator's free
/// lists) varies with the load, so the share follows the resident size: past the bound less a
/// headroom the store sheds the excess at once; well under it, the share grows back a step at a
/// time, never past where it started nor below a quarter of it.
public struct ResidentBudget: Sendable, Equatable {
    public let boundBytes: Int
    /// The share at start, and the most it is given back.
    public let ceilingBytes: Int
    public let floorBytes: Int
    /// Room kept below the bound for what arrives between two checks.
    public let headroomBytes: Int

    public init(boundBytes: Int, ceilingBytes: Int) {
        self.boundBytes = boundBytes
        self.ceilingBytes = ceilingBytes
        floorBytes = ceilingBytes / 4
        headroomBytes = max(8 << 20, boundBytes / 16)
    }

    /// The store's share after a check that found `residentBytes`, with `retainedBytes` stored under
    /// a share of `currentBytes`.
    public func next(residentBytes: Int, retainedBytes: Int, currentBytes: Int) -> Int {
        let high = boundBytes - headroomBytes
        if residentBytes > high {
            return max(floorBytes, min(currentBytes, retainedBytes - (residentBytes - high)))
        }
        if residentBytes < high - 2 * headroomBytes {
            return min(ceilingBytes, currentBytes + headroomBytes / 2)
        }
        return currentBytes
    }
}

/// Keeps the process's resident size under `--max-memory`: checks it ten times a second on a thread
/// of its own (the receivers may keep every core busy) and moves the store's share (`ResidentBudget`).
final class ResidentBound: Sendable {
    private let budget: ResidentBudget
    private let store: LiveStore
    private let running = Atomic(true)
    private let stopped = DispatchSemaphore(value: 0)
    /// The store's share and the resident size at the last check, for the status line.
    private let state: Mutex<(share: Int, resident: Int?)>

    init(budget: ResidentBudget, store: LiveStore) {
        self.budget = budget
        self.store = store
        state = Mutex((budget.ceilingBytes, nil))
    }

    func start() {
        Allocator.mapLargeBlocks()
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                check()
                Thread.sleep(forTimeInterval: 0.1)
            }
            stopped.signal()
        }
        thread.name = "tokentop.memory"
        thread.start()
    }

    func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        stopped.wait()
    }

    var shareBytes: Int { state.withLock { $0.share } }
    /// At the last check.
    var residentBytes: Int? { state.withLock { $0.resident } }

    private func check() {
        guard let resident = Self.measuredResidentBytes() else { return }
        let current = shareBytes
        let next = budget.next(residentBytes: resident, retainedBytes: store.counters.retainedBytes, currentBytes: current)
        state.withLock { $0 = (next, resident) }
        guard next != current else { return }
        store.setRetainedBudget(next)
        // What the store let go is free in the allocator, not yet given back to the system.
        if next < current { Allocator.releaseFreePages() }
    }

    /// This process's resident size (`/proc/self/statm`), nil where there is none.
    static func measuredResidentBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

/// glibc's `malloc_trim` and `mallopt`, which Swift's Glibc module does not declare: found at run time.
enum Allocator {
    private typealias Trim = @convention(c) (Int) -> Int32
    private typealias Option = @convention(c) (Int32, Int32) -> Int32

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        dlopen(nil, RTLD_NOW).flatMap { dlsym($0, name) }
    }

    /// Gives the allocator's wholly free pages back to the system.
    static func releaseFreePages() {
        guard let trim = symbol("malloc_trim") else { return }
        _ = unsafeBitCast(trim, to: Trim.self)(0)
    }

    /// Blocks of 256 KB and more (request bodies, decoded batches' arrays) get pages of their own,
    /// given back to the system when freed. By default glibc raises this threshold each time such a
    /// block is freed, until they come from the heap and stay there: a flood of requests then left
    /// some 200 MB of free heap resident beside the store.
    static func mapLargeBlocks() {
        guard let mallopt = symbol("mallopt") else { return }
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD
        _ = unsafeBitCast(mallopt, to: Option.self)(mmapThreshold, 256 << 10)
    }
}
