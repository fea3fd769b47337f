import Foundation
import PackedSpans

/// One decoded export request from a file.
public struct DecodedRequest: Sendable {
    public var signal: Signal
    public var batch: TelemetryBatch
    public init(signal: Signal, batch: TelemetryBatch) {
        self.signal = signal
        self.batch = batch
    }
}

public struct TelemetryFileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    /// 1-based line of a JSON-lines file.
    public var line: Int?
    public var message: String

    public var description: String {
        "\(path)\(line.map { ":\($0)" } ?? ""): \(message)"
    }
}

/// Reads OTLP captures: `.binpb` / `.grpc.binpb` (protobuf request), `.json` (one OTLP/JSON request),
/// `.jsonl` (collector file-exporter style, one OTLP/JSON request per line, signals mixed); any of them
/// may carry a further `.gz`.
public enum TelemetryFile {
    /// Limit for a gzip'ed file's inflated size.
    public static let defaultMaxInflatedBytes = 1 << 30

    public static func decode(contentsOf url: URL,
                              maxInflatedBytes: Int = defaultMaxInflatedBytes) throws(TelemetryFileError) -> [DecodedRequest] {
        try decode(path: url.path, maxInflatedBytes: maxInflatedBytes)
    }

    /// Every request of the file, in order (see `forEachRequest`).
    public static func decode(path: String,
                              maxInflatedBytes: Int = defaultMaxInflatedBytes) throws(TelemetryFileError) -> [DecodedRequest] {
        var requests: [DecodedRequest] = []
        try forEachRequest(path: path, maxInflatedBytes: maxInflatedBytes) { requests.append($0) }
        return requests
    }

    /// Hands each request to `body` as soon as it is decoded, so a large file is never held decoded
    /// at once (a regular file is mapped, not read into memory). `path` may be `-` (standard input) or
    /// a pipe (`<(zcat feed.jsonl.gz)`, `/dev/stdin`): what has no telling name is recognized by its
    /// content (gzip, one OTLP/JSON request or JSON lines, protobuf).
    public static func forEachRequest(path: String, maxInflatedBytes: Int = defaultMaxInflatedBytes,
                                      _ body: (DecodedRequest) -> Void) throws(TelemetryFileError) {
        let shown = path == "-" ? "standard input" : path
        func failure(_ message: String, line: Int? = nil) -> TelemetryFileError {
            TelemetryFileError(path: shown, line: line, message: message)
        }
        var data = try read(path, failure: failure)
        let scanners = OTLPTraceScannerPool(packing: nil)
        var name = path == "-" ? "" : (path as NSString).lastPathComponent.lowercased()
        if name.hasSuffix(".gz") || data.starts(with: [0x1f, 0x8b]) {
            if name.hasSuffix(".gz") { name.removeLast(3) }
            do { data = try OTLPDecoder.gunzip(data, maxBytes: maxInflatedBytes) } catch { throw failure(error.description) }
        }
        let named = [".jsonl", ".ndjson", ".json", ".binpb", ".pb", ".protobuf"].contains { name.hasSuffix($0) }
        if !named {
            // Nothing in the name: JSON when it starts with `{` (one request, else one per line), else protobuf.
            guard data.first(where: { !isJSONWhitespace($0) }) == UInt8(ascii: "{") else {
                do { return body(try decodeProtobufOfUnknownSignal(data, scanners: scanners)) } catch { throw failure(error.description) }
            }
            if let (signal, batch) = try? OTLPDecoder.decodeJSONRequest(data) {
                return body(DecodedRequest(signal: signal, batch: batch))
            }
            name = ".jsonl"
        }

        if name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") {
            var lineNumber = 0
            var start = data.startIndex
            while start < data.endIndex {
                let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
                lineNumber += 1
                let line = data[start..<end]
                start = end < data.endIndex ? end + 1 : end
                guard line.contains(where: { !isJSONWhitespace($0) }) else { continue }
                do {
                    let (signal, batch) = try OTLPDecoder.decodeJSONRequest(Data(line))
                    body(DecodedRequest(signal: signal, batch: batch))
                } catch {
                    throw failure(error.description, line: lineNumber)
                }
            }
            return
        }

        let expected = signal(fromFileName: name)
        do {
            if name.hasSuffix(".json") {
                if let expected {
                    return body(DecodedRequest(signal: expected, batch: try OTLPDecoder.decode(signal: expected, body: data, contentType: .json)))
                }
                let (signal, batch) = try OTLPDecoder.decodeJSONRequest(data)
                return body(DecodedRequest(signal: signal, batch: batch))
            }
            if let expected {
                return body(DecodedRequest(signal: expected, batch: try OTLPDecoder.decode(signal: expected, body: data, contentType: .protobuf,
                                                                                           scanners: scanners)))
            }
            return body(try decodeProtobufOfUnknownSignal(data, scanners: scanners))
        } catch {
            throw failure(error.description)
        }
    }

    /// The whole file, standard input (`-`), or a pipe, which `Data(contentsOf:)` refuses.
    private static func read(_ path: String, failure: (String, Int?) -> TelemetryFileError) throws(TelemetryFileError) -> Data {
        if path == "-" {
            do { return try FileHandle.standardInput.readToEnd() ?? Data() } catch {
                throw failure("cannot read: \(error.localizedDescription)", nil)
            }
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw failure("cannot read: no such file", nil)
        }
        guard !isDirectory.boolValue else { throw failure("cannot read: a directory, not a file", nil) }
        // Mapped: the pages are the file's, read as they are reached and given back under pressure.
        if let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) { return data }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw failure("cannot read: permission denied", nil) }
        defer { try? handle.close() }
        do { return try handle.readToEnd() ?? Data() } catch { throw failure("cannot read: \(error.localizedDescription)", nil) }
    }

    /// `0001-traces.binpb`, `x.metrics.json`, `logs.binpb.gz`: the signal named in a file name, if any.
    public static func signal(fromFileName name: String) -> Signal? {
        let words = name.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init)
        let named = Signal.allCases.filter { signal in
            words.contains(signal.rawValue) || (signal == .traces && words.contains("trace"))
                || (signal == .logs && words.contains("log")) || (signal == .metrics && words.contains("metric"))
        }
        return named.count == 1 ? named[0] : nil
    }

    /// The protobuf encodings of the three requests overlap (field 1 is a repeated message in each), so a
    /// body can parse as another signal's request; prefer the first signal that decodes with no record
    /// rejected, trying traces, metrics, logs.
    public static func decodeProtobufOfUnknownSignal(_ body: Data,
                                                     scanners: OTLPTraceScannerPool = OTLPTraceScannerPool(packing: nil))
        throws(DecodeError) -> DecodedRequest {
        var firstDecoded: DecodedRequest?
        var firstError: DecodeError?
        for signal in Signal.allCases {
            do {
                let batch = try OTLPDecoder.decode(signal: signal, body: body, contentType: .protobuf, scanners: scanners)
                let decoded = DecodedRequest(signal: signal, batch: batch)
                if batch.rejectedSpans + batch.rejectedLogs + batch.rejectedMetricPoints == 0 && !batch.isEmpty {
                    return decoded
                }
                if firstDecoded == nil { firstDecoded = decoded }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstDecoded { return firstDecoded }
        throw firstError ?? .malformed("not an OTLP export request")
    }

    static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n")
    }
}
