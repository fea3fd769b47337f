import XCTest
@testable import CanvasKit
@testable import Views

/// `KeyTable.overriding`: the `[keys]` table of the config file rebinds actions; help and the hint bar follow.
final class KeyOverrideTests: XCTestCase {
    func testKeyNamesReadBack() {
        let names = ["j", "G", "?", "/", "up", "down", "left", "right", "pgup", "pgdn", "home", "end", "enter", "esc",
                     "tab", "shift-tab", "space", "backspace", "delete", "f5", "ctrl-d"]
        for name in names {
            let key = Key(name: name)
            XCTAssertNotNil(key, name)
            XCTAssertEqual(key?.name, name)
        }
        XCTAssertEqual(Key(name: "PgDn"), .pageDown)
        XCTAssertEqual(Key(name: "Ctrl-D"), .control("d"))
        XCTAssertEqual(Key(name: "^n"), .control("n"))
        XCTAssertEqual(Key(name: "space"), .character(" "))
        XCTAssertEqual(Key(name: "ctrl-i"), .tab, "what the terminal sends for it")
        for bad in ["", "jj", "ctrl-", "ctrl-12", "hyper-x", "f99", "\u{1b}"] { XCTAssertNil(Key(name: bad), bad) }
    }

    func testABareActionIsReboundInEveryContextThatHasIt() throws {
        let table = try KeyTable.standard.overriding(["moveDown": ["n", "down", "ctrl-n"]])
        for context in [KeyContext.traceList, .traceView, .spanView, .sessionList, .pane, .value] {
            XCTAssertEqual(table.action(for: .character("n"), in: context), .moveDown, context.rawValue)
            XCTAssertEqual(table.action(for: .control("n"), in: context), .moveDown, context.rawValue)
            XCTAssertNil(table.action(for: .character("j"), in: context), "j is free again in \(context)")
        }
        XCTAssertEqual(table.bindings.count, KeyTable.standard.bindings.count)
    }

    func testAContextNameLimitsTheOverride() throws {
        let table = try KeyTable.standard.overriding(["span_view.expand_value": ["space"], "trace-list.quit": ["Q"]])
        XCTAssertEqual(table.action(for: .character(" "), in: .spanView), .expandValue)
        XCTAssertNil(table.action(for: .enter, in: .spanView))
        XCTAssertEqual(table.action(for: .character("Q"), in: .traceList), .quit)
        XCTAssertEqual(table.action(for: .character("q"), in: .traceView), .quit, "other contexts keep q")
    }

    func testOverridesShowInHelpAndOnTheHintBar() throws {
        let table = try KeyTable.standard.overriding(["openTrace": ["o", "enter"], "startFilter": ["f"]])
        let hint = HintBarView.render(table, context: .traceList, width: 200).plainText()[0]
        XCTAssertTrue(hint.contains("o/⏎ open trace"), hint)
        XCTAssertTrue(hint.contains("f filter"), hint)
        XCTAssertFalse(hint.contains("/ filter"), hint)
        let help = HelpOverlayView.render(table, screen: Size(width: 200, height: 80)).plainText().joined(separator: "\n")
        XCTAssertTrue(help.contains("o/⏎  "), help)
        XCTAssertTrue(help.contains("f    "), help)
        for binding in table.bindings {
            XCTAssertTrue(help.contains(binding.keyLabel + "  "), "help lacks \(binding.keyLabel)")
        }
        // The running app follows the table it is given.
        let snapshot = Fixtures.snapshot(Fixtures.typicalTraces)
        let screen = Size(width: 100, height: 30)
        let filtering = reduce(ViewState(), key: .character("f"), snapshot: snapshot, screen: screen, keys: table)
        XCTAssertNotNil(filtering.filterDraft)
        XCTAssertNil(reduce(ViewState(), key: .character("/"), snapshot: snapshot, screen: screen, keys: table).filterDraft)
    }

    func testErrorsNameWhatIsWrong() {
        XCTAssertThrowsError(try KeyTable.standard.overriding(["jump": ["j"]])) {
            XCTAssertEqual($0 as? KeyTableError, .unknownAction("jump"))
            XCTAssertTrue("\($0)".contains("\"jump\""))
        }
        XCTAssertThrowsError(try KeyTable.standard.overriding(["moveDown": ["j", "hyper-j"]])) {
            XCTAssertEqual($0 as? KeyTableError, .unknownKey("hyper-j", action: "moveDown"))
            XCTAssertTrue("\($0)".contains("hyper-j"))
        }
        XCTAssertThrowsError(try KeyTable.standard.overriding(["nowhere.quit": ["q"]])) {
            XCTAssertEqual($0 as? KeyTableError, .unknownContext("nowhere"))
        }
        XCTAssertThrowsError(try KeyTable.standard.overriding(["quit": []])) {
            XCTAssertEqual($0 as? KeyTableError, .noKeys(action: "quit"))
        }
        XCTAssertThrowsError(try KeyTable.standard.overriding(["filter.quit": ["q"]])) {
            XCTAssertEqual($0 as? KeyTableError, .actionNotInContext(action: "quit", context: "filter"))
        }
    }

    func testAKeyBoundToTwoActionsInOneContextIsAConflict() {
        XCTAssertThrowsError(try KeyTable.standard.overriding(["traceList.quit": ["j"]])) { error in
            guard case .conflict(let key, let context, let actions)? = error as? KeyTableError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(key, "j")
            XCTAssertEqual(context, "traceList")
            XCTAssertEqual(Set(actions), ["moveDown", "quit"])
            XCTAssertTrue("\(error)".contains("moveDown"), "\(error)")
        }
        // The same key for one action in two contexts is fine, and so is swapping two keys at once.
        XCTAssertNoThrow(try KeyTable.standard.overriding(["moveDown": ["k"], "moveUp": ["j"]]))
        XCTAssertNoThrow(try KeyTable.standard.checkConflicts())
    }

    func testEveryActionStaysReachableAfterOverrides() throws {
        let table = try KeyTable.standard.overriding(["moveDown": ["n"], "moveUp": ["e"], "quit": ["ctrl-q"]])
        for action in Action.allCases {
            XCTAssertTrue(table.bindings.contains { $0.action == action && !$0.keys.isEmpty }, "\(action)")
        }
    }
}
