import CanvasKit
import Store

/// Keys on the session screens: the list (`S`), a session's timeline (`Enter`) and one of its events.
extension ViewState {
    func reducedInSessions(_ action: Action, snapshot: StoreSnapshot, screen: Size) -> ViewState {
        var state = self
        let sessions = SessionRow.rows(snapshot)
        let page = max(1, screen.height - 6)
        switch action {
        case .showHelp: state.helpVisible = true
        case .quit: state.quitRequested = true
        case .cycleTheme: state.themeIndex += 1
        case .sessionTraces:
            let id = openSessionID ?? (sessionIndex < sessions.count ? sessions[sessionIndex].sessionID : nil)
            guard let id else { break }
            state.filter = TraceFilter("session:" + id)
            state.showsSessions = false
            state.openSessionID = nil
            state.sessionEventOpen = false
            state.selectedIndex = 0
            state.selectedTraceID = nil
            state.scrollOffset = 0
        default:
            if sessionEventOpen {
                state.reduceEvent(action, page: page)
            } else if let id = openSessionID {
                let count = snapshot.sessions.first { $0.id == id }?.timeline.count ?? 0
                state.reduceTimeline(action, count: count, page: page)
            } else {
                state.reduceList(action, sessions: sessions, page: page)
            }
        }
        return state
    }

    private mutating func reduceList(_ action: Action, sessions: [SessionRow], page: Int) {
        let last = max(0, sessions.count - 1)
        switch action {
        case .moveDown: sessionIndex = min(sessionIndex + 1, last)
        case .moveUp: sessionIndex = max(0, sessionIndex - 1)
        case .moveTop: sessionIndex = 0
        case .moveBottom: sessionIndex = last
        case .pageDown: sessionIndex = min(sessionIndex + page, last)
        case .pageUp: sessionIndex = max(0, sessionIndex - page)
        case .openSession:
            guard sessionIndex < sessions.count else { break }
            openSessionID = sessions[sessionIndex].sessionID
            // The latest event first: what the agent is doing now.
            timelineIndex = Int.max
        case .toggleSessions, .back: showsSessions = false
        default: break
        }
    }

    private mutating func reduceTimeline(_ action: Action, count: Int, page: Int) {
        let last = max(0, count - 1)
        let current = min(timelineIndex, last)
        switch action {
        case .moveDown: timelineIndex = min(current + 1, last)
        case .moveUp: timelineIndex = max(0, current - 1)
        case .moveTop: timelineIndex = 0
        case .moveBottom: timelineIndex = Int.max
        case .pageDown: timelineIndex = min(current + page, last)
        case .pageUp: timelineIndex = max(0, current - page)
        case .openEvent:
            guard count > 0 else { break }
            timelineIndex = current
            sessionEventOpen = true
            eventScroll = 0
        case .back, .toggleSessions: openSessionID = nil
        default: break
        }
    }

    private mutating func reduceEvent(_ action: Action, page: Int) {
        switch action {
        case .moveDown: eventScroll += 1
        case .moveUp: eventScroll = max(0, eventScroll - 1)
        case .moveTop: eventScroll = 0
        case .moveBottom: eventScroll = Int.max
        case .pageDown: eventScroll = eventScroll == Int.max ? eventScroll : eventScroll + page
        case .pageUp: eventScroll = max(0, min(eventScroll, 1_000_000) - page)
        case .back, .toggleSessions: sessionEventOpen = false
        default: break
        }
    }
}
