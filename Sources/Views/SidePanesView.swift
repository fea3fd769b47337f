import Store

/// Eight-level bars for sparklines and share bars.
enum Bars {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// One character per value, scaled to the largest; zero stays blank-ish (`·`) so idle time reads as idle.
    static func sparkline(_ values: [Int64], width: Int) -> String {
        let shown = values.suffix(max(0, width))
        guard let peak = shown.max(), peak > 0 else { return String(repeating: "·", count: shown.count) }
        return String(shown.map { value in
            value <= 0 ? "·" : levels[min(levels.count - 1, Int((Double(value) / Double(peak) * 7).rounded()))]
        })
    }

    /// A horizontal bar of `fraction` (0…1) across `width` cells, in eighths.
    static func horizontal(_ fraction: Double, width: Int) -> String {
        guard width > 0, fraction.isFinite else { return "" }
        let eighths = Int((max(0, min(1, fraction)) * Double(width * 8)).rounded())
        let partial: [Character] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"].map { $0.first ?? " " }
        var bar = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { bar.append(partial[eighths % 8]) }
        return bar
    }
}

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

/// Calls, tokens and cost per model since start, with $/h and each model's share of the spend.
public enum CostPaneView {
    public static func render(_ snapshot: StoreSnapshot, size: Size) -> Canvas {
        var canvas = Canvas(size: size)
        // The $/h window is named when it is not the standard five minutes.
        let window = snapshot.windows.cost == WindowSettings.standard.cost ? "" : ", $/h over \(snapshot.windows.cost.label)"
        canvas.box(canvas.bounds, title: "Cost by model  since start\(window)")
        let inner = canvas.bounds.inset
        guard inner.width > 4, inner.height > 0 else { return canvas }
        let content = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        let numbers: [(title: String, width: Int)] = [("calls", 6), ("in", 6), ("out", 6), ("cost", 8), ("$/h", 7)]
        let shareWidth = 8
        let fixed = numbers.reduce(0) { $0 + $1.width + 1 }
        let showShare = content.width - fixed >= 12 + shareWidth + 1
        let nameWidth = max(6, content.width - fixed - (showShare ? shareWidth + 1 : 0))
        func row(_ y: Int, name: String, nameStyle: Style, cells: [(String, Style)], share: String?) {
            var x = content.x
            canvas.put(name, x: x, y: y, width: nameWidth, style: nameStyle)
            x += nameWidth + 1
            for (index, cell) in cells.enumerated() where x + numbers[index].width <= content.x + content.width {
                canvas.put(cell.0, x: x, y: y, width: numbers[index].width, style: cell.1, align: .right)
                x += numbers[index].width + 1
            }
            if showShare, let share { canvas.put(share, x: x, y: y, width: shareWidth, style: Style(.accent)) }
        }
        row(content.y, name: "model", nameStyle: Style(.header, .bold),
            cells: numbers.map { ($0.title, Style(.header, .bold)) }, share: showShare ? "share" : nil)
        let total = snapshot.models.reduce(0.0) { $0 + $1.totals.costUSD }
        for (offset, model) in snapshot.models.enumerated() {
            let y = content.y + 1 + offset
            guard y < content.y + content.height else { break }
            let t = model.totals
            let unpriced = t.pricedCalls == 0 && t.unpricedCalls > 0
            let cost: (String, Style) = unpriced ? ("?", Style(.warning))
                : t.pricedCalls == 0 ? ("·", Style(.muted))
                : (Format.cost(t.costUSD) + (t.unpricedCalls > 0 ? "?" : ""), Style(.cost))
            let perHour: (String, Style) = unpriced ? ("?", Style(.warning))
                : (model.dollarsPerHour > 0 ? Format.cost(model.dollarsPerHour) : "·", Style(.cost))
            let share = unpriced ? "unpriced" : total > 0 ? Bars.horizontal(t.costUSD / total, width: shareWidth) : ""
            row(y, name: t.model + (unpriced ? " ?" : ""), nameStyle: .text,
                cells: [(Format.grouped(t.calls), .text), (Format.compact(t.usage.input), Style(.tokens_in)),
                        (Format.compact(t.usage.output), Style(.tokens_out)), cost, perHour],
                share: share)
        }
        if snapshot.models.isEmpty {
            canvas.put("no LLM calls yet", x: content.x, y: content.y + 1, style: Style(.muted), limit: content.width)
        }
        return canvas
    }
}

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

extension String {
    func leftPadded(to width: Int) -> String {
        let missing = width - DisplayWidth.of(self)
        return missing > 0 ? String(repeating: " ", count: missing) + self : self
    }
}
