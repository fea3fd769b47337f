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

    public static let standard = KeyTable([
        KeyBinding([.character("j"), .down], .traceList, .moveDown, "down", onHintBar: true),
        KeyBinding([.character("k"), .up], .traceList, .moveUp, "up", onHintBar: true),
        KeyBinding([.character("g"), .home], .traceList, .moveTop, "newest (follow)"),
        KeyBinding([.character("G"), .end], .traceList, .moveBottom, "oldest"),
        KeyBinding([.pageUp, .control("b")], .traceList, .pageUp, "page up"),
        KeyBinding([.pageDown, .control("f")], .traceList, .pageDown, "page down"),
        KeyBinding([.enter, .character("l"), .right], .traceList, .openTrace, "open trace", onHintBar: true, hintKeys: 1),
        KeyBinding([.tab], .traceList, .nextPane, "next pane", onHintBar: true),
        KeyBinding([.backTab], .traceList, .previousPane, "previous pane"),
        KeyBinding([.character("/")], .traceList, .startFilter, "filter", onHintBar: true),
        KeyBinding([.escape], .traceList, .clearFilter, "clear filter"),
        KeyBinding([.character("s")], .traceList, .cycleSort, "sort", onHintBar: true),
        KeyBinding([.character("r")], .traceList, .reverseSort, "reverse the order"),
        KeyBinding([.character("p")], .traceList, .togglePause, "pause", onHintBar: true),
        KeyBinding([.character("S")], .traceList, .toggleSessions, "sessions", onHintBar: true),
        KeyBinding([.character("H")], .traceList, .toggleHistory, "spend history", onHintBar: true),
        KeyBinding([.character("k"), .up], .history, .moveUp, "earlier day", onHintBar: true),
        KeyBinding([.character("j"), .down], .history, .moveDown, "later day", onHintBar: true),
        KeyBinding([.character("g"), .home], .history, .moveTop, "first day"),
        KeyBinding([.character("G"), .end], .history, .moveBottom, "today"),
        KeyBinding([.pageUp, .control("b")], .history, .pageUp, "page up"),
        KeyBinding([.pageDown, .control("f")], .history, .pageDown, "page down"),
        KeyBinding([.enter, .character("l"), .right], .history, .openHistoryDay, "the day's sessions and calls", onHintBar: true, hintKeys: 1),
        KeyBinding([.character("s")], .history, .cycleHistorySplit, "split by model/service/agent/session", onHintBar: true),
        KeyBinding([.escape, .character("H")], .history, .toggleHistory, "back to traces", onHintBar: true),
        KeyBinding([.character("t")], .history, .cycleTheme, "next theme"),
        KeyBinding([.character("?")], .history, .showHelp, "help", onHintBar: true),
        KeyBinding([.character("q")], .history, .quit, "quit"),
        KeyBinding([.character("j"), .down], .historyDay, .moveDown, "scroll down", onHintBar: true),
        KeyBinding([.character("k"), .up], .historyDay, .moveUp, "scroll up", onHintBar: true),
        KeyBinding([.character("g"), .home], .historyDay, .moveTop, "top"),
        KeyBinding([.character("G"), .end], .historyDay, .moveBottom, "bottom"),
        KeyBinding([.pageUp, .control("b")], .historyDay, .pageUp, "page up"),
        KeyBinding([.pageDown, .control("f")], .historyDay, .pageDown, "page down"),
        KeyBinding([.escape, .character("h"), .left], .historyDay, .back, "back to the days", onHintBar: true),
        KeyBinding([.character("t")], .historyDay, .cycleTheme, "next theme"),
        KeyBinding([.character("?")], .historyDay, .showHelp, "help", onHintBar: true),
        KeyBinding([.character("q")], .historyDay, .quit, "quit"),
        KeyBinding([.character("j"), .down], .sessionList, .moveDown, "down", onHintBar: true),
        KeyBinding([.character("k"), .up], .sessionList, .moveUp, "up", onHintBar: true),
        KeyBinding([.character("g"), .home], .sessionList, .moveTop, "most recent"),
        KeyBinding([.character("G"), .end], .sessionList, .moveBottom, "oldest"),
        KeyBinding([.pageUp, .control("b")], .sessionList, .pageUp, "page up"),
        KeyBinding([.pageDown, .control("f")], .sessionList, .pageDown, "page down"),
        KeyBinding([.enter, .character("l"), .right], .sessionList, .openSession, "timeline", onHintBar: true, hintKeys: 1),
        KeyBinding([.character("T")], .sessionList, .sessionTraces, "its traces", onHintBar: true),
        KeyBinding([.escape, .character("S")], .sessionList, .toggleSessions, "back to traces", onHintBar: true),
        KeyBinding([.character("t")], .sessionList, .cycleTheme, "next theme"),
        KeyBinding([.character("?")], .sessionList, .showHelp, "help", onHintBar: true),
        KeyBinding([.character("q")], .sessionList, .quit, "quit"),
        KeyBinding([.character("j"), .down], .sessionTimeline, .moveDown, "down", onHintBar: true),
        KeyBinding([.character("k"), .up], .sessionTimeline, .moveUp, "up", onHintBar: true),
        KeyBinding([.character("g"), .home], .sessionTimeline, .moveTop, "first"),
        KeyBinding([.character("G"), .end], .sessionTimeline, .moveBottom, "latest"),
        KeyBinding([.pageUp, .control("b")], .sessionTimeline, .pageUp, "page up"),
        KeyBinding([.pageDown, .control("f")], .sessionTimeline, .pageDown, "page down"),
        KeyBinding([.enter, .character("l"), .right], .sessionTimeline, .openEvent, "event details", onHintBar: true, hintKeys: 1),
        KeyBinding([.character("T")], .sessionTimeline, .sessionTraces, "its traces", onHintBar: true),
        KeyBinding([.escape, .character("h"), .left], .sessionTimeline, .back, "back", onHintBar: true),
        KeyBinding([.character("t")], .sessionTimeline, .cycleTheme, "next theme"),
        KeyBinding([.character("?")], .sessionTimeline, .showHelp, "help", onHintBar: true),
        KeyBinding([.character("q")], .sessionTimeline, .quit, "quit"),
        KeyBinding([.character("j"), .down], .sessionEvent, .moveDown, "scroll down", onHintBar: true),
        KeyBinding([.character("k"), .up], .sessionEvent, .moveUp, "scroll up", onHintBar: true),
        KeyBinding([.character("g"), .home], .sessionEvent, .moveTop, "top"),
        KeyBinding([.character("G"), .end], .sessionEvent, .moveBottom, "bottom"),
        KeyBinding([.pageUp, .control("b")], .sessionEvent, .pageUp, "page up"),
        KeyBinding([.pageDown, .control("f")], .sessionEvent, .pageDown, "page down"),
        KeyBinding([.escape, .character("h"), .left], .sessionEvent, .back, "back", onHintBar: true),
        KeyBinding([.character("t")], .sessionEvent, .cycleTheme, "next theme"),
        KeyBinding([.character("?")], .sessionEvent, .showHelp, "help", onHintBar: true),
        KeyBinding([.character("q")], .sessionEvent, .quit, "quit"),
        KeyBinding([.character("t")], .traceList, .cycleTheme, "next theme", onHintBar: true),
        KeyBinding([.character("?")], .traceList, .showHelp, "help", onHintBar: true),
        KeyBinding([.character("q")], .traceList, .quit, "quit", onHintBar: true),
        KeyBinding([.character("j"), .down], .pane, .moveDown, "scroll down", onHintBar: true),
        KeyBinding([.character("k"), .up], .pane, .moveUp, "scroll up", onHintBar: true),
        KeyBinding([.character("g"), .home], .pane, .moveTop, "top"),
        KeyBinding([.character("G"), .end], .pane, .moveBottom, "bottom"),
        KeyBinding([.pageUp, .control("b")], .pane, .pageUp, "page up"),
        KeyBinding([.pageDown, .control("f")], .pane, .pageDown, "page down"),
        KeyBinding([.tab], .pane, .nextPane, "next pane", onHintBar: true),
        KeyBinding([.backTab], .pane, .previousPane, "previous pane"),
        KeyBinding([.escape], .pane, .back, "back to traces", onHintBar: true),
        KeyBinding([.character("p")], .pane, .togglePause, "pause"),
        KeyBinding([.character("t")], .pane, .cycleTheme, "next theme"),
        KeyBinding([.character("?")], .pane, .showHelp, "help", onHintBar: true),
        KeyBinding([.character("q")], .pane, .quit, "quit", onHintBar: true),
        KeyBinding([.character("j"), .down], .traceView, .moveDown, "down", onHintBar: true),
        KeyBinding([.character("k"), .up], .traceView, .moveUp, "up", onHintBar: true),
        KeyBinding([.character("g"), .home], .traceView, .moveTop, "first span"),
        KeyBinding([.character("G"), .end], .traceView, .moveBottom, "last span"),
        KeyBinding([.pageUp, .control("b")], .traceView, .pageUp, "page up"),
        KeyBinding([.pageDown, .control("f")], .traceView, .pageDown, "page down"),
        KeyBinding([.enter, .character("l"), .right], .traceView, .openSpan, "span details", onHintBar: true, hintKeys: 1),
        KeyBinding([.character("y")], .traceView, .copySpan, "copy span as OTLP JSON", onHintBar: true),
        KeyBinding([.escape, .character("h"), .left], .traceView, .back, "back", onHintBar: true),
        KeyBinding([.character("t")], .traceView, .cycleTheme, "next theme"),
        KeyBinding([.character("?")], .traceView, .showHelp, "help", onHintBar: true),
        KeyBinding([.character("q")], .traceView, .quit, "quit"),
        KeyBinding([.character("j"), .down], .spanView, .moveDown, "next value", onHintBar: true),
        KeyBinding([.character("k"), .up], .spanView, .moveUp, "previous value", onHintBar: true),
        KeyBinding([.character("g"), .home], .spanView, .moveTop, "top"),
        KeyBinding([.character("G"), .end], .spanView, .moveBottom, "bottom"),
        KeyBinding([.pageUp, .control("b")], .spanView, .pageUp, "page up"),
        KeyBinding([.enter, .character("l"), .right], .spanView, .expandValue, "expand value", onHintBar: true, hintKeys: 1),
        KeyBinding([.escape, .character("h"), .left], .spanView, .back, "back", onHintBar: true),
        KeyBinding([.pageDown, .control("f")], .spanView, .pageDown, "page down", onHintBar: true),
        KeyBinding([.character("y")], .spanView, .copySpan, "copy span as OTLP JSON", onHintBar: true),
        KeyBinding([.character("t")], .spanView, .cycleTheme, "next theme"),
        KeyBinding([.character("?")], .spanView, .showHelp, "help", onHintBar: true),
        KeyBinding([.character("q")], .spanView, .quit, "quit"),
        KeyBinding([.character("j"), .down], .value, .moveDown, "scroll down", onHintBar: true),
        KeyBinding([.character("k"), .up], .value, .moveUp, "scroll up", onHintBar: true),
        KeyBinding([.character("g"), .home], .value, .moveTop, "top"),
        KeyBinding([.character("G"), .end], .value, .moveBottom, "bottom"),
        KeyBinding([.pageUp, .control("b")], .value, .pageUp, "page up"),
        KeyBinding([.pageDown, .control("f")], .value, .pageDown, "page down"),
        KeyBinding([.character("y")], .value, .copyValue, "copy value", onHintBar: true),
        KeyBinding([.escape, .character("h"), .left], .value, .back, "back", onHintBar: true),
        KeyBinding([.character("t")], .value, .cycleTheme, "next theme"),
        KeyBinding([.character("?")], .value, .showHelp, "help", onHintBar: true),
        KeyBinding([.character("q")], .value, .quit, "quit"),
        KeyBinding([.enter], .filter, .applyFilter, "apply", onHintBar: true),
        KeyBinding([.escape], .filter, .cancelFilter, "cancel", onHintBar: true),
        KeyBinding([.backspace, .delete], .filter, .eraseFilterCharacter, "erase"),
        KeyBinding([.escape, .character("q"), .character("?")], .help, .closeHelp, "close help", onHintBar: true),
    ])

    public func bindings(in context: KeyContext) -> [KeyBinding] {
        bindings.filter { $0.context == context }
    }

    public func action(for key: Key, in context: KeyContext) -> Action? {
        bindings.first { $0.context == context && $0.keys.contains(key) }?.action
    }
}
