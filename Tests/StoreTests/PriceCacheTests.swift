import Semantics
import XCTest
@testable import Store

/// The price cache remembers name resolutions but still takes the price in force at each call's start.
final class PriceCacheTests: XCTestCase {
    private let table = PriceTable.bundled

    func testCachedResolutionsGiveWhatTheTableGivesAtEveryMoment() {
        let cache = PriceResolutionCache(table: table)
        let names: [(String?, String)] = [("openai", "gpt-4o-2024-08-06"), (nil, "claude-sonnet-4-20250514"),
                                          ("deepseek", "deepseek-chat"), ("openai", "no-such-model"),
                                          ("aws.bedrock", "us.anthropic.claude-3-5-sonnet-20241022-v2:0")]
        // 2025-06-01 at 00:00, 08:00 and 20:00 UTC: on either side of a time-of-day price window.
        let day: UInt64 = 20_240 * 86_400 * 1_000_000_000
        let hours: [UInt64] = [0, 8, 20].map { $0 * 3_600 * 1_000_000_000 }
        for _ in 0..<2 {
            for (provider, model) in names {
                for hour in hours {
                    XCTAssertEqual(cache.resolve(provider: provider, model: model, atUnixNanos: day + hour),
                                   table.resolve(provider: provider, model: model, atUnixNanos: day + hour),
                                   "\(provider ?? "-")/\(model) at +\(hour / 3_600_000_000_000)h")
                }
            }
        }
        let night = table.resolve(provider: "deepseek", model: "deepseek-chat", atUnixNanos: day + hours[2])
        let morning = table.resolve(provider: "deepseek", model: "deepseek-chat", atUnixNanos: day + hours[1])
        XCTAssertNotNil(night)
        XCTAssertNotEqual(night?.price, morning?.price, "deepseek's off-peak hours price differently")
    }

    func testTheCacheStaysBoundedWhateverTheNames() {
        let cache = PriceResolutionCache(table: table, capacity: 8)
        for index in 0..<100 {
            XCTAssertNil(cache.resolve(provider: "openai", model: "made-up-\(index)", atUnixNanos: 1))
            XCTAssertLessThanOrEqual(cache.count, 8)
        }
        XCTAssertEqual(cache.resolve(provider: "openai", model: "gpt-4o", atUnixNanos: 1_750_000_000_000_000_000)?.modelID,
                       "gpt-4o")
    }
}
