import Foundation
import Ingest
import LoadGenerator
import Semantics
import Store
import PackedSpans

/// The load generator's agent traces (512 spans, ~1 KB each), as the receivers see them.
enum Fixtures {
    static let spansPerRequest = 512
    static let template = try! RequestTemplate(request: AgentTraces.request(spanCount: spansPerRequest), encoding: .protobuf)
    static let nowNanos: UInt64 = 1_790_000_000_000_000_000

    /// Request number `sequence`, with ids of its own.
    static func body(_ sequence: Int) -> Data {
        AgentTraces.body(of: template, sequence: sequence, nowNanos: nowNanos)
    }

    /// The packers of every store here, as a session's receivers and store share theirs.
    static let packers = SpanPackerPool()
    static let packingScanners = OTLPTraceScannerPool(packing: packers)
    static let scanners = OTLPTraceScannerPool(packing: nil)

    /// - Parameter packing: decoded as the receivers decode (spans packed from the wire), else as `RawSpan`s.
    static func batch(_ sequence: Int, packing: Bool = false) -> TelemetryBatch {
        try! OTLPDecoder.decode(signal: .traces, body: body(sequence), contentType: .protobuf,
                                scanners: packing ? packingScanners : scanners)
    }

    static let firstBody = body(0)

    /// The same request as OTLP/JSON (hex ids, as the JSON receiver gets it).
    static let jsonBody = AgentTraces.body(
        of: try! RequestTemplate(request: AgentTraces.request(spanCount: spansPerRequest), encoding: .json),
        sequence: 0, nowNanos: nowNanos)
    static let firstBatch = batch(0)
    static let llmCalls: [(LLMCall, UInt64)] = firstBatch.spans.compactMap { span in
        Normalizer.role(of: span).llm.map { ($0, span.startNanos) }
    }

    static func emptyStore() -> TraceStore {
        TraceStore(limits: StoreLimits(maxSpans: 10_000_000), pricing: CallPricing(table: .bundled), packers: packers)
    }

    /// A store holding 100,000 agent traces (six spans each), filled once.
    static let storeWith100kTraces: TraceStore = {
        var store = emptyStore()
        var sequence = 1_000_000
        while store.counters.storedSpans < 600_000 {
            store.apply(batch(sequence), nowNanos: nowNanos)
            sequence += 1
        }
        _ = store.snapshot(nowNanos: nowNanos)  // every row summarized and listed once
        return store
    }()
}

/// The store of 100,000 traces, growing by one batch per iteration, with the screen's state.
final class LiveFrameFixture: @unchecked Sendable {
    var store = Fixtures.storeWith100kTraces
    private let batches = (0..<40).map { Fixtures.batch(2_000_000 + $0) }
    private var next = 0

    func applyNextBatch() {
        store.apply(batches[next % batches.count], nowNanos: Fixtures.nowNanos + UInt64(next) * 1_000_000)
        next += 1
    }
}

/// A scanner and a packer kept from iteration to iteration, warm as a receiver's are.
final class WarmDecoder: @unchecked Sendable {
    var scanner = OTLPTraceScanner()
    var packer = SpanPacker(symbols: Fixtures.packers.symbols)
}

/// Batches with ids of their own, decoded before the measurement, one per iteration.
final class BatchPool: @unchecked Sendable {
    private var batches: [TelemetryBatch]
    private var next = 0
    var store = Fixtures.emptyStore()

    init(count: Int, packing: Bool = true) {
        batches = (0..<count).map { Fixtures.batch(10_000 + $0, packing: packing) }
    }

    func take() -> TelemetryBatch {
        defer { next = (next + 1) % batches.count }
        if next == batches.count - 1 { store = Fixtures.emptyStore() }
        return batches[next]
    }
}

/// Claude Code's log events as it exports them, 512 records a request: per prompt one `user_prompt`,
/// two `api_request` calls and one `tool_result`, over eight sessions; ids and token counts of their own.
enum AgentLogFixtures {
    static let recordsPerRequest = 512

    static func body(_ sequence: Int) -> Data {
        func attribute(_ key: String, _ value: String) -> String {
            #"{"key":"\#(key)","value":{"stringValue":"\#(value)"}}"#
        }
        func number(_ key: String, _ value: Int) -> String { #"{"key":"\#(key)","value":{"intValue":"\#(value)"}}"# }
        var records: [String] = []
        for index in 0..<recordsPerRequest {
            let n = sequence * recordsPerRequest + index
            let time = Fixtures.nowNanos + UInt64(n) * 1_000_000
            let session = "session-\(n % 8)"
            var attributes = [attribute("session.id", session), attribute("prompt.id", "prompt-\(n / 4)"),
                              attribute("user.id", "6ebded5a3524cdd8"), attribute("terminal.type", "xterm-256color")]
            let name: String
            switch n % 4 {
            case 0:
                name = "user_prompt"
                attributes += [attribute("prompt_length", "42")]
            case 3:
                name = "tool_result"
                attributes += [attribute("tool_name", "Read"), attribute("tool_use_id", "toolu_\(n)"),
                               attribute("success", "true"), attribute("duration_ms", "15")]
            default:
                name = "api_request"
                attributes += [attribute("model", "claude-sonnet-4-5-20250929"), number("input_tokens", 1000 + n % 997),
                               number("output_tokens", 20 + n % 89), number("cache_read_tokens", 4474),
                               number("cache_creation_tokens", 0), #"{"key":"cost_usd","value":{"doubleValue":0.0068}}"#,
                               number("duration_ms", 180), number("ttft_ms", 60), attribute("request_id", "req_\(n)")]
            }
            attributes.append(attribute("event.name", name))
            records.append(#"{"timeUnixNano":"\#(time)","body":{"stringValue":"claude_code.\#(name)"},"attributes":[\#(attributes.joined(separator: ","))]}"#)
        }
        let json = #"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"claude-code"}}]},"scopeLogs":[{"scope":{"name":"com.anthropic.claude_code.events"},"logRecords":[\#(records.joined(separator: ","))]}]}]}"#
        return try! OTLPDecoder.protobufBody(fromJSON: Data(json.utf8), signal: .logs)
    }
}

/// Log request bodies with ids of their own, made before the measurement; the store starts over
/// when they have all been applied.
final class AgentLogPool: @unchecked Sendable {
    private let bodies: [Data]
    private var next = 0
    var store = Fixtures.emptyStore()

    init(count: Int) {
        bodies = (0..<count).map { AgentLogFixtures.body($0) }
    }

    func take() -> Data {
        defer { next = (next + 1) % bodies.count }
        if next == bodies.count - 1 { store = Fixtures.emptyStore() }
        return bodies[next]
    }
}
