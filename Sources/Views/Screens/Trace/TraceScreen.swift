import CanvasKit
import Store

/// `⏎` on a trace: its spans as a tree with a waterfall.
enum TraceScreen: Screen {
    static let context = KeyContext.traceView

    static let keys: [ScreenKey] = ScreenKey.moves(top: "first span", bottom: "last span") + [
        .open(.openSpan, "span details"),
        .own([.character("y")], .copySpan, "copy span as OTLP JSON", hint: true),
        .back(),
    ] + ScreenKey.global()

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        DrillScreens.reduceMove(state, action, input) ?? DrillScreens.reduceCopySpan(state, action, input)
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        DrillScreens.render(state, input, into: &canvas, view: TraceScreenView.render)
    }
}

/// What the trace, span and value screens share: moving within the open trace, and copying a span.
enum DrillScreens {
    /// Moves, opening and going back are the drill-down's own (`DrillState.reduced`).
    static func reduceMove(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        guard let drill = state.drill, DrillState.handles(action) else { return nil }
        var state = state
        state.drill = drill.reduced(action, trace: input.openTrace, screen: input.size, nowNanos: input.snapshot.takenAtNanos)
        return state
    }

    /// `y`: asks the executable to copy the open span, else the one under the cursor.
    static func reduceCopySpan(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        guard action == .copySpan else { return nil }
        var state = state
        if let drill = state.drill, let trace = input.openTrace {
            let rows = TraceTree(trace, nowNanos: input.snapshot.takenAtNanos).rows
            state.copyRequest = drill.openSpanID
                ?? drill.selectedSpanID
                ?? (rows.indices.contains(drill.selectedRow) ? rows[drill.selectedRow].span.packed.spanID : nil)
        }
        return state.reconciled(with: input.snapshot, screen: input.size)
    }

    typealias DrillView = (TraceEntry?, TraceSummary?, DrillState, Size, UInt64, Bool) -> Canvas

    /// The trace or span screen's view over the whole canvas.
    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas, view: DrillView) {
        guard let drill = state.drill else { return }
        canvas.draw(view(input.openTrace, summary(of: drill, input), drill, input.size, input.snapshot.takenAtNanos,
                         !state.helpVisible), x: 0, y: 0)
    }

    /// The open trace's row in the snapshot, for the breadcrumb.
    static func summary(of drill: DrillState, _ input: ScreenInput) -> TraceSummary? {
        input.snapshot.window.map { $0.query.openTrace == drill.traceID ? $0.openSummary : nil }
            ?? input.snapshot.traces.first { $0.traceID == drill.traceID }
    }
}
