import Foundation

/// OTLP/JSON is the proto3 JSON mapping with one exception swift-protobuf cannot know about: trace
/// and span ids are hex strings instead of base64. These rewrite exactly those fields (in spans,
/// links, log records and exemplars), in one pass over the bytes, copying everything else as the
/// sender wrote it.
enum OTLPJSON {
    /// Proto3 JSON (ids in base64) for swift-protobuf's decoder, and the signal of the request: the
    /// one given, or (with none) the first whose top-level key is present, trying traces, metrics, logs.
    static func protoJSON(_ body: Data, signal: Signal?) throws(DecodeError) -> (json: Data, signal: Signal?) {
        let root = signal.map(\.requestShape) ?? ObjectShape.anyRequest
        let (json, seen) = try JSONIDRewriter.rewrite(body, root: root, mode: .hexToBase64)
        guard let signal else {
            return (json, Signal.allCases.indices.first { seen & (1 << $0) != 0 }.map { Signal.allCases[$0] })
        }
        return (json, signal)
    }

    /// OTLP/JSON (ids in hex) from proto3 JSON as swift-protobuf writes it.
    static func otlpJSON(fromProtoJSON body: Data, signal: Signal) throws(DecodeError) -> Data {
        try JSONIDRewriter.rewrite(body, root: signal.requestShape, mode: .base64ToHex).json
    }

    /// The same JSON on one line: whitespace outside strings dropped, nothing else changed.
    static func compact(_ body: Data) throws(DecodeError) -> Data {
        try JSONIDRewriter.rewrite(body, root: ObjectShape(), mode: .compact).json
    }
}

/// One pass over a JSON object's bytes that checks its structure, follows an `ObjectShape` down to
/// the id fields and rewrites just their strings. Strings, numbers and literals are only delimited
/// here; swift-protobuf checks them when it decodes. No recursion: nesting depth costs heap, not stack.
struct JSONIDRewriter {
    enum Mode {
        /// OTLP/JSON ids to base64; an id that is not hex refuses the body.
        case hexToBase64
        /// Base64 ids to hex; anything that is not base64 is left as written.
        case base64ToHex
        /// No ids rewritten; whitespace between tokens dropped.
        case compact
    }

    /// What the next value must be, from the key (or list) it belongs to.
    private enum Expectation {
        case anything
        case list(ObjectShape)
        case object(ObjectShape)
        case id(ObjectShape.IDField)
    }

    /// An open object or list. Inside the shape, `name` and `index` say where it is, for messages.
    private struct Container {
        var isObject: Bool
        /// An object's shape, or a list's elements' shape; nil outside the shape.
        var shape: ObjectShape?
        /// The key this container is the value of, when it has a shape.
        var name: [UInt8]?
        /// A list's current element.
        var index = 0
        /// Nothing read inside yet.
        var isFresh = true
    }

    private let bytes: UnsafeRawBufferPointer
    private let mode: Mode
    private var position = 0
    private var stack: [Container] = []
    private var output: [UInt8] = []
    /// Bytes before this have been copied to `output` (or dropped); untouched input is not copied at all.
    private var copiedUpTo = 0
    private var rewrote = false
    /// Which of the root shape's children appeared (bit per child).
    private var seenRootChildren: UInt32 = 0

    private init(bytes: UnsafeRawBufferPointer, mode: Mode) {
        self.bytes = bytes
        self.mode = mode
    }

    /// The rewritten body (the body itself when nothing needed rewriting) and the root children seen.
    static func rewrite(_ body: Data, root: ObjectShape, mode: Mode) throws(DecodeError) -> (json: Data, seen: UInt32) {
        let result = body.withUnsafeBytes { raw in
            Result { () throws(DecodeError) -> (Data?, UInt32) in
                var rewriter = JSONIDRewriter(bytes: raw, mode: mode)
                try rewriter.run(root: root)
                return (rewriter.rewrote ? Data(rewriter.output) : nil, rewriter.seenRootChildren)
            }
        }
        let (json, seen) = try result.get()
        return (json ?? body, seen)
    }

    // MARK: - The walk

    private mutating func run(root: ObjectShape) throws(DecodeError) {
        skipWhitespace()
        guard position < bytes.count else { throw .malformed("invalid JSON: the body is empty") }
        guard bytes[position] == UInt8(ascii: "{") else {
            if startsValue(bytes[position]) { throw .malformed("invalid OTLP/JSON: the top level is not a JSON object") }
            throw syntax("expected an object")
        }
        if mode == .compact {
            rewrote = true
            output.reserveCapacity(bytes.count)
        }
        try value(.object(root))
        while !stack.isEmpty {
            skipWhitespace()
            guard position < bytes.count else { throw syntax("the body ends inside \(stack.last!.isObject ? "an object" : "a list")") }
            let byte = bytes[position]
            let top = stack.count - 1
            let isObject = stack[top].isObject
            if byte == UInt8(ascii: isObject ? "}" : "]") {
                position += 1
                stack.removeLast()
                continue
            }
            if stack[top].isFresh {
                stack[top].isFresh = false
            } else if byte == UInt8(ascii: ",") {
                position += 1
                stack[top].index += 1
            } else {
                throw syntax(isObject ? "expected , or } after an object member" : "expected , or ] after a list element")
            }
            if isObject { try member() } else { try element() }
        }
        skipWhitespace()
        guard position == bytes.count else { throw syntax("more after the top-level object") }
        if rewrote { flush(upTo: bytes.count) }
    }

    /// One `"key": value` of the innermost object (opening it when the value is an object or list).
    private mutating func member() throws(DecodeError) {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw syntax("expected a key") }
        let key = try string()
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw syntax("expected : after a key") }
        position += 1
        var expected = Expectation.anything
        if let shape = stack[stack.count - 1].shape {
            expected = expectation(forKey: key, in: shape, atRoot: stack.count == 1)
        }
        try value(expected)
    }

    /// The next element of the innermost list.
    private mutating func element() throws(DecodeError) {
        let list = stack[stack.count - 1]
        guard let shape = list.shape else { return try value(.anything) }
        skipWhitespace()
        guard position < bytes.count, bytes[position] == UInt8(ascii: "{") else {
            guard position < bytes.count, startsValue(bytes[position]) else { throw syntax("expected a value") }
            throw .malformed("\(path())[\(list.index)]: expected an object, found \(foundType())")
        }
        try value(.object(shape))
    }

    /// A value where `expected` says what it must be. Objects and lists are only opened: their members
    /// are read by the loop in `run`, so nesting never recurses. Strings and scalars are passed over,
    /// or rewritten when they are ids.
    private mutating func value(_ expected: Expectation) throws(DecodeError) {
        skipWhitespace()
        guard position < bytes.count else { throw syntax("expected a value") }
        let byte = bytes[position]
        switch byte {
        case UInt8(ascii: "{"): try open(isObject: true, expected)
        case UInt8(ascii: "["): try open(isObject: false, expected)
        case UInt8(ascii: "\""):
            let start = position
            let text = try string()
            switch expected {
            case .anything: break
            case .list, .object: throw mismatch(expected, found: "a string")
            case .id(let field): try rewriteID(text, field: field, quotedFrom: start)
            }
        default:
            let start = position
            while position < bytes.count && !endsScalar(bytes[position]) { position += 1 }
            guard position > start else { throw syntax("unexpected \(shown(byte))") }
            let isNull = position - start == 4 && bytes[start] == UInt8(ascii: "n") && bytes[start + 1] == UInt8(ascii: "u")
                && bytes[start + 2] == UInt8(ascii: "l") && bytes[start + 3] == UInt8(ascii: "l")
            if case .anything = expected {} else if !isNull {
                throw mismatch(expected, found: "a number or boolean")
            }
        }
        pendingName = nil
    }

    /// Opens an object or list where `expected` allows it.
    private mutating func open(isObject: Bool, _ expected: Expectation) throws(DecodeError) {
        let shape: ObjectShape?
        switch (expected, isObject) {
        case (.anything, _): shape = nil
        case (.object(let objectShape), true), (.list(let objectShape), false): shape = objectShape
        default: throw mismatch(expected, found: isObject ? "an object" : "a list")
        }
        position += 1
        stack.append(Container(isObject: isObject, shape: shape, name: pendingName))
    }

    /// The shape key the value being opened belongs to (set by `expectation`, read by `value`).
    private var pendingName: [UInt8]?

    private mutating func expectation(forKey key: StringToken, in shape: ObjectShape, atRoot: Bool) -> Expectation {
        for field in shape.ids {
            if let name = field.names.first(where: { key.equals($0, in: bytes) }) {
                pendingName = name
                return .id(field)
            }
        }
        for (index, child) in shape.children.enumerated() {
            guard let name = child.names.first(where: { key.equals($0, in: bytes) }) else { continue }
            pendingName = name
            if atRoot { seenRootChildren |= 1 << UInt32(index) }
            return child.isList ? .list(child.shape) : .object(child.shape)
        }
        return .anything
    }

    // MARK: - Strings

    /// A string's contents (between its quotes) and whether it holds escapes.
    struct StringToken {
        var start: Int
        var end: Int
        var escaped: Bool

        func equals(_ name: [UInt8], in bytes: UnsafeRawBufferPointer) -> Bool {
            if escaped { return JSONIDRewriter.unescaped(bytes[start..<end]) == name }
            guard end - start == name.count else { return false }
            for index in name.indices where bytes[start + index] != name[index] { return false }
            return true
        }
    }

    /// Passes over a string starting at its opening quote.
    private mutating func string() throws(DecodeError) -> StringToken {
        let start = position + 1
        var index = start
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                position = index + 1
                return StringToken(start: start, end: index, escaped: escaped)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                index += 2
            } else {
                index += 1
            }
        }
        position = start - 1
        throw syntax("a string is not closed")
    }

    /// A string's contents with its escapes resolved (`\uXXXX` as UTF-8); a bad escape stays as written
    /// (swift-protobuf refuses it later).
    static func unescaped(_ raw: Slice<UnsafeRawBufferPointer>) -> [UInt8] {
        var out: [UInt8] = []
        var index = raw.startIndex
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.endIndex else { return nil }
            var value: UInt32 = 0
            for offset in 0..<4 {
                guard let digit = hexValue(raw[at + offset]) else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < raw.endIndex {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.endIndex else {
                out.append(byte)
                index += 1
                continue
            }
            let next = raw[index + 1]
            index += 2
            switch next {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(index) else { out.append(contentsOf: [UInt8(ascii: "\\"), next]); continue }
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 1 < raw.endIndex, raw[index] == UInt8(ascii: "\\"),
                   raw[index + 1] == UInt8(ascii: "u"), let low = hex4(index + 2), (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8))
            default: out.append(next)
            }
        }
        return out
    }

    // MARK: - Ids

    private mutating func rewriteID(_ text: StringToken, field: ObjectShape.IDField, quotedFrom quote: Int) throws(DecodeError) {
        let digits: [UInt8]? = text.escaped ? Self.unescaped(bytes[text.start..<text.end]) : nil
        switch mode {
        case .compact:
            return
        case .hexToBase64:
            let count = digits?.count ?? (text.end - text.start)
            func digit(_ index: Int) -> UInt8 { digits?[index] ?? bytes[text.start + index] }
            var decoded: [UInt8] = []
            decoded.reserveCapacity(count / 2)
            var valid = count.isMultiple(of: 2)
            var index = 0
            while valid && index < count {
                if let high = hexValue(digit(index)), let low = hexValue(digit(index + 1)) {
                    decoded.append(high << 4 | low)
                } else {
                    valid = false
                }
                index += 2
            }
            guard valid else {
                let written = String(decoding: digits ?? Array(bytes[text.start..<text.end]), as: UTF8.self)
                let shown = written.count > 40 ? written.prefix(40) + "…" : written[...]
                throw .malformed("\(path(key: pendingName)): \"\(shown)\" is not \(2 * field.byteCount) hex digits")
            }
            // A well-formed id of the wrong length reaches the record conversion, which rejects just that record.
            replace(from: quote + 1, to: text.end, with: Base64.encode(decoded))
        case .base64ToHex:
            guard let decoded = Base64.decode(digits ?? Array(bytes[text.start..<text.end])) else { return }
            replace(from: quote + 1, to: text.end, with: Self.hexDigits(decoded))
        }
    }

    private mutating func replace(from start: Int, to end: Int, with replacement: [UInt8]) {
        if !rewrote {
            rewrote = true
            output.reserveCapacity(bytes.count + bytes.count / 8)
        }
        flush(upTo: start)
        output.append(contentsOf: replacement)
        copiedUpTo = end
    }

    /// Copies input up to `end` into the output; in compact mode without the whitespace between tokens.
    private mutating func flush(upTo end: Int) {
        guard copiedUpTo < end else { return }
        if mode == .compact {
            var inString = false
            var index = copiedUpTo
            while index < end {
                let byte = bytes[index]
                if inString {
                    output.append(byte)
                    if byte == UInt8(ascii: "\\"), index + 1 < end {
                        output.append(bytes[index + 1])
                        index += 1
                    } else if byte == UInt8(ascii: "\"") {
                        inString = false
                    }
                } else if !Self.isWhitespace(byte) {
                    output.append(byte)
                    inString = byte == UInt8(ascii: "\"")
                }
                index += 1
            }
        } else {
            output.append(contentsOf: bytes[copiedUpTo..<end])
        }
        copiedUpTo = end
    }

    static func hexDigits(_ bytes: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return out
    }

    // MARK: - Small readers

    private mutating func skipWhitespace() {
        while position < bytes.count && Self.isWhitespace(bytes[position]) { position += 1 }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\t")
    }

    private func endsScalar(_ byte: UInt8) -> Bool {
        Self.isWhitespace(byte) || byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
            || byte == UInt8(ascii: ":") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[")
    }

    private func startsValue(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "[") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "-")
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "t") || byte == UInt8(ascii: "f") || byte == UInt8(ascii: "n")
    }

    // MARK: - Messages

    /// Where the innermost container is: `resourceSpans[0].scopeSpans[0].spans[3]`, then `.key` if given.
    /// An innermost list's index is left to the caller.
    private func path(key: [UInt8]? = nil) -> String {
        var text = ""
        for (depth, container) in stack.enumerated() {
            if let name = container.name {
                text += (text.isEmpty ? "" : ".") + String(decoding: name, as: UTF8.self)
            }
            if !container.isObject && container.shape != nil && depth < stack.count - 1 {
                text += "[\(container.index)]"
            }
        }
        guard let key else { return text }
        return (text.isEmpty ? "" : text + ".") + String(decoding: key, as: UTF8.self)
    }

    private func mismatch(_ expected: Expectation, found: String) -> DecodeError {
        let wanted = switch expected {
        case .list: "a list"
        case .object: "an object"
        case .id: "a hex string"
        case .anything: "a value"
        }
        return .malformed("\(path(key: pendingName)): expected \(wanted), found \(found)")
    }

    /// The JSON type of the value at `position`, for messages.
    private func foundType() -> String {
        switch bytes[position] {
        case UInt8(ascii: "["): "a list"
        case UInt8(ascii: "\""): "a string"
        case UInt8(ascii: "n"): "null"
        default: "a number or boolean"
        }
    }

    private func syntax(_ problem: String) -> DecodeError {
        .malformed("invalid JSON: \(problem) at byte \(position)")
    }

    private func shown(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : String(format: "byte 0x%02X", byte)
    }
}

func hexValue(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
    default: nil
    }
}

/// Standard base64 (RFC 4648, padded), as proto3 JSON writes bytes fields.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let count = min(3, bytes.count - index)
            let b0 = bytes[index], b1 = count > 1 ? bytes[index + 1] : 0, b2 = count > 2 ? bytes[index + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            out.append(count > 1 ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
            out.append(count > 2 ? alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return out
    }

    /// Standard or URL-safe base64, padded or not; nil if the text is not base64.
    static func decode(_ text: [UInt8]) -> [UInt8]? {
        var digits = text[...]
        while digits.last == UInt8(ascii: "=") { digits.removeLast() }
        guard text.count - digits.count <= 2, digits.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for digit in digits {
            guard let value = sextet(digit) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return out
    }

    private static func sextet(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): digit - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): digit - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"), UInt8(ascii: "-"): 62
        case UInt8(ascii: "/"), UInt8(ascii: "_"): 63
        default: nil
        }
    }
}

// MARK: - Where the ids are

/// The part of a request's JSON tree that leads to id fields.
struct ObjectShape: Sendable {
    struct IDField: Sendable {
        /// The lowerCamelCase JSON name and the proto field name (receivers accept both), as bytes.
        let names: [[UInt8]]
        let byteCount: Int

        static func id(_ name: String, bytes: Int) -> IDField { IDField(names: fieldNames(name), byteCount: bytes) }
    }

    struct Child: Sendable {
        let names: [[UInt8]]
        let isList: Bool
        let shape: ObjectShape

        static func list(_ name: String, _ shape: ObjectShape) -> Child { Child(names: fieldNames(name), isList: true, shape: shape) }
        static func object(_ name: String, _ shape: ObjectShape) -> Child { Child(names: fieldNames(name), isList: false, shape: shape) }
    }

    var ids: [IDField] = []
    var children: [Child] = []

    /// The lowerCamelCase JSON name and the original proto field name; receivers accept both.
    static func fieldKeys(_ camelCase: String) -> [String] {
        var snake = ""
        for character in camelCase {
            if character.isUppercase { snake += "_" + character.lowercased() } else { snake.append(character) }
        }
        return snake == camelCase ? [camelCase] : [camelCase, snake]
    }

    private static func fieldNames(_ camelCase: String) -> [[UInt8]] { fieldKeys(camelCase).map { Array($0.utf8) } }

    /// Any of the three requests (for a line whose signal is told by its top-level key), in
    /// `Signal.allCases` order.
    static let anyRequest = ObjectShape(children: Signal.allCases.flatMap { $0.requestShape.children })
}

extension Signal {
    var requestShape: ObjectShape {
        switch self {
        case .traces: Self.traceRequest
        case .metrics: Self.metricsRequest
        case .logs: Self.logsRequest
        }
    }

    private static let traceRequest = ObjectShape(children: [
        .list("resourceSpans", ObjectShape(children: [
            .list("scopeSpans", ObjectShape(children: [
                .list("spans", ObjectShape(
                    ids: [.id("traceId", bytes: 16), .id("spanId", bytes: 8), .id("parentSpanId", bytes: 8)],
                    children: [.list("links", ObjectShape(ids: [.id("traceId", bytes: 16), .id("spanId", bytes: 8)]))]
                )),
            ])),
        ])),
    ])

    private static let logsRequest = ObjectShape(children: [
        .list("resourceLogs", ObjectShape(children: [
            .list("scopeLogs", ObjectShape(children: [
                .list("logRecords", ObjectShape(ids: [.id("traceId", bytes: 16), .id("spanId", bytes: 8)])),
            ])),
        ])),
    ])

    private static let metricsRequest: ObjectShape = {
        let exemplars = ObjectShape.Child.list("exemplars", ObjectShape(ids: [.id("traceId", bytes: 16), .id("spanId", bytes: 8)]))
        let withPoints = ObjectShape(children: [.list("dataPoints", ObjectShape(children: [exemplars]))])
        return ObjectShape(children: [
            .list("resourceMetrics", ObjectShape(children: [
                .list("scopeMetrics", ObjectShape(children: [
                    .list("metrics", ObjectShape(children: ["gauge", "sum", "histogram", "exponentialHistogram"]
                        .map { ObjectShape.Child.object($0, withPoints) })),
                ])),
            ])),
        ])
    }()
}
