import Semantics
import XCTest
@testable import Store

/// Sliding windows with an injected clock: every figure is computed by hand here.
final class UsageWindowsTests: XCTestCase {
    private let second: UInt64 = 1_000_000_000
    private let start: UInt64 = 1_700_000_000 * 1_000_000_000

    func testRatesOverEachWindowAndModel() {
        var windows = UsageWindows()
        // 90 s ago: 600 input tokens, $0.30 on gpt-4o. 10 s ago: 120 input, 60 output, 30 cached, $0.06.
        windows.add(model: "gpt-4o", usage: TokenUsage(input: 600), costUSD: 0.30, atNanos: start - 90 * second)
        windows.add(model: "gpt-4o", usage: TokenUsage(input: 120, output: 60, cacheRead: 30), costUSD: 0.06,
                    atNanos: start - 10 * second)
        windows.add(model: "claude", usage: TokenUsage(input: 60, output: 6, reasoning: 3), costUSD: nil,
                    atNanos: start - 5 * second)

        let minute = windows.rates(model: "gpt-4o", window: .oneMinute, nowNanos: start)
        XCTAssertEqual(minute.inputPerSecond, 2.0)          // 120 / 60
        XCTAssertEqual(minute.outputPerSecond, 1.0)         // 60 / 60
        XCTAssertEqual(minute.cacheReadPerSecond, 0.5)      // 30 / 60
        XCTAssertEqual(minute.dollarsPerHour, 3.6, accuracy: 1e-12)  // 0.06 × 60

        let five = windows.rates(model: "gpt-4o", window: .fiveMinutes, nowNanos: start)
        XCTAssertEqual(five.inputPerSecond, 2.4)            // 720 / 300
        XCTAssertEqual(five.dollarsPerHour, 4.32, accuracy: 1e-12)   // 0.36 × 12

        let all = windows.rates(window: .oneMinute, nowNanos: start)
        XCTAssertEqual(all.inputPerSecond, 3.0)             // (120 + 60) / 60
        XCTAssertEqual(all.reasoningPerSecond, 0.05)        // 3 / 60
        XCTAssertEqual(all.unpricedCalls, 1, "claude has tokens but no price: flagged, not $0")
        XCTAssertEqual(windows.usage(window: .oneHour, nowNanos: start).calls, 3)
    }

    func testOldSecondsLeaveTheWindowAndTheRingIsReused() {
        var windows = UsageWindows()
        windows.add(model: "m", usage: TokenUsage(input: 100), costUSD: 1, atNanos: start)
        XCTAssertEqual(windows.usage(window: .oneMinute, nowNanos: start + 59 * second).input, 100)
        XCTAssertEqual(windows.usage(window: .oneMinute, nowNanos: start + 60 * second).input, 0)
        XCTAssertEqual(windows.usage(window: .oneHour, nowNanos: start + 3599 * second).input, 100)
        // One hour later the same ring slot holds a new second; the old one must not leak into it.
        windows.add(model: "m", usage: TokenUsage(input: 7), costUSD: 0, atNanos: start + 3600 * second)
        XCTAssertEqual(windows.usage(window: .oneHour, nowNanos: start + 3600 * second).input, 7)
        windows.prune(nowNanos: start + 7300 * second)
        XCTAssertEqual(windows.models, [])
    }

    func testSparklineSeriesIsOldestFirst() {
        var windows = UsageWindows()
        windows.add(model: "m", usage: TokenUsage(input: 10, output: 5), costUSD: nil, atNanos: start - 25 * second)
        windows.add(model: "m", usage: TokenUsage(input: 1), costUSD: nil, atNanos: start)
        // Steps of 10 s ending now: [-39…-30], [-29…-20], [-19…-10], [-9…0].
        XCTAssertEqual(windows.tokenSeries(model: "m", points: 4, step: 10, nowNanos: start), [0, 15, 0, 1])
    }
}
