import Foundation

/// OTLP/JSON is the proto3 JSON mapping with one exception swift-protobuf cannot know about:
/// trace and span ids are hex strings instead of base64. This rewrites exactly those fields (in spans,
/// links, log records and exemplars) to base64, leaving every other field as the sender wrote it.
enum OTLPJSON {
    /// Parses a JSON body that must be an object.
    static func parseObject(_ body: Data) throws(DecodeError) -> [String: Any] {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            throw .malformed("invalid JSON" + (detail.map { ": \($0)" } ?? ""))
        }
        guard let object = value as? [String: Any] else {
            throw .malformed("invalid OTLP/JSON: the top level is not a JSON object")
        }
        return object
    }

    /// The signal of an `Export*ServiceRequest` object, from its top-level key.
    static func signal(of object: [String: Any]) -> Signal? {
        for signal in Signal.allCases where signal.requestShape.children.contains(where: { $0.keys.contains { object[$0] != nil } }) {
            return signal
        }
        return nil
    }

    /// Proto3 JSON (ids in base64) for swift-protobuf's decoder.
    static func protoJSON(from object: [String: Any], signal: Signal) throws(DecodeError) -> Data {
        var object = object
        try rewriteIDs(in: &object, shape: signal.requestShape, path: "")
        do {
            return try JSONSerialization.data(withJSONObject: object)
        } catch {
            throw .malformed("invalid OTLP/JSON: \(error)")
        }
    }

    /// OTLP/JSON (ids in hex) from proto3 JSON as swift-protobuf writes it.
    static func otlpJSON(fromProtoJSON body: Data, signal: Signal) throws(DecodeError) -> Data {
        var object = try parseObject(body)
        try rewriteIDs(in: &object, shape: signal.requestShape, path: "", toHex: true)
        do {
            return try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        } catch {
            throw .malformed("cannot write OTLP/JSON: \(error)")
        }
    }

    private static func rewriteIDs(in object: inout [String: Any], shape: ObjectShape, path: String,
                                   toHex: Bool = false) throws(DecodeError) {
        for field in shape.ids {
            guard let key = field.keys.first(where: { object[$0] != nil }) else { continue }
            object[key] = toHex ? hex(fromBase64: object[key]!)
                                : try base64(fromHex: object[key]!, byteCount: field.byteCount, path: path + key)
        }
        for child in shape.children {
            guard let key = child.keys.first(where: { object[$0] != nil }) else { continue }
            let childPath = path + key
            if child.isList {
                if object[key] is NSNull { continue }
                guard var elements = object[key] as? [Any] else {
                    throw .malformed("\(childPath): expected a list, found \(jsonType(object[key]!))")
                }
                for index in elements.indices {
                    guard var element = elements[index] as? [String: Any] else {
                        throw .malformed("\(childPath)[\(index)]: expected an object, found \(jsonType(elements[index]))")
                    }
                    try rewriteIDs(in: &element, shape: child.shape, path: "\(childPath)[\(index)].", toHex: toHex)
                    elements[index] = element
                }
                object[key] = elements
            } else if var element = object[key] as? [String: Any] {
                try rewriteIDs(in: &element, shape: child.shape, path: childPath + ".", toHex: toHex)
                object[key] = element
            } else if !(object[key] is NSNull) {
                throw .malformed("\(childPath): expected an object, found \(jsonType(object[key]!))")
            }
        }
    }

    /// The JSON type of a parsed value, for error messages.
    static func jsonType(_ value: Any) -> String {
        switch value {
        case is String: "a string"
        case is [Any]: "a list"
        case is [String: Any]: "an object"
        case is NSNull: "null"
        case is NSNumber: "a number or boolean"
        default: "\(type(of: value))"
        }
    }

    private static func base64(fromHex value: Any, byteCount: Int, path: String) throws(DecodeError) -> Any {
        if value is NSNull { return value }
        guard let hex = value as? String else {
            throw .malformed("\(path): expected a hex string, found \(type(of: value))")
        }
        guard let bytes = bytes(fromHex: hex) else {
            let shown = hex.count > 40 ? hex.prefix(40) + "…" : hex[...]
            throw .malformed("\(path): \"\(shown)\" is not \(2 * byteCount) hex digits")
        }
        // A well-formed id of the wrong length reaches the record conversion, which rejects just that record.
        return Data(bytes).base64EncodedString()
    }

    private static func hex(fromBase64 value: Any) -> Any {
        guard let text = value as? String, let bytes = Data(base64Encoded: text) else { return value }
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func bytes(fromHex hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

// MARK: - Where the ids are

/// The part of a request's JSON tree that leads to id fields.
struct ObjectShape: Sendable {
    struct IDField: Sendable {
        let keys: [String]
        let byteCount: Int

        static func id(_ name: String, bytes: Int) -> IDField { IDField(keys: fieldKeys(name), byteCount: bytes) }
    }

    struct Child: Sendable {
        let keys: [String]
        let isList: Bool
        let shape: ObjectShape

        static func list(_ name: String, _ shape: ObjectShape) -> Child { Child(keys: fieldKeys(name), isList: true, shape: shape) }
        static func object(_ name: String, _ shape: ObjectShape) -> Child { Child(keys: fieldKeys(name), isList: false, shape: shape) }
    }

    var ids: [IDField] = []
    var children: [Child] = []

    /// The lowerCamelCase JSON name and the original proto field name; receivers accept both.
    fileprivate static func fieldKeys(_ camelCase: String) -> [String] {
        var snake = ""
        for character in camelCase {
            if character.isUppercase { snake += "_" + character.lowercased() } else { snake.append(character) }
        }
        return snake == camelCase ? [camelCase] : [camelCase, snake]
    }
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
