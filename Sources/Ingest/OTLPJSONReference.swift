import Foundation

/// The tree way of reading OTLP/JSON: parse with `JSONSerialization`, rewrite the ids in the tree,
/// serialize again for swift-protobuf. Several times slower than `JSONIDRewriter` and kept only as
/// the reference it must agree with, for tests, fuzzing and benchmarks.
enum OTLPJSONTree {
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
        Signal.allCases.first { signal in
            signal.requestShape.children.contains { child in child.keys.contains { object[$0] != nil } }
        }
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

    private static func rewriteIDs(in object: inout [String: Any], shape: ObjectShape, path: String) throws(DecodeError) {
        for field in shape.ids {
            guard let key = field.keys.first(where: { object[$0] != nil }) else { continue }
            object[key] = try base64(fromHex: object[key]!, byteCount: field.byteCount, path: path + key)
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
                    try rewriteIDs(in: &element, shape: child.shape, path: "\(childPath)[\(index)].")
                    elements[index] = element
                }
                object[key] = elements
            } else if var element = object[key] as? [String: Any] {
                try rewriteIDs(in: &element, shape: child.shape, path: childPath + ".")
                object[key] = element
            } else if !(object[key] is NSNull) {
                throw .malformed("\(childPath): expected an object, found \(jsonType(object[key]!))")
            }
        }
    }

    private static func jsonType(_ value: Any) -> String {
        switch value {
        case is String: "a string"
        case is [Any]: "a list"
        case is [String: Any]: "an object"
        case is NSNull: "null"
        default: "a number or boolean"
        }
    }

    private static func base64(fromHex value: Any, byteCount: Int, path: String) throws(DecodeError) -> Any {
        if value is NSNull { return value }
        guard let hex = value as? String else {
            throw .malformed("\(path): expected a hex string, found \(jsonType(value))")
        }
        var bytes: [UInt8] = []
        let digits = Array(hex.utf8)
        var index = 0
        while digits.count.isMultiple(of: 2) && index < digits.count,
              let high = hexValue(digits[index]), let low = hexValue(digits[index + 1]) {
            bytes.append(high << 4 | low)
            index += 2
        }
        guard digits.count.isMultiple(of: 2) && index == digits.count else {
            throw .malformed("\(path): \"\(hex.prefix(40))\" is not \(2 * byteCount) hex digits")
        }
        return Data(bytes).base64EncodedString()
    }
}

extension ObjectShape.IDField {
    var keys: [String] { names.map { String(decoding: $0, as: UTF8.self) } }
}

extension ObjectShape.Child {
    var keys: [String] { names.map { String(decoding: $0, as: UTF8.self) } }
}
