import CanvasKit
import Store

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
