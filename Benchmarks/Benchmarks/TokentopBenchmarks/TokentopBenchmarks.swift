import Benchmark
import Foundation
import Ingest
import LoadGenerator
import Semantics
import Store
import CanvasKit
import Views
import Telemetry
import PackedSpans

// Each benchmark handles one 512-span request unless its name says otherwise: spans/s = 512 / time.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 3,
        maxDuration: .seconds(5),
        maxIterations: 200
    )

    Benchmark("Decode: swift-protobuf, 512-span request") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try OTLPDecoder.traceRequest(protobuf: Fixtures.firstBody))
        }
    }

    // The reference path and the scanner that replaced it on the receivers, on the same request.
    Benchmark("Decode: swift-protobuf + conversion to RawSpan, 512-span request") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try OTLPDecoder.referenceTraceBatch(protobuf: Fixtures.firstBody))
        }
    }

    // Scanners and packers are kept warm across iterations, as the receivers' pools keep theirs.
    let rawDecoder = WarmDecoder()
    Benchmark("Decode: OTLPTraceScanner to RawSpan, 512-span request") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Fixtures.firstBody.withUnsafeBytes { try rawDecoder.scanner.decode($0) })
        }
    }

    let packingDecoder = WarmDecoder()
    Benchmark("Decode: OTLPTraceScanner packing into the stored form, 512-span request") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Fixtures.firstBody.withUnsafeBytes { try packingDecoder.scanner.decode($0, packing: &packingDecoder.packer) })
        }
    }

    let packedSpans = Fixtures.batch(0, packing: true).packedSpans
    Benchmark("Normalize: roles of 512 packed spans, read in place") { benchmark in
        let spans = packedSpans
        for _ in benchmark.scaledIterations {
            for span in spans { blackHole(Normalizer.read(span)) }
        }
    }

    Benchmark("Normalize: roles of 512 spans") { benchmark in
        let spans = Fixtures.firstBatch.spans
        for _ in benchmark.scaledIterations {
            for span in spans { blackHole(Normalizer.role(of: span)) }
        }
    }

    Benchmark("Pricing: \(Fixtures.llmCalls.count) LLM calls of a 512-span request, bundled table") { benchmark in
        let pricing = CallPricing(table: .bundled)
        for _ in benchmark.scaledIterations {
            for (call, start) in Fixtures.llmCalls { blackHole(pricing.price(call, start)) }
        }
    }

    let warmPacker = WarmDecoder()
    Benchmark("Pack: 512 spans into the stored form") { benchmark in
        let spans = Fixtures.firstBatch.spans
        for _ in benchmark.scaledIterations {
            for span in spans { blackHole(warmPacker.packer.pack(span)) }
        }
    }

    // Packing, normalizing and pricing happen on the receiving thread, before the store lock
    // (PreparedBatch); then aggregation into the ledgers and indexing under it: the two halves of a request.
    let rawPool = BatchPool(count: 220, packing: false)
    Benchmark("Prepare: pack, normalize and price a decoded 512-span batch (outside the store lock)", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], warmupIterations: 0, maxIterations: 200
    )) { benchmark in
        let batch = rawPool.take()
        benchmark.startMeasurement()
        blackHole(PreparedBatch(batch, pricing: rawPool.store.pricing, packers: rawPool.store.packers))
        benchmark.stopMeasurement()
    }

    let pool = BatchPool(count: 220)
    Benchmark("Prepare: normalize and price a 512-span batch packed by the receiver (outside the store lock)", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], warmupIterations: 0, maxIterations: 200
    )) { benchmark in
        let batch = pool.take()
        benchmark.startMeasurement()
        blackHole(PreparedBatch(batch, pricing: pool.store.pricing, packers: pool.store.packers))
        benchmark.stopMeasurement()
    }

    let preparedPool = BatchPool(count: 220)
    Benchmark("Store apply: a prepared 512-span batch (aggregate, index; under the lock)", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], warmupIterations: 0, maxIterations: 200
    )) { benchmark in
        let prepared = PreparedBatch(preparedPool.take(), pricing: preparedPool.store.pricing,
                                     packers: preparedPool.store.packers)
        benchmark.startMeasurement()
        preparedPool.store.apply(prepared, nowNanos: Fixtures.nowNanos)
        benchmark.stopMeasurement()
    }

    // OTLP/JSON (the JSON receiver, --follow, report, --replay): the same 512-span request as JSON,
    // MB/s = body size / time. The tree reference is how it was read before the one-pass rewriter.
    let jsonBody = Fixtures.jsonBody
    Benchmark("OTLP/JSON: tree reference (JSONSerialization, ids rewritten, serialized again) + swift-protobuf, 512 spans, \(jsonBody.count / 1024) KB") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try OTLPDecoder.referenceJSONRequest(jsonBody))
        }
    }

    Benchmark("OTLP/JSON: one pass (ids rewritten in the bytes) + swift-protobuf, 512 spans, \(jsonBody.count / 1024) KB") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try OTLPDecoder.decodeJSONRequest(jsonBody))
        }
    }

    // Coding agents report their calls as log records: records/s = 512 / time.
    let logPool = AgentLogPool(count: 200)
    let logBody = AgentLogFixtures.body(0)
    Benchmark("Logs: decode 512 Claude Code log records") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try OTLPDecoder.decode(signal: .logs, body: logBody, contentType: .protobuf, scanners: Fixtures.scanners))
        }
    }

    Benchmark("Logs: decode and apply 512 Claude Code log records (prompts, calls, tool results)", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], warmupIterations: 3, maxIterations: 200
    )) { benchmark in
        for _ in benchmark.scaledIterations {
            let body = logPool.take()
            let batch = try OTLPDecoder.decode(signal: .logs, body: body, contentType: .protobuf, scanners: Fixtures.scanners)
            logPool.store.apply(batch, nowNanos: Fixtures.nowNanos)
        }
    }

    Benchmark("Snapshot: every row, store of 100,000 traces", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 50
    )) { benchmark in
        var store = Fixtures.storeWith100kTraces
        benchmark.startMeasurement()
        blackHole(store.snapshot(nowNanos: Fixtures.nowNanos))
        benchmark.stopMeasurement()
    }

    let idle = LiveFrameFixture()
    Benchmark("Snapshot: the rows a 200x60 screen asks for, store of 100,000 traces", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 200
    )) { benchmark in
        benchmark.startMeasurement()
        // As LiveStore does: the recent latency windows move first (their percentiles are cached).
        idle.store.advance(nowNanos: Fixtures.nowNanos)
        blackHole(idle.store.snapshot(nowNanos: Fixtures.nowNanos, query: FrameFixture.query))
        benchmark.stopMeasurement()
    }

    // What the screen does per frame while spans arrive: summarize the traces a batch touched, take
    // the rows around the selection, and compose the frame.
    let live = LiveFrameFixture()
    Benchmark("Frame: snapshot + compose 200x60 after a 512-span batch, 100,000 traces stored", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 200
    )) { benchmark in
        live.applyNextBatch()
        benchmark.startMeasurement()
        live.store.advance(nowNanos: Fixtures.nowNanos)
        let snapshot = live.store.snapshot(nowNanos: Fixtures.nowNanos, query: FrameFixture.query)
        blackHole(Frame.render(snapshot, state: ViewState(), size: FrameFixture.size, context: FrameFixture.context))
        benchmark.stopMeasurement()
    }

    Benchmark("Frame: compose 200x60 from the screen's snapshot of 100,000 traces", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 100
    )) { benchmark in
        let snapshot = FrameFixture.windowed
        benchmark.startMeasurement()
        blackHole(Frame.render(snapshot, state: ViewState(), size: FrameFixture.size, context: FrameFixture.context))
        benchmark.stopMeasurement()
    }

    Benchmark("Frame: compose 200x60 from a snapshot holding all 100,000 traces", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 100
    )) { benchmark in
        let snapshot = FrameFixture.whole
        benchmark.startMeasurement()
        blackHole(Frame.render(snapshot, state: ViewState(), size: FrameFixture.size, context: FrameFixture.context))
        benchmark.stopMeasurement()
    }
}

enum FrameFixture {
    static let size = Size(width: 200, height: 60)
    static let query = ViewState().traceQuery(screen: size)
    static let whole: StoreSnapshot = {
        var store = Fixtures.storeWith100kTraces
        return store.snapshot(nowNanos: Fixtures.nowNanos)
    }()
    static let windowed: StoreSnapshot = {
        var store = Fixtures.storeWith100kTraces
        return store.snapshot(nowNanos: Fixtures.nowNanos, query: query)
    }()
    static let context = FrameContext(endpoints: ListenEndpoints(grpc: "127.0.0.1:4317", http: "127.0.0.1:4318"))
}
