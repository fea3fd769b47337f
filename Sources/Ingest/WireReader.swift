/// Why protobuf bytes were refused; the same cases swift-protobuf's `BinaryDecodingError` tells apart.
enum WireError: Error {
    case truncated
    case malformed
    case invalidUTF8
    /// Messages (or groups) nest deeper than the message depth limit.
    case tooDeep
    /// An attribute value nests deeper than the value depth limit.
    case valueTooDeep(limit: Int)

    var description: String {
        switch self {
        case .truncated: "the message is truncated"
        case .malformed: "the bytes are not a valid protobuf encoding"
        case .invalidUTF8: "a string field is not valid UTF-8"
        case .tooDeep: "the message nests too deeply"
        case .valueTooDeep(let limit): ValueDepthLimit.refusal(limit: limit)
        }
    }
}

/// Protobuf wire types.
enum WireType {
    static let varint: UInt8 = 0
    static let fixed64: UInt8 = 1
    static let lengthDelimited: UInt8 = 2
    static let startGroup: UInt8 = 3
    static let endGroup: UInt8 = 4
    static let fixed32: UInt8 = 5
}

/// Reads one message's fields from `base[position..<end]`, refusing exactly what swift-protobuf's
/// `BinaryDecoder` refuses: bad tags, bad varints, lengths past the end, unbalanced groups.
struct WireReader {
    let base: UnsafeRawPointer
    var position: Int
    let end: Int

    init(base: UnsafeRawPointer, range: Range<Int>) {
        self.base = base
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }

    @inline(__always)
    private func byte(at offset: Int) -> UInt8 { base.load(fromByteOffset: offset, as: UInt8.self) }

    /// The next field's number and wire type (as `BinaryDecoder.nextFieldNumber`: at most 5 bytes,
    /// field 0, wire types 6 and 7 and an end-group outside a group are malformed).
    @inline(__always)
    mutating func tag() throws(WireError) -> (field: Int, wire: UInt8) {
        let c0 = byte(at: position)
        let wire = c0 & 7
        guard wire <= 5 else { throw .malformed }
        var field: Int
        if c0 < 0x80 {
            position += 1
            field = Int(c0) >> 3
        } else {
            field = Int(c0 & 0x7F) >> 3
            var shift = 4
            var index = 1
            while true {
                guard position + index < end else { throw .malformed }
                let c = byte(at: position + index)
                if index == 4 {
                    guard c <= 15 else { throw .malformed }
                    field |= Int(c) << shift
                    break
                }
                field |= Int(c & 0x7F) << shift
                if c < 0x80 { break }
                shift += 7
                index += 1
            }
            position += index + 1
        }
        guard field != 0, wire != WireType.endGroup else { throw .malformed }
        return (field, wire)
    }

    @inline(__always)
    mutating func varint() throws(WireError) -> UInt64 {
        guard position < end else { throw .truncated }
        var c = byte(at: position)
        position += 1
        if c < 0x80 { return UInt64(c) }
        var value = UInt64(c & 0x7F)
        var shift: UInt64 = 7
        while true {
            guard position < end, shift <= 63 else { throw .malformed }
            c = byte(at: position)
            position += 1
            value |= UInt64(c & 0x7F) &<< shift
            if c < 0x80 { return value }
            shift += 7
        }
    }

    @inline(__always)
    mutating func fixed64() throws(WireError) -> UInt64 {
        guard end - position >= 8 else { throw .truncated }
        let value = UInt64(littleEndian: base.loadUnaligned(fromByteOffset: position, as: UInt64.self))
        position += 8
        return value
    }

    /// The body of a length-delimited field.
    @inline(__always)
    mutating func lengthDelimited() throws(WireError) -> Range<Int> {
        let length = try varint()
        guard length < 0x7FFF_FFFF else { throw .malformed }
        guard length <= UInt64(end - position) else { throw .truncated }
        let start = position
        position += Int(length)
        return start..<position
    }

    /// Passes over a field that is not read (unknown, or known with another wire type), checking it
    /// as swift-protobuf does; a group costs one message level.
    mutating func skip(field: Int, wire: UInt8, level: Int, depthLimit: Int) throws(WireError) {
        switch wire {
        case WireType.varint:
            _ = try varint()
        case WireType.fixed64:
            guard end - position >= 8 else { throw .truncated }
            position += 8
        case WireType.lengthDelimited:
            let length = try varint()
            guard length <= UInt64(end - position) else { throw .truncated }
            position += Int(length)
        case WireType.startGroup:
            try skipGroup(field: field, level: level + 1, depthLimit: depthLimit)
        case WireType.fixed32:
            guard end - position >= 4 else { throw .truncated }
            position += 4
        default:
            throw .truncated
        }
    }

    private mutating func skipGroup(field: Int, level: Int, depthLimit: Int) throws(WireError) {
        guard level <= depthLimit else { throw .tooDeep }
        while true {
            guard position < end else { throw .truncated }
            let tag = try varint()
            guard tag < UInt64(UInt32.max) else { throw .malformed }
            let innerField = Int(tag >> 3), innerWire = UInt8(tag & 7)
            guard innerField != 0, innerWire <= 5 else { throw .malformed }
            if innerWire == WireType.endGroup {
                guard innerField == field else { throw .malformed }
                return
            }
            try skip(field: innerField, wire: innerWire, level: level, depthLimit: depthLimit)
        }
    }

    // MARK: Bytes and text

    func bytes(_ range: Range<Int>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: (base + range.lowerBound).assumingMemoryBound(to: UInt8.self), count: range.count)
    }

    /// A string field's text; invalid UTF-8 is refused as swift-protobuf refuses it.
    func string(_ range: Range<Int>) throws(WireError) -> String {
        if range.isEmpty { return "" }
        try validateUTF8(range)
        // Valid by now, so decoding repairs nothing; it is the fast, specialised way to make a String.
        return String(decoding: bytes(range), as: UTF8.self)
    }

    /// Checks a string field: ASCII a word at a time, anything else scalar by scalar.
    func validateUTF8(_ range: Range<Int>) throws(WireError) {
        var offset = range.lowerBound
        while offset + 8 <= range.upperBound {
            guard base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 else { break }
            offset += 8
        }
        while offset < range.upperBound, base.load(fromByteOffset: offset, as: UInt8.self) < 0x80 { offset += 1 }
        if offset == range.upperBound { return }
        let text = bytes(range)
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = text.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .error: throw .invalidUTF8
            case .emptyInput: return
            }
        }
    }
}

/// Gives equal strings one shared storage, so the keys, names and short values repeated across
/// thousands of stored spans are kept once. A direct-mapped cache: bounded, and a slot is simply
/// replaced on a miss, so a stream of one-off strings cannot grow it.
struct StringInterner: Sendable {
    static let slotCount = 4096
    /// Shorter strings are stored inline in `String` itself; longer ones are rarely repeated.
    static let internedLengths = 16...96

    private var slots: [String] = []
    private var hashes: [UInt64] = []

    mutating func string(_ reader: WireReader, _ range: Range<Int>) throws(WireError) -> String {
        guard Self.internedLengths.contains(range.count) else { return try reader.string(range) }
        if slots.isEmpty {
            slots = Array(repeating: "", count: Self.slotCount)
            hashes = Array(repeating: 0, count: Self.slotCount)
        }
        let text = reader.bytes(range)
        let hash = Self.hash(text)
        let slot = Int(truncatingIfNeeded: hash) & (Self.slotCount - 1)
        if hashes[slot] == hash {
            let known = slots[slot]
            let equal = known.utf8.withContiguousStorageIfAvailable { Self.equal($0, text) } ?? false
            if equal { return known }
        }
        let fresh = try reader.string(range)
        slots[slot] = fresh
        hashes[slot] = hash
        return fresh
    }

    private static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        let x = UnsafeRawBufferPointer(a), y = UnsafeRawBufferPointer(b)
        var offset = 0
        while offset + 8 <= x.count {
            guard x.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == y.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            else { return false }
            offset += 8
        }
        while offset < x.count {
            guard x[offset] == y[offset] else { return false }
            offset += 1
        }
        return true
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        let raw = UnsafeRawBufferPointer(bytes)
        var offset = 0
        while offset + 8 <= raw.count {
            hash = (hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            offset += 8
        }
        while offset < raw.count {
            hash = (hash ^ UInt64(raw[offset])) &* 0x0000_0100_0000_01B3
            offset += 1
        }
        return hash ^ (hash >> 29)
    }
}
