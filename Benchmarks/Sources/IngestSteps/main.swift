import Foundation
import Ingest
import LoadGenerator
import PackedSpans
import Store

/// The three steps of taking in a request, each over the same requests of the load generator's agent
/// traces (512 spans each), timed apart: decoding and packing (the receiving thread), preparing
/// (normalize and price, before the store's lock) and applying (under the lock; the store holds a
/// quarter of the spans, so it evicts as a full store does). Each step's best of `ROUNDS` rounds.
///
///     swift run -c release IngestSteps [REQUESTS] [ROUNDS] [--keep-all]   (default 200 requests, 5 rounds)
///
/// `--keep-all`: the store keeps every span (grows without evicting, as the micro-benchmark's does).
///
/// Under `valgrind --tool=callgrind --toggle-collect='*TraceStore*apply*'` (or `*PreparedBatch*C*`,
/// `*OTLPDecoder*decode*`) it counts each step's instructions, which this machine's noise does not move.

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let requests = arguments.first ?? 200
let rounds = arguments.dropFirst().first ?? 5
let keepsAll = CommandLine.arguments.contains("--keep-all")
let spansPerRequest = 512
let nowNanos: UInt64 = 1_790_000_000_000_000_000
let template = try RequestTemplate(request: AgentTraces.request(spanCount: spansPerRequest), encoding: .protobuf)
let bodies = (0..<requests).map { AgentTraces.body(of: template, sequence: $0, nowNanos: nowNanos) }
let spans = Double(requests * spansPerRequest)
let pricing = CallPricing(table: .bundled)

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

var best = (decode: Double.infinity, prepare: Double.infinity, apply: Double.infinity)
for _ in 0..<rounds {
    let packers = SpanPackerPool()
    let scanners = OTLPTraceScannerPool(packing: packers)
    var batches: [TelemetryBatch] = []
    best.decode = min(best.decode, try seconds {
        batches = try bodies.map { try OTLPDecoder.decode(signal: .traces, body: $0, contentType: .protobuf, scanners: scanners) }
    })
    var prepared: [PreparedBatch] = []
    best.prepare = min(best.prepare, seconds {
        prepared = batches.map { PreparedBatch($0, pricing: pricing, packers: packers) }
    })
    batches = []
    let maxSpans = keepsAll ? requests * spansPerRequest : requests * spansPerRequest / 4
    var store = TraceStore(limits: StoreLimits(maxSpans: maxSpans), pricing: pricing, packers: packers)
    var evicted: [[TraceEntry]] = []
    best.apply = min(best.apply, seconds {
        for batch in prepared {
            store.apply(batch, nowNanos: nowNanos)
            // Freed after the lock, as the live store does, so the step times what happens under it.
            evicted.append(store.takeEvicted())
        }
    })
}

func line(_ name: String, _ time: Double) -> String {
    "  " + name.padding(toLength: 32, withPad: " ", startingAt: 0)
        + String(format: "%8.0f ns a span  %9.0f spans/s", time * 1e9 / spans, spans / time)
}
print("best of \(rounds) rounds, \(Int(spans)) spans of the load's agent traces, "
      + (keepsAll ? "all kept:" : "a quarter kept:"))
print(line("decode and pack", best.decode))
print(line("prepare (normalize, price)", best.prepare))
print(line("apply (store, under the lock)", best.apply))
print(line("all three", best.decode + best.prepare + best.apply))
