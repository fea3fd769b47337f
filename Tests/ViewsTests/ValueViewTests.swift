import SnapshotTesting
import Semantics
import Store
import XCTest
@testable import CanvasKit
@testable import Views
import Telemetry
import PackedSpans

/// Hostile text in one span: escape sequences, right-to-left text, emoji and CJK, a 10 kB value and a JSON one.
enum HostileSpan {
    static let traceID = TraceID(high: 0xbad, low: 0xf00d)
    static let tenKB = (0..<250).map { "line \($0) of a very long tool result, forty chars" }.joined(separator: " | ")
    static let json = #"{"query":"solar storage \u001b[31m","filters":{"year":[2023,2024],"lang":"עברית"},"limit":10,"safe":true,"note":null,"empty":{}}"#

    static let store: TraceStore = {
        let origin = Origin(resource: [Attribute("service.name", .string("evil\u{1b}[2J-svc")),
                                       Attribute("host.name", .string("מחשב-שרת"))], scopeName: "test")
        let t0 = Fixtures.now - 3 * Fixtures.second
        let root = RawSpan(traceID: traceID, spanID: SpanID(1), name: "invoke_agent 🤖 助手-agent", startNanos: t0,
                           endNanos: t0 + 2_000_000_000,
                           attributes: [Attribute("gen_ai.operation.name", .string("invoke_agent")),
                                        Attribute("gen_ai.agent.name", .string("🤖 助手-agent"))], origin: origin)
        let tool = RawSpan(traceID: traceID, spanID: SpanID(2), parentSpanID: SpanID(1),
                           name: "execute_tool \u{1b}]0;pwned\u{07}search", startNanos: t0 + 100_000_000,
                           endNanos: t0 + 900_000_000,
                           attributes: [
                               Attribute("gen_ai.operation.name", .string("execute_tool")),
                               Attribute("gen_ai.tool.name", .string("search")),
                               Attribute("gen_ai.tool.call.arguments", .string(json)),
                               Attribute("tool.result", .string(tenKB)),
                               Attribute("escape.sequence", .string("\u{1b}[2J\u{1b}[31mred\u{1b}[0m\u{9b}1m\u{07}bell")),
                               Attribute("rtl.text", .string("שלום עולם \u{202E}gnp.exe مرحبا بالعالم")),
                               Attribute("emoji.cjk", .string("👨‍👩‍👧 family 🇯🇵 検索エージェント 서비스 e\u{301}")),
                           ],
                           events: [SpanEvent(timeNanos: t0 + 500_000_000, name: "retry 🔁",
                                              attributes: [Attribute("reason", .string("429 \u{1b}[5mblink"))])],
                           origin: origin)
        var store = TraceStore()
        store.apply(TelemetryBatch(spans: [root, tool]), nowNanos: Fixtures.now)
        return store
    }()

    static var entry: TraceEntry { store.trace(traceID)! }
    static var snapshot: StoreSnapshot {
        var copy = store
        return copy.snapshot(nowNanos: Fixtures.now)
    }
}

final class ValueViewTests: XCTestCase {
    let small = Size(width: 80, height: 24), large = Size(width: 160, height: 40), huge = Size(width: 250, height: 70)

    func press(_ keys: [Key], _ state: ViewState = ViewState(), screen: Size) -> ViewState {
        keys.reduce(state) {
            reduce($0, key: $1, snapshot: HostileSpan.snapshot, screen: screen, openTrace: HostileSpan.entry)
        }
    }

    func frame(_ state: ViewState, _ size: Size) -> Canvas {
        Frame.render(HostileSpan.snapshot, state: state, size: size, context: Fixtures.context, openTrace: HostileSpan.entry)
    }

    /// The span screen of the tool span, the cursor on the value labelled `label`.
    func onValue(_ label: String, screen: Size) throws -> ViewState {
        var state = press([.enter, .down, .enter], screen: screen)
        XCTAssertEqual(state.keyContext, .spanView)
        let span = try XCTUnwrap(HostileSpan.entry.span(SpanID(2)))
        let entries = SpanDetails(span: span, nowNanos: Fixtures.now).document(width: DrillLayout(size: screen).detailTextWidth).entries
        let index = try XCTUnwrap(entries.firstIndex { $0.label == label }, "no value \(label)")
        state = press(Array(repeating: .down, count: index), state, screen: screen)
        XCTAssertEqual(state.drill?.detailCursor, index)
        return state
    }

    func assertInert(_ canvas: Canvas, file: StaticString = #filePath, line: UInt = #line) {
        for cell in canvas.cells {
            XCTAssertFalse(cell.grapheme.unicodeScalars.contains {
                $0.value < 0x20 || $0.value == 0x7F || (0x80..<0xA0).contains($0.value) || $0 == "\u{202E}"
            }, "control character in \(cell.grapheme.unicodeScalars.map { $0.value })", file: file, line: line)
        }
    }

    func testTheCursorVisitsValuesAndTheHighlightFollowsIt() throws {
        let state = try onValue("rtl.text", screen: large)
        let canvas = frame(state, large)
        let highlighted = (0..<canvas.height).filter { canvas[3, $0].style.role == .selected }
        XCTAssertEqual(highlighted.count, 1)
        XCTAssertTrue(canvas.plainText()[highlighted[0]].contains("rtl.text"), canvas.plainText()[highlighted[0]])
    }

    func testEnterExpandsTheValueAndEscReturnsToTheSameRow() throws {
        let state = try onValue("tool.result", screen: small)
        let scroll = state.drill?.detailScroll
        var expanded = press([.enter], state, screen: small)
        XCTAssertEqual(expanded.keyContext, .value)
        let text = frame(expanded, small).plainText()
        XCTAssertTrue(text[1].contains("tool.result"), text[1])
        XCTAssertTrue(text[1].contains("12,637 bytes"), "the title gives the size: \(text[1])")
        XCTAssertTrue(text[2].contains("line 0 of a very long"), text[2])
        expanded = press([.pageDown, .pageDown, .down], expanded, screen: small)
        XCTAssertEqual(expanded.drill?.valueScroll, 2 * DrillLayout(size: small).detailRows + 1)
        expanded = press([.end], expanded, screen: small)
        XCTAssertTrue(frame(expanded, small).plainText().joined().contains("line 249 of"), "the whole value, not a cut")
        let back = press([.escape], expanded, screen: small)
        XCTAssertEqual(back.keyContext, .spanView)
        XCTAssertEqual(back.drill?.detailCursor, state.drill?.detailCursor)
        XCTAssertEqual(back.drill?.detailScroll, scroll)
    }

    func testJSONIsPrettyPrintedInItsOwnOrder() throws {
        let state = press([.enter], try onValue("gen_ai.tool.call.arguments", screen: large), screen: large)
        let text = frame(state, large).plainText().map { $0.trimmingCharacters(in: .whitespaces) }
        XCTAssertTrue(text[1].contains("JSON"), text[1])
        XCTAssertEqual(text[2], "│ {" + String(repeating: " ", count: large.width - 4) + "│")
        XCTAssertTrue(text[3].hasPrefix(#"│   "query": "solar storage \u001b[31m","#), text[3])
        let lines = ExpandedValue(label: "a", text: HostileSpan.json).lines(width: 60).map { $0.map(\.text).joined() }
        XCTAssertEqual(lines.first, "{")
        XCTAssertEqual(lines[1], #"  "query": "solar storage \u001b[31m","#)
        XCTAssertEqual(lines[3], #"    "year": ["#)
        XCTAssertEqual(lines.last, "}")
        XCTAssertNil(PrettyJSON.format("{not json"))
        XCTAssertNil(PrettyJSON.format("42"), "only objects and arrays are re-indented")
        XCTAssertEqual(PrettyJSON.format(#"[1, "a,b", {"k": "}"}]"#), "[\n  1,\n  \"a,b\",\n  {\n    \"k\": \"}\"\n  }\n]")
    }

    func testYCopiesTheWholeValue() throws {
        let state = press([.enter], try onValue("tool.result", screen: small), screen: small)
        let copied = press([.character("y")], state, screen: small)
        XCTAssertEqual(copied.valueCopyRequest, HostileSpan.tenKB)
        XCTAssertEqual(HostileSpan.tenKB.utf8.count / 1000, 12)
    }

    func testTheHintBarOffersExpand() throws {
        let state = try onValue("rtl.text", screen: small)
        XCTAssertTrue(frame(state, small).plainText()[23].contains("⏎ expand value"))
        let expanded = press([.enter], state, screen: small)
        let hint = frame(expanded, small).plainText()[23]
        XCTAssertTrue(hint.contains("y copy value"), hint)
        XCTAssertTrue(hint.contains("Esc/h/← back"), hint)
    }

    // MARK: Golden frames

    func testHostileSpanScreen() throws {
        for (size, name) in [(large, "160x40"), (small, "80x24"), (huge, "250x70")] {
            let state = try onValue("escape.sequence", screen: size)
            let canvas = frame(state, size)
            assertInert(canvas)
            assertSnapshot(of: canvas, as: .frame, named: name)
        }
    }

    func testExpandedValues() throws {
        for (label, name) in [("tool.result", "10kB"), ("gen_ai.tool.call.arguments", "json"), ("rtl.text", "rtl"),
                              ("escape.sequence", "escapes"), ("emoji.cjk", "emoji-cjk")] {
            let state = press([.enter], try onValue(label, screen: small), screen: small)
            let canvas = frame(state, small)
            assertInert(canvas)
            assertSnapshot(of: canvas, as: .frame, named: name + "-80x24")
        }
        let wide = press([.enter], try onValue("tool.result", screen: huge), screen: huge)
        assertSnapshot(of: frame(wide, huge), as: .frame, named: "10kB-250x70")
    }
}
