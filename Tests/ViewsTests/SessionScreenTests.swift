import Foundation
import Ingest
import Semantics
import SnapshotTesting
import Store
import XCTest
@testable import CanvasKit
@testable import Views
import Telemetry
import PackedSpans

/// The session screens on the real captures of Claude Code and the Codex CLI: the list (`S`), a
/// session's timeline (`Enter`) and one of its events (`Enter` again), rendered without a terminal.
final class SessionScreenTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    /// When the captures were fed, and a few seconds later, when the frame is drawn.
    static let arrival: UInt64 = 1_796_475_540_000_000_000
    static let drawn = arrival + 5_000_000_000

    static func store(_ scenarios: [String], signals: [String] = ["traces", "logs", "metrics"]) throws -> TraceStore {
        var store = TraceStore(pricing: CallPricing(table: PriceTable.bundled))
        for scenario in scenarios {
            let dir = fixtures.appendingPathComponent(scenario)
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            for name in names where name.hasSuffix(".binpb") && signals.contains(where: { name.contains("-\($0).") }) {
                for request in try TelemetryFile.decode(contentsOf: dir.appendingPathComponent(name)) {
                    store.apply(request.batch, nowNanos: arrival)
                }
            }
        }
        return store
    }

    private func frames(_ keys: [Key], store: inout TraceStore, size: Size) -> (ViewState, Canvas) {
        let snapshot = store.snapshot(nowNanos: Self.drawn)
        var state = ViewState()
        for key in keys { state = reduce(state, key: key, snapshot: snapshot, screen: size) }
        return (state, Frame.render(snapshot, state: state, size: size, context: Fixtures.context))
    }

    func testTheSessionListShowsEachAgentSessionWithItsContextGauge() throws {
        var store = try Self.store(["claude-code", "codex-cli"])
        let (state, wide) = frames([.character("S")], store: &store, size: Size(width: 150, height: 12))
        XCTAssertEqual(state.keyContext, .sessionList)
        assertSnapshot(of: wide, as: .frame, named: "150")
        let text = wide.plainText().joined(separator: "\n")
        XCTAssertTrue(text.contains("claude-code") && text.contains("codex"), text)
        XCTAssertTrue(text.contains("3 ⊘1"), "the rejected Write: \(text)")
        let (_, narrow) = frames([.character("S")], store: &store, size: Size(width: 80, height: 10))
        assertSnapshot(of: narrow, as: .frame, named: "80")
    }

    func testTheTimelineOfAClaudeCodeSessionFromItsLogsAlone() throws {
        var store = try Self.store(["claude-code"], signals: ["logs", "metrics"])
        let (state, timeline) = frames([.character("S"), .enter], store: &store, size: Size(width: 130, height: 24))
        XCTAssertEqual(state.keyContext, .sessionTimeline)
        assertSnapshot(of: timeline, as: .frame, named: "timeline")
        let (eventState, event) = frames([.character("S"), .enter, .character("k"), .enter],
                                         store: &store, size: Size(width: 100, height: 30))
        XCTAssertEqual(eventState.keyContext, .sessionEvent)
        assertSnapshot(of: event, as: .frame, named: "rejected-tool")
        let text = event.plainText().joined(separator: "\n")
        XCTAssertTrue(text.contains("rejected by config"), text)
        XCTAssertTrue(text.contains("not run"), text)
    }

    func testTheCodexToolCallShowsItsArgumentsAndOutput() throws {
        var store = try Self.store(["codex-cli"])
        let keys: [Key] = [.character("S"), .enter, .character("g"), .character("j"), .character("j"), .enter]
        let (_, event) = frames(keys, store: &store, size: Size(width: 110, height: 40))
        assertSnapshot(of: event, as: .frame, named: "codex-tool")
        let text = event.plainText().joined(separator: "\n")
        XCTAssertTrue(text.contains("exec_command") && text.contains("The launch code is 7421."), text)
    }

    /// Claude Code's default telemetry sends no traces: the main screen shows its running session.
    func testTheMainScreenShowsARunningSessionWithoutTraces() throws {
        var store = try Self.store(["claude-code"], signals: ["logs", "metrics"])
        let (state, main) = frames([], store: &store, size: Size(width: 150, height: 20))
        XCTAssertEqual(state.keyContext, .traceList)
        assertSnapshot(of: main, as: .frame, named: "main")
        let text = main.plainText().joined(separator: "\n")
        XCTAssertTrue(text.contains("▶ claude-code  d6d06ed1-6d2e…  6 calls  $0.055  ctx ░░░░░░ 0.7%"), text)
    }

    /// A prompt is untrusted text: escape sequences and control characters never reach the screen.
    func testHostilePromptTextIsShownInert() throws {
        var store = TraceStore()
        let origin = Origin(resource: [Attribute("service.name", .string("claude-code"))], scopeName: "com.anthropic.claude_code.events")
        let hostile = "rm -rf \u{1B}[2J\u{1B}]52;c;ZXZpbA==\u{07} done\r\nline two\u{0}"
        store.apply(TelemetryBatch(logs: [RawLogRecord(
            timeNanos: Self.arrival, eventName: "", body: .string("claude_code.user_prompt"),
            attributes: [Attribute("event.name", .string("user_prompt")), Attribute("session.id", .string("s\u{1B}[31m")),
                         Attribute("prompt", .string(hostile))], origin: origin)]), nowNanos: Self.arrival)
        for keys: [Key] in [[.character("S")], [.character("S"), .enter], [.character("S"), .enter, .enter]] {
            let (_, frame) = frames(keys, store: &store, size: Size(width: 100, height: 20))
            let text = frame.plainText().joined(separator: "\n")
            XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F }, text)
            if keys.count > 1 { XCTAssertTrue(text.contains("rm -rf"), "the prompt, on the timeline and in the event:\n\(text)") }
        }
    }

    func testKeysMoveBetweenTheSessionScreens() throws {
        var store = try Self.store(["claude-code", "codex-cli"])
        let snapshot = store.snapshot(nowNanos: Self.drawn)
        let size = Size(width: 120, height: 30)
        var state = reduce(ViewState(), key: .character("S"), snapshot: snapshot, screen: size)
        state = reduce(state, key: .enter, snapshot: snapshot, screen: size)
        XCTAssertNotNil(state.openSessionID)
        state = reduce(state, key: .enter, snapshot: snapshot, screen: size)
        XCTAssertEqual(state.keyContext, .sessionEvent)
        state = reduce(state, key: .escape, snapshot: snapshot, screen: size)
        XCTAssertEqual(state.keyContext, .sessionTimeline)
        state = reduce(state, key: .character("T"), snapshot: snapshot, screen: size)
        XCTAssertEqual(state.keyContext, .traceList)
        XCTAssertTrue(state.filter.text.hasPrefix("session:"))
        state = reduce(state, key: .character("S"), snapshot: snapshot, screen: size)
        state = reduce(state, key: .escape, snapshot: snapshot, screen: size)
        XCTAssertEqual(state.keyContext, .traceList)
    }
}
