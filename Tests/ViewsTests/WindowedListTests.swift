import Semantics
import Store
import XCTest
@testable import CanvasKit
@testable import Views
import Telemetry
import PackedSpans
import Synthetic

/// The screen asks the store for the rows around its selection only; these tests drive one screen with
/// such snapshots and one with every row, through random keys and arrivals, and expect the same frames.
final class WindowedListTests: XCTestCase {
    static func spans(_ count: Int, now: UInt64, random: inout SeededRandom, next: inout UInt64) -> [RawSpan] {
        (0..<count).map { _ in
            let trace = UInt64.random(in: 1...400, using: &random)
            next += 1
            let isRoot = Int.random(in: 0..<3, using: &random) == 0
            let start = now - UInt64.random(in: 0..<600, using: &random) * Fixtures.second / 10
            let service = ["checkout", "search-api", "batch"].randomElement(using: &random)!
            let origin = Origin(resource: [Attribute("service.name", .string(service))], scopeName: "test")
            var attributes: [Attribute] = []
            if Bool.random(using: &random) {
                attributes = [Attribute("gen_ai.operation.name", .string("chat")),
                              Attribute("gen_ai.system", .string("openai")),
                              Attribute("gen_ai.request.model", .string(["gpt-4o", "gpt-4o-mini"].randomElement(using: &random)!)),
                              Attribute("gen_ai.usage.input_tokens", .int(Int64.random(in: 0...900, using: &random))),
                              Attribute("gen_ai.usage.output_tokens", .int(Int64.random(in: 0...900, using: &random)))]
            }
            return RawSpan(traceID: TraceID(high: 3, low: trace), spanID: SpanID(next),
                           parentSpanID: isRoot ? .zero : SpanID(next + 1_000_000), name: isRoot ? "agent \(trace)" : "step",
                           startNanos: start,
                           endNanos: Int.random(in: 0..<5, using: &random) == 0 ? 0 : start + UInt64.random(in: 1...90, using: &random) * Fixtures.second / 10,
                           attributes: attributes, statusCode: Int.random(in: 0..<8, using: &random) == 0 ? .error : .unset,
                           origin: origin)
        }
    }

    func testWindowedSnapshotsDrawTheSameFramesAsWholeOnes() {
        var random = SeededRandom(seed: 42)
        var next: UInt64 = 0
        var store = TraceStore(limits: StoreLimits(maxSpans: 900))
        var now = Fixtures.now
        store.apply(TelemetryBatch(spans: Self.spans(600, now: now, random: &random, next: &next)), nowNanos: now)
        let filters = ["", "gpt-4o-mini", "service:search", "status:error", "status:running", "nothing-matches"]
        var windowed = ViewState(), whole = ViewState()
        for step in 0..<400 {
            if Int.random(in: 0..<3, using: &random) == 0 {
                now += Fixtures.second / 4
                store.apply(TelemetryBatch(spans: Self.spans(Int.random(in: 1...40, using: &random), now: now,
                                                             random: &random, next: &next)), nowNanos: now)
            }
            let size = [Size(width: 200, height: 60), Size(width: 120, height: 30), Size(width: 80, height: 14)]
                .randomElement(using: &random)!
            // As the dashboard does: a snapshot for the state's query, again when reconciling moved it.
            var windowedSnapshot = store.snapshot(nowNanos: now, query: windowed.traceQuery(screen: size))
            windowed = windowed.reconciled(with: windowedSnapshot, screen: size)
            if windowed.traceQuery(screen: size) != windowedSnapshot.window?.query {
                windowedSnapshot = store.snapshot(nowNanos: now, query: windowed.traceQuery(screen: size))
            }
            let wholeSnapshot = store.snapshot(nowNanos: now)
            whole = whole.reconciled(with: wholeSnapshot, screen: size)
            XCTAssertEqual(windowed, whole, "step \(step)")
            let windowedFrame = Frame.render(windowedSnapshot, state: windowed, size: size, context: Fixtures.context)
            let wholeFrame = Frame.render(wholeSnapshot, state: whole, size: size, context: Fixtures.context)
            XCTAssertEqual(windowedFrame, wholeFrame, "step \(step)\n" + windowedFrame.plainText().joined(separator: "\n")
                           + "\n" + wholeFrame.plainText().joined(separator: "\n"))
            var action: Action
            switch Int.random(in: 0..<12, using: &random) {
            case 0, 1, 2: action = .moveDown
            case 3: action = .moveUp
            case 4: action = .pageDown
            case 5: action = .pageUp
            case 6: action = .moveTop
            case 7: action = .moveBottom
            case 8: action = .cycleSort
            case 9:
                let text = filters.randomElement(using: &random)!
                windowed.filterDraft = text
                whole.filterDraft = text
                action = .applyFilter
            case 10: action = .openTrace
            default: action = .back
            }
            let openWindowed = windowed.drill.flatMap { store.trace($0.traceID) }
            let openWhole = whole.drill.flatMap { store.trace($0.traceID) }
            windowed = reduce(windowed, action, snapshot: windowedSnapshot, screen: size, openTrace: openWindowed)
            whole = reduce(whole, action, snapshot: wholeSnapshot, screen: size, openTrace: openWhole)
            XCTAssertEqual(windowed, whole, "step \(step) after \(action)")
        }
        XCTAssertGreaterThan(store.counters.evictedSpans, 0)
    }
}
