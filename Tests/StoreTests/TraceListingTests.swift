import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans
import Synthetic

/// The store keeps its trace lists sorted as spans arrive, traces are evicted and time passes; these
/// tests compare what it lists with every row summarized, filtered and sorted from scratch.
final class TraceListingTests: XCTestCase {
    static let timeout: UInt64 = 40
    let filters = ["", "model:mini", "status:running", "status:error", "svc-b", "agent:planner", "session:s1",
                   "status:ok chat"]

    struct Generator {
        var random: SeededRandom
        var nextSpan: UInt64 = 1

        mutating func spans(now: UInt64) -> [RawSpan] {
            (0..<Int.random(in: 1...8, using: &random)).map { _ in span(now: now) }
        }

        mutating func span(now: UInt64) -> RawSpan {
            let trace = UInt64.random(in: 1...70, using: &random)
            let id = nextSpan
            nextSpan += 1
            let isRoot = Int.random(in: 0..<5, using: &random) == 0
            let start = now * 10 + UInt64.random(in: 0..<400, using: &random)
            let open = Int.random(in: 0..<4, using: &random) == 0
            let service = ["svc-a", "svc-b", "svc-c"].randomElement(using: &random)!
            let origin = Origin(resource: [Attribute("service.name", .string(service))],
                                scopeName: ["sdk", "instrumentation"].randomElement(using: &random)!)
            var attributes: [Attribute] = []
            switch Int.random(in: 0..<4, using: &random) {
            case 0, 1:
                let model = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet"].randomElement(using: &random)!
                attributes = [Attribute("gen_ai.operation.name", .string("chat")),
                              Attribute("gen_ai.system", .string("openai")),
                              Attribute("gen_ai.request.model", .string(model)),
                              Attribute("gen_ai.usage.input_tokens", .int(Int64.random(in: 0...500, using: &random))),
                              Attribute("gen_ai.usage.output_tokens", .int(Int64.random(in: 0...500, using: &random))),
                              Attribute("gen_ai.response.finish_reasons",
                                        .array([.string(["stop", "length"].randomElement(using: &random)!)]))]
                // The same response id twice: two reports of one call, one counted as the other's duplicate.
                if Bool.random(using: &random) {
                    attributes.append(Attribute("gen_ai.response.id", .string("r\(Int.random(in: 0..<15, using: &random))")))
                }
            case 2:
                attributes = [Attribute("gen_ai.operation.name", .string("invoke_agent")),
                              Attribute("gen_ai.agent.name", .string(["planner", "writer"].randomElement(using: &random)!))]
            default:
                attributes = [Attribute("gen_ai.operation.name", .string("execute_tool")),
                              Attribute("gen_ai.tool.name", .string("search"))]
            }
            if Int.random(in: 0..<4, using: &random) == 0 {
                attributes.append(Attribute("gen_ai.conversation.id", .string("s\(Int.random(in: 0..<3, using: &random))")))
            }
            return RawSpan(traceID: TraceID(high: 7, low: trace), spanID: SpanID(id),
                           parentSpanID: isRoot ? .zero : SpanID(UInt64.random(in: 1...1_000_000, using: &random)),
                           name: isRoot ? "root \(trace)" : "chat \(id % 5)", startNanos: start,
                           endNanos: open ? 0 : start + UInt64.random(in: 0..<900, using: &random),
                           attributes: attributes,
                           statusCode: Int.random(in: 0..<6, using: &random) == 0 ? .error : .unset, origin: origin)
        }
    }

    /// Every row summarized from scratch, filtered and sorted the way the screen sorts a whole list.
    func reference(_ store: TraceStore, now: UInt64, sort: TraceSortKey, filter: TraceFilter) -> [TraceSummary] {
        let rows = store.traces.values
            .map { TraceSummarizer.summarize($0, nowNanos: now, inFlightTimeoutNanos: Self.timeout) }
            .filter(filter.matches)
            .sorted { ($0.startNanos, $0.traceID) > ($1.startNanos, $1.traceID) }
        guard sort != .started else { return rows }
        return rows.enumerated().sorted { a, b in
            let (ka, kb) = (sort.value(of: a.element), sort.value(of: b.element))
            return ka != kb ? ka > kb : a.offset < b.offset
        }.map(\.element)
    }

    func testListsEqualAFreshSortAfterRandomArrivalsEvictionsAndTime() {
        for seed in [1, 2, 3, 4] as [UInt64] {
            var generator = Generator(random: SeededRandom(seed: seed))
            var store = TraceStore(limits: StoreLimits(maxSpans: 150, inFlightTimeoutNanos: Self.timeout))
            var now: UInt64 = 1
            var checks = 0
            for step in 0..<1_500 {
                store.apply(TelemetryBatch(spans: generator.spans(now: now)), nowNanos: now)
                now += UInt64.random(in: 0...6, using: &generator.random)
                // Snapshots now and then, so several batches and timeouts fall between two of them.
                guard Int.random(in: 0..<4, using: &generator.random) == 0 else { continue }
                let sort = TraceSortKey.allCases.randomElement(using: &generator.random)!
                let filter = TraceFilter(filters.randomElement(using: &generator.random)!)
                // Reversed (`r` on the screen): smallest or oldest first.
                let reversed = Int.random(in: 0..<3, using: &generator.random) == 0
                let sorted = reference(store, now: now, sort: sort, filter: filter)
                let expected = reversed ? Array(sorted.reversed()) : sorted
                let selected = Bool.random(using: &generator.random) ? store.traces.keys.randomElement(using: &generator.random) : nil
                let query = TraceQuery(sort: sort, reversed: reversed, filter: filter, selected: selected,
                                       anchorIndex: Int.random(in: 0..<80, using: &generator.random),
                                       rowsAround: Int.random(in: 0..<12, using: &generator.random),
                                       openTrace: store.traces.keys.randomElement(using: &generator.random))
                let snapshot = store.snapshot(nowNanos: now, query: query)
                guard let window = snapshot.window else { return XCTFail("no window") }
                let context = "seed \(seed) step \(step) sort \(sort)\(reversed ? " reversed" : "") filter '\(filter.text)'"
                XCTAssertEqual(window.count, expected.count, context)
                XCTAssertEqual(window.running, expected.filter(\.inFlight).count, context)
                XCTAssertEqual(window.rows, Array(expected.dropFirst(window.offset).prefix(window.rows.count)), context)
                let selectedIndex = selected.flatMap { id in expected.firstIndex { $0.traceID == id } }
                XCTAssertEqual(window.selectedIndex, selectedIndex, context)
                let anchor = selectedIndex ?? min(query.anchorIndex, max(0, expected.count - 1))
                XCTAssertEqual(window.offset, max(0, anchor - query.rowsAround), context)
                XCTAssertEqual(window.rows.count, max(0, min(expected.count, anchor + query.rowsAround + 1) - window.offset), context)
                XCTAssertEqual(window.last, expected.last, context)
                let all = reference(store, now: now, sort: .started, filter: TraceFilter())
                XCTAssertEqual(window.openSummary, query.openTrace.flatMap { id in all.first { $0.traceID == id } }, context)
                XCTAssertEqual(window.totalTraces, store.traces.count, context)
                XCTAssertEqual(window.totalRunning, all.filter(\.inFlight).count, context)
                if step % 5 == 0 { XCTAssertEqual(store.snapshot(nowNanos: now).traces, all, context) }
                checks += 1
            }
            XCTAssertGreaterThan(checks, 300)
            XCTAssertGreaterThan(store.counters.evictedSpans, 1_000, "eviction was exercised")
            XCTAssertGreaterThan(store.counters.duplicateCalls, 0, "duplicate calls were exercised")
        }
    }

    func testRunningEndsAfterTheTimeoutAndResumesWhenASpanArrives() {
        var store = TraceStore(limits: StoreLimits(inFlightTimeoutNanos: 100))
        let origin = Origin(resource: [Attribute("service.name", .string("svc"))], scopeName: "test")
        func child(_ id: UInt64) -> RawSpan {
            RawSpan(traceID: TraceID(high: 1, low: 1), spanID: SpanID(id), parentSpanID: SpanID(99), name: "step",
                    startNanos: 10, endNanos: 20, origin: origin)
        }
        let running = TraceQuery(filter: TraceFilter("status:running"))
        store.apply(TelemetryBatch(spans: [child(1)]), nowNanos: 1_000)
        XCTAssertEqual(store.snapshot(nowNanos: 1_050, query: running).window?.count, 1)
        XCTAssertEqual(store.snapshot(nowNanos: 1_100, query: running).window?.count, 0)
        XCTAssertEqual(store.snapshot(nowNanos: 1_100, query: TraceQuery()).window?.totalRunning, 0)
        store.apply(TelemetryBatch(spans: [child(2)]), nowNanos: 1_150)
        XCTAssertEqual(store.snapshot(nowNanos: 1_200, query: running).window?.count, 1)
        XCTAssertEqual(store.snapshot(nowNanos: 1_249, query: running).window?.count, 1)
        XCTAssertEqual(store.snapshot(nowNanos: 1_250, query: running).window?.count, 0)
    }

    func testSortedChunksKeepOrderAndPositions() {
        var random = SeededRandom(seed: 9)
        var chunks = SortedChunks<Int>()
        var reference = Set<Int>()
        for _ in 0..<20_000 {
            let key = Int.random(in: 0..<3_000, using: &random)
            if Bool.random(using: &random) {
                XCTAssertEqual(chunks.insert(key), reference.insert(key).inserted)
            } else {
                XCTAssertEqual(chunks.remove(key), reference.remove(key) != nil)
            }
        }
        let sorted = reference.sorted()
        XCTAssertEqual(chunks.count, sorted.count)
        XCTAssertEqual(chunks.keys(in: 0..<chunks.count), sorted)
        XCTAssertEqual(chunks.keys(in: 700..<900), Array(sorted[700..<900]))
        for (index, key) in sorted.enumerated() where index % 37 == 0 { XCTAssertEqual(chunks.rank(of: key), index) }
        XCTAssertNil(chunks.rank(of: -1))
        XCTAssertEqual(SortedChunks(sorted: sorted).keys(in: 0..<sorted.count), sorted)
    }
}
