import Foundation
import Glibc
import Ingest
import LoadGenerator
import PackedSpans
import Semantics
import Store

/// Where the bytes of a stored span go: requests of the load generator's agent traces (512 spans,
/// about 1 KB each on the wire) taken in step by step, the resident size read after each step with
/// the allocator's free pages given back, so each step's growth is what it keeps. A step that lets go
/// of the step before's arrays counts net of them.
///
///     swift run -c release MemoryBreakdown [REQUESTS]    (default 200: 102,400 spans)

func resident() -> Int {
    if let handle = dlopen(nil, RTLD_NOW), let trim = dlsym(handle, "malloc_trim") {
        _ = unsafeBitCast(trim, to: (@convention(c) (Int) -> Int32).self)(0)
    }
    let fields = (try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8))?.split(separator: " ") ?? []
    return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

let requests = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 200
let spansPerRequest = 512
let nowNanos: UInt64 = 1_790_000_000_000_000_000
let template = try RequestTemplate(request: AgentTraces.request(spanCount: spansPerRequest), encoding: .protobuf)
let bodies = (0..<requests).map { AgentTraces.body(of: template, sequence: $0, nowNanos: nowNanos) }
let wireBytes = bodies.reduce(0) { $0 + $1.count }
let spans = requests * spansPerRequest
let packers = SpanPackerPool()
let scanners = OTLPTraceScannerPool(packing: packers)
let pricing = CallPricing(table: .bundled)

let start = resident()
var batches = try bodies.map { try OTLPDecoder.decode(signal: .traces, body: $0, contentType: .protobuf, scanners: scanners) }
let bodyBytes = batches.reduce(0) { $0 + $1.packedSpans.reduce(0) { $0 + $1.bodyBytes } }
let decoded = resident()
// The roles alone (what normalizing keeps for each span), measured and let go.
var roles = batches.flatMap { $0.packedSpans.map(Normalizer.role(of:)) }
let withRoles = resident()
roles = []
let rolesOnly = withRoles - resident()
var prepared = batches.map { PreparedBatch($0, pricing: pricing, packers: packers) }
batches = []
var store = TraceStore(limits: StoreLimits(maxSpans: 10_000_000), pricing: pricing, packers: packers)
for batch in prepared { store.apply(batch, nowNanos: nowNanos) }
prepared = []
let stored = resident()
_ = store.snapshot(nowNanos: nowNanos)
let summarized = resident()

func perSpan(_ bytes: Int) -> String { String(format: "%6.0f", Double(bytes) / Double(spans)) }
print("bytes a span, \(spans) spans of the load's agent traces (\(perSpan(wireBytes)) on the wire, packed body \(perSpan(bodyBytes)))")
print("  packed spans, decoded in their batches   \(perSpan(decoded - start))")
print("  roles                                    \(perSpan(rolesOnly))")
print("  store rows and indexes (the rest)        \(perSpan(stored - start - (decoded - start) - rolesOnly))")
print("  stored, headless                         \(perSpan(stored - start))")
print("  trace summaries (the screen's snapshot)  \(perSpan(summarized - stored))")
print("  stored, with the screen                  \(perSpan(summarized - start))")
print("  the store's own estimate                 \(perSpan(store.counters.retainedBytes))")
print("sizes of what each span keeps inline (bytes): PackedSpan \(MemoryLayout<PackedSpan>.stride), StoredSpan \(MemoryLayout<StoredSpan>.stride), LLMCall \(MemoryLayout<LLMCall>.stride) (boxed), ToolCall \(MemoryLayout<ToolCall>.stride) (boxed), TraceSummary \(MemoryLayout<TraceSummary>.stride) a trace")
