import Synchronization

/// A count shared with a callback.
public final class Tally: Sendable {
    private let count = Mutex(0)

    public init() {}

    /// Adds one and returns the new count.
    public func add() -> Int { count.withLock { $0 += 1; return $0 } }
}
