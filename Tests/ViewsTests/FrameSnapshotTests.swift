import SnapshotTesting
import Semantics
import Store
import XCTest
@testable import CanvasKit
@testable import Views

extension Snapshotting where Value == Canvas, Format == String {
    /// The frame's text, then one letter per cell for its style role and its attributes
    /// (codes in `StyleRole.code` and `Canvas.attributeLayer`). Trailing blanks are trimmed.
    static var frame: Snapshotting {
        Snapshotting<String, String>.lines.pullback { canvas in
            func trimmed(_ line: String, _ blank: Character) -> String {
                String(line.reversed().drop { $0 == blank }.reversed())
            }
            let text = canvas.plainText().map { trimmed($0, " ") }
            let roles = canvas.roleLayer().map { trimmed($0, ".") }
            let attributes = canvas.attributeLayer().map { trimmed($0, ".") }
            return (["\(canvas.width)×\(canvas.height)"] + text + ["--- roles ---"] + roles + ["--- attributes ---"] + attributes)
                .joined(separator: "\n") + "\n"
        }
    }
}

final class FrameSnapshotTests: XCTestCase {
    let context = Fixtures.context

    func frame(_ traces: [TraceSummary], _ size: Size, state: ViewState = ViewState(), rate: Double = 12.4) -> Canvas {
        Frame.render(Fixtures.snapshot(traces, rate: rate), state: state, size: size, context: context)
    }

    func state(after actions: [Action], _ traces: [TraceSummary], _ size: Size) -> ViewState {
        actions.reduce(ViewState()) { reduce($0, $1, snapshot: Fixtures.snapshot(traces), screen: size) }
    }

    // MARK: Header

    func testHeader() {
        let snapshot = Fixtures.snapshot(Fixtures.typicalTraces)
        assertSnapshot(of: HeaderView.render(snapshot, context: context, width: 160), as: .frame, named: "wide")
        assertSnapshot(of: HeaderView.render(snapshot, context: context, width: 80), as: .frame, named: "80")
        assertSnapshot(of: HeaderView.render(snapshot, context: context, width: 40), as: .frame, named: "40")
    }

    func testHeaderIdleWithoutReceivers() {
        let snapshot = StoreSnapshot()
        let following = FrameContext(endpoints: ListenEndpoints())
        assertSnapshot(of: HeaderView.render(snapshot, context: following, width: 100), as: .frame)
    }

    // MARK: Trace list

    func testEmpty() {
        let empty = StoreSnapshot(takenAtNanos: Fixtures.now)
        assertSnapshot(of: Frame.render(empty, state: ViewState(), size: Size(width: 80, height: 24), context: context),
                       as: .frame, named: "80x24")
        assertSnapshot(of: Frame.render(empty, state: ViewState(), size: Size(width: 200, height: 50), context: context),
                       as: .frame, named: "200x50")
        let httpOnly = FrameContext(endpoints: ListenEndpoints(http: "0.0.0.0:14318"))
        assertSnapshot(of: Frame.render(empty, state: ViewState(), size: Size(width: 80, height: 16), context: httpOnly),
                       as: .frame, named: "http-only")
    }

    func testTypical() {
        let traces = Fixtures.typicalTraces
        let small = Size(width: 80, height: 24), large = Size(width: 200, height: 50), medium = Size(width: 120, height: 20)
        assertSnapshot(of: frame(traces, small, state: state(after: [.moveDown, .moveDown], traces, small)),
                       as: .frame, named: "80x24")
        assertSnapshot(of: frame(traces, large, state: state(after: [.moveDown, .moveDown], traces, large)),
                       as: .frame, named: "200x50")
        assertSnapshot(of: frame(traces, medium), as: .frame, named: "120x20")
    }

    func testOverflowing() {
        var traces = Fixtures.many(60)
        traces[0].rootName = "invoke_agent " + String(repeating: "very-long-agent-name-", count: 8)
        traces[0].serviceName = "a-service-name-that-keeps-going-and-going"
        traces[3].llmCalls = 1_234
        traces[3].usage = TokenUsage(input: 98_765_432, output: 1_234_567)
        traces[3].costUSD = 1_234.5
        let size = Size(width: 80, height: 24)
        assertSnapshot(of: frame(traces, size), as: .frame, named: "top")
        let scrolled = state(after: Array(repeating: .moveDown, count: 30), traces, size)
        assertSnapshot(of: frame(traces, size, state: scrolled), as: .frame, named: "scrolled")
        assertSnapshot(of: frame(traces, Size(width: 200, height: 50), state: scrolled), as: .frame, named: "200x50")
    }

    func testHostileText() {
        let hostile = [
            Fixtures.trace(50, name: "\u{1b}[2J\u{1b}[31mcleared?\u{1b}]0;pwned\u{07}", service: "evil\u{9b}31m",
                           startedSecondsAgo: 1, duration: 0.2, llm: 1),
            Fixtures.trace(51, name: "invoice\u{202E}fdp.exe", service: "\u{2066}bidi\u{2069}", startedSecondsAgo: 2, duration: 0.3),
            Fixtures.trace(52, name: "emoji 🚀👨‍👩‍👧🇯🇵 agent", agent: "🤖 helper-😀", startedSecondsAgo: 3, duration: 0.4),
            Fixtures.trace(53, name: "検索エージェント・日本語の名前がとても長い場合", service: "서비스-이름", startedSecondsAgo: 4, duration: 0.5),
            Fixtures.trace(54, name: String(repeating: "A", count: 10_000), service: String(repeating: "界", count: 5_000),
                           startedSecondsAgo: 5, duration: 0.6),
            Fixtures.trace(55, name: "line one\nline two\ttabbed\r\n", service: "zero\u{200B}width\u{FEFF}",
                           startedSecondsAgo: 6, duration: 0.7),
            Fixtures.trace(56, name: "Z\u{351}\u{34D}\u{35A}\u{351}\u{34D}\u{35A}\u{351}\u{34D}\u{35A}\u{351}\u{34D}algo e\u{301}",
                           startedSecondsAgo: 7, duration: 0.8),
        ]
        assertSnapshot(of: frame(hostile, Size(width: 100, height: 14)), as: .frame, named: "100x14")
        assertSnapshot(of: frame(hostile, Size(width: 80, height: 14)), as: .frame, named: "80x14")
        // Odd widths put wide characters against the clipping edge.
        assertSnapshot(of: frame(hostile, Size(width: 81, height: 14)), as: .frame, named: "81x14")
    }

    /// A problem on the notice line: in the warning style, its control characters made visible.
    func testWarningNotice() {
        var state = ViewState()
        state.notice = "⚠ /var/log/otel/feed.jsonl:16: not JSON\u{1b}[2J\r\nhidden"
        state.noticeIsWarning = true
        assertSnapshot(of: frame(Fixtures.typicalTraces, Size(width: 100, height: 14), state: state), as: .frame, named: "100x14")
        state.noticeIsWarning = false
        state.notice = "copied the value (12 bytes) to the clipboard"
        assertSnapshot(of: frame(Fixtures.typicalTraces, Size(width: 100, height: 14), state: state), as: .frame, named: "info")
    }

    func testHelpOverlay() {
        let traces = Fixtures.typicalTraces
        var help = ViewState()
        help.helpVisible = true
        assertSnapshot(of: frame(traces, Size(width: 80, height: 24), state: help), as: .frame, named: "80x24")
        assertSnapshot(of: frame(traces, Size(width: 200, height: 50), state: help), as: .frame, named: "200x50")
        assertSnapshot(of: frame(traces, Size(width: 30, height: 10), state: help), as: .frame, named: "30x10")
    }

    func testTinyTerminalsDoNotCrash() {
        for width in 0..<12 {
            for height in 0..<6 {
                let canvas = frame(Fixtures.typicalTraces, Size(width: width, height: height))
                XCTAssertEqual(canvas.size, Size(width: width, height: height))
            }
        }
        assertSnapshot(of: frame(Fixtures.typicalTraces, Size(width: 24, height: 6)), as: .frame)
    }

    func testRunningTimersTickWithTheSnapshotClock() {
        let traces = [Fixtures.trace(1, name: "live", startedSecondsAgo: 3.4, duration: 0.5, inFlight: true)]
        var snapshot = Fixtures.snapshot(traces)
        let first = Frame.render(snapshot, state: ViewState(), size: Size(width: 80, height: 8), context: context)
        snapshot.takenAtNanos += 60 * Fixtures.second
        let later = Frame.render(snapshot, state: ViewState(), size: Size(width: 80, height: 8), context: context)
        XCTAssertTrue(first.plainText()[3].contains("3.4s"), first.plainText()[3])
        XCTAssertTrue(later.plainText()[3].contains("1m03s"), later.plainText()[3])
    }
}
