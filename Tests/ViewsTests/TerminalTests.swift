import CNcurses
import XCTest
@testable import Terminal
@testable import CanvasKit
@testable import Views

final class TerminalTests: XCTestCase {
    func testKeyDecoding() {
        XCTAssertEqual(KeyDecoder.decode(code: UInt32("j".unicodeScalars.first!.value), isFunctionKey: false), .character("j"))
        XCTAssertEqual(KeyDecoder.decode(code: 0x65E5, isFunctionKey: false), .character("日"))
        XCTAssertEqual(KeyDecoder.decode(code: 13, isFunctionKey: false), .enter)
        XCTAssertEqual(KeyDecoder.decode(code: 10, isFunctionKey: false), .enter)
        XCTAssertEqual(KeyDecoder.decode(code: 27, isFunctionKey: false), .escape)
        XCTAssertEqual(KeyDecoder.decode(code: 9, isFunctionKey: false), .tab)
        XCTAssertEqual(KeyDecoder.decode(code: 127, isFunctionKey: false), .backspace)
        XCTAssertEqual(KeyDecoder.decode(code: 6, isFunctionKey: false), .control("f"))
        XCTAssertNil(KeyDecoder.decode(code: 0, isFunctionKey: false))
        let function: [(Int32, Key)] = [(KEY_UP, .up), (KEY_DOWN, .down), (KEY_LEFT, .left), (KEY_RIGHT, .right),
                                        (KEY_PPAGE, .pageUp), (KEY_NPAGE, .pageDown), (KEY_HOME, .home), (KEY_END, .end),
                                        (KEY_ENTER, .enter), (KEY_BTAB, .backTab), (KEY_BACKSPACE, .backspace),
                                        (KEY_DC, .delete), (tt_key_resize(), .resize), (KEY_F0 + 5, .function(5))]
        for (code, key) in function {
            XCTAssertEqual(KeyDecoder.decode(code: UInt32(code), isFunctionKey: true), key)
        }
        XCTAssertNil(KeyDecoder.decode(code: UInt32(KEY_MOUSE), isFunctionKey: true))
    }

    func testFirstDrawWritesEveryCell() {
        var canvas = Canvas(size: Size(width: 4, height: 2))
        canvas.put("a日", x: 0, y: 0)
        let writes = CanvasDiff.writes(from: nil, to: canvas)
        XCTAssertEqual(writes.count, 7, "8 cells less one continuation")
        XCTAssertFalse(writes.contains { $0.cell.isContinuation })
    }

    func testOnlyChangedCellsAreWritten() {
        var old = Canvas(size: Size(width: 10, height: 3))
        old.put("hello", x: 0, y: 1)
        var new = old
        new.put("J", x: 0, y: 1)
        new.put("o", x: 4, y: 1, style: Style(.error))
        let writes = CanvasDiff.writes(from: old, to: new)
        XCTAssertEqual(writes.map { [$0.x, $0.y] }, [[0, 1], [4, 1]])
        XCTAssertTrue(CanvasDiff.writes(from: new, to: new).isEmpty)
    }

    func testReplacingAWideCharacterRewritesBothColumns() {
        var old = Canvas(size: Size(width: 4, height: 1))
        old.put("日x", x: 0, y: 0)
        var new = old
        new.put("ab", x: 0, y: 0)
        XCTAssertEqual(CanvasDiff.writes(from: old, to: new).map(\.x), [0, 1])
        let back = CanvasDiff.writes(from: new, to: old)
        XCTAssertEqual(back.map(\.x), [0])
        XCTAssertEqual(back.first?.cell.width, 2)
    }

    func testSizeChangeRedrawsEverything() {
        let old = Canvas(size: Size(width: 3, height: 1))
        let new = Canvas(size: Size(width: 4, height: 1))
        XCTAssertEqual(CanvasDiff.writes(from: old, to: new).count, 4)
    }

    func testMemoryTerminalRecordsFramesAndReplaysKeys() {
        let terminal = MemoryTerminal(size: Size(width: 80, height: 24), keys: [.character("j"), .character("q")])
        let driver: any TerminalDriver = terminal
        let snapshot = Fixtures.snapshot(Fixtures.typicalTraces)
        var state = ViewState()
        while !state.quitRequested, let key = driver.readKey(timeoutMs: 0) {
            state = reduce(state, key: key, snapshot: snapshot, screen: driver.size)
            driver.draw(Frame.render(snapshot, state: state, size: driver.size, context: Fixtures.context))
        }
        driver.restore()
        XCTAssertTrue(state.quitRequested)
        XCTAssertEqual(terminal.drawCount, 2)
        XCTAssertTrue(terminal.restored)
        XCTAssertEqual(terminal.lastFrame?.size, Size(width: 80, height: 24))
    }
}
