import CanvasKit
import Store

/// What the trace list and the side panes draw together: the header, the list (or, too narrow for
/// the side panes, the focused pane in its place), and the side panes or the summary strip.
enum MainScreen {
    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        let size = input.size, snapshot = input.snapshot
        let layout = MainLayout(size: size)
        canvas.draw(HeaderView.render(snapshot, context: input.context!, width: size.width), x: 0, y: layout.header.y)
        if layout.traceList.height > 0, !layout.hasSidePanes, state.focusedPane != .traceList {
            // Too narrow for the side panes: the focused one takes the list's place.
            canvas.draw(pane(state.focusedPane, in: layout.traceList, state, input), x: layout.traceList.x, y: layout.traceList.y)
        } else if layout.traceList.height > 0 {
            let list = TraceListView.render(state.listed(snapshot), snapshot: snapshot, state: state,
                                            size: Size(width: layout.traceList.width, height: layout.traceList.height),
                                            focused: state.focusedPane == .traceList && !state.helpVisible, context: input.context!)
            canvas.draw(list, x: layout.traceList.x, y: layout.traceList.y)
        }
        if layout.hasSidePanes {
            for side in [Pane.burn, .cost, .quality] where layout.rect(of: side).height > 0 {
                let rect = layout.rect(of: side)
                canvas.draw(pane(side, in: rect, state, input), x: rect.x, y: rect.y)
            }
        } else if layout.strip.height > 0 {
            canvas.draw(SummaryStripView.render(snapshot, width: size.width), x: 0, y: layout.strip.y)
        }
    }

    private static func pane(_ pane: Pane, in rect: Rect, _ state: ViewState, _ input: ScreenInput) -> Canvas {
        PaneViewport.render(pane, input.snapshot, size: Size(width: rect.width, height: rect.height),
                            scroll: state.paneScroll[pane] ?? 0,
                            focused: state.focusedPane == pane && !state.helpVisible,
                            utcOffsetSeconds: input.context!.utcOffsetSeconds)
    }

    /// The header, then `body` in the space of the list and the side panes (and, below the side panes'
    /// width, the summary strip's line too): the session and history screens.
    static func renderFullBody(_ input: ScreenInput, into canvas: inout Canvas, _ body: (Size) -> Canvas) {
        let layout = MainLayout(size: input.size)
        canvas.draw(HeaderView.render(input.snapshot, context: input.context!, width: input.size.width), x: 0, y: layout.header.y)
        guard layout.traceList.height > 0 else { return }
        let size = Size(width: input.size.width, height: layout.traceList.height + (layout.hasSidePanes ? 0 : layout.strip.height))
        canvas.draw(body(size), x: 0, y: layout.traceList.y)
    }
}
