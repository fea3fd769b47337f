/// How many colours the terminal can show, from none to 24-bit.
public enum ColorCapability: Int, Sendable, Comparable, CaseIterable, CustomStringConvertible {
    case none
    case ansi16
    case xterm256
    case truecolor

    public static func < (a: ColorCapability, b: ColorCapability) -> Bool { a.rawValue < b.rawValue }

    public var description: String {
        switch self {
        case .none: "none"
        case .ansi16: "16"
        case .xterm256: "256"
        case .truecolor: "truecolor"
        }
    }

    /// From the environment alone: `NO_COLOR` (non-empty) and `TERM=dumb` turn colour off,
    /// `COLORTERM=truecolor|24bit` means 24-bit, a `TERM` naming 256 colours means 256, any other terminal 16.
    public static func detect(environment: [String: String]) -> ColorCapability {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .none }
        let term = (environment["TERM"] ?? "").lowercased()
        if term.isEmpty || term == "dumb" { return .none }
        let colorTerm = (environment["COLORTERM"] ?? "").lowercased()
        if colorTerm == "truecolor" || colorTerm == "24bit" || term.hasSuffix("-direct") { return .truecolor }
        if term.contains("256color") { return .xterm256 }
        return .ansi16
    }

    /// No more than the terminal's colour count (ncurses `COLORS`) allows.
    public func limited(toTerminalColors colors: Int) -> ColorCapability {
        let supported: ColorCapability = colors >= 256 ? .truecolor : (colors >= 8 ? .ansi16 : .none)
        return min(self, supported)
    }
}
