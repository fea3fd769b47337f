import Telemetry
/// An attribute key (or event name) the code looks up, with its number in every `SymbolTable` fixed by
/// `KeyCatalog`, so that looking it up in a packed span compares numbers, not text.
public struct AttributeKey: Sendable {
    public let name: String
    /// Its catalog number, or `uncataloged`.
    package let symbol: UInt32
    static let uncataloged = UInt32.max - 1

    public init(_ name: String) {
        self.name = name
        symbol = KeyCatalog.ids[name] ?? Self.uncataloged
        assert(symbol != Self.uncataloged, "\(name) is looked up by the code: add it to KeyCatalog")
    }

    private init(name: String, symbol: UInt32) {
        self.name = name
        self.symbol = symbol
    }

    /// A key looked up as one missing from the catalog is (by its number in each span's table).
    package static func uncataloged(_ name: String) -> AttributeKey {
        AttributeKey(name: name, symbol: uncataloged)
    }
}

extension PackedSpan {
    /// Reads the span in place: its attributes indexed by key number, nothing unpacked until asked for.
    package func withFacts<T>(_ body: (PackedSpanFacts) -> T) -> T {
        self.body.withBytes { bytes, shared in
            var reader = PackedReader(bytes: bytes, shared: shared, symbols: [])
            reader.skipValue()  // name
            reader.skipValue()  // status message
            for _ in 0..<3 { _ = reader.count() }  // dropped counts
            let count = reader.count()
            return withUnsafeTemporaryAllocation(of: PackedAttributes.Entry.self, capacity: count) { entries in
                var numbers: UInt64 = 0
                for index in 0..<count {
                    let keyOffset = reader.offset
                    let word = reader.varint()
                    var symbol = PackedAttributes.Entry.textKey
                    if word & 1 == 0 {
                        symbol = UInt32(truncatingIfNeeded: word >> 1)
                    } else {
                        reader.offset += Int(word >> 1)
                    }
                    numbers |= PackedAttributes.bit(symbol)
                    entries.initializeElement(at: index, to: .init(symbol: symbol, keyOffset: Int32(keyOffset),
                                                                    valueOffset: Int32(reader.offset)))
                    reader.skipValue()
                }
                defer { entries.deinitialize() }
                let attributes = PackedAttributes(bytes: bytes, shared: shared, symbols: self.body.header.symbols,
                                                  entries: UnsafeBufferPointer(rebasing: entries[0..<count]), numbers: numbers)
                return body(PackedSpanFacts(span: self, attributes: attributes, eventsOffset: reader.offset))
            }
        }
    }
}

/// A packed span's attributes, looked up in place (see `PackedSpan.withFacts`); valid only inside it.
package struct PackedAttributes {
    struct Entry {
        /// Keys written as text (past the symbol table's room, or very long) have this number.
        static let textKey = UInt32.max
        let symbol: UInt32
        let keyOffset: Int32
        let valueOffset: Int32
    }

    let bytes: UnsafeBufferPointer<UInt8>
    let shared: UnsafeBufferPointer<String>
    let symbols: SymbolTable
    let entries: UnsafeBufferPointer<Entry>
    /// Bit `symbol % 63` set for each key number present, bit 63 for keys written as text: most
    /// lookups of absent keys answer without scanning.
    let numbers: UInt64

    static func bit(_ symbol: UInt32) -> UInt64 { symbol == Entry.textKey ? 1 << 63 : 1 << UInt64(symbol % 63) }

    package subscript(key: AttributeKey) -> AttributeValue? {
        entry(for: key).map(value(at:))
    }

    /// The string the value of `key` holds alone (a string, or an array of exactly one string), read
    /// without building the array: nil when the key is absent, `.some(nil)` for any other value.
    package func soleString(_ key: AttributeKey) -> String?? {
        guard let entry = entry(for: key) else { return nil }
        var reader = PackedReader(bytes: bytes, shared: shared, symbols: [])
        reader.offset = Int(entry.valueOffset)
        if bytes[reader.offset] == PackedTag.array.rawValue {
            reader.offset += 1
            guard reader.count() == 1 else { return .some(nil) }
        }
        let tag = bytes[reader.offset]
        guard tag == PackedTag.string.rawValue || tag == PackedTag.sharedString.rawValue else { return .some(nil) }
        return .some(reader.text())
    }

    /// The last entry with this key.
    private func entry(for key: AttributeKey) -> Entry? {
        var symbol = key.symbol
        if symbol == AttributeKey.uncataloged {
            // Not in the catalog: its number in this span's table, if it has one.
            symbol = symbols.existingID(of: key.name) ?? Entry.textKey
        }
        if symbol != Entry.textKey, numbers & Self.bit(symbol) != 0 {
            for entry in entries.reversed() where entry.symbol == symbol { return entry }
        }
        // A key is written as text when it is too long for the table or the table is full.
        if numbers & Self.bit(Entry.textKey) != 0 {
            for entry in entries.reversed() where entry.symbol == Entry.textKey && keyText(entry) == key.name {
                return entry
            }
        }
        return nil
    }

    package func forEach(_ body: (String, AttributeValue) -> Void) {
        let names = entries.contains { $0.symbol != Entry.textKey } ? symbols.names : []
        for entry in entries {
            body(entry.symbol == Entry.textKey ? keyText(entry) : names[Int(entry.symbol)], value(at: entry))
        }
    }

    private func value(at entry: Entry) -> AttributeValue {
        // Keys inside a map value are numbered too: only then is the table's list needed.
        let nested = bytes[Int(entry.valueOffset)] == PackedTag.array.rawValue || bytes[Int(entry.valueOffset)] == PackedTag.map.rawValue
        var reader = PackedReader(bytes: bytes, shared: shared, symbols: nested ? symbols.names : [])
        reader.offset = Int(entry.valueOffset)
        return reader.value()
    }

    private func keyText(_ entry: Entry) -> String {
        var reader = PackedReader(bytes: bytes, shared: shared, symbols: [])
        reader.offset = Int(entry.keyOffset)
        return reader.key()
    }
}

/// A packed span as normalizing reads it (see `PackedSpan.withFacts`); valid only inside it.
package struct PackedSpanFacts {
    let span: PackedSpan
    package let attributes: PackedAttributes
    /// Where the events begin in the packed bytes.
    let eventsOffset: Int

    package var name: String {
        var reader = PackedReader(bytes: attributes.bytes, shared: attributes.shared, symbols: [])
        return reader.text()
    }
    package var startNanos: UInt64 { span.startNanos }
    package var statusCode: StatusCode { span.statusCode }

    package func earliestEvent(named names: [AttributeKey]) -> UInt64? {
        var earliest: UInt64?
        forEachEvent { time, isNamed, _ in
            if names.contains(where: isNamed) { earliest = min(earliest ?? time, time) }
        }
        return earliest
    }

    /// The events carrying this name, with their attributes unpacked.
    package func events(named key: AttributeKey) -> [SpanEvent] {
        var found: [SpanEvent] = []
        forEachEvent { time, isNamed, attributesOffset in
            guard isNamed(key) else { return }
            var reader = PackedReader(bytes: attributes.bytes, shared: attributes.shared, symbols: attributes.symbols.names)
            reader.offset = attributesOffset
            found.append(SpanEvent(timeNanos: time, name: key.name, attributes: reader.attributes()))
        }
        return found
    }

    /// Each event's time, a test of its name (by number, or by text for a name written as text), and
    /// where its attributes begin.
    private func forEachEvent(_ body: (UInt64, (AttributeKey) -> Bool, Int) -> Void) {
        var reader = PackedReader(bytes: attributes.bytes, shared: attributes.shared, symbols: [])
        reader.offset = eventsOffset
        for _ in 0..<reader.count() {
            let time = reader.fixed64()
            let nameOffset = reader.offset
            let word = reader.varint()
            if word & 1 == 1 { reader.offset += Int(word >> 1) }
            let isNamed = { (key: AttributeKey) -> Bool in
                if word & 1 == 0 {
                    let symbol = UInt32(truncatingIfNeeded: word >> 1)
                    return key.symbol == AttributeKey.uncataloged
                        ? attributes.symbols.existingID(of: key.name) == symbol : symbol == key.symbol
                }
                var nameReader = PackedReader(bytes: attributes.bytes, shared: attributes.shared, symbols: [])
                nameReader.offset = nameOffset
                return nameReader.key() == key.name
            }
            body(time, isNamed, reader.offset)
            reader.skipAttributes()
        }
    }
}
