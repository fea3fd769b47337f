import CanvasKit

/// Where keys are interpreted; each context has its own bindings.
public enum KeyContext: String, CaseIterable, Sendable, Hashable {
    case traceList
    case traceView
    case spanView
    case sessionList
    /// One session's timeline of prompts, calls and tool calls.
    case sessionTimeline
    /// One event of a session's timeline, with all it carried.
    case sessionEvent
    /// `H`: spend per day from the history ledger.
    case history
    /// One day of the history: its sessions and calls.
    case historyDay
    /// A side pane (token burn, cost, quality) has the focus.
    case pane
    /// One value of the span screen, expanded to the whole screen.
    case value
    case filter
    case help

    public var title: String {
        switch self {
        case .traceList: "Trace list"
        case .traceView: "Trace"
        case .spanView: "Span"
        case .sessionList: "Sessions"
        case .sessionTimeline: "Session timeline"
        case .sessionEvent: "Session event"
        case .history: "Spend history"
        case .historyDay: "History day"
        case .pane: "Side pane"
        case .value: "Value"
        case .filter: "Filter"
        case .help: "Help"
        }
    }
}

public enum Action: String, CaseIterable, Sendable, Hashable {
    case moveUp, moveDown, moveTop, moveBottom, pageUp, pageDown
    case openTrace, openSpan, back
    case nextPane, previousPane
    case expandValue, copyValue
    case startFilter, applyFilter, cancelFilter, eraseFilterCharacter, clearFilter
    case cycleSort, reverseSort, togglePause
    case toggleSessions, openSession, sessionTraces, openEvent
    case toggleHistory, openHistoryDay, cycleHistorySplit
    case copySpan
    case cycleTheme
    case showHelp, closeHelp
    case quit
}

public struct KeyBinding: Sendable, Hashable {
    public var keys: [Key]
    public var context: KeyContext
    public var action: Action
    /// A few words for help and the hint bar.
    public var help: String
    /// Shown on the hint bar; when space runs out, later hints go first.
    public var onHintBar: Bool
    /// How many of the keys the hint bar names (help names them all): `⏎` for `⏎/l/→`.
    public var hintKeys: Int?

    public init(_ keys: [Key], _ context: KeyContext, _ action: Action, _ help: String, onHintBar: Bool = false,
                hintKeys: Int? = nil) {
        self.keys = keys
        self.context = context
        self.action = action
        self.help = help
        self.onHintBar = onHintBar
        self.hintKeys = hintKeys
    }

    /// `j/↓`
    public var keyLabel: String { keys.map(\.label).joined(separator: "/") }

    /// The keys as the hint bar names them.
    public var hintLabel: String { keys.prefix(hintKeys ?? keys.count).map(\.label).joined(separator: "/") }
}

/// The one table that drives key handling, the help screen and the hint bar.
public struct KeyTable: Sendable {
    public var bindings: [KeyBinding]

    public init(_ bindings: [KeyBinding]) {
        self.bindings = bindings
    }

    /// Every screen's rows (`Screen.keys`), the shared groups' keys filled in.
    public static let standard = KeyTable(Screens.all.flatMap { screen in screen.keys.map { $0.binding(in: screen.context) } })

    public func bindings(in context: KeyContext) -> [KeyBinding] {
        bindings.filter { $0.context == context }
    }

    public func action(for key: Key, in context: KeyContext) -> Action? {
        bindings.first { $0.context == context && $0.keys.contains(key) }?.action
    }
}
