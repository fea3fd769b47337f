import CanvasKit
import Store

/// Truncation, retries and errors against their alert thresholds, and latency percentiles.
public enum QualityPaneView {
    public static func render(_ snapshot: StoreSnapshot, size: Size, utcOffsetSeconds: Int = 0) -> Canvas {
        var canvas = Canvas(size: size)
        canvas.box(canvas.bounds, title: "Quality  " + (snapshot.quality.window.map { "last " + $0.label } ?? "since start"))
        let inner = canvas.bounds.inset
        guard inner.width > 4, inner.height > 0 else { return canvas }
        let q = snapshot.quality
        let x = inner.x + 1, limit = inner.width - 1
        var y = inner.y
        func line(_ label: String, _ rate: Double?, threshold: Double?, alertName: String? = nil) {
            guard y < inner.y + inner.height else { return }
            var column = x
            column += canvas.put(Canvas.fit(label, width: 11).padding(toLength: 11, withPad: " ", startingAt: 0),
                                 x: column, y: y, style: Style(.muted), limit: limit)
            guard let rate else {
                canvas.put("—", x: column, y: y, style: Style(.muted), limit: x + limit - column)
                y += 1
                return
            }
            let alarming = threshold.map { rate > $0 } ?? false
            let style = Style(alarming ? .warning : .text, alarming ? .bold : [])
            column += canvas.put(percent(rate).leftPadded(to: 6), x: column, y: y, style: style, limit: x + limit - column)
            column += canvas.put("  ▕", x: column, y: y, style: Style(.muted), limit: x + limit - column)
            let scale = (threshold ?? 0.1) * 2
            column += canvas.put(Bars.horizontal(rate / scale, width: 8).padding(toLength: 8, withPad: " ", startingAt: 0),
                                 x: column, y: y, style: Style(alarming ? .warning : .accent), limit: x + limit - column)
            column += canvas.put("▏", x: column, y: y, style: Style(.muted), limit: x + limit - column)
            if let threshold {
                let verdict = alarming ? " > \(percent(threshold)) ⚠" : " ≤ \(percent(threshold))"
                column += canvas.put(verdict, x: column, y: y, style: style, limit: x + limit - column)
                if let since = alertName.flatMap({ name in q.alerts.first { $0.name == name } })?.sinceNanos {
                    canvas.put(" since " + Format.clock(unixNanos: since, utcOffsetSeconds: utcOffsetSeconds), x: column, y: y,
                               style: Style(.warning), limit: x + limit - column)
                }
            }
            y += 1
        }
        line("truncated", q.truncationRate, threshold: q.truncationThreshold, alertName: "truncation")
        line("retries", q.retryRate, threshold: q.retryThreshold, alertName: "retries")
        line("errors", q.errorRate, threshold: q.errorThreshold, alertName: "errors")
        // Feedback: one line, or one per source (user feedback metric, each evaluation name) when several.
        for source in q.feedback where y < inner.y + inner.height && source.feedback.count > 0 {
            let label = q.feedback.count == 1 ? "feedback" : source.name
            var column = x
            column += canvas.put(Canvas.fit(label, width: 10).padding(toLength: 11, withPad: " ", startingAt: 0),
                                 x: column, y: y, style: Style(.muted), limit: limit)
            let f = source.feedback
            let mean = f.mean.map { Format.fixed($0, decimals: 2) + " avg  " } ?? ""
            column += canvas.put(mean + "n " + Format.grouped(Int64(f.count)) + "  ", x: column, y: y, style: .text,
                                 limit: x + limit - column)
            canvas.put(Bars.sparkline(f.histogram.map { Int64($0.1) }, width: 12), x: column, y: y,
                       style: Style(.accent), limit: x + limit - column)
            y += 1
        }
        // Latency over the last five minutes, so the pane follows recent behaviour.
        for (label, p) in [("latency 5m", q.latency), ("TTFT 5m", q.timeToFirstToken)] where y < inner.y + inner.height {
            var column = x
            column += canvas.put(Canvas.fit(label, width: 11).padding(toLength: 11, withPad: " ", startingAt: 0),
                                 x: column, y: y, style: Style(.muted), limit: limit)
            if let p50 = p.p50, let p95 = p.p95, let p99 = p.p99 {
                let text = "p50 \(Format.duration(seconds: p50))  p95 \(Format.duration(seconds: p95))  p99 \(Format.duration(seconds: p99))"
                canvas.put(text, x: column, y: y, style: .text, limit: x + limit - column)
            } else {
                canvas.put("—", x: column, y: y, style: Style(.muted), limit: x + limit - column)
            }
            y += 1
        }
        // Then per model, most expensive first, while there is room: p50/p95/p99 of duration and TTFT.
        for model in snapshot.models where y < inner.y + inner.height {
            let latency = model.totals.latency
            guard let p50 = latency.p50, let p95 = latency.p95, let p99 = latency.p99 else { continue }
            var column = x + 2
            column += canvas.put(Canvas.fit(model.totals.model, width: 20).padding(toLength: 21, withPad: " ", startingAt: 0),
                                 x: column, y: y, style: Style(.muted), limit: x + limit - column)
            var text = [p50, p95, p99].map { Format.duration(seconds: $0) }.joined(separator: "/")
            let ttft = model.totals.timeToFirstToken
            if let t50 = ttft.p50, let t95 = ttft.p95, let t99 = ttft.p99 {
                text += "  TTFT " + [t50, t95, t99].map { Format.duration(seconds: $0) }.joined(separator: "/")
            }
            canvas.put(text, x: column, y: y, style: .text, limit: x + limit - column)
            y += 1
        }
        return canvas
    }

    static func percent(_ fraction: Double) -> String {
        Format.fixed(fraction * 100, decimals: fraction * 100 < 10 ? 1 : 0) + "%"
    }
}
