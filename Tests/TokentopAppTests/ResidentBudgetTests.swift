import PackedSpans
import Store
import Telemetry
import Testing
@testable import TokentopApp

/// `--max-memory` as resident size: the store's share follows what the rest of the process holds.
@Suite struct ResidentBudgetTests {
    private let mb = 1 << 20
    /// 256 MB, the store starting with 160 MB (less 96 MB of baseline).
    private var budget: ResidentBudget { ResidentBudget(boundBytes: 256 * mb, ceilingBytes: 160 * mb) }

    @Test func pastTheBoundLessHeadroomTheExcessIsShedAtOnce() {
        #expect(budget.headroomBytes == 16 * mb)
        // Resident 250 MB, 10 MB over 240: the store, holding 150 MB, keeps 140.
        #expect(budget.next(residentBytes: 250 * mb, retainedBytes: 150 * mb, currentBytes: 160 * mb) == 140 * mb)
        // A share already under what is held stays under it.
        #expect(budget.next(residentBytes: 245 * mb, retainedBytes: 150 * mb, currentBytes: 100 * mb) == 100 * mb)
    }

    @Test func neverBelowAQuarterNorAboveTheStart() {
        #expect(budget.next(residentBytes: 900 * mb, retainedBytes: 150 * mb, currentBytes: 160 * mb) == 40 * mb)
        #expect(budget.next(residentBytes: 20 * mb, retainedBytes: 0, currentBytes: 158 * mb) == 160 * mb)
    }

    @Test func wellUnderTheBoundTheShareGrowsBackAStepATime() {
        var share = 40 * mb
        var steps = 0
        while share < 160 * mb {
            share = budget.next(residentBytes: 150 * mb, retainedBytes: share, currentBytes: share)
            steps += 1
        }
        #expect(steps == 15, "8 MB a check")
        // Between the two thresholds nothing moves.
        #expect(budget.next(residentBytes: 220 * mb, retainedBytes: 90 * mb, currentBytes: 100 * mb) == 100 * mb)
    }

    @Test func theResidentSizeIsMeasured() throws {
        let resident = try #require(ResidentBound.measuredResidentBytes())
        #expect(resident > 4 * mb && resident < 8 << 30)
    }

    @Test func aSmallerShareEvictsAtOnce() {
        let store = LiveStore(limits: StoreLimits(maxSpans: 1_000_000))
        let origin = Origin(resource: [Attribute("service.name", .string("app"))])
        let spans = (1...50).map { n in
            RawSpan(traceID: TraceID(high: 1, low: UInt64(n)), spanID: SpanID(UInt64(n)), name: "chat",
                    startNanos: 1_000, endNanos: 2_000,
                    attributes: [Attribute("gen_ai.operation.name", .string("chat")), Attribute("gen_ai.prompt", .string("hello"))],
                    origin: origin)
        }
        store.apply(TelemetryBatch(spans: spans))
        let held = store.counters.retainedBytes
        #expect(held > 0)
        let after = store.setRetainedBudget(held / 2)
        #expect(after <= held / 2 && after > 0)
        #expect(store.counters.evictedSpans > 0)
    }
}
