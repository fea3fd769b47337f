import CanvasKit
import Foundation
import Logging
import Semantics
import Store
import Synchronization
import Terminal
import TokentopApp
import TokentopLog
import Views
import XCTest
import Telemetry
import PackedSpans

/// The screen loop, driven without a terminal: keys and time come from a script, frames go to memory.
final class DashboardTests: XCTestCase {
    static let start: UInt64 = 1_715_688_280_000_000_000
    static let second: UInt64 = 1_000_000_000
    static let context = FrameContext(endpoints: ListenEndpoints(grpc: "127.0.0.1:4317", http: "127.0.0.1:4318"))

    func testDrawsTheStoresTracesAndQuitsOnQ() throws {
        let clock = TestClock(Self.start)
        let store = LiveStore(clock: clock.read)
        store.apply(Self.batch(trace: 1, name: "invoke_agent planner"))
        let terminal = ScriptedTerminal(clock: clock, script: [.key(.character("q"))])
        dashboard(store, clock).run(on: terminal)
        let frame = try XCTUnwrap(terminal.frames.last)
        XCTAssertTrue(frame.contains { $0.contains("invoke_agent planner") }, frame.joined(separator: "\n"))
        XCTAssertEqual(terminal.keysRead, 1, "q ends the loop at once")
        XCTAssertFalse(terminal.restored, "the terminal stays the caller's to restore")
    }

    /// What arrives while the screen runs is drawn without a key being pressed.
    func testRedrawsWhenSpansArrive() throws {
        let clock = TestClock(Self.start)
        let store = LiveStore(clock: clock.read)
        let terminal = ScriptedTerminal(clock: clock, script: [
            .wait(0.1), .run { store.apply(Self.batch(trace: 2, name: "chat late-arrival")) }, .wait(0.1),
            .key(.character("q")),
        ])
        dashboard(store, clock).run(on: terminal)
        XCTAssertFalse(terminal.frames.first!.contains { $0.contains("chat late-arrival") })
        XCTAssertTrue(terminal.frames.last!.contains { $0.contains("chat late-arrival") })
    }

    /// A notice is shown on the hint line for ten seconds of the dashboard's clock, then cleared.
    func testNoticeShowsForTenSeconds() throws {
        let clock = TestClock(Self.start)
        let store = LiveStore(clock: clock.read)
        let notices = Notices(logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        var framesAtNine = 0
        let terminal = ScriptedTerminal(clock: clock, script: [
            .run { notices.warn("upstream refused") }, .wait(0.1),
            .wait(9), .mark { framesAtNine = $0 }, .wait(2),
            .key(.character("q")),
        ])
        dashboard(store, clock, notices: notices).run(on: terminal)
        let shown = terminal.frames.map { $0.contains { $0.contains("⚠ upstream refused") } }
        XCTAssertTrue(shown[..<framesAtNine].contains(true), "drawn while fresh")
        XCTAssertTrue(shown[framesAtNine - 1], "still there after nine seconds")
        XCTAssertEqual(shown.last, false, "gone after ten")
    }

    /// `t` applies the next theme to the terminal and tells the caller its name (to remember it).
    func testThemeKeyAppliesAndReportsTheNextTheme() throws {
        let clock = TestClock(Self.start)
        let picked = Mutex<[String]>([])
        let themes = [try Theme.load("default"), try Theme.load("mono")]
        let board = Dashboard(store: LiveStore(clock: clock.read), context: Self.context, themes: themes,
                              onThemePicked: { name in picked.withLock { $0.append(name) } }, clock: clock.read)
        let terminal = ScriptedTerminal(clock: clock, script: [.key(.character("t")), .key(.character("q"))])
        board.run(on: terminal)
        XCTAssertEqual(terminal.theme?.name, "mono")
        XCTAssertEqual(picked.withLock { $0 }, ["mono"])
    }

    /// `y` on an open span copies it to the terminal's clipboard as an OTLP/JSON request.
    func testCopyPutsTheOpenSpanOnTheClipboard() throws {
        let clock = TestClock(Self.start)
        let store = LiveStore(clock: clock.read)
        store.apply(Self.batch(trace: 3, name: "invoke_agent writer"))
        let terminal = ScriptedTerminal(clock: clock, script: [.key(.enter), .key(.character("y")), .key(.character("q"))])
        dashboard(store, clock).run(on: terminal)
        let copied = try XCTUnwrap(terminal.clipboard)
        XCTAssertTrue(copied.contains("\"resourceSpans\""), copied)
        XCTAssertTrue(copied.contains("invoke_agent writer"), copied)
        XCTAssertTrue(terminal.frames.last!.contains { $0.contains("copied span") })
    }

    /// `p` freezes the list and counts what arrives meanwhile; `p` again shows it.
    func testPauseCountsWhatArrivesMeanwhile() throws {
        let clock = TestClock(Self.start)
        let store = LiveStore(clock: clock.read)
        store.apply(Self.batch(trace: 4, name: "chat first"))
        let terminal = ScriptedTerminal(clock: clock, script: [
            .key(.character("p")), .run { store.apply(Self.batch(trace: 5, name: "chat while-paused")) }, .wait(0.1),
            .mark { _ in }, .key(.character("p")), .wait(0.1), .key(.character("q")),
        ])
        dashboard(store, clock).run(on: terminal)
        let paused = terminal.frames[terminal.marks[0] - 1]
        XCTAssertFalse(paused.contains { $0.contains("chat while-paused") })
        XCTAssertTrue(paused.joined().contains("paused +2 spans"), paused.joined(separator: "\n"))
        XCTAssertTrue(terminal.frames.last!.contains { $0.contains("chat while-paused") })
    }

    /// `requestStop()` from another thread ends a loop that no key would end.
    func testRequestStopEndsTheLoop() throws {
        let clock = TestClock(Self.start)
        let board = dashboard(LiveStore(clock: clock.read), clock)
        let terminal = ScriptedTerminal(clock: clock, script: [], quitWhenDone: false)
        let stopper = Thread { Thread.sleep(forTimeInterval: 0.2); board.requestStop() }
        stopper.start()
        board.run(on: terminal)
        XCTAssertGreaterThan(terminal.keysRead, 1)
    }

    private func dashboard(_ store: LiveStore, _ clock: TestClock, notices: Notices? = nil) -> Dashboard {
        Dashboard(store: store, context: Self.context, themes: [try! Theme.load("default")], notices: notices,
                  clock: clock.read)
    }

    static func batch(trace: UInt64, name: String) -> TelemetryBatch {
        let origin = Origin(resource: [Attribute("service.name", .string("svc"))])
        let start = Self.start - 2 * second
        return TelemetryBatch(spans: [
            RawSpan(traceID: TraceID(high: 9, low: trace), spanID: SpanID(trace * 10 + 1), name: name,
                    startNanos: start, endNanos: start + second, origin: origin),
            RawSpan(traceID: TraceID(high: 9, low: trace), spanID: SpanID(trace * 10 + 2), parentSpanID: SpanID(trace * 10 + 1),
                    name: "child", startNanos: start, endNanos: start + second / 2, origin: origin),
        ])
    }
}

/// A clock the script moves.
final class TestClock: Sendable {
    private let value: Mutex<UInt64>
    init(_ value: UInt64) { self.value = Mutex(value) }
    var read: @Sendable () -> UInt64 { { [self] in value.withLock { $0 } } }
    func advance(_ seconds: Double) { value.withLock { $0 += UInt64(seconds * 1e9) } }
}

/// A terminal whose key reads play a script: keys, time passing, work done between frames. Every frame
/// drawn is kept as plain text.
final class ScriptedTerminal: TerminalDriver {
    enum Step {
        case key(Key)
        /// Time passes on the clock, in steps of one frame, with no key.
        case wait(Double)
        case run(() -> Void)
        /// Records how many frames were drawn by now.
        case mark((Int) -> Void)
    }

    var size = Size(width: 120, height: 30)
    private(set) var frames: [[String]] = []
    private(set) var marks: [Int] = []
    private(set) var theme: Theme?
    private(set) var clipboard: String?
    private(set) var restored = false
    private(set) var keysRead = 0
    private var script: [Step]
    private var waitLeft = 0.0
    private let clock: TestClock
    private let quitWhenDone: Bool

    init(clock: TestClock, script: [Step], quitWhenDone: Bool = true) {
        self.clock = clock
        self.script = script
        self.quitWhenDone = quitWhenDone
    }

    func draw(_ canvas: Canvas) { frames.append(canvas.plainText()) }
    func apply(theme: Theme) { self.theme = theme }
    func restore() { restored = true }
    func copyToClipboard(_ text: String) { clipboard = text }

    func readKey(timeoutMs: Int) -> Key? {
        keysRead += 1
        let frame = Double(timeoutMs) / 1000
        while true {
            if waitLeft > 0 {
                let step = min(frame, waitLeft)
                waitLeft -= step
                clock.advance(step)
                return nil
            }
            guard !script.isEmpty else {
                if quitWhenDone { return .character("q") }
                Thread.sleep(forTimeInterval: 0.001)
                return nil
            }
            switch script.removeFirst() {
            case .key(let key):
                clock.advance(frame)
                return key
            case .wait(let seconds): waitLeft = seconds
            case .run(let work): work()
            case .mark(let record):
                marks.append(frames.count)
                record(frames.count)
            }
        }
    }
}
