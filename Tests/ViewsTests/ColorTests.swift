import XCTest
import CanvasKit
import Views
@testable import Terminal

final class ColorTests: XCTestCase {
    func testCapabilityDetection() {
        XCTAssertEqual(ColorCapability.detect(environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor"]), .truecolor)
        XCTAssertEqual(ColorCapability.detect(environment: ["TERM": "xterm-256color", "COLORTERM": "24bit"]), .truecolor)
        XCTAssertEqual(ColorCapability.detect(environment: ["TERM": "xterm-direct"]), .truecolor)
        XCTAssertEqual(ColorCapability.detect(environment: ["TERM": "tmux-256color"]), .xterm256)
        XCTAssertEqual(ColorCapability.detect(environment: ["TERM": "xterm"]), .ansi16)
        XCTAssertEqual(ColorCapability.detect(environment: ["TERM": "linux"]), .ansi16)
        XCTAssertEqual(ColorCapability.detect(environment: ["TERM": "dumb", "COLORTERM": "truecolor"]), .none)
        XCTAssertEqual(ColorCapability.detect(environment: [:]), .none)
        XCTAssertEqual(ColorCapability.detect(environment: ["TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": "1"]), .none)
        // An empty NO_COLOR does not count (no-color.org).
        XCTAssertEqual(ColorCapability.detect(environment: ["TERM": "xterm-256color", "NO_COLOR": ""]), .xterm256)
    }

    func testCapabilityIsLimitedByTheTerminal() {
        XCTAssertEqual(ColorCapability.truecolor.limited(toTerminalColors: 256), .truecolor)
        XCTAssertEqual(ColorCapability.truecolor.limited(toTerminalColors: 8), .ansi16)
        XCTAssertEqual(ColorCapability.xterm256.limited(toTerminalColors: 16), .ansi16)
        XCTAssertEqual(ColorCapability.ansi16.limited(toTerminalColors: 256), .ansi16)
        XCTAssertEqual(ColorCapability.xterm256.limited(toTerminalColors: 0), .none)
    }

    func testRGBMapsToTheNearestXtermColour() {
        XCTAssertEqual(ColorDegradation.nearestXterm256(0xFF, 0x00, 0x00), 196)
        XCTAssertEqual(ColorDegradation.nearestXterm256(0x5F, 0xAF, 0xFF), 75)  // exact cube entry
        XCTAssertEqual(ColorDegradation.nearestXterm256(0x80, 0x80, 0x80), 244)  // grey ramp beats the cube
        XCTAssertEqual(ColorDegradation.nearestXterm256(0, 0, 0), 16)
        XCTAssertEqual(ColorDegradation.nearestXterm256(0xFF, 0xFF, 0xFF), 231)
        for index in 16..<256 {
            let (r, g, b) = ColorDegradation.xtermRGB(index)
            XCTAssertEqual(ColorDegradation.nearestXterm256(r, g, b), index)
        }
    }

    func testRGBMapsToTheNearestBasicColour() {
        XCTAssertEqual(ColorDegradation.nearestBasic(0xFF, 0x5F, 0x5F), 9)  // light red
        XCTAssertEqual(ColorDegradation.nearestBasic(0x5F, 0xAF, 0x5F), 2)  // muted green stays green
        XCTAssertEqual(ColorDegradation.nearestBasic(0x26, 0x4F, 0x78), 4)  // dark blue
        XCTAssertEqual(ColorDegradation.nearestBasic(0x87, 0xAF, 0xFF), 12)  // light blue
        XCTAssertEqual(ColorDegradation.nearestBasic(0xD7, 0x87, 0xD7), 13)
        XCTAssertEqual(ColorDegradation.nearestBasic(0x1C, 0x1C, 0x1C), 0)
        XCTAssertEqual(ColorDegradation.nearestBasic(0xFF, 0xFF, 0xFF), 15)
        XCTAssertEqual(ColorDegradation.nearestBasic(0x80, 0x80, 0x80), 8)  // grey
        XCTAssertEqual(ColorDegradation.nearestBasic(0xFF, 0x5F, 0x5F, count: 8), 1)
    }

    func testDegradationPerCapability() {
        let red = ThemeColor.rgb(0xFF, 0, 0)
        XCTAssertEqual(ColorDegradation.paletteIndex(red, capability: .truecolor), 196)
        XCTAssertEqual(ColorDegradation.paletteIndex(red, capability: .xterm256), 196)
        XCTAssertEqual(ColorDegradation.paletteIndex(red, capability: .ansi16), 9)
        XCTAssertEqual(ColorDegradation.paletteIndex(red, capability: .ansi16, terminalColors: 8), 1)
        XCTAssertEqual(ColorDegradation.paletteIndex(red, capability: .none), -1)
        XCTAssertEqual(ColorDegradation.paletteIndex(.indexed(196), capability: .xterm256), 196)
        XCTAssertEqual(ColorDegradation.paletteIndex(.indexed(196), capability: .ansi16), 9)
        XCTAssertEqual(ColorDegradation.paletteIndex(.indexed(3), capability: .ansi16), 3)
        XCTAssertEqual(ColorDegradation.paletteIndex(.terminalDefault, capability: .truecolor), -1)
    }

    func testPairPlanSharesPairsAndMarksColourlessRoles() throws {
        let theme = try Theme.parse("""
            theme[ok]="#00ff00"
            theme[tokens_out]="#00ff00"
            theme[error]="#ff0000"
            theme[selected]=""
            theme[selected_bg]=""
            """, name: "t", file: "t.theme")
        let plan = ColorPairPlan(theme: theme, capability: .xterm256)
        XCTAssertEqual(plan.pair(for: .ok), plan.pair(for: .tokens_out))
        XCTAssertNotEqual(plan.pair(for: .ok), plan.pair(for: .error))
        XCTAssertEqual(plan.pair(for: .selected), 0)
        XCTAssertEqual(plan.extraAttributes(for: .selected), .reverse)
        XCTAssertEqual(Set(plan.pairs.map(\.number)).count, plan.pairs.count)
        XCTAssertFalse(plan.pairs.contains { $0.number == 0 })
    }

    func testWithoutColourEveryRoleFallsBackToAttributes() {
        let plan = ColorPairPlan(theme: .standard, capability: .none)
        XCTAssertTrue(plan.pairs.isEmpty)
        XCTAssertEqual(plan.extraAttributes(for: .selected), .reverse)
        XCTAssertEqual(plan.extraAttributes(for: .title), .bold)
        XCTAssertEqual(plan.extraAttributes(for: .muted), .dim)
    }

    func testNoDefaultColoursReplacesThemWithWhiteOnBlack() {
        let plan = ColorPairPlan(theme: .standard, capability: .xterm256, defaultColors: false)
        XCTAssertFalse(plan.pairs.contains { $0.foreground < 0 || $0.background < 0 })
    }

    func testPairsBeyondTheTerminalLimitFallBackToAttributes() {
        let plan = ColorPairPlan(theme: .standard, capability: .xterm256, maxPairs: 3)
        XCTAssertEqual(plan.pairs.count, 2)
        XCTAssertTrue(StyleRole.allCases.contains { plan.pair(for: $0) == 0 && plan.extraAttributes(for: $0) == $0.monochromeAttributes })
    }
}
