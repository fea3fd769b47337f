import XCTest
@testable import CanvasKit
@testable import Views

final class CanvasTests: XCTestCase {
    func testTextIsClippedAtTheEdge() {
        var canvas = Canvas(size: Size(width: 5, height: 1))
        let written = canvas.put("hello world", x: 2, y: 0)
        XCTAssertEqual(written, 3)
        XCTAssertEqual(canvas.plainText(), ["  hel"])
    }

    func testWideCharacterOccupiesTwoCells() {
        var canvas = Canvas(size: Size(width: 6, height: 1))
        canvas.put("a日b", x: 0, y: 0)
        XCTAssertEqual(canvas[1, 0].width, 2)
        XCTAssertTrue(canvas[2, 0].isContinuation)
        XCTAssertEqual(canvas[3, 0].grapheme, "b")
        XCTAssertEqual(canvas.plainText(), ["a日b  "])
    }

    func testWideCharacterThatDoesNotFitBecomesASpace() {
        var canvas = Canvas(size: Size(width: 4, height: 1))
        canvas.put("ab日本", x: 1, y: 0)
        XCTAssertEqual(canvas.plainText(), [" ab "])
        XCTAssertEqual(canvas[3, 0].width, 1)

        var limited = Canvas(size: Size(width: 6, height: 1))
        limited.put("x😀", x: 0, y: 0, limit: 2)
        XCTAssertEqual(limited.plainText(), ["x     "])
    }

    func testOverwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var canvas = Canvas(size: Size(width: 4, height: 1))
        canvas.put("日本", x: 0, y: 0)
        canvas.put("x", x: 1, y: 0)
        XCTAssertEqual(canvas.plainText(), [" x本"])
        canvas.put("y", x: 2, y: 0)
        XCTAssertEqual(canvas.plainText(), [" xy "])
        XCTAssertFalse(canvas.row(0).contains(where: \.isContinuation))
    }

    func testCombiningMarkJoinsThePreviousCell() {
        var canvas = Canvas(size: Size(width: 3, height: 1))
        canvas.put("e\u{301}x", x: 0, y: 0)
        XCTAssertEqual(canvas[0, 0].grapheme, "e\u{301}")
        XCTAssertEqual(canvas[1, 0].grapheme, "x")
    }

    func testFitCutsWithAnEllipsis() {
        XCTAssertEqual(Canvas.fit("research-agent", width: 8), "researc…")
        XCTAssertEqual(Canvas.fit("short", width: 8), "short")
        XCTAssertEqual(Canvas.fit("日本語テキスト", width: 6), "日本…")
        XCTAssertEqual(DisplayWidth.of(Canvas.fit("日本語テキスト", width: 6)), 5)
        XCTAssertEqual(Canvas.fit("abc", width: 0), "")
    }

    func testRightAlignedPut() {
        var canvas = Canvas(size: Size(width: 6, height: 1))
        canvas.put("42", x: 0, y: 0, width: 5, align: .right)
        XCTAssertEqual(canvas.plainText(), ["   42 "])
    }

    func testBoxWithTitle() {
        var canvas = Canvas(size: Size(width: 12, height: 3))
        canvas.box(canvas.bounds, title: "Traces")
        XCTAssertEqual(canvas.plainText(), ["┌ Traces ──┐", "│          │", "└──────────┘"])
        XCTAssertEqual(canvas[2, 0].style.role, .title)
        XCTAssertEqual(canvas[0, 1].style.role, .border)
    }

    func testLongBoxTitleIsCut() {
        var canvas = Canvas(size: Size(width: 10, height: 2))
        canvas.box(canvas.bounds, title: "A very long title")
        XCTAssertEqual(canvas.plainText()[0], "┌ A ver… ┐")
    }

    func testDrawingOneCanvasOntoAnother() {
        var small = Canvas(size: Size(width: 3, height: 1))
        small.put("ab日", x: 0, y: 0, style: Style(.accent))
        var big = Canvas(size: Size(width: 4, height: 2))
        big.draw(small, x: 2, y: 1)
        XCTAssertEqual(big.plainText(), ["    ", "  ab"])
        XCTAssertEqual(big[2, 1].style.role, .accent)
    }

    func testStyleLayers() {
        var canvas = Canvas(size: Size(width: 4, height: 1))
        canvas.put("ab", x: 1, y: 0, style: Style(.error, [.bold, .underline]))
        canvas.put("c", x: 3, y: 0, style: Style(.muted, .dim))
        XCTAssertEqual(canvas.roleLayer(), [".eem"])
        XCTAssertEqual(canvas.attributeLayer(), [".**d"])
    }

    func testRoleCodesAreDistinct() {
        let codes = StyleRole.allCases.map(\.code)
        XCTAssertEqual(Set(codes).count, codes.count)
    }
}
