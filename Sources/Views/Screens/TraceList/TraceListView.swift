import CanvasKit
import Semantics
import Store

/// The live list of traces, newest first, with the selection highlighted.
public enum TraceListView {
    /// `traces` is the list as `state` shows it (`state.listed(snapshot)`).
    public static func render(_ traces: ListedTraces, snapshot: StoreSnapshot, state: ViewState, size: Size, focused: Bool,
                              context: FrameContext) -> Canvas {
        var canvas = Canvas(size: size)
        let running = traces.running
        var title = "Traces (\(Format.grouped(running)) running · \(Format.grouped(traces.count - running)) done)"
        if let label = state.order.label { title += "  " + label }
        if !state.filter.isEmpty { title += "  filter: " + state.filter.text }
        canvas.box(canvas.bounds, title: title, border: Style(focused ? .border_focused : .border))
        let inner = canvas.bounds.inset
        guard inner.width > 0, inner.height > 0 else { return canvas }
        guard !traces.isEmpty else {
            if state.filter.isEmpty, !snapshot.sessions.isEmpty {
                EmptyStateView.drawSessions(into: &canvas, area: inner, snapshot: snapshot)
            } else if state.filter.isEmpty {
                EmptyStateView.draw(into: &canvas, area: inner, endpoints: context.endpoints)
            } else {
                canvas.put("No trace matches the filter. / edits it, Esc clears it.", x: inner.x + 2,
                           y: inner.y + inner.height / 2, style: Style(.muted), limit: inner.width - 3)
            }
            return canvas
        }
        let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        let columns = TraceColumns(width: content.width)
        columns.drawTitles(into: &canvas, x: content.x, y: content.y)
        let rows = content.height - 1
        for index in state.scrollOffset..<max(state.scrollOffset, min(traces.count, state.scrollOffset + rows)) {
            guard let trace = traces.row(at: index) else { continue }
            let y = content.y + 1 + index - state.scrollOffset
            columns.drawRow(trace, into: &canvas, x: content.x, y: y, now: snapshot.takenAtNanos,
                            utcOffsetSeconds: context.utcOffsetSeconds)
            if index == state.selectedIndex {
                canvas.restyle(Rect(x: inner.x, y: y, width: inner.width, height: 1), style: Style(.selected, .bold))
            }
        }
        let below = traces.count - state.scrollOffset - rows
        if below > 0 { canvas.putBorderNote(" ↓ \(Format.grouped(below)) more ", y: canvas.height - 1) }
        if state.scrollOffset > 0 { canvas.putBorderNote(" ↑ \(Format.grouped(state.scrollOffset)) more ", y: 0) }
        return canvas
    }
}

extension Canvas {
    /// A short note at the right end of a border line, when it fits without covering the title.
    mutating func putBorderNote(_ note: String, y: Int) {
        let noteWidth = DisplayWidth.of(note)
        let x = width - noteWidth - 2
        guard x > 2, (0..<noteWidth).allSatisfy({ self[x + $0, y].style.role == .border || self[x + $0, y].style.role == .border_focused })
        else { return }
        put(note, x: x, y: y, style: Style(.muted))
    }
}
