import XCTest
@testable import CanvasKit
@testable import Views

final class SanitizeTests: XCTestCase {
    func testPlainTextIsUntouched() {
        for text in ["hello world", "日本語のテキスト", "emoji 👨‍👩‍👧 🇯🇵 👍🏽", "café", "मनुष्य", "क्‍ष"] {
            XCTAssertEqual(Sanitizer.sanitize(text), text)
        }
    }

    func testEscapeSequencesBecomeInert() {
        XCTAssertEqual(Sanitizer.sanitize("\u{1b}[2J\u{1b}[31mred"), "␛[2J␛[31mred")
        XCTAssertEqual(Sanitizer.sanitize("\u{1b}]52;c;ZXZpbA==\u{07}"), "␛]52;c;ZXZpbA==␇")
        XCTAssertEqual(Sanitizer.sanitize("\u{9b}31m"), "<U+009B>31m")  // C1 CSI
    }

    func testControlCharactersAreVisible() {
        XCTAssertEqual(Sanitizer.sanitize("a\u{0}b\u{7f}c\u{8}d"), "a␀b␡c␈d")
        XCTAssertEqual(Sanitizer.sanitize("line1\nline2\r\n\tend"), "line1↵line2␍↵␉end")
        XCTAssertEqual(Sanitizer.sanitize("para\u{2028}graph"), "para↵graph")
    }

    func testBidiControlsAreShownNotApplied() {
        XCTAssertEqual(Sanitizer.sanitize("invoice\u{202E}fdp.exe"), "invoice<U+202E>fdp.exe")
        XCTAssertEqual(Sanitizer.sanitize("\u{2066}x\u{2069}"), "<U+2066>x<U+2069>")
        XCTAssertEqual(Sanitizer.sanitize("a\u{200F}b"), "a<U+200F>b")
    }

    func testInvisibleFormatCharactersAreShown() {
        XCTAssertEqual(Sanitizer.sanitize("zero\u{200B}width"), "zero<U+200B>width")
        XCTAssertEqual(Sanitizer.sanitize("\u{FEFF}bom"), "<U+FEFF>bom")
        XCTAssertEqual(Sanitizer.sanitize("soft\u{AD}hyphen"), "soft<U+00AD>hyphen")
        XCTAssertEqual(Sanitizer.sanitize("a\u{200D}b"), "a<U+200D>b")  // joiner between Latin letters
    }

    func testStackedCombiningMarksAreCapped() {
        let zalgo = "a" + String(repeating: "\u{301}", count: 200)
        let result = Sanitizer.sanitize(zalgo)
        XCTAssertEqual(result.unicodeScalars.count, Sanitizer.maxScalarsPerCluster)
        XCTAssertEqual(DisplayWidth.of(result), 1)
    }

    func testSanitizingIsIdempotent() {
        let hostile = "\u{1b}[2J\u{202E}abc\u{9b}\n\u{200B}"
        let once = Sanitizer.sanitize(hostile)
        XCTAssertEqual(Sanitizer.sanitize(once), once)
    }

    func testCanvasNeverHoldsControlCharacters() {
        var canvas = Canvas(size: Size(width: 40, height: 1))
        canvas.put("\u{1b}[2J\u{9b}\u{202E}\u{7}x", x: 0, y: 0)
        for cell in canvas.row(0) {
            for scalar in cell.grapheme.unicodeScalars {
                XCTAssertNil(Sanitizer.replacement(for: scalar, joinersAllowed: false), "scalar \(scalar.value) reached a cell")
            }
        }
        XCTAssertTrue(canvas.plainText()[0].hasPrefix("␛[2J<U+009B><U+202E>␇x"))
    }
}
