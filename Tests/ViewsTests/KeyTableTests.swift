import Foundation
import XCTest
@testable import CanvasKit
@testable import Views

final class KeyTableTests: XCTestCase {
    let table = KeyTable.standard

    func testEveryActionIsReachableFromAKey() {
        for action in Action.allCases {
            XCTAssertTrue(table.bindings.contains { $0.action == action && !$0.keys.isEmpty }, "\(action) has no key")
        }
    }

    func testNoKeyIsBoundTwiceInOneContext() {
        for context in KeyContext.allCases {
            let keys = table.bindings(in: context).flatMap(\.keys)
            XCTAssertEqual(keys.count, Set(keys).count, "\(context)")
        }
    }

    func testEveryContextCanBeLeftOrQuit() {
        XCTAssertEqual(table.action(for: .character("q"), in: .traceList), .quit)
        for key in [Key.escape, .character("q"), .character("?")] {
            XCTAssertEqual(table.action(for: key, in: .help), .closeHelp, key.label)
        }
    }

    func testLookupFollowsTheTable() {
        for binding in table.bindings {
            for key in binding.keys {
                XCTAssertEqual(table.action(for: key, in: binding.context), binding.action)
            }
        }
        XCTAssertNil(table.action(for: .character("j"), in: .help))
        XCTAssertNil(table.action(for: .character("x"), in: .traceList))
    }

    func testHelpListsEveryBinding() {
        let help = HelpOverlayView.render(table, screen: Size(width: 120, height: 60)).plainText().joined(separator: "\n")
        for binding in table.bindings {
            XCTAssertTrue(help.contains(binding.keyLabel + "  "), "help lacks keys \(binding.keyLabel)")
            XCTAssertTrue(help.contains(binding.help), "help lacks \(binding.help)")
        }
        for context in KeyContext.allCases {
            XCTAssertTrue(help.contains(context.title))
        }
    }

    func testHelpExplainsTheMarks() {
        let help = HelpOverlayView.render(table, screen: Size(width: 200, height: 80)).plainText().joined(separator: "\n")
        for (glyph, meaning) in [("▶", "running"), ("✂", "truncated"), ("⊘", "rejected"), ("$0.01?", "unpriced")] {
            XCTAssertTrue(help.contains(glyph) && help.contains(meaning), "\(glyph) \(meaning)")
        }
    }

    func testOpenKeysAreHintedByTheirFirstKeyAndListedInFullInHelp() {
        let open = table.bindings.first { $0.action == .openTrace }!
        XCTAssertEqual(open.hintLabel, "⏎")
        XCTAssertEqual(open.keyLabel, "⏎/l/→")
        XCTAssertEqual(table.action(for: .right, in: .traceList), .openTrace)
        XCTAssertEqual(table.action(for: .character("l"), in: .spanView), .expandValue)
        XCTAssertEqual(table.action(for: .character("r"), in: .traceList), .reverseSort)
    }

    func testHelpFollowsAChangedTable() {
        let custom = KeyTable([KeyBinding([.character("x")], .traceList, .quit, "leave now")])
        let help = HelpOverlayView.render(custom, screen: Size(width: 80, height: 20)).plainText().joined()
        XCTAssertTrue(help.contains("x  leave now"))
        XCTAssertFalse(help.contains("quit"))
    }

    func testHintBarShowsTheContextsHintBindingsInTableOrder() {
        for context in KeyContext.allCases {
            let line = HintBarView.render(table, context: context, width: 200).plainText()[0]
            let expected = table.bindings(in: context).filter(\.onHintBar).map { "\($0.hintLabel) \($0.help)" }
            XCTAssertEqual(line.trimmingCharacters(in: .whitespaces), expected.joined(separator: "  "))
        }
    }

    func testNarrowHintBarKeepsHelpReachable() {
        let line = HintBarView.render(table, context: .traceList, width: 30).plainText()[0]
        XCTAssertTrue(line.contains("? help"), line)
        XCTAssertTrue(line.contains("j/↓ down"), line)
        XCTAssertFalse(line.contains("q quit"), line)
    }

    func testHintBarFollowsAChangedTable() {
        let custom = KeyTable([
            KeyBinding([.character("z")], .traceList, .moveDown, "zoom", onHintBar: true),
            KeyBinding([.character("y")], .traceList, .moveUp, "hidden"),
        ])
        let line = HintBarView.render(custom, context: .traceList, width: 40).plainText()[0]
        XCTAssertEqual(line.trimmingCharacters(in: .whitespaces), "z zoom")
    }
}
