import Semantics
import XCTest
@testable import Store
import Telemetry
import PackedSpans

/// HDR latency: percentiles within 3 significant digits of the exact nearest-rank values, merged across
/// models and operations, clamped at the range's ends, and a recent window that follows the clock.
final class LatencyHistogramTests: XCTestCase {
    let origin = Origin(resource: [Attribute("service.name", .string("svc"))])

    /// Nearest rank: the smallest value with at least q of the values at or below it.
    func exact(_ values: [Double], _ q: Double) -> Double {
        let sorted = values.sorted()
        return sorted[max(0, Int((q * Double(sorted.count)).rounded(.up)) - 1)]
    }

    /// Within the histogram's precision: 3 significant digits, at most 1 µs below that.
    func assertClose(_ actual: Double?, _ expected: Double, _ message: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        guard let actual else { return XCTFail("no value " + message, file: file, line: line) }
        XCTAssertEqual(actual, expected, accuracy: expected * 0.001 + 1e-6, message, file: file, line: line)
    }

    func assertPercentiles(_ p: Percentiles, of values: [Double], _ message: String = "",
                           file: StaticString = #filePath, line: UInt = #line) {
        assertClose(p.p50, exact(values, 0.50), "p50 " + message, file: file, line: line)
        assertClose(p.p95, exact(values, 0.95), "p95 " + message, file: file, line: line)
        assertClose(p.p99, exact(values, 0.99), "p99 " + message, file: file, line: line)
    }

    /// A long-tailed spread from tens of microseconds to minutes, the same on every run.
    func longTail(count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let uniform = Double(state >> 11) / Double(1 << 53)
            return 0.00005 * pow(10, 6.5 * uniform * uniform)
        }
    }

    func testUniformMillisecondsMatchNearestRank() {
        var histogram = LatencyHistogram()
        let values = (1...1000).map { Double($0) / 1000 }
        for value in values.shuffled() { histogram.record(seconds: value) }
        XCTAssertEqual(histogram.count, 1000)
        assertPercentiles(histogram.percentiles, of: values)
        // The nearest ranks of 1…1000 ms, worked out by hand.
        assertClose(histogram.percentiles.p50, 0.5)
        assertClose(histogram.percentiles.p95, 0.95)
        assertClose(histogram.percentiles.p99, 0.99)
    }

    func testLongTailedDistributionWithinPrecision() {
        let values = longTail(count: 20_000, seed: 7)
        var histogram = LatencyHistogram()
        for value in values { histogram.record(seconds: value) }
        assertPercentiles(histogram.percentiles, of: values)
        XCTAssertGreaterThan(exact(values, 0.99), 100 * exact(values, 0.50), "the tail is long")
    }

    func testOutliersAreClampedNeverFatal() throws {
        var histogram = LatencyHistogram()
        XCTAssertNil(histogram.percentiles.p50, "empty")
        for value in [-3.0, 0, 1e-9, .nan, .infinity, 1e12, 7_200] { histogram.record(seconds: value) }
        XCTAssertEqual(histogram.count, 6, "NaN is skipped")
        XCTAssertEqual(try XCTUnwrap(histogram.percentiles.p50), 0, "negative and sub-microsecond values clamp to 0")
        assertClose(histogram.percentiles.p99, 3600, "beyond an hour clamps to an hour")
    }

    func testRefreshKeepsTheSameAnswerAndFollowsNewValues() {
        var histogram = LatencyHistogram()
        for value in [0.1, 0.2, 0.3] { histogram.record(seconds: value) }
        let before = histogram.percentiles
        histogram.refresh()
        XCTAssertEqual(histogram.percentiles, before)
        for _ in 0..<10 { histogram.record(seconds: 9) }
        assertClose(histogram.percentiles.p50, 9, "a stale cache is never read")
    }

    // MARK: Through the store

    func call(_ trace: UInt64, _ id: UInt64, model: String, operation: String = "chat", seconds: Double,
              ttft: Double? = nil) -> RawSpan {
        var attributes = [Attribute("gen_ai.operation.name", .string(operation)),
                          Attribute("gen_ai.provider.name", .string("openai")),
                          Attribute("gen_ai.request.model", .string(model))]
        if let ttft { attributes.append(Attribute("gen_ai.response.time_to_first_chunk", .double(ttft))) }
        let start: UInt64 = 1_000_000_000
        return RawSpan(traceID: TraceID(high: 9, low: trace), spanID: SpanID(id), name: "\(operation) \(model)",
                       startNanos: start, endNanos: start + UInt64((seconds * 1e9).rounded()), attributes: attributes,
                       origin: origin)
    }

    func testPerModelPerOperationAndOverallPercentilesMerge() throws {
        let a = longTail(count: 3000, seed: 1), b = longTail(count: 1000, seed: 2).map { $0 * 3 }
        let embeddings = (1...200).map { Double($0) / 10_000 }
        var spans: [RawSpan] = []
        var id: UInt64 = 0
        for value in a { id += 1; spans.append(call(id, 1, model: "model-a", seconds: value, ttft: value / 4)) }
        for value in b { id += 1; spans.append(call(id, 1, model: "model-b", seconds: value)) }
        for value in embeddings {
            id += 1
            spans.append(call(id, 1, model: "model-a", operation: "embeddings", seconds: value))
        }
        var store = TraceStore()
        store.apply(TelemetryBatch(spans: spans), nowNanos: 1)
        let report = Report(store: store)

        assertPercentiles(report.latency, of: a + b + embeddings, "overall")
        assertPercentiles(report.timeToFirstToken, of: a.map { $0 / 4 }, "overall TTFT")
        let modelA = try XCTUnwrap(report.models.first { $0.model == "model-a" })
        let modelB = try XCTUnwrap(report.models.first { $0.model == "model-b" })
        assertPercentiles(modelA.latency, of: a + embeddings, "model-a, both operations")
        assertPercentiles(modelB.latency, of: b, "model-b")
        XCTAssertNil(modelB.timeToFirstToken.p50)
        XCTAssertEqual(report.operations.map(\.operation), ["chat", "embeddings"])
        XCTAssertEqual(report.operations.map(\.calls), [4000, 200])
        assertPercentiles(report.operations[0].latency, of: a + b, "chat, both models")
        assertPercentiles(report.operations[1].latency, of: embeddings, "embeddings")

        let json = report.json.rendered(indent: nil)
        XCTAssertTrue(json.contains("\"operations\":[{\"operation\":\"chat\",\"calls\":4000,\"latency_s\":{\"p50\":"), json)
    }

    func testRecentWindowRotatesWithTheClock() throws {
        let minute: UInt64 = 60_000_000_000
        let t0 = 1_000 * minute + 5_000_000_000
        var recent = RecentLatency()
        for _ in 0..<100 { recent.record(durationSeconds: 1, timeToFirstTokenSeconds: 0.2, atNanos: t0) }
        for _ in 0..<100 { recent.record(durationSeconds: 5, timeToFirstTokenSeconds: nil, atNanos: t0 + 3 * minute) }
        let both = recent.percentiles(atNanos: t0 + 3 * minute)
        assertClose(both.duration.p50, 1, "both minutes are in the window")
        assertClose(both.duration.p99, 5)
        assertClose(both.timeToFirstToken.p50, 0.2)

        // Six minutes on, the first minute has left the window: read before and after advancing.
        let later = t0 + 6 * minute
        assertClose(recent.percentiles(atNanos: later).duration.p50, 5, "without advancing")
        XCTAssertNil(recent.percentiles(atNanos: later).timeToFirstToken.p50)
        recent.advance(toNanos: later)
        assertClose(recent.percentiles(atNanos: later).duration.p50, 5, "after advancing")
        recent.record(durationSeconds: 2, timeToFirstTokenSeconds: nil, atNanos: later)
        let mixed = recent.percentiles(atNanos: later)
        assertClose(mixed.duration.p50, 5)
        assertClose(mixed.duration.p99, 5)
        XCTAssertEqual(try XCTUnwrap(mixed.duration.p50), 5, accuracy: 0.01)

        recent.advance(toNanos: t0 + 20 * minute)
        XCTAssertTrue(recent.isEmpty)
        XCTAssertNil(recent.percentiles(atNanos: t0 + 20 * minute).duration.p50)
    }

    func testSnapshotShowsTheLastMinutesAndKeepsSinceStart() throws {
        let minute: UInt64 = 60_000_000_000
        let t0 = 500 * minute
        var store = TraceStore()
        store.apply(TelemetryBatch(spans: (1...50).map { call($0, 1, model: "slow", seconds: 8) }), nowNanos: t0)
        store.apply(TelemetryBatch(spans: (51...100).map { call($0, 1, model: "fast", seconds: 0.5) }),
                    nowNanos: t0 + 7 * minute)
        for advanced in [false, true] {
            if advanced { store.advance(nowNanos: t0 + 7 * minute) }
            let snapshot = store.snapshot(nowNanos: t0 + 7 * minute)
            assertClose(snapshot.quality.latency.p99, 0.5, "only the recent calls")
            assertClose(snapshot.quality.latencySinceStart.p50, 0.5)
            assertClose(snapshot.quality.latencySinceStart.p99, 8, "since start keeps the slow ones")
            let slow = try XCTUnwrap(snapshot.models.first { $0.totals.model == "slow" })
            let fast = try XCTUnwrap(snapshot.models.first { $0.totals.model == "fast" })
            XCTAssertNil(slow.totals.latency.p50, "no call of this model in the last minutes")
            assertClose(fast.totals.latency.p50, 0.5)
        }
        let report = Report(store: store)
        assertClose(report.latency.p99, 8, "the report is since start")
    }
}

extension LatencyHistogramTests {
    func testManyModelNamesShareOneKeyPastTheLimit() {
        var book = LatencyBook()
        for n in 0..<(LatencyBook.maxKeys + 50) {
            book.record(.init(provider: "p", model: "m\(n)", operation: "chat"), durationSeconds: 1,
                        timeToFirstTokenSeconds: nil, atNanos: 1)
        }
        XCTAssertEqual(book.sinceStart.count, LatencyBook.maxKeys + 1)
        XCTAssertEqual(book.sinceStart[.init(provider: "p", model: LatencyBook.otherModels, operation: "chat")]?.duration.count, 50)
        XCTAssertEqual(book.overall.duration.count, UInt64(LatencyBook.maxKeys + 50), "nothing is lost overall")
    }
}
