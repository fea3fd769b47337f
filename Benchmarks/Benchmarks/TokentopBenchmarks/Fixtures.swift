import Foundation
import Ingest
import LoadGenerator
import Semantics
import Store

/// The load generator's agent traces (512 spans, ~1 KB each), as the receivers see them.
enum Fixtures {
    static let spansPerRequest = 512
    static let template = try! RequestTemplate(request: AgentTraces.request(spanCount: spansPerRequest), encoding: .protobuf)
    static let nowNanos: UInt64 = 1_790_000_000_000_000_000

    /// Request number `sequence`, with ids of its own.
    static func body(_ sequence: Int) -> Data {
        var bytes: [UInt8] = []
        template.render(sequence: UInt64(sequence), shiftNanos: nowNanos - AgentTraces.templateEpochNanos - 10_000_000_000,
                        into: &bytes)
        return Data(bytes)
    }

    /// - Parameter packing: decoded as the receivers decode (spans packed from the wire), else as `RawSpan`s.
    static func batch(_ sequence: Int, packing: Bool = false) -> TelemetryBatch {
        try! OTLPDecoder.decode(signal: .traces, body: body(sequence), contentType: .protobuf, packingSpans: packing)
    }

    static let firstBody = body(0)
    static let firstBatch = batch(0)
    static let llmCalls: [(LLMCall, UInt64)] = firstBatch.spans.compactMap { span in
        Normalizer.role(of: span).llm.map { ($0, span.startNanos) }
    }

    static func emptyStore() -> TraceStore {
        TraceStore(limits: StoreLimits(maxSpans: 10_000_000), pricing: CallPricing(table: .bundled))
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
