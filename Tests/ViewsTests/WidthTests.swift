import XCTest
@testable import CanvasKit
@testable import Views

final class WidthTests: XCTestCase {
    func testASCIIIsOneColumnEach() {
        XCTAssertEqual(DisplayWidth.of("hello"), 5)
        XCTAssertEqual(DisplayWidth.of(Character(" ")), 1)
    }

    func testCJKAndFullwidthAreTwoColumns() {
        XCTAssertEqual(DisplayWidth.of("日本語"), 6)
        XCTAssertEqual(DisplayWidth.of("한국어"), 6)
        XCTAssertEqual(DisplayWidth.of("ＡＢ"), 4)
        XCTAssertEqual(DisplayWidth.of(Character("\u{3000}")), 2)  // ideographic space
        XCTAssertEqual(DisplayWidth.of(Character("ｱ")), 1)  // halfwidth katakana
    }

    func testEmojiAreTwoColumns() {
        XCTAssertEqual(DisplayWidth.of(Character("😀")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("🚀")), 2)
        XCTAssertEqual(DisplayWidth.of(Character("👍🏽")), 2)  // with skin tone modifier
        XCTAssertEqual(DisplayWidth.of(Character("👨‍👩‍👧")), 2)  // ZWJ family
        XCTAssertEqual(DisplayWidth.of(Character("🇯🇵")), 2)  // flag
        XCTAssertEqual(DisplayWidth.of(Character("❤️")), 2)  // text-default emoji with VS16
        XCTAssertEqual(DisplayWidth.of(Character("❤")), 1)  // without VS16
        XCTAssertEqual(DisplayWidth.of(Character("🫠")), 2)  // recent emoji
    }

    func testCombiningMarksTakeNoColumn() {
        XCTAssertEqual(DisplayWidth.of("e\u{301}"), 1)
        XCTAssertEqual(DisplayWidth.of(Character("\u{301}")), 0)
        XCTAssertEqual(DisplayWidth.of("Z\u{351}\u{34D}\u{35A}a"), 2)
        XCTAssertEqual(DisplayWidth.of("\u{1100}\u{1161}\u{11A8}"), 2)  // Hangul jamo syllable
    }

    func testBoxAndBlockDrawingAreNarrow() {
        XCTAssertEqual(DisplayWidth.of("─│┌▁▂▃█⣿▶✓✗✂●→…"), 15)
    }

    func testControlsTakeNoColumn() {
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x1B)), 0)
        XCTAssertEqual(DisplayWidth.of(Unicode.Scalar(0x9B)), 0)
    }
}
