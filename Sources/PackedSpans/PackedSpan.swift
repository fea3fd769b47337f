#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import Telemetry

/// A span as the store keeps it: what every pane reads (ids, times, kind, status) inline, and the rest
/// (name, attributes, events, links, status message) packed into one byte buffer. Attribute keys and
/// event names are numbered in `SymbolTable`, and long values already packed before are shared
/// instead of copied, so a typical GenAI span keeps a few hundred bytes instead of an array of
/// `Attribute`s with a heap object per value. `unpacked()` gives the `RawSpan` back, equal to the one
/// packed.
// Unchecked: the body is a ManagedBuffer, which Swift never calls Sendable, but it is immutable once made.
public struct PackedSpan: @unchecked Sendable {
    public let traceID: TraceID
    public let spanID: SpanID
    public let parentSpanID: SpanID
    public let startNanos: UInt64
    public let endNanos: UInt64
    public let kind: SpanKind
    public let statusCode: StatusCode
    let body: PackedSpanBody

    public var origin: Origin { body.header.origin }
    /// The table its keys are numbered in.
    public var symbols: SymbolTable { body.header.symbols }
    /// Bytes the packed form takes on the heap beyond this struct (for `--max-memory`).
    public var bodyBytes: Int {
        MemoryLayout<PackedSpanBody.Header>.size + 16 + body.sharedCount * MemoryLayout<String>.stride + body.byteCount
    }

    public var name: String {
        body.withBytes { bytes, shared in
            var reader = PackedReader(bytes: bytes, shared: shared, symbols: [])
            return reader.text()
        }
    }

    public func unpacked() -> RawSpan {
        body.withBytes { bytes, shared in
            var reader = PackedReader(bytes: bytes, shared: shared, symbols: body.header.symbols.names)
            let name = reader.text()
            let statusMessage = reader.text()
            var span = RawSpan(traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, name: name, kind: kind,
                               startNanos: startNanos, endNanos: endNanos, statusCode: statusCode,
                               statusMessage: statusMessage, origin: body.header.origin)
            span.dropped = DroppedCounts(attributes: reader.count(), events: reader.count(), links: reader.count())
            span.attributes = reader.attributes()
            span.events = (0..<reader.count()).map { _ in
                let time = reader.fixed64()
                let name = reader.key()
                return SpanEvent(timeNanos: time, name: name, attributes: reader.attributes())
            }
            span.links = (0..<reader.count()).map { _ in
                let trace = TraceID(high: reader.fixed64(), low: reader.fixed64())
                let span = SpanID(reader.fixed64())
                return SpanLink(traceID: trace, spanID: span, attributes: reader.attributes())
            }
            return span
        }
    }
}

/// Attribute keys and event names, numbered so that packed spans refer to them by number: the
/// catalog's first (`KeyCatalog`, the same numbers in every table), then others as they are met. One
/// table serves all the spans a pool of packers makes, and each span keeps a reference to its table.
/// Only grows, and is bounded: past `capacity` names, or for a name longer than `maxNameBytes`, the
/// packer writes the text itself.
public final class SymbolTable: Sendable {
    static let capacity = 1 << 16
    static let maxNameBytes = 128

    private struct State {
        var ids = KeyCatalog.ids
        var names = KeyCatalog.names
    }
    private let state = Mutex(State())

    public init() {}

    /// The number of `name`, given one now if there is room.
    func id(of name: String) -> UInt32? {
        guard name.utf8.count <= Self.maxNameBytes else { return nil }
        return state.withLock { state in
            if let id = state.ids[name] { return id }
            guard state.names.count < Self.capacity else { return nil }
            let id = UInt32(state.names.count)
            state.ids[name] = id
            state.names.append(name)
            return id
        }
    }

    /// The number `name` has here, if it has one (no number is given).
    func existingID(of name: String) -> UInt32? {
        state.withLock { $0.ids[name] }
    }

    /// Every name so far, by number (a shared copy: later names do not change it).
    var names: [String] { state.withLock { $0.names } }
}

/// Packs spans. Keeps the symbol numbers it has used and the long values it has packed recently (to
/// share them), so keep one per thread of work; `SpanPackerPool` hands them out.
///
/// A span is packed either whole (`pack`) or part by part, in the packed order, by a decoder reading
/// the wire (`beginSpan`, then `text`, `count`, `key`, the values, `fixed64`, then `finishSpan`).
public struct SpanPacker: Sendable {
    private var caches: PackerCaches
    /// The span being packed; its buffers are kept from span to span, the body gets exact-size copies.
    private var writer = PackedWriter()

    /// - Parameter symbols: the table the keys are numbered in; packers whose spans meet in one store
    ///   share one (a `SpanPackerPool`'s), so that the keys are numbered once.
    public init(symbols: SymbolTable = SymbolTable()) {
        caches = PackerCaches(symbols: symbols, slots: true)
    }

    /// The table its keys are numbered in.
    public var symbols: SymbolTable { caches.symbolTable }

    private init(standingInFor symbols: SymbolTable) {
        caches = PackerCaches(symbols: symbols, slots: false)
    }

    /// A packer with this one's table and no caches, to hold its place while it is lent out and never
    /// to pack with: made without allocating (a packer's caches are some 90 KB).
    package func standIn() -> SpanPacker {
        SpanPacker(standingInFor: caches.symbolTable)
    }

    public mutating func pack(_ span: RawSpan) -> PackedSpan {
        beginSpan()
        caches.text(span.name, &writer)
        caches.text(span.statusMessage, &writer)
        writer.count(span.dropped.attributes)
        writer.count(span.dropped.events)
        writer.count(span.dropped.links)
        caches.attributes(span.attributes, &writer)
        writer.count(span.events.count)
        for event in span.events {
            writer.fixed64(event.timeNanos)
            caches.key(event.name, &writer)
            caches.attributes(event.attributes, &writer)
        }
        writer.count(span.links.count)
        for link in span.links {
            writer.fixed64(link.traceID.high)
            writer.fixed64(link.traceID.low)
            writer.fixed64(link.spanID.value)
            caches.attributes(link.attributes, &writer)
        }
        return finishSpan(traceID: span.traceID, spanID: span.spanID, parentSpanID: span.parentSpanID,
                          startNanos: span.startNanos, endNanos: span.endNanos, kind: span.kind,
                          statusCode: span.statusCode, origin: span.origin)
    }

    // MARK: Part by part, in the packed order: name, status message, the three dropped counts, the
    // attributes (count, then key and value each), the events (count, then time, name as a key and
    // attributes each), the links (count, then trace id high and low, span id and attributes each).

    public mutating func beginSpan() {
        caches.nextValueKept = false
        writer.bytes.removeAll(keepingCapacity: true)
        writer.shared.removeAll(keepingCapacity: true)
    }

    public mutating func finishSpan(traceID: TraceID, spanID: SpanID, parentSpanID: SpanID, startNanos: UInt64,
                                    endNanos: UInt64, kind: SpanKind, statusCode: StatusCode, origin: Origin) -> PackedSpan {
        let body = writer.shared.withUnsafeBufferPointer { shared in
            PackedSpanBody.make(writer.bytes, shared: shared, origin: origin, symbols: caches.symbolTable)
        }
        return PackedSpan(traceID: traceID, spanID: spanID, parentSpanID: parentSpanID, startNanos: startNanos,
                          endNanos: endNanos, kind: kind, statusCode: statusCode, body: body)
    }

    public mutating func count(_ count: Int) { writer.count(count) }
    public mutating func fixed64(_ value: UInt64) { writer.fixed64(value) }
    public mutating func key(_ name: String) { caches.key(name, &writer) }
    /// A key given as its UTF-8 bytes (valid UTF-8).
    public mutating func key(utf8 bytes: UnsafeBufferPointer<UInt8>) { caches.key(bytes, &writer) }
    /// Text (a name, a status message or a string value).
    public mutating func text(_ string: String) { caches.text(string, &writer) }
    /// Text given as its UTF-8 bytes (valid UTF-8).
    public mutating func text(utf8 bytes: UnsafeBufferPointer<UInt8>) { caches.text(bytes, &writer) }
    public mutating func value(_ value: AttributeValue) { caches.value(value, &writer) }
}

/// What a packer remembers from span to span: symbol numbers of keys, and long values to share.
private struct PackerCaches: Sendable {
    let symbolTable: SymbolTable
    /// Symbol numbers of the keys met lately, by `QuickHash`; a miss asks `symbolTable`.
    private var symbols: [(name: String, id: UInt32)?]
    private static let symbolSlots = 1024
    /// Recently packed values, by hash: a value found here is shared, not copied.
    private var recent: [String?]
    private static let recentSlots = 4096
    /// Values shorter than this are stored inline by Swift strings anyway; longer ones than the
    /// upper bound are rare and not worth hashing.
    private static let sharedLengths = 16...16_384
    /// The key just packed is one whose value normalized roles keep (`RoleKeys.keptByRoles`): a long
    /// value of it is kept as a string the role then shares, not as bytes the role would copy.
    var nextValueKept = false

    /// - Parameter slots: make the caches' slots; only a stand-in (`SpanPacker.standIn`), which never
    ///   packs, goes without.
    init(symbols: SymbolTable, slots: Bool) {
        symbolTable = symbols
        self.symbols = slots ? Array(repeating: nil, count: Self.symbolSlots) : []
        recent = slots ? Array(repeating: nil, count: Self.recentSlots) : []
    }

    /// An equal string packed lately; nil when there is none (`string` is remembered then).
    private mutating func remembered(_ string: String) -> String? {
        guard Self.sharedLengths.contains(string.utf8.count) else { return nil }
        let slot = Int(QuickHash.of(string) % UInt64(Self.recentSlots))
        if let earlier = recent[slot], earlier == string { return earlier }
        recent[slot] = string
        return nil
    }

    mutating func attributes(_ attributes: [Attribute], _ writer: inout PackedWriter) {
        writer.count(attributes.count)
        // Read in place: iterating would copy (and retain and release) every key and value.
        attributes.withUnsafeBufferPointer { attributes in
            for index in attributes.indices {
                key(attributes[index].key, &writer)
                value(attributes[index].value, &writer)
            }
        }
    }

    /// A key or event name: its symbol number times two, or its length times two plus one and the text.
    mutating func key(_ name: String, _ writer: inout PackedWriter) {
        let slot = Int(QuickHash.of(name) % UInt64(Self.symbolSlots))
        if let known = symbols[slot], known.name == name {
            symbol(known.id, &writer)
        } else if let id = symbolTable.id(of: name) {
            symbols[slot] = (name, id)
            symbol(id, &writer)
        } else {
            nextValueKept = false
            writer.varint(UInt64(name.utf8.count) << 1 | 1)
            writer.bytes.append(contentsOf: name.utf8)
        }
    }

    private mutating func symbol(_ id: UInt32, _ writer: inout PackedWriter) {
        nextValueKept = RoleKeys.keptByRoles.contains(id)
        writer.varint(UInt64(id) << 1)
    }

    mutating func key(_ bytes: UnsafeBufferPointer<UInt8>, _ writer: inout PackedWriter) {
        let slot = Int(QuickHash.of(bytes: bytes) % UInt64(Self.symbolSlots))
        if let known = symbols[slot], Self.equal(known.name, bytes) {
            symbol(known.id, &writer)
        } else {
            key(String(decoding: bytes, as: UTF8.self), &writer)
        }
    }

    /// Text either inline or shared with an earlier span (see `recent`).
    mutating func text(_ string: String, _ writer: inout PackedWriter) {
        let kept = nextValueKept
        nextValueKept = false
        if let earlier = remembered(string) {
            share(earlier, &writer)
        } else if kept && Self.sharedLengths.contains(string.utf8.count) {
            share(string, &writer)
        } else {
            writer.tag(.string)
            writer.count(string.utf8.count)
            writer.bytes.append(contentsOf: string.utf8)
        }
    }

    mutating func text(_ bytes: UnsafeBufferPointer<UInt8>, _ writer: inout PackedWriter) {
        let kept = nextValueKept
        nextValueKept = false
        if Self.sharedLengths.contains(bytes.count) {
            let slot = Int(QuickHash.of(bytes: bytes) % UInt64(Self.recentSlots))
            if let earlier = recent[slot], Self.equal(earlier, bytes) { return share(earlier, &writer) }
            let string = String(decoding: bytes, as: UTF8.self)
            recent[slot] = string
            if kept { return share(string, &writer) }
        }
        writer.tag(.string)
        writer.count(bytes.count)
        writer.bytes.append(contentsOf: bytes)
    }

    private func share(_ string: String, _ writer: inout PackedWriter) {
        writer.tag(.sharedString)
        writer.count(writer.shared.count)
        writer.shared.append(string)
    }

    private static func equal(_ string: String, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard string.utf8.count == bytes.count else { return false }
        return string.utf8.withContiguousStorageIfAvailable { Self.equal($0, bytes) } ?? string.utf8.elementsEqual(bytes)
    }

    /// Equal bytes, by the C library's `memcmp` (vectorized; long values are compared on every share).
    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let x = a.baseAddress, let y = b.baseAddress else { return true }
        return memcmp(x, y, a.count) == 0
    }

    mutating func value(_ value: AttributeValue, _ writer: inout PackedWriter) {
        if case .string(let string) = value { return text(string, &writer) }
        nextValueKept = false
        switch value {
        case .string(let string): text(string, &writer)
        case .bool(let flag): writer.tag(flag ? .true : .false)
        case .int(let number):
            writer.tag(.int)
            writer.varint(UInt64(bitPattern: (number << 1) ^ (number >> 63)))
        case .double(let number):
            writer.tag(.double)
            writer.fixed64(number.bitPattern)
        case .bytes(let bytes):
            writer.tag(.bytes)
            writer.count(bytes.count)
            writer.bytes.append(contentsOf: bytes)
        case .array(let items):
            writer.tag(.array)
            writer.count(items.count)
            for item in items { self.value(item, &writer) }
        case .map(let entries):
            writer.tag(.map)
            attributes(entries, &writer)
        case .empty: writer.tag(.empty)
        }
    }
}

/// A cheap hash of a string's length and of up to three 8-byte words of it, for the packer's caches,
/// which check every hit for equality anyway: it reads the same few bytes however long the text.
enum QuickHash {
    static func of(_ string: String) -> UInt64 {
        // Native strings are contiguous: read them in place rather than through a copy.
        if let hash = string.utf8.withContiguousStorageIfAvailable(of(bytes:)) { return hash }
        var copy = string
        return copy.withUTF8(of(bytes:))
    }

    static func of(bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let count = bytes.count
        var hash = UInt64(count) &* 0x9E37_79B9_7F4A_7C15
        let raw = UnsafeRawBufferPointer(bytes)
        func mix(_ offset: Int) {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
        }
        if count >= 8 {
            mix(0)
            if count >= 16 { mix(count / 2 - 4) }
            mix(count - 8)
        } else {
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        }
        return hash ^ (hash >> 29)
    }
}

/// Hands each thread of work a packer of its own, all numbering keys in one symbol table. Make one
/// per store (the app's session makes one for its receivers, sources and store).
public final class SpanPackerPool: Sendable {
    /// More idle packers than this are dropped (each holds a table of recent values).
    private static let maxIdle = 8
    private let idle = Mutex<[SpanPacker]>([])
    public let symbols: SymbolTable

    public init(symbols: SymbolTable = SymbolTable()) {
        self.symbols = symbols
    }

    public func withPacker<T>(_ body: (inout SpanPacker) -> T) -> T {
        var packer = idle.withLock { $0.popLast() } ?? SpanPacker(symbols: symbols)
        defer { idle.withLock { if $0.count < Self.maxIdle { $0.append(packer) } } }
        return body(&packer)
    }
}

enum PackedTag: UInt8 {
    case empty = 0, string, sharedString, `false`, `true`, int, double, bytes, array, map
}

/// The packed bytes and the strings they share, in one allocation: the strings first (in 8-byte
/// words, so they are aligned), then the bytes.
final class PackedSpanBody: ManagedBuffer<PackedSpanBody.Header, UInt64> {
    // Immutable once made, so it can be read from any thread.
    struct Header {
        let origin: Origin
        /// The table the keys are numbered in.
        let symbols: SymbolTable
        let sharedCount: Int32
        let byteCount: Int32
    }

    static func make(_ bytes: [UInt8], shared: UnsafeBufferPointer<String>, origin: Origin,
                     symbols: SymbolTable) -> PackedSpanBody {
        let stringBytes = shared.count * MemoryLayout<String>.stride
        let words = (stringBytes + bytes.count + 7) / 8
        let buffer = create(minimumCapacity: words) { _ in
            // Bodies are bounded far below 2 GiB by the ingest limits (256 values of 64 KiB at most).
            Header(origin: origin, symbols: symbols, sharedCount: Int32(shared.count), byteCount: Int32(bytes.count))
        }
        buffer.withUnsafeMutablePointerToElements { elements in
            let start = UnsafeMutableRawPointer(elements)
            if let strings = shared.baseAddress {
                start.initializeMemory(as: String.self, from: strings, count: shared.count)
            }
            bytes.withUnsafeBufferPointer { source in
                if let base = source.baseAddress {
                    (start + stringBytes).initializeMemory(as: UInt8.self, from: base, count: source.count)
                }
            }
        }
        return unsafeDowncast(buffer, to: PackedSpanBody.self)
    }

    deinit {
        _ = withUnsafeMutablePointers { header, elements in
            UnsafeMutableRawPointer(elements).assumingMemoryBound(to: String.self)
                .deinitialize(count: Int(header.pointee.sharedCount))
        }
    }

    var sharedCount: Int { Int(header.sharedCount) }
    var byteCount: Int { Int(header.byteCount) }

    func withBytes<T>(_ body: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<String>) -> T) -> T {
        withUnsafeMutablePointers { header, elements in
            let start = UnsafeRawPointer(elements)
            let count = Int(header.pointee.sharedCount)
            let strings = UnsafeBufferPointer(start: start.assumingMemoryBound(to: String.self), count: count)
            let bytes = UnsafeBufferPointer(start: (start + count * MemoryLayout<String>.stride)
                                                .assumingMemoryBound(to: UInt8.self),
                                            count: Int(header.pointee.byteCount))
            return body(bytes, strings)
        }
    }
}

struct PackedWriter {
    var bytes: [UInt8] = []
    var shared: [String] = []

    mutating func tag(_ tag: PackedTag) { bytes.append(tag.rawValue) }
    mutating func count(_ count: Int) { varint(UInt64(count)) }

    mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    mutating func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

/// Reads what `SpanPacker` wrote; the bytes are trusted (they were written by this process).
struct PackedReader {
    let bytes: UnsafeBufferPointer<UInt8>
    let shared: UnsafeBufferPointer<String>
    let symbols: [String]
    var offset = 0

    init(bytes: UnsafeBufferPointer<UInt8>, shared: UnsafeBufferPointer<String>, symbols: [String]) {
        self.bytes = bytes
        self.shared = shared
        self.symbols = symbols
    }

    mutating func byte() -> UInt8 {
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func varint() -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let next = byte()
            value |= UInt64(next & 0x7F) << shift
            if next < 0x80 { return value }
            shift += 7
        }
    }

    mutating func count() -> Int { Int(varint()) }

    mutating func fixed64() -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 64, by: 8) { value |= UInt64(byte()) << UInt64(shift) }
        return value
    }

    mutating func utf8(_ length: Int) -> String {
        defer { offset += length }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
    }

    mutating func key() -> String {
        let word = varint()
        return word & 1 == 0 ? symbols[Int(word >> 1)] : utf8(Int(word >> 1))
    }

    mutating func text() -> String {
        if case .string(let string) = value() { return string }
        return ""
    }

    mutating func attributes() -> [Attribute] {
        (0..<count()).map { _ in
            let key = key()
            return Attribute(key, value())
        }
    }

    mutating func value() -> AttributeValue {
        switch PackedTag(rawValue: byte()) ?? .empty {
        case .empty: return .empty
        case .string: return .string(utf8(count()))
        case .sharedString: return .string(shared[count()])
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .int:
            let word = varint()
            return .int(Int64(bitPattern: word >> 1) ^ -Int64(bitPattern: word & 1))
        case .double: return .double(Double(bitPattern: fixed64()))
        case .bytes:
            let length = count()
            defer { offset += length }
            return .bytes(Array(bytes[offset..<(offset + length)]))
        case .array: return .array((0..<count()).map { _ in value() })
        case .map: return .map(attributes())
        }
    }

    // MARK: Skipping (for readers that look up a few values instead of unpacking all)

    mutating func skipKey() {
        let word = varint()
        if word & 1 == 1 { offset += Int(word >> 1) }
    }

    mutating func skipValue() {
        switch PackedTag(rawValue: byte()) ?? .empty {
        case .empty, .false, .true: break
        case .string, .bytes: offset += count()
        case .sharedString, .int: _ = varint()
        case .double: offset += 8
        case .array: for _ in 0..<count() { skipValue() }
        case .map: skipAttributes()
        }
    }

    mutating func skipAttributes() {
        for _ in 0..<count() {
            skipKey()
            skipValue()
        }
    }
}
