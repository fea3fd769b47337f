import Benchmark
import Foundation
import Ingest
import LoadGenerator
import Semantics
import Store
import Views

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

    Benchmark("Decode: OTLPTraceScanner to RawSpan, 512-span request") { benchmark in
        var scanner = OTLPTraceScanner()
        for _ in benchmark.scaledIterations {
            blackHole(try Fixtures.firstBody.withUnsafeBytes { try scanner.decode($0) })
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

    // Normalize, price, aggregate into the ledgers and index: what the writer does per request.
    let pool = BatchPool(count: 220)
    Benchmark("Store apply: 512-span batch (normalize, price, aggregate)", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput], warmupIterations: 0, maxIterations: 200
    )) { benchmark in
        let batch = pool.take()
        benchmark.startMeasurement()
        pool.store.apply(batch, nowNanos: Fixtures.nowNanos)
        benchmark.stopMeasurement()
    }

    Benchmark("Snapshot: store of 100,000 traces", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 50
    )) { benchmark in
        let store = Fixtures.storeWith100kTraces
        benchmark.startMeasurement()
        blackHole(store.snapshot(nowNanos: Fixtures.nowNanos))
        benchmark.stopMeasurement()
    }

    Benchmark("Snapshot draft (the part under the store lock): store of 100,000 traces", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 200
    )) { benchmark in
        let store = Fixtures.storeWith100kTraces
        benchmark.startMeasurement()
        blackHole(store.snapshotDraft(nowNanos: Fixtures.nowNanos))
        benchmark.stopMeasurement()
    }

    Benchmark("Frame: compose 200x60 from a snapshot of 100,000 traces", configuration: .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal], warmupIterations: 1, maxDuration: .seconds(5), maxIterations: 100
    )) { benchmark in
        let snapshot = FrameFixture.snapshot
        benchmark.startMeasurement()
        blackHole(Frame.render(snapshot, state: ViewState(), size: Size(width: 200, height: 60), context: FrameFixture.context))
        benchmark.stopMeasurement()
    }
}

enum FrameFixture {
    static let snapshot = Fixtures.storeWith100kTraces.snapshot(nowNanos: Fixtures.nowNanos)
    static let context = FrameContext(endpoints: ListenEndpoints(grpc: "127.0.0.1:4317", http: "127.0.0.1:4318"))
}
