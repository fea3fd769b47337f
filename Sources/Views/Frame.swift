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
        if let drill = state.drill {
            state.drill = drill.reconciled(with: openTrace, screen: size, nowNanos: snapshot.takenAtNanos)
        }
        let input = ScreenInput(snapshot: snapshot, size: size, openTrace: openTrace, context: context, history: history)
        Screens.screen(for: state.screenContext).render(state, input, into: &canvas)
        let layout = MainLayout(size: size)
        if layout.hintBar.height > 0 {
            canvas.draw(HintBarView.render(context.keys, context: state.keyContext, width: size.width), x: 0, y: layout.hintBar.y)
            if let notice = state.notice {
                var line = Canvas(size: Size(width: size.width, height: 1))
                line.put(" " + notice, x: 0, y: 0, style: Style(state.noticeIsWarning ? .warning : .accent, .bold), limit: size.width)
                canvas.draw(line, x: 0, y: layout.hintBar.y)
            }
        }
        if state.filterDraft != nil { FilterScreen.render(state, input, into: &canvas) }
        if state.helpVisible { HelpScreen.render(state, input, into: &canvas) }
        return canvas
    }
}
