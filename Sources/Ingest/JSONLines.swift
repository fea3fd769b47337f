import Foundation
import PackedSpans

/// Splits a byte stream into lines, holding back an incomplete last line until more bytes arrive.
/// A line longer than `maxLineBytes` is skipped up to its newline instead of being buffered.
struct LineSplitter {
    enum Line: Equatable {
        case complete([UInt8])
        case tooLong
    }

    let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var skippingLongLine = false

    init(maxLineBytes: Int) {
        self.maxLineBytes = maxLineBytes
    }

    mutating func push(_ bytes: some Collection<UInt8>) -> [Line] {
        var lines: [Line] = []
        var rest = bytes[...]
        while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
            append(rest[..<newline], to: &lines)
            if skippingLongLine { skippingLongLine = false } else { lines.append(.complete(pending)) }
            pending.removeAll(keepingCapacity: true)
            rest = rest[rest.index(after: newline)...]
        }
        append(rest, to: &lines)
        return lines
    }

    /// The unterminated last line, at end of input.
    mutating func finish() -> Line? {
        defer { pending.removeAll(); skippingLongLine = false }
        return pending.isEmpty || skippingLongLine ? nil : .complete(pending)
    }

    /// Drops a partial line (the file was truncated under us).
    mutating func reset() {
        pending.removeAll()
        skippingLongLine = false
    }

    private mutating func append(_ bytes: some Collection<UInt8>, to lines: inout [Line]) {
        guard !skippingLongLine else { return }
        if pending.count + bytes.count > maxLineBytes {
            pending.removeAll()
            skippingLongLine = true
            lines.append(.tooLong)
        } else {
            pending.append(contentsOf: bytes)
        }
    }
}

/// Decodes OTLP/JSON lines (one export request each, any signal) and hands them to a sink; a bad
/// line is reported as a rejected request and reading goes on.
struct JSONLineFeed {
    let source: String
    let sink: any TelemetrySink
    let maxLineBytes: Int
    private(set) var lineNumber = 0

    init(source: String, sink: any TelemetrySink, maxLineBytes: Int) {
        self.source = source
        self.sink = sink
        self.maxLineBytes = maxLineBytes
    }

    /// Decodes one line and hands the result to the sink. Returns why the line was refused, if it was.
    @discardableResult
    mutating func deliver(_ line: LineSplitter.Line) -> String? {
        lineNumber += 1
        let bytes: [UInt8]
        switch line {
        case .tooLong:
            return refuse("line longer than \(maxLineBytes) bytes", signal: nil)
        case .complete(let complete):
            bytes = complete
        }
        guard bytes.contains(where: { !TelemetryFile.isJSONWhitespace($0) }) else { return nil }

        let protoJSON: (json: Data, signal: Signal?)
        do {
            protoJSON = try OTLPJSON.protoJSON(Data(bytes), signal: nil)
        } catch {
            return refuse(error.description, signal: nil)
        }
        guard let signal = protoJSON.signal else { return refuse(DecodeError.notARequest.description, signal: nil) }
        do {
            sink.acceptIfNotEmpty(try OTLPDecoder.decodeProtoJSON(signal: signal, json: protoJSON.json))
            return nil
        } catch {
            return refuse(error.description, signal: signal)
        }
    }

    private func refuse(_ reason: String, signal: Signal?) -> String {
        sink.refused(RequestRefusal(.malformed, signal: signal, reason: "\(source):\(lineNumber): \(reason)"))
        return reason
    }
}

extension TelemetrySink {
    /// Skips batches with nothing in them (no records and nothing rejected).
    func acceptIfNotEmpty(_ batch: TelemetryBatch) {
        if !batch.isEmpty || batch.rejectedSpans + batch.rejectedLogs + batch.rejectedMetricPoints > 0 {
            accept(batch)
        }
    }
}
