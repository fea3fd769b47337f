import CanvasKit
import Store

/// On narrow terminals the side panes shrink to one line above the hint bar.
public enum SummaryStripView {
    public static func render(_ snapshot: StoreSnapshot, width: Int) -> Canvas {
        var canvas = Canvas(size: Size(width: width, height: 1))
        var x = 1
        func put(_ text: String, _ style: Style) {
            x += canvas.put(text, x: x, y: 0, style: style, limit: width - x)
        }
        let series = snapshot.models.reduce(into: [Int64](repeating: 0, count: ModelSummary.sparklinePoints)) { sum, model in
            for (index, value) in model.sparkline.enumerated() where index < sum.count { sum[index] += value }
        }
        put("burn ", Style(.muted))
        put(Bars.sparkline(series, width: 12), Style(.accent))
        put(" " + Format.rate(snapshot.burn.tokensPerSecond), .text)
        put(" tok/s · ", Style(.muted))
        put(Format.cost(snapshot.burn.dollarsPerHour) + "/h", Style(.cost))
        let q = snapshot.quality
        if let truncation = q.truncationRate {
            let alarming = truncation > q.truncationThreshold
            put(" · trunc ", Style(.muted))
            put(QualityPaneView.percent(truncation) + (alarming ? " ⚠" : ""), Style(alarming ? .warning : .text))
        }
        if let retries = q.retryRate, retries > 0 {
            let alarming = retries > q.retryThreshold
            put(" · retries ", Style(.muted))
            put(QualityPaneView.percent(retries) + (alarming ? " ⚠" : ""), Style(alarming ? .warning : .text))
        }
        if let errors = q.errorRate {
            let alarming = q.errorThreshold.map { errors > $0 } ?? false
            put(" · err ", Style(.muted))
            put(QualityPaneView.percent(errors) + (alarming ? " ⚠" : ""), Style(errors > 0 ? .error : .text))
        }
        return canvas
    }
}
