/// What a piece of text means on screen. Views choose roles; themes choose colours.
public enum StyleRole: String, CaseIterable, Sendable, Hashable {
    case text
    case muted
    case title
    case header
    case border
    case border_focused
    case selected
    case ok
    case warning
    case error
    case running
    case truncated
    case tokens_in
    case tokens_out
    case cost
    case accent
    case hint_key
    case hint_text
    case overlay

    /// One letter per role for the style layer of golden frames.
    public var code: Character {
        switch self {
        case .text: "."
        case .muted: "m"
        case .title: "T"
        case .header: "H"
        case .border: "b"
        case .border_focused: "B"
        case .selected: "S"
        case .ok: "o"
        case .warning: "w"
        case .error: "e"
        case .running: "r"
        case .truncated: "x"
        case .tokens_in: "i"
        case .tokens_out: "u"
        case .cost: "c"
        case .accent: "a"
        case .hint_key: "K"
        case .hint_text: "k"
        case .overlay: "O"
        }
    }

    /// Attributes that keep the role distinguishable when the terminal shows no colour.
    public var monochromeAttributes: TextAttributes {
        switch self {
        case .selected: .reverse
        case .title, .header, .border_focused, .error, .hint_key: .bold
        case .muted, .hint_text: .dim
        case .warning, .running: .underline
        default: []
        }
    }
}

public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let reverse = TextAttributes(rawValue: 1 << 1)
    public static let underline = TextAttributes(rawValue: 1 << 2)
    public static let dim = TextAttributes(rawValue: 1 << 3)

    /// One letter for the attribute layer of golden frames.
    var code: Character {
        switch self {
        case []: "."
        case .bold: "b"
        case .reverse: "r"
        case .underline: "u"
        case .dim: "d"
        default: "*"
        }
    }
}

public struct Style: Sendable, Hashable {
    public var role: StyleRole
    public var attributes: TextAttributes
    public init(_ role: StyleRole, _ attributes: TextAttributes = []) {
        self.role = role
        self.attributes = attributes
    }
    public static let text = Style(.text)
}
