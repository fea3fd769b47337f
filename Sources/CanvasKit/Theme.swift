/// A colour as a theme file names it.
public enum ThemeColor: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case terminalDefault
    /// An xterm palette index (0–255).
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    /// Parses `#rrggbb`, `#rgb`, a 0–255 index, or an empty string / `default` for the terminal's own colour.
    public init?(parsing text: some StringProtocol) {
        let value = text.trimmingSpaces
        if value.isEmpty || value.lowercased() == "default" {
            self = .terminalDefault
        } else if value.hasPrefix("#") {
            let hex = Array(value.dropFirst())
            guard hex.allSatisfy(\.isHexDigit) else { return nil }
            switch hex.count {
            case 6:
                guard let v = UInt32(String(hex), radix: 16) else { return nil }
                self = .rgb(UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF))
            case 3:
                let d = hex.compactMap { UInt8(String($0), radix: 16) }
                self = .rgb(d[0] * 17, d[1] * 17, d[2] * 17)
            default:
                return nil
            }
        } else if value.allSatisfy(\.isASCII), let index = UInt8(value) {
            self = .indexed(index)
        } else {
            return nil
        }
    }
}

public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case unknownRole(String)
        case badColor(String)
        case malformedLine
        case unreadable
        case unknownTheme
    }
    public var file: String
    public var line: Int
    public var reason: Reason

    public var description: String {
        let location = line > 0 ? "\(file):\(line)" : file
        switch reason {
        case .unknownRole(let role):
            let known = Theme.keys.joined(separator: ", ")
            return "\(location): unknown role '\(role)' (known: \(known))"
        case .badColor(let value):
            return "\(location): bad colour '\(value)' (use \"#rrggbb\", a 0-255 index, or \"\" for the terminal default)"
        case .malformedLine:
            return "\(location): expected theme[role]=\"#rrggbb\""
        case .unreadable:
            return "\(location): cannot read theme file"
        case .unknownTheme:
            return "unknown theme '\(file)' (built in: \(BuiltinThemes.names.joined(separator: ", ")); "
                + "your own: NAME.theme in $XDG_CONFIG_HOME/tokentop/themes/, or a path)"
        }
    }
}

/// Colours for each style role. File keys are role names for foregrounds, `role_bg` for backgrounds,
/// and `background` for the background of every role that sets none.
public struct Theme: Sendable, Hashable {
    public var name: String
    public var foregrounds: [StyleRole: ThemeColor]
    public var backgrounds: [StyleRole: ThemeColor]
    public var background: ThemeColor

    public init(name: String, foregrounds: [StyleRole: ThemeColor] = [:], backgrounds: [StyleRole: ThemeColor] = [:],
                background: ThemeColor = .terminalDefault) {
        self.name = name
        self.foregrounds = foregrounds
        self.backgrounds = backgrounds
        self.background = background
    }

    public func foreground(_ role: StyleRole) -> ThemeColor { foregrounds[role] ?? .terminalDefault }
    public func background(_ role: StyleRole) -> ThemeColor { backgrounds[role] ?? background }

    /// Every key a theme file may set.
    public static var keys: [String] {
        ["background"] + StyleRole.allCases.flatMap { [$0.rawValue, $0.rawValue + "_bg"] }
    }

    /// The built-in default theme; every other theme starts from it.
    public static let standard: Theme = {
        guard let source = BuiltinThemes.sources["default"],
              let theme = try? parse(source, name: "default", file: "default.theme", base: Theme(name: "default")) else {
            preconditionFailure("the built-in default theme must parse")
        }
        return theme
    }()

    /// Parses a btop-style theme file. Roles it does not set keep their colour from `base`.
    public static func parse(_ text: String, name: String, file: String, base: Theme = .standard) throws(ThemeError) -> Theme {
        var theme = base
        theme.name = name
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let (key, value) = splitAssignment(line) else {
                throw ThemeError(file: file, line: lineNumber, reason: .malformedLine)
            }
            guard let color = ThemeColor(parsing: value) else {
                throw ThemeError(file: file, line: lineNumber, reason: .badColor(value))
            }
            if key == "background" {
                theme.background = color
            } else if let role = StyleRole(rawValue: key) {
                theme.foregrounds[role] = color
            } else if key.hasSuffix("_bg"), let role = StyleRole(rawValue: String(key.dropLast(3))) {
                theme.backgrounds[role] = color
            } else {
                throw ThemeError(file: file, line: lineNumber, reason: .unknownRole(key))
            }
        }
        return theme
    }

    /// `theme[key]="value"` (quotes optional, trailing `# comment` allowed) → (key, value).
    private static func splitAssignment(_ line: String) -> (String, String)? {
        guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]") else { return nil }
        let key = String(line[line.index(line.startIndex, offsetBy: 6)..<close]).trimmingSpaces
        var rest = Substring(line[line.index(after: close)...]).trimmingSpaces[...]
        guard !key.isEmpty, rest.first == "=" else { return nil }
        rest = rest.dropFirst().trimmingSpaces[...]
        if rest.first == "\"" {
            let body = rest.dropFirst()
            guard let end = body.firstIndex(of: "\"") else { return nil }
            let after = body[body.index(after: end)...].trimmingSpaces
            guard after.isEmpty || after.hasPrefix("#") else { return nil }
            return (key, String(body[..<end]))
        }
        let value = rest.prefix { $0 != " " && $0 != "\t" }
        let after = rest.dropFirst(value.count).trimmingSpaces
        guard after.isEmpty || after.hasPrefix("#") else { return nil }
        return (key, String(value))
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
