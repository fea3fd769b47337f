import Config
import Foundation
import Ingest
import Semantics
import Store
import CanvasKit
import Views

/// The fuzz targets. Each accepts any bytes; a trap, a hang or unbounded memory is a bug.
enum FuzzTarget: String, CaseIterable {
    case otlpTraces = "otlp-traces"
    case otlpMetrics = "otlp-metrics"
    case otlpLogs = "otlp-logs"
    /// OTLP/JSON read in one pass against the tree reference: a disagreement traps.
    case otlpJSON = "otlp-json"
    /// The trace scanner against swift-protobuf and conversion: a disagreement traps.
    case otlpScanner = "otlp-scanner"
    case gzip
    /// First byte: signal; the rest: a protobuf body, decoded, limited and applied to a store.
    case normalize
    /// First byte: signal; the rest: a protobuf body whose records are cut to small limits.
    case limits
    case theme
    case config
    case prices

    func run(_ data: Data) {
        switch self {
        case .otlpTraces: _ = try? OTLPDecoder.decode(signal: .traces, body: data, contentType: .protobuf)
        case .otlpMetrics: _ = try? OTLPDecoder.decode(signal: .metrics, body: data, contentType: .protobuf)
        case .otlpLogs: _ = try? OTLPDecoder.decode(signal: .logs, body: data, contentType: .protobuf)
        case .otlpJSON: Self.decodeJSON(data)
        case .otlpScanner: Self.compareTraceDecoders(data)
        case .gzip: Self.inflate(data)
        case .normalize: Self.normalize(data)
        case .limits: Self.limit(data)
        case .theme: _ = try? Theme.parse(String(decoding: data, as: UTF8.self), name: "fuzz", file: "fuzz.theme")
        case .config: Self.parseConfig(data)
        case .prices: Self.parsePrices(data)
        }
    }

    private static func decodeJSON(_ data: Data) {
        if let problem = JSONDecoderComparison.disagreement(data) { fatalError(problem) }
        for signal in Signal.allCases {
            _ = try? OTLPDecoder.decode(signal: signal, body: data, contentType: .json)
            if let body = try? OTLPDecoder.protobufBody(fromJSON: data, signal: signal) {
                _ = try? OTLPDecoder.decode(signal: signal, body: body, contentType: .protobuf)
            }
        }
    }

    nonisolated(unsafe) private static var scanners = [OTLPTraceScanner(), OTLPTraceScanner(maxValueDepth: 3)]

    /// Once with the default value depth limit and once with a small one, so both sides of it are reached.
    private static func compareTraceDecoders(_ data: Data) {
        for index in scanners.indices {
            let depth = scanners[index].maxValueDepth
            if let problem = TraceDecoderComparison.disagreement(data, maxValueDepth: depth, scanner: &scanners[index]) {
                fatalError("max value depth \(depth): \(problem)")
            }
        }
    }

    private static let inflateLimit = 64 * 1024

    private static func inflate(_ data: Data) {
        guard let inflated = try? OTLPDecoder.gunzip(data, maxBytes: inflateLimit) else { return }
        precondition(inflated.count <= inflateLimit, "inflated \(inflated.count) bytes past the limit")
    }

    private static func signalAndBody(_ data: Data) -> (Signal, Data)? {
        guard let first = data.first else { return nil }
        let signal = Signal.allCases[Int(first) % Signal.allCases.count]
        return (signal, data.dropFirst())
    }

    private static let pricing = CallPricing(table: .bundled)

    private static func normalize(_ data: Data) {
        guard let (signal, body) = signalAndBody(data),
              var batch = try? OTLPDecoder.decode(signal: signal, body: Data(body), contentType: .protobuf)
        else { return }
        RecordLimits.standard.apply(to: &batch)
        for span in batch.spans {
            _ = Normalizer.role(of: span)
            for attribute in span.attributes { _ = Normalizer.displayString(attribute.value) }
        }
        var store = TraceStore(limits: StoreLimits(maxSpans: 64), pricing: pricing)
        let now: UInt64 = 1_750_000_000_000_000_000
        store.apply(batch, nowNanos: now)
        store.apply(batch, nowNanos: now + 1_000_000_000)
        _ = store.snapshot(nowNanos: now + 2_000_000_000)
    }

    private static func limit(_ data: Data) {
        guard let (signal, body) = signalAndBody(data),
              var batch = try? OTLPDecoder.decode(signal: signal, body: Data(body), contentType: .protobuf)
        else { return }
        let limits = RecordLimits(maxAttributes: 3, maxEvents: 2, maxLinks: 1, maxValueBytes: 16)
        limits.apply(to: &batch)
        for span in batch.spans {
            precondition(span.attributes.count <= limits.maxAttributes, "span attributes past the limit")
            precondition(span.events.count <= limits.maxEvents, "span events past the limit")
            precondition(span.links.count <= limits.maxLinks, "span links past the limit")
        }
        for log in batch.logs {
            precondition(log.attributes.count <= limits.maxAttributes, "log attributes past the limit")
        }
    }

    private static func parseConfig(_ data: Data) {
        guard let config = try? TokentopConfig.parse(String(decoding: data, as: UTF8.self), file: "fuzz.toml")
        else { return }
        _ = try? KeyTable.standard.overriding(config.keyOverrides)
    }

    private static func parsePrices(_ data: Data) {
        guard let table = try? PriceTable.parseUserFile(String(decoding: data, as: UTF8.self), file: "fuzz.toml")
        else { return }
        let merged = PriceTable.bundled.overlaid(with: table)
        _ = merged.resolve(provider: "openai", model: "my-finetune-1", atUnixNanos: 1_750_000_000_000_000_000)
        _ = merged.resolve(provider: nil, model: "gpt-4o", atUnixNanos: 0)
    }
}
