/// Distinct keys kept in ascending order, in chunks of a few hundred, so that inserting or removing one
/// moves at most a chunk's worth of keys, and finding a key's position or the key at a position walks
/// the chunk list (a few hundred entries at 100,000 keys) instead of the keys.
struct SortedChunks<Key: Comparable & Sendable>: Sendable {
    private var chunks: [[Key]] = []
    private(set) var count = 0
    private static var maxChunk: Int { 512 }

    init() {}

    /// Keys already sorted ascending and distinct.
    init(sorted keys: [Key]) {
        let half = Self.maxChunk / 2
        var start = 0
        while start < keys.count {
            let end = min(keys.count, start + half)
            chunks.append(Array(keys[start..<end]))
            start = end
        }
        count = keys.count
    }

    var isEmpty: Bool { count == 0 }

    /// The first chunk whose last key is not below `key`, or the last chunk.
    private func chunkIndex(for key: Key) -> Int {
        var low = 0, high = chunks.count - 1
        while low < high {
            let middle = (low + high) / 2
            if chunks[middle].last! < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func position(of key: Key, in chunk: [Key]) -> Int {
        var low = 0, high = chunk.count
        while low < high {
            let middle = (low + high) / 2
            if chunk[middle] < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Returns false when the key was already there.
    @discardableResult
    mutating func insert(_ key: Key) -> Bool {
        guard !chunks.isEmpty else {
            chunks = [[key]]
            count = 1
            return true
        }
        let index = chunkIndex(for: key)
        let position = Self.position(of: key, in: chunks[index])
        if position < chunks[index].count, chunks[index][position] == key { return false }
        chunks[index].insert(key, at: position)
        count += 1
        if chunks[index].count > Self.maxChunk {
            let upper = Array(chunks[index][(Self.maxChunk / 2)...])
            chunks[index].removeLast(upper.count)
            chunks.insert(upper, at: index + 1)
        }
        return true
    }

    /// Returns false when the key was not there.
    @discardableResult
    mutating func remove(_ key: Key) -> Bool {
        guard !chunks.isEmpty else { return false }
        let index = chunkIndex(for: key)
        let position = Self.position(of: key, in: chunks[index])
        guard position < chunks[index].count, chunks[index][position] == key else { return false }
        chunks[index].remove(at: position)
        count -= 1
        if chunks[index].isEmpty { chunks.remove(at: index) }
        return true
    }

    /// How many keys are below `key`, when it is present.
    func rank(of key: Key) -> Int? {
        guard !chunks.isEmpty else { return nil }
        let index = chunkIndex(for: key)
        let position = Self.position(of: key, in: chunks[index])
        guard position < chunks[index].count, chunks[index][position] == key else { return nil }
        var before = 0
        for chunk in chunks[..<index] { before += chunk.count }
        return before + position
    }

    /// The keys at positions `range` (clamped to the keys there are), in order.
    func keys(in range: Range<Int>) -> [Key] {
        let lower = max(0, range.lowerBound), upper = min(count, range.upperBound)
        guard lower < upper else { return [] }
        var result: [Key] = []
        result.reserveCapacity(upper - lower)
        var start = 0
        for chunk in chunks {
            let end = start + chunk.count
            if end > lower, start < upper {
                result.append(contentsOf: chunk[(max(lower, start) - start)..<(min(upper, end) - start)])
            }
            if end >= upper { break }
            start = end
        }
        return result
    }

    /// Every key, in order.
    func forEach(_ body: (Key) -> Void) {
        for chunk in chunks { for key in chunk { body(key) } }
    }
}
