import SnapshotTesting
import CanvasKit
import Terminal
import XCTest
@testable import Views

/// Golden palettes: what each shipped theme gives every style role on a 16-colour terminal and with no
/// colour at all (`NO_COLOR`, `TERM=dumb`), where attributes alone must keep roles apart.
final class ThemePaletteSnapshotTests: XCTestCase {
    private func table(_ theme: Theme, _ capability: ColorCapability) -> String {
        let plan = ColorPairPlan(theme: theme, capability: capability, terminalColors: capability == .none ? 0 : 16)
        let byNumber = Dictionary(plan.pairs.map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        return StyleRole.allCases.map { role in
            let pair = byNumber[plan.pair(for: role)]
            let colours = pair.map { "fg \($0.foreground) bg \($0.background)" } ?? "terminal default"
            let attributes = plan.extraAttributes(for: role).union(capability == .none ? role.monochromeAttributes : [])
            return role.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0) + colours
                + (attributes.isEmpty ? "" : "  attrs \(attributes.rawValue)")
        }.joined(separator: "\n") + "\n"
    }

    func testEveryThemeIn16ColoursAndWithout() {
        for theme in Theme.builtin {
            assertSnapshot(of: table(theme, .ansi16), as: .lines, named: "\(theme.name)-16")
            assertSnapshot(of: table(theme, .none), as: .lines, named: "\(theme.name)-mono")
        }
    }
}
