import CanvasKit
import Store

/// One screen of the dashboard, with its folder under `Screens/`: the keys it binds (its context's rows
/// of the key table), what each of its actions does, and how it draws. `Frame.render` draws the screen
/// under the overlays, `reduce(_:_:…)` gives each action to the screen whose keys are in use.
protocol Screen: Sendable {
    static var context: KeyContext { get }
    /// The screen's rows of the key table, in the order help and the hint bar show them.
    static var keys: [ScreenKey] { get }
    /// The state after `action`; nil when the screen has no handler of its own for it (the shared
    /// actions, `GlobalActions`, then get it).
    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState?
    /// Draws the screen; the hint bar, the notice and the overlays go over it afterwards.
    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas)
}

/// What a screen reads besides the view state.
struct ScreenInput {
    var snapshot: StoreSnapshot
    var size: Size
    /// The store's entry for the open trace, on the trace, span and value screens.
    var openTrace: TraceEntry?
    /// For drawing; absent while reducing.
    var context: FrameContext?
    var history: HistoryScreenData?
}

/// Every screen, each found by its key context.
enum Screens {
    static let all: [any Screen.Type] = [
        TraceListScreen.self, PaneScreen.self, TraceScreen.self, SpanScreen.self, ValueScreen.self,
        SessionListScreen.self, SessionTimelineScreen.self, SessionEventScreen.self,
        HistoryScreen.self, HistoryDayScreen.self, FilterScreen.self, HelpScreen.self,
    ]

    static func screen(for context: KeyContext) -> any Screen.Type {
        all.first { $0.context == context }!
    }
}

/// The actions every screen shares: the theme, help and quitting.
enum GlobalActions {
    static func reduce(_ state: ViewState, _ action: Action) -> ViewState? {
        var state = state
        switch action {
        case .cycleTheme: state.themeIndex += 1
        case .showHelp: state.helpVisible = true
        case .quit: state.quitRequested = true
        default: return nil
        }
        return state
    }
}

/// One row of a screen's keys: keys of its own, or one of the shared groups' actions in the screen's
/// words. The shared groups give the keys once: the list moves (`j`/`k`/`g`/`G`/`PgUp`/`PgDn`), going
/// back (`Esc`/`h`/`←`), opening (`⏎`/`l`/`→`), and the global actions (`t`/`?`/`q`).
struct ScreenKey {
    var keys: [Key]
    var action: Action
    var help: String
    var onHintBar = false
    var hintKeys: Int?

    static func own(_ keys: [Key], _ action: Action, _ help: String, hint: Bool = false) -> ScreenKey {
        ScreenKey(keys: keys, action: action, help: help, onHintBar: hint)
    }

    /// A list move, with the screen's words for it.
    static func move(_ action: Action, _ help: String, hint: Bool = false) -> ScreenKey {
        ScreenKey(keys: SharedKeys.moves[action]!, action: action, help: help, onHintBar: hint)
    }

    /// The six list moves in their usual order; `↓` and `↑` on the hint bar.
    static func moves(down: String = "down", up: String = "up", top: String, bottom: String) -> [ScreenKey] {
        [move(.moveDown, down, hint: true), move(.moveUp, up, hint: true), move(.moveTop, top), move(.moveBottom, bottom),
         move(.pageUp, "page up"), move(.pageDown, "page down")]
    }

    /// `⏎`, `l` or `→` (the hint bar names `⏎` alone).
    static func open(_ action: Action, _ help: String) -> ScreenKey {
        ScreenKey(keys: SharedKeys.open, action: action, help: help, onHintBar: true, hintKeys: 1)
    }

    /// `Esc`, `h` or `←`.
    static func back(_ help: String = "back") -> ScreenKey {
        ScreenKey(keys: SharedKeys.back, action: .back, help: help, onHintBar: true)
    }

    /// `t`, `?` and `q`, with those in `hints` on the hint bar.
    static func global(hints: Set<Action> = [.showHelp]) -> [ScreenKey] {
        [ScreenKey(keys: [.character("t")], action: .cycleTheme, help: "next theme", onHintBar: hints.contains(.cycleTheme)),
         ScreenKey(keys: [.character("?")], action: .showHelp, help: "help", onHintBar: hints.contains(.showHelp)),
         ScreenKey(keys: [.character("q")], action: .quit, help: "quit", onHintBar: hints.contains(.quit))]
    }

    func binding(in context: KeyContext) -> KeyBinding {
        KeyBinding(keys, context, action, help, onHintBar: onHintBar, hintKeys: hintKeys)
    }
}

/// The keys the shared groups bind, written once.
enum SharedKeys {
    static let moves: [Action: [Key]] = [
        .moveDown: [.character("j"), .down], .moveUp: [.character("k"), .up],
        .moveTop: [.character("g"), .home], .moveBottom: [.character("G"), .end],
        .pageUp: [.pageUp, .control("b")], .pageDown: [.pageDown, .control("f")],
    ]
    static let open: [Key] = [.enter, .character("l"), .right]
    static let back: [Key] = [.escape, .character("h"), .left]
}
