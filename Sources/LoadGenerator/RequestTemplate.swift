import Foundation
import OTLPWire
import SwiftProtobuf
import Synthetic

/// An export request (traces or logs) encoded once, with the places of its ids, timestamps and
/// placeholders, so each request sent is a copy with those patched: unique ids per request at the
/// cost of a memcpy.
public struct RequestTemplate: Sendable {
    public enum Encoding: String, Sendable {
        case protobuf
        case json
    }

    public let encoding: Encoding
    public let bytes: [UInt8]
    /// Spans, or log records in a logs request.
    public let recordCount: Int
    /// Where each id, timestamp and placeholder starts; in JSON ids are hex and timestamps decimal.
    let traceIDs: [Int]
    let spanIDs: [Int]
    let timestamps: [Int]
    let placeholders: [Int]

    public init(request: LoadTraceRequest, encoding: Encoding) throws {
        try self.init(request, encoding: encoding, uniquePrefixes: [AgentTraces.responseIDPrefix]) { bytes, places in
            places.scanTraceRequest(bytes)
        }
    }

    public init(logs request: LoadLogsRequest, encoding: Encoding) throws {
        try self.init(request, encoding: encoding, uniquePrefixes: AgentLogs.uniquePrefixes) { bytes, places in
            places.scanLogsRequest(bytes)
        }
    }

    /// - Parameter uniquePrefixes: text followed by `AgentTraces.responseIDPlaceholder`, whose 16
    ///   digits are replaced per request.
    private init(_ request: some SwiftProtobuf.Message, encoding: Encoding, uniquePrefixes: [String],
                 scan: (_ bytes: [UInt8], _ places: inout ProtobufPlaces) -> Void) throws {
        self.encoding = encoding
        var scanned = ProtobufPlaces()
        scan(try request.serializedBytes(), &scanned)
        recordCount = scanned.recordCount
        switch encoding {
        case .protobuf:
            bytes = try request.serializedBytes()
            traceIDs = scanned.traceIDs
            spanIDs = scanned.spanIDs
            timestamps = scanned.timestamps
        case .json:
            var options = JSONEncodingOptions()
            options.alwaysPrintEnumsAsInts = true
            let protoJSON: [UInt8] = try request.jsonUTF8Bytes(options: options)
            let (encoded, places) = JSONPlaces.hexIDs(in: protoJSON)
            bytes = encoded
            traceIDs = places.traceIDs
            spanIDs = places.spanIDs
            timestamps = places.timestamps
        }
        let encoded = bytes
        placeholders = uniquePrefixes.flatMap { prefix in
            Self.occurrences(of: Array((prefix + AgentTraces.responseIDPlaceholder).utf8), in: encoded)
                .map { $0 + prefix.utf8.count }
        }
    }

    /// The request numbered `sequence`: ids made unique by XOR with masks derived from it (so a span's
    /// parent id still matches its parent), timestamps moved by `shiftNanos`.
    public func render(sequence: UInt64, shiftNanos: UInt64, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: bytes)
        let traceHigh = SeededRandom.mix(sequence &* 3 &+ 1)
        let traceLow = SeededRandom.mix(sequence &* 3 &+ 2)
        let spanMask = SeededRandom.mix(sequence &* 3 &+ 3)
        out.withUnsafeMutableBytes { raw in
            switch encoding {
            case .protobuf:
                for offset in traceIDs {
                    Self.xorBinary(raw, offset, traceHigh)
                    Self.xorBinary(raw, offset + 8, traceLow)
                }
                for offset in spanIDs { Self.xorBinary(raw, offset, spanMask) }
                for offset in timestamps {
                    raw.storeBytes(of: (raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self).littleEndian &+ shiftNanos).littleEndian,
                                   toByteOffset: offset, as: UInt64.self)
                }
            case .json:
                for offset in traceIDs {
                    Self.xorHex(raw, offset, traceHigh)
                    Self.xorHex(raw, offset + 16, traceLow)
                }
                for offset in spanIDs { Self.xorHex(raw, offset, spanMask) }
                for offset in timestamps { Self.addDecimal(raw, offset, shiftNanos) }
            }
            for offset in placeholders { Self.writeHex(raw, offset, sequence) }
        }
    }

    private static func xorBinary(_ raw: UnsafeMutableRawBufferPointer, _ offset: Int, _ mask: UInt64) {
        let value = raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        raw.storeBytes(of: value ^ mask, toByteOffset: offset, as: UInt64.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private static func xorHex(_ raw: UnsafeMutableRawBufferPointer, _ offset: Int, _ mask: UInt64) {
        var value: UInt64 = 0
        for i in 0..<16 {
            let c = raw[offset + i]
            let nibble: UInt8 = c >= 97 ? c - 87 : (c >= 65 ? c - 55 : c - 48)
            value = value << 4 | UInt64(nibble & 15)
        }
        writeHex(raw, offset, value ^ mask)
    }

    private static func writeHex(_ raw: UnsafeMutableRawBufferPointer, _ offset: Int, _ value: UInt64) {
        for i in 0..<16 { raw[offset + i] = hexDigits[Int(value >> UInt64(60 - 4 * i) & 15)] }
    }

    /// Adds to the 19-digit decimal at `offset` (nanosecond timestamps keep 19 digits until 2286).
    private static func addDecimal(_ raw: UnsafeMutableRawBufferPointer, _ offset: Int, _ shift: UInt64) {
        var value: UInt64 = 0
        for i in 0..<19 { value = value &* 10 &+ UInt64(raw[offset + i] &- 48) }
        var result = value &+ shift
        guard result >= 1_000_000_000_000_000_000 else { return }
        for i in (0..<19).reversed() {
            raw[offset + i] = UInt8(48 + result % 10)
            result /= 10
        }
    }

    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard let first = needle.first, haystack.count >= needle.count else { return [] }
        var found: [Int] = []
        var i = 0
        let last = haystack.count - needle.count
        while i <= last {
            if haystack[i] == first, haystack[i..<i + needle.count].elementsEqual(needle) {
                found.append(i)
                i += needle.count
            } else {
                i += 1
            }
        }
        return found
    }
}

/// Finds ids and timestamps in a protobuf `ExportTraceServiceRequest` or `ExportLogsServiceRequest`
/// by walking its fields, and counts its spans or log records.
struct ProtobufPlaces {
    var traceIDs: [Int] = []
    var spanIDs: [Int] = []
    var timestamps: [Int] = []
    var recordCount = 0

    mutating func scanTraceRequest(_ bytes: [UInt8]) {
        for range in recordRanges(bytes) { scanSpan(bytes, range) }
    }

    /// Log records: their time and observed time (fields 1 and 11, fixed64), and their ids if set.
    mutating func scanLogsRequest(_ bytes: [UInt8]) {
        for range in recordRanges(bytes) {
            for field in Self.fields(bytes, range) {
                switch (field.number, field.wireType) {
                case (1, 1), (11, 1): timestamps.append(field.range.lowerBound)
                case (9, 2) where field.range.count == 16: traceIDs.append(field.range.lowerBound)
                case (10, 2) where field.range.count == 8: spanIDs.append(field.range.lowerBound)
                default: break
                }
            }
        }
    }

    /// Where each record is, counted: both requests nest alike, resource (1) → scope (2) → record (2).
    private mutating func recordRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        for field in Self.fields(bytes, 0..<bytes.count) where field.number == 1 && field.wireType == 2 {
            for scope in Self.fields(bytes, field.range) where scope.number == 2 && scope.wireType == 2 {
                for record in Self.fields(bytes, scope.range) where record.number == 2 && record.wireType == 2 {
                    ranges.append(record.range)
                }
            }
        }
        recordCount += ranges.count
        return ranges
    }

    private mutating func scanSpan(_ bytes: [UInt8], _ range: Range<Int>) {
        for field in Self.fields(bytes, range) {
            switch (field.number, field.wireType) {
            case (1, 2) where field.range.count == 16: traceIDs.append(field.range.lowerBound)
            case (2, 2) where field.range.count == 8, (4, 2) where field.range.count == 8: spanIDs.append(field.range.lowerBound)
            case (7, 1), (8, 1): timestamps.append(field.range.lowerBound)
            case (11, 2):
                for eventField in Self.fields(bytes, field.range) where eventField.number == 1 && eventField.wireType == 1 {
                    timestamps.append(eventField.range.lowerBound)
                }
            default: break
            }
        }
    }

    struct Field {
        var number: UInt64
        var wireType: UInt64
        var range: Range<Int>
    }

    /// The fields of one message; scanning stops at anything malformed (templates are our own encoding).
    static func fields(_ bytes: [UInt8], _ range: Range<Int>) -> [Field] {
        var result: [Field] = []
        var i = range.lowerBound
        func varint() -> UInt64? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while i < range.upperBound {
                let byte = bytes[i]
                i += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
            return nil
        }
        while i < range.upperBound, let key = varint() {
            let wireType = key & 7
            let start = i
            switch wireType {
            case 0: guard varint() != nil else { return result }
            case 1: i += 8
            case 5: i += 4
            case 2:
                guard let length = varint() else { return result }
                result.append(Field(number: key >> 3, wireType: 2, range: i..<i + Int(length)))
                i += Int(length)
                continue
            default: return result
            }
            result.append(Field(number: key >> 3, wireType: wireType, range: start..<i))
        }
        return result
    }
}

/// Rewrites swift-protobuf's proto3 JSON into OTLP/JSON (ids as hex, not base64) and finds the ids
/// and timestamps in the result.
enum JSONPlaces {
    struct Places {
        var traceIDs: [Int] = []
        var spanIDs: [Int] = []
        var timestamps: [Int] = []
    }

    static func hexIDs(in json: [UInt8]) -> ([UInt8], Places) {
        let idKeys = ["\"traceId\":\"", "\"spanId\":\"", "\"parentSpanId\":\""].map { Array($0.utf8) }
        let timeKeys = ["\"startTimeUnixNano\":\"", "\"endTimeUnixNano\":\"", "\"timeUnixNano\":\"",
                        "\"observedTimeUnixNano\":\""].map { Array($0.utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(json.count + json.count / 8)
        var places = Places()
        var i = 0
        scan: while i < json.count {
            if json[i] == UInt8(ascii: "\"") {
                for (k, key) in idKeys.enumerated() where hasPrefix(json, at: i, key) {
                    out.append(contentsOf: key)
                    i += key.count
                    let end = json[i...].firstIndex(of: UInt8(ascii: "\"")) ?? json.count
                    let decoded = Data(base64Encoded: Data(json[i..<end])) ?? Data()
                    if k == 0 { places.traceIDs.append(out.count) } else { places.spanIDs.append(out.count) }
                    for byte in decoded { out.append(contentsOf: Array(String(format: "%02x", byte).utf8)) }
                    i = end
                    continue scan
                }
                for key in timeKeys where hasPrefix(json, at: i, key) {
                    out.append(contentsOf: key)
                    i += key.count
                    if json.count - i > 19, json[i + 19] == UInt8(ascii: "\"") { places.timestamps.append(out.count) }
                    continue scan
                }
            }
            out.append(json[i])
            i += 1
        }
        return (out, places)
    }

    private static func hasPrefix(_ bytes: [UInt8], at index: Int, _ prefix: [UInt8]) -> Bool {
        index + prefix.count <= bytes.count && bytes[index..<index + prefix.count].elementsEqual(prefix)
    }
}
