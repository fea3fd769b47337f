import Foundation
import XCTest
@testable import CanvasKit
@testable import Views

final class ThemeTests: XCTestCase {
    func testParsesColoursIndicesAndDefaults() throws {
        let theme = try Theme.parse("""
            # comment line
            theme[text]="#c0c0c0"
              theme[error] = "196"   # trailing comment
            theme[selected_bg]="#123"
            theme[muted]=""
            theme[cost]=#ffd75f
            theme[background]="default"
            """, name: "test", file: "test.theme")
        XCTAssertEqual(theme.foreground(.text), .rgb(0xC0, 0xC0, 0xC0))
        XCTAssertEqual(theme.foreground(.error), .indexed(196))
        XCTAssertEqual(theme.background(.selected), .rgb(0x11, 0x22, 0x33))
        XCTAssertEqual(theme.foreground(.muted), .terminalDefault)
        XCTAssertEqual(theme.foreground(.cost), .rgb(0xFF, 0xD7, 0x5F))
        XCTAssertEqual(theme.background(.text), .terminalDefault)
    }

    func testMissingRolesFallBackToDefault() throws {
        let theme = try Theme.parse("theme[error]=\"#ff0000\"\n", name: "partial", file: "partial.theme")
        XCTAssertEqual(theme.foreground(.error), .rgb(255, 0, 0))
        for role in StyleRole.allCases where role != .error {
            XCTAssertEqual(theme.foreground(role), Theme.standard.foreground(role), "\(role)")
            XCTAssertEqual(theme.background(role), Theme.standard.background(role), "\(role)")
        }
    }

    func testUnknownRoleNamesFileAndLine() {
        let text = "# header\ntheme[text]=\"#ffffff\"\n\ntheme[titel]=\"#ffffff\"\n"
        XCTAssertThrowsError(try Theme.parse(text, name: "x", file: "my.theme")) { error in
            let error = error as? ThemeError
            XCTAssertEqual(error, ThemeError(file: "my.theme", line: 4, reason: .unknownRole("titel")))
            XCTAssertTrue(error?.description.hasPrefix("my.theme:4: unknown role 'titel'") == true)
        }
    }

    func testBadColoursAreRejectedWithTheirLine() {
        for value in ["#ggg000", "#12345", "256", "-1", "red", "#1234567"] {
            XCTAssertThrowsError(try Theme.parse("theme[text]=\"\(value)\"", name: "x", file: "bad.theme")) { error in
                XCTAssertEqual(error as? ThemeError, ThemeError(file: "bad.theme", line: 1, reason: .badColor(value)))
            }
        }
    }

    func testMalformedLinesAreRejected() {
        for line in ["text=\"#ffffff\"", "theme[text]", "theme[text]=\"#ffffff", "theme[]=\"#ffffff\"",
                     "theme[text]=\"#ffffff\" extra"] {
            XCTAssertThrowsError(try Theme.parse(line, name: "x", file: "m.theme"), line) { error in
                XCTAssertEqual((error as? ThemeError)?.reason, .malformedLine, line)
            }
        }
    }

    func testEveryShippedThemeFileIsBuiltIn() throws {
        let themes = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../themes").standardizedFileURL
        let files = try FileManager.default.contentsOfDirectory(atPath: themes.path).filter { $0.hasSuffix(".theme") }
        XCTAssertEqual(Set(files.map { String($0.dropLast(6)) }), Set(BuiltinThemes.names))
        for name in BuiltinThemes.names {
            let file = try String(contentsOf: themes.appendingPathComponent(name + ".theme"), encoding: .utf8)
            XCTAssertEqual(BuiltinThemes.sources[name], file, name)
            XCTAssertNoThrow(try Theme.load(themes.appendingPathComponent(name + ".theme").path))
        }
    }

    func testBuiltInThemesSetEveryRole() throws {
        for name in BuiltinThemes.names {
            let theme = try Theme.parse(BuiltinThemes.sources[name]!, name: name, file: name, base: Theme(name: "empty"))
            XCTAssertEqual(Set(theme.foregrounds.keys), Set(StyleRole.allCases), name)
        }
        XCTAssertEqual(Theme.builtin.map(\.name), BuiltinThemes.names)
    }

    func testMonoThemeHasNoColours() throws {
        let mono = try Theme.load("mono")
        for role in StyleRole.allCases {
            XCTAssertEqual(mono.foreground(role), .terminalDefault)
            XCTAssertEqual(mono.background(role), .terminalDefault)
        }
    }

    func testLoadingUnknownNamesAndMissingFiles() {
        XCTAssertThrowsError(try Theme.load("solarized")) { error in
            XCTAssertEqual((error as? ThemeError)?.reason, .unknownTheme)
        }
        XCTAssertThrowsError(try Theme.load("/nonexistent/x.theme")) { error in
            XCTAssertEqual((error as? ThemeError)?.reason, .unreadable)
        }
    }

    /// A theme of the user's in $XDG_CONFIG_HOME/tokentop/themes/ is found by name, and joins the cycle.
    func testUserThemesByName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "theme[text]=\"#00ff00\"\n".write(to: folder.appendingPathComponent("matrix.theme"), atomically: true, encoding: .utf8)
        try "theme[nonsense]=\"#00ff00\"\n".write(to: folder.appendingPathComponent("broken.theme"), atomically: true, encoding: .utf8)
        let matrix = try Theme.load("matrix", userFolder: folder.path)
        XCTAssertEqual(matrix.name, "matrix")
        XCTAssertEqual(matrix.foreground(.text), .rgb(0, 255, 0))
        XCTAssertEqual(Theme.user(in: folder.path).map(\.name), ["matrix"], "one that does not parse is left out of the cycle")
        XCTAssertThrowsError(try Theme.load("broken", userFolder: folder.path)) { error in
            XCTAssertTrue("\(error)".contains("broken.theme:1: unknown role 'nonsense'"), "\(error)")
        }
        XCTAssertEqual(try Theme.load("light", userFolder: folder.path).name, "light", "built-in names come first")
    }
}
