import CanvasKit
import Semantics
import Store

/// The span screen: everything one span carries, scrolled by `DrillState.detailScroll`.
public enum SpanScreenView {
    public static func render(_ trace: TraceEntry?, summary: TraceSummary?, drill: DrillState, size: Size,
                              nowNanos: UInt64, focused: Bool) -> Canvas {
        var canvas = Canvas(size: size)
        let layout = DrillLayout(size: size)
        let span = drill.openSpanID.flatMap { trace?.span($0) }
        canvas.draw(DrillHeader.render(summary: summary, span: span, width: size.width, nowNanos: nowNanos),
                    x: 0, y: layout.header.y)
        guard layout.body.height > 0 else { return canvas }
        var body = Canvas(size: Size(width: layout.body.width, height: layout.body.height))
        let border = Style(focused ? .border_focused : .border)
        guard let span else {
            body.box(body.bounds, title: "Span", border: border)
            body.put("This span is no longer stored (its trace was evicted).", x: 2, y: 1, style: Style(.muted),
                     limit: body.width - 3)
            canvas.draw(body, x: 0, y: layout.body.y)
            return canvas
        }
        body.box(body.bounds, title: span.packed.name, border: border)
        let document = SpanDetails(span: span, nowNanos: nowNanos).document(width: layout.detailTextWidth)
        let lines = document.lines
        let rows = layout.detailRows
        let first = max(0, min(drill.detailScroll, lines.count - rows))
        let cursorLine = document.entries.indices.contains(drill.detailCursor) ? document.entries[drill.detailCursor].firstLine : nil
        for (offset, line) in lines.dropFirst(first).prefix(rows).enumerated() {
            body.put(line, x: 2, y: 1 + offset, limit: layout.detailTextWidth)
            if first + offset == cursorLine {
                body.restyle(Rect(x: 1, y: 1 + offset, width: body.width - 2, height: 1), style: Style(.selected, .bold))
            }
        }
        let below = lines.count - first - rows
        if below > 0 { body.putBorderNote(" ↓ \(Format.grouped(below)) more ", y: body.height - 1) }
        if first > 0 { body.putBorderNote(" ↑ \(Format.grouped(first)) more ", y: 0) }
        canvas.draw(body, x: 0, y: layout.body.y)
        return canvas
    }
}
