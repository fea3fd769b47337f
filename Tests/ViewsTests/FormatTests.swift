import XCTest
@testable import CanvasKit
@testable import Views

final class FormatTests: XCTestCase {
    func testCompactNumbers() {
        XCTAssertEqual(Format.compact(0), "0")
        XCTAssertEqual(Format.compact(999), "999")
        XCTAssertEqual(Format.compact(1_000), "1.0k")
        XCTAssertEqual(Format.compact(1_234), "1.2k")
        XCTAssertEqual(Format.compact(12_345), "12.3k")
        XCTAssertEqual(Format.compact(123_456), "123k")
        XCTAssertEqual(Format.compact(999_950), "1.0M")
        XCTAssertEqual(Format.compact(3_400_000), "3.4M")
        XCTAssertEqual(Format.compact(1_843_211), "1.8M")
        XCTAssertEqual(Format.compact(2_000_000_000), "2.0G")
        XCTAssertEqual(Format.compact(-1_500), "-1.5k")
        XCTAssertEqual(Format.compact(Int64.max), "9223372T")
    }

    func testGroupedNumbers() {
        XCTAssertEqual(Format.grouped(0), "0")
        XCTAssertEqual(Format.grouped(999), "999")
        XCTAssertEqual(Format.grouped(1_204), "1,204")
        XCTAssertEqual(Format.grouped(1_840_331), "1,840,331")
        XCTAssertEqual(Format.grouped(-12_345), "-12,345")
    }

    func testDurations() {
        let ms: UInt64 = 1_000_000
        XCTAssertEqual(Format.duration(nanos: 0), "0ms")
        XCTAssertEqual(Format.duration(nanos: 45 * ms), "45ms")
        XCTAssertEqual(Format.duration(nanos: 400 * ms), "0.4s")
        XCTAssertEqual(Format.duration(nanos: 1_200 * ms), "1.2s")
        XCTAssertEqual(Format.duration(nanos: 59_960 * ms), "1m00s")
        XCTAssertEqual(Format.duration(nanos: 184_000 * ms), "3m04s")
        XCTAssertEqual(Format.duration(nanos: 3_720_000 * ms), "1h02m")
        XCTAssertEqual(Format.duration(nanos: 183_600_000 * ms), "2d03h")
        XCTAssertEqual(Format.duration(seconds: 0.4), "0.4s")
        XCTAssertEqual(Format.duration(seconds: -.infinity), "0ms")
    }

    func testCosts() {
        XCTAssertEqual(Format.cost(nil), "?")
        XCTAssertEqual(Format.cost(0), "$0")
        XCTAssertEqual(Format.cost(0.0017), "$0.0017")
        XCTAssertEqual(Format.cost(0.0104), "$0.010")
        XCTAssertEqual(Format.cost(0.001), "$0.001")
        XCTAssertEqual(Format.cost(0.0050), "$0.005")
        XCTAssertEqual(Format.cost(0.011), "$0.011")
        XCTAssertEqual(Format.cost(11.4), "$11.40")
        XCTAssertEqual(Format.cost(12_345.6), "$12,346")
        XCTAssertEqual(Format.cost(0.00001), "<$0.0001")
        XCTAssertEqual(Format.cost(.nan), "?")
    }

    func testFixedDecimals() {
        XCTAssertEqual(Format.fixed(1.005, decimals: 1), "1.0")
        XCTAssertEqual(Format.fixed(2.5, decimals: 0), "3")
        XCTAssertEqual(Format.fixed(0.05, decimals: 2), "0.05")
        XCTAssertEqual(Format.fixed(-1.25, decimals: 1), "-1.3")
    }

    func testRates() {
        XCTAssertEqual(Format.rate(0), "0")
        XCTAssertEqual(Format.rate(2.25), "2.3")
        XCTAssertEqual(Format.rate(12.4), "12")
        XCTAssertEqual(Format.rate(1_234), "1.2k")
    }

    func testClockUsesTheOffset() {
        let nanos: UInt64 = 1_715_688_280_000_000_000  // 2024-05-14 12:04:40 UTC
        XCTAssertEqual(Format.clock(unixNanos: nanos, utcOffsetSeconds: 0), "12:04:40")
        XCTAssertEqual(Format.clock(unixNanos: nanos, utcOffsetSeconds: 2 * 3600), "14:04:40")
        XCTAssertEqual(Format.clock(unixNanos: nanos, utcOffsetSeconds: -13 * 3600), "23:04:40")
    }
}
