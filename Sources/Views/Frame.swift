import CanvasKit
import Store

/// The whole screen for one frame.
public enum Frame {
    /// `openTrace` is the store's entry for the trace `state.drill` names, looked up by the caller;
    /// `history` what the history ledger gave for the history screens, while they are open.
    public static func render(_ snapshot: StoreSnapshot, state: ViewState, size: Size, context: FrameContext,
                              openTrace: TraceEntry? = nil, history: HistoryScreenData? = nil) -> Canvas {
        var canvas = Canvas(size: size)
        guard size.width > 0, size.height > 0 else { return canvas }
        var state = state.reconciled(with: snapshot, screen: size)
        let layout = MainLayout(size: size)
        if let drill = state.drill {
            state.drill = drill.reconciled(with: openTrace, screen: size, nowNanos: snapshot.takenAtNanos)
            canvas.draw(DrillScreen.render(snapshot, state: state, size: size, openTrace: openTrace), x: 0, y: 0)
        } else {
            canvas.draw(HeaderView.render(snapshot, context: context, width: size.width), x: 0, y: layout.header.y)
        }
        let offset = context.utcOffsetSeconds
        func pane(_ pane: Pane, in rect: Rect) -> Canvas {
            PaneViewport.render(pane, snapshot, size: Size(width: rect.width, height: rect.height),
                                scroll: state.paneScroll[pane] ?? 0,
                                focused: state.focusedPane == pane && !state.helpVisible, utcOffsetSeconds: offset)
        }
        // The session and history screens use the whole body, and below the side panes' width, the
        // summary strip's line too.
        let opensHistory = state.drill == nil && state.showsHistory
        let opensSession = state.drill == nil && state.showsSessions && !opensHistory
        let body = Size(width: size.width, height: layout.traceList.height + (layout.hasSidePanes ? 0 : layout.strip.height))
        if layout.traceList.height > 0, opensHistory {
            let data = history ?? HistoryScreenData(status: snapshot.counters.history)
            let view = if state.historyDayOpen, let days = data.history {
                HistoryDayView.render(data.day, dayNumber: state.selectedHistoryDay(today: days.today), state: state,
                                      size: body, context: context)
            } else {
                HistoryView.render(data, state: state, size: body, context: context)
            }
            canvas.draw(view, x: 0, y: layout.traceList.y)
        } else if layout.traceList.height > 0, opensSession {
            let session = state.openSessionID.flatMap { id in snapshot.sessions.first { $0.id == id } }
            let view = if state.openSessionID == nil {
                SessionsView.render(snapshot, state: state, size: body, context: context)
            } else if state.sessionEventOpen {
                SessionEventView.render(session, state: state, size: body, context: context)
            } else {
                SessionTimelineView.render(session, state: state, size: body, context: context, nowNanos: snapshot.takenAtNanos)
            }
            canvas.draw(view, x: 0, y: layout.traceList.y)
        } else if layout.traceList.height > 0, state.drill == nil, !layout.hasSidePanes, state.focusedPane != .traceList {
            // Too narrow for the side panes: the focused one takes the list's place.
            canvas.draw(pane(state.focusedPane, in: layout.traceList), x: layout.traceList.x, y: layout.traceList.y)
        } else if layout.traceList.height > 0, state.drill == nil {
            let list = TraceListView.render(state.listed(snapshot), snapshot: snapshot, state: state, size: Size(width: layout.traceList.width, height: layout.traceList.height),
                                            focused: state.focusedPane == .traceList && !state.helpVisible, context: context)
            canvas.draw(list, x: layout.traceList.x, y: layout.traceList.y)
        }
        if state.drill != nil || opensSession || opensHistory {
            // The drill-down screens use the whole body.
        } else if layout.hasSidePanes {
            for side in [Pane.burn, .cost, .quality] where layout.rect(of: side).height > 0 {
                let rect = layout.rect(of: side)
                canvas.draw(pane(side, in: rect), x: rect.x, y: rect.y)
            }
        } else if layout.strip.height > 0 {
            canvas.draw(SummaryStripView.render(snapshot, width: size.width), x: 0, y: layout.strip.y)
        }
        if layout.hintBar.height > 0 {
            canvas.draw(HintBarView.render(context.keys, context: state.keyContext, width: size.width), x: 0, y: layout.hintBar.y)
            if let notice = state.notice {
                var line = Canvas(size: Size(width: size.width, height: 1))
                line.put(" " + notice, x: 0, y: 0, style: Style(state.noticeIsWarning ? .warning : .accent, .bold), limit: size.width)
                canvas.draw(line, x: 0, y: layout.hintBar.y)
            }
            if let draft = state.filterDraft {
                canvas.draw(FilterPromptView.render(draft: draft, keys: context.keys, width: size.width), x: 0, y: layout.hintBar.y)
            }
        }
        if state.helpVisible {
            let overlayArea = Size(width: size.width - 2, height: layout.traceList.height)
            var underHelp = state
            underHelp.helpVisible = false
            let overlay = HelpOverlayView.render(context.keys, screen: overlayArea, current: underHelp.keyContext)
            canvas.draw(overlay, x: (size.width - overlay.width) / 2,
                        y: layout.traceList.y + max(0, (layout.traceList.height - overlay.height) / 2))
        }
        return canvas
    }
}
