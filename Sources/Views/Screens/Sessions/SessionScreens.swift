import CanvasKit
import Store

/// `S`: the sessions heard of, most recent first.
enum SessionListScreen: Screen {
    static let context = KeyContext.sessionList

    static let keys: [ScreenKey] = ScreenKey.moves(top: "most recent", bottom: "oldest") + [
        .open(.openSession, "timeline"),
        .own([.character("T")], .sessionTraces, "its traces", hint: true),
        .own([.escape, .character("S")], .toggleSessions, "back to traces", hint: true),
    ] + ScreenKey.global()

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        var state = state
        let sessions = SessionRow.rows(input.snapshot)
        let page = SessionScreens.page(input)
        let last = max(0, sessions.count - 1)
        switch action {
        case .moveDown: state.sessionIndex = min(state.sessionIndex + 1, last)
        case .moveUp: state.sessionIndex = max(0, state.sessionIndex - 1)
        case .moveTop: state.sessionIndex = 0
        case .moveBottom: state.sessionIndex = last
        case .pageDown: state.sessionIndex = min(state.sessionIndex + page, last)
        case .pageUp: state.sessionIndex = max(0, state.sessionIndex - page)
        case .openSession:
            guard state.sessionIndex < sessions.count else { break }
            state.openSessionID = sessions[state.sessionIndex].sessionID
            // The latest event first: what the agent is doing now.
            state.timelineIndex = Int.max
        case .toggleSessions, .back: state.showsSessions = false
        case .sessionTraces:
            return SessionScreens.showTraces(of: state.sessionIndex < sessions.count ? sessions[state.sessionIndex].sessionID : nil,
                                             state, input)
        default: return nil
        }
        return state.reconciled(with: input.snapshot, screen: input.size)
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        MainScreen.renderFullBody(input, into: &canvas) { SessionsView.render(input.snapshot, state: state, size: $0, context: input.context!) }
    }
}

/// `⏎` on a session: its prompts, calls and tool calls in time order.
enum SessionTimelineScreen: Screen {
    static let context = KeyContext.sessionTimeline

    static let keys: [ScreenKey] = ScreenKey.moves(top: "first", bottom: "latest") + [
        .open(.openEvent, "event details"),
        .own([.character("T")], .sessionTraces, "its traces", hint: true),
        .back(),
    ] + ScreenKey.global()

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        var state = state
        let count = input.snapshot.sessions.first { $0.id == state.openSessionID }?.timeline.count ?? 0
        let page = SessionScreens.page(input)
        let last = max(0, count - 1)
        let current = min(state.timelineIndex, last)
        switch action {
        case .moveDown: state.timelineIndex = min(current + 1, last)
        case .moveUp: state.timelineIndex = max(0, current - 1)
        case .moveTop: state.timelineIndex = 0
        case .moveBottom: state.timelineIndex = Int.max
        case .pageDown: state.timelineIndex = min(current + page, last)
        case .pageUp: state.timelineIndex = max(0, current - page)
        case .openEvent:
            guard count > 0 else { break }
            state.timelineIndex = current
            state.sessionEventOpen = true
            state.eventScroll = 0
        case .back, .toggleSessions: state.openSessionID = nil
        case .sessionTraces: return SessionScreens.showTraces(of: state.openSessionID, state, input)
        default: return nil
        }
        return state.reconciled(with: input.snapshot, screen: input.size)
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        MainScreen.renderFullBody(input, into: &canvas) {
            SessionTimelineView.render(SessionScreens.open(state, input), state: state, size: $0, context: input.context!,
                                       nowNanos: input.snapshot.takenAtNanos)
        }
    }
}

/// `⏎` on a timeline event: every attribute the agent sent with it.
enum SessionEventScreen: Screen {
    static let context = KeyContext.sessionEvent

    static let keys: [ScreenKey] = ScreenKey.moves(down: "scroll down", up: "scroll up", top: "top", bottom: "bottom")
        + [.back()] + ScreenKey.global()

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        var state = state
        let page = SessionScreens.page(input)
        switch action {
        case .moveDown: state.eventScroll += 1
        case .moveUp: state.eventScroll = max(0, state.eventScroll - 1)
        case .moveTop: state.eventScroll = 0
        case .moveBottom: state.eventScroll = Int.max
        case .pageDown: state.eventScroll = state.eventScroll == Int.max ? state.eventScroll : state.eventScroll + page
        case .pageUp: state.eventScroll = max(0, min(state.eventScroll, 1_000_000) - page)
        case .back, .toggleSessions: state.sessionEventOpen = false
        default: return nil
        }
        return state.reconciled(with: input.snapshot, screen: input.size)
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        MainScreen.renderFullBody(input, into: &canvas) {
            SessionEventView.render(SessionScreens.open(state, input), state: state, size: $0, context: input.context!)
        }
    }
}

/// What the session screens share.
enum SessionScreens {
    static func page(_ input: ScreenInput) -> Int { max(1, input.size.height - 6) }

    static func open(_ state: ViewState, _ input: ScreenInput) -> SessionActivity? {
        state.openSessionID.flatMap { id in input.snapshot.sessions.first { $0.id == id } }
    }

    /// `T`: back to the trace list, filtered to the session's traces.
    static func showTraces(of sessionID: String?, _ state: ViewState, _ input: ScreenInput) -> ViewState {
        var state = state
        if let sessionID {
            state.filter = TraceFilter("session:" + sessionID)
            state.showsSessions = false
            state.openSessionID = nil
            state.sessionEventOpen = false
            state.selectedIndex = 0
            state.selectedTraceID = nil
            state.scrollOffset = 0
        }
        return state.reconciled(with: input.snapshot, screen: input.size)
    }
}
