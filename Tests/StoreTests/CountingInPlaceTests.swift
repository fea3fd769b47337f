import Semantics
import XCTest
@testable import Store
import Histogram
import Foundation

/// The aggregates change their entries in place through an index found once: what they add up must
/// stay what adding entry by entry gave, including an entry taken out again and copies left alone.
final class CountingInPlaceTests: XCTestCase {
    private func record(model: String, service: String = "svc", input: Int64 = 100, usd: Double? = nil) -> CallRecord {
        CallRecord(call: LLMCall(provider: "openai", requestModel: model, usage: TokenUsage(input: input, output: 10),
                                 hasUsage: true, finishReasons: ["stop"], rawFinishReasons: ["stop"]),
                   cost: usd.map { PricedCost(usd: $0, rule: "test") }, source: .span, service: service,
                   startNanos: 1, durationSeconds: 1)
    }

    func testALedgerEntryLeftWithNothingIsTakenOut() {
        var ledger = ModelLedger()
        let unnamed = record(model: "")
        ledger.record(unnamed)
        ledger.record(record(model: "gpt-4o", usd: 0.5))
        XCTAssertEqual(ledger.entries["(none)"]?.calls, 1)
        // The call named its model in a later report: it moves, and the unnamed entry goes.
        ledger.amend(unnamed, to: record(model: "gpt-4o", usd: 0.25))
        XCTAssertNil(ledger.entries["(none)"])
        XCTAssertEqual(ledger.entries["gpt-4o"]?.calls, 2)
        XCTAssertEqual(ledger.entries["gpt-4o"]?.usage.input, 200)
        XCTAssertEqual(ledger.entries["gpt-4o"]?.costUSD ?? 0, 0.75, accuracy: 1e-12)
        XCTAssertEqual(ledger.entries["gpt-4o"]?.pricedCalls, 2)
        XCTAssertEqual(ledger.entries["gpt-4o"]?.responses, 2)
    }

    func testEveryServiceAndModelPairIsCoveredPastTheRecentOnes() {
        var totals = CallTotals()
        // More pairs than the recent ones remembered, each sent three times, interleaved.
        let pairs = (0..<40).map { (service: "svc-\($0 % 5)", model: "model-\($0)") }
        for _ in 0..<3 {
            for pair in pairs { totals.add(record(model: pair.model, service: pair.service), session: "") }
        }
        XCTAssertEqual(totals.covered, Set(pairs.map { CallTotals.ServiceModel(service: $0.service, model: $0.model) }))
        XCTAssertEqual(totals.calls, 120)
        XCTAssertEqual(totals.order.count, 40, "each model once, in the order first counted")
        XCTAssertEqual(totals.order.map(\.model), pairs.map(\.model))
        XCTAssertEqual(totals.models[CallTotals.ModelKey(provider: "openai", model: "model-7")]?.calls, 3)
        XCTAssertEqual(totals.services["svc-2"]?.llmCalls, 24)
    }

    func testTakingACallOutOfTheTotalsLeavesItsModelAtZero() {
        var totals = CallTotals()
        let call = record(model: "gpt-4o", usd: 1)
        totals.add(call, session: "s")
        totals.add(call, session: "s", sign: -1)
        let model = totals.models[CallTotals.ModelKey(provider: "openai", model: "gpt-4o")]
        XCTAssertEqual(model?.calls, 0)
        XCTAssertEqual(model?.usage, .zero)
        XCTAssertEqual(model?.costUSD ?? .nan, 0, accuracy: 1e-12)
        XCTAssertEqual(totals.sessions["s"]?.llmCalls, 0)
    }

    func testAHistogramCopiedBeforeAValueKeepsItsOwnCounts() {
        var histogram = LatencyHistogram()
        histogram.record(seconds: 1)
        let copy = histogram
        histogram.record(seconds: 2)
        histogram.record(seconds: 3)
        XCTAssertEqual(copy.count, 1)
        XCTAssertEqual(histogram.count, 3)
        XCTAssertEqual(copy.percentiles.p99 ?? 0, 1, accuracy: 0.001)
        XCTAssertEqual(histogram.percentiles.p99 ?? 0, 3, accuracy: 0.003)
    }

    func testTheIndexOfAKeyIsFoundOrMadeOnce() {
        var counts = ["a": 1]
        var made = 0
        func make() -> Int {
            made += 1
            return 10
        }
        let a = counts.index(forKey: "a", insertingIfAbsent: make())
        XCTAssertEqual(counts[a].value, 1)
        XCTAssertEqual(made, 0, "a key already there makes nothing")
        let b = counts.index(forKey: "b", insertingIfAbsent: make())
        counts.values[b] += 5
        XCTAssertEqual(made, 1)
        XCTAssertEqual(counts, ["a": 1, "b": 15])
    }
}

/// The one-pass percentiles give what the HDR library's `valueAtPercentile` gives, value for value.
final class OnePassPercentileTests: XCTestCase {
    func testOnePassPercentilesEqualTheLibrarysOwn() {
        var random = SystemRandomNumberGenerator()
        for size in [1, 2, 3, 7, 20, 99, 100, 101, 1_000, 25_000] {
            var histogram = Histogram<UInt32>(lowestDiscernibleValue: 1, highestTrackableValue: LatencyHistogram.highestMicros,
                                              numberOfSignificantValueDigits: .three)
            for _ in 0..<size {
                // Latencies from microseconds to minutes, spread over many buckets.
                let exponent = Double.random(in: 0...8, using: &random)
                histogram.record(UInt64(pow(10, exponent)))
            }
            let percentiles: [Double] = [50, 95, 99]
            XCTAssertEqual(LatencyHistogram.values(of: histogram, atPercentiles: percentiles),
                           percentiles.map { histogram.valueAtPercentile($0) }, "\(size) values")
        }
    }
}
