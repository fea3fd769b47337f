import SnapshotTesting
import Store
import XCTest
@testable import CanvasKit
@testable import Views

/// `/` filters the trace list by model, service, agent, status, session or text; terms combine.
final class FilterTests: XCTestCase {
    private let screen = Size(width: 100, height: 20)
    private var snapshot: StoreSnapshot { Fixtures.snapshot(Fixtures.typicalTraces) }

    private func typing(_ text: String, into state: ViewState) -> ViewState {
        text.reduce(state) { reduce($0, key: .character($1), snapshot: snapshot, screen: screen) }
    }

    private func filtered(_ text: String) -> [String] {
        TraceFilter(text).apply(to: snapshot).traces.map(\.rootName)
    }

    func testTermsMatchTheirFieldAndCombine() {
        XCTAssertEqual(filtered("service:batch"), ["chat gpt-4o", "chat my-finetune"])
        XCTAssertEqual(filtered("status:error"), ["invoke_agent writer-agent"])
        XCTAssertEqual(filtered("status:running"), ["invoke_agent research-agent", "invoke_agent orchestrator"])
        XCTAssertEqual(filtered("agent:research status:ok"), ["invoke_agent research-agent"])
        XCTAssertEqual(filtered("HEALTHZ"), ["GET /healthz"], "free text ignores case")
        XCTAssertEqual(filtered("service:batch finetune"), ["chat my-finetune"])
        XCTAssertEqual(filtered("").count, Fixtures.typicalTraces.count)
    }

    func testTypingApplyingCancellingAndClearing() {
        var state = reduce(ViewState(), key: .character("/"), snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.keyContext, .filter)
        state = typing("status:errx", into: state)
        state = reduce(state, key: .backspace, snapshot: snapshot, screen: screen)
        XCTAssertEqual(state.filterDraft, "status:err")
        XCTAssertTrue(typing("q", into: state).filterDraft?.hasSuffix("q") == true, "q is text while typing, not quit")
        state = reduce(state, key: .enter, snapshot: snapshot, screen: screen)
        XCTAssertNil(state.filterDraft)
        XCTAssertEqual(state.filter.text, "status:err")
        assertSnapshot(of: Frame.render(snapshot, state: state, size: screen, context: Fixtures.context), as: .frame,
                       named: "applied")

        var editing = reduce(state, key: .character("/"), snapshot: snapshot, screen: screen)
        XCTAssertEqual(editing.filterDraft, "status:err", "editing starts from the current filter")
        editing = typing(" nothing-matches", into: editing)
        assertSnapshot(of: Frame.render(snapshot, state: editing, size: screen, context: Fixtures.context), as: .frame,
                       named: "typing")
        editing = reduce(editing, key: .escape, snapshot: snapshot, screen: screen)
        XCTAssertEqual(editing.filter.text, "status:err", "Esc while typing keeps the applied filter")

        let cleared = reduce(editing, key: .escape, snapshot: snapshot, screen: screen)
        XCTAssertTrue(cleared.filter.isEmpty)
    }

    func testNoMatchSaysSo() {
        var state = ViewState()
        state.filter = TraceFilter("model:nothing")
        let text = Frame.render(snapshot, state: state, size: screen, context: Fixtures.context).plainText().joined()
        XCTAssertTrue(text.contains("No trace matches the filter"))
        XCTAssertFalse(text.contains("No traces yet"))
    }
}
