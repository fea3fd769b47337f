import CanvasKit
import Store

/// Token burn per model: a sparkline of the last ten minutes and the current rates.
public enum BurnPaneView {
    public static func render(_ snapshot: StoreSnapshot, size: Size) -> Canvas {
        var canvas = Canvas(size: size)
        let minutes = ModelSummary.sparklinePoints * ModelSummary.sparklineStepSeconds / 60
        // The rates' window is named when it is not the standard minute.
        let window = snapshot.windows.burn == WindowSettings.standard.burn ? "" : " over \(snapshot.windows.burn.label)"
        canvas.box(canvas.bounds, title: "Token burn  tok/s\(window), last \(minutes) min")
        let inner = canvas.bounds.inset
        guard inner.width > 4, inner.height > 0 else { return canvas }
        let models = snapshot.models
        guard !models.isEmpty else {
            canvas.put("no LLM calls yet", x: inner.x + 1, y: inner.y, style: Style(.muted), limit: inner.width - 1)
            return canvas
        }
        let nameWidth = min(24, max(10, inner.width / 3))
        let rateWidth = 19
        let sparkWidth = max(0, min(ModelSummary.sparklinePoints, inner.width - nameWidth - rateWidth - 3))
        var y = inner.y
        for model in models where y < inner.y + inner.height {
            var x = inner.x + 1
            canvas.put(model.totals.model, x: x, y: y, width: nameWidth, style: .text)
            x += nameWidth + 1
            if sparkWidth > 0 {
                canvas.put(Bars.sparkline(model.sparkline, width: sparkWidth), x: x, y: y, style: Style(.accent))
                x += sparkWidth + 1
            }
            let rates = model.minute
            x += canvas.put("in ", x: x, y: y, style: Style(.muted), limit: inner.x + inner.width - x)
            x += canvas.put(Format.rate(rates.inputPerSecond), x: x, y: y, style: Style(.tokens_in),
                            limit: inner.x + inner.width - x)
            x += canvas.put("  out ", x: x, y: y, style: Style(.muted), limit: inner.x + inner.width - x)
            canvas.put(Format.rate(rates.outputPerSecond), x: x, y: y, style: Style(.tokens_out),
                       limit: inner.x + inner.width - x)
            y += 1
            // Cached and reasoning rates on their own line when there is room and they are not zero.
            if y < inner.y + inner.height, rates.cacheReadPerSecond > 0 || rates.reasoningPerSecond > 0 {
                let detail = "  cached " + Format.rate(rates.cacheReadPerSecond)
                    + "  reasoning " + (rates.reasoningPerSecond > 0 ? Format.rate(rates.reasoningPerSecond) : "—")
                canvas.put(detail, x: inner.x + 1, y: y, style: Style(.muted), limit: inner.width - 1)
                y += 1
            }
        }
        return canvas
    }
}
