import CanvasKit
/// Bars on a trace's time axis: each span drawn from its start to its end, in whole cells.
struct Waterfall {
    let startNanos: UInt64
    let endNanos: UInt64
    let width: Int

    private var span: Double { Double(max(1, endNanos - startNanos)) }

    /// The cell column of an instant; the axis end maps to `width`.
    func column(_ nanos: UInt64) -> Int {
        let offset = Double(nanos > startNanos ? nanos - startNanos : 0)
        return min(width, Int((offset / span * Double(width)).rounded(.down)))
    }

    /// The cells a span covers: at least one, so the shortest span stays visible.
    func cells(start: UInt64, end: UInt64) -> Range<Int> {
        let first = min(column(start), max(0, width - 1))
        let endOffset = Double(end > startNanos ? end - startNanos : 0)
        let last = min(width, Int((endOffset / span * Double(width)).rounded(.up)))
        return first..<max(first + 1, last)
    }

    /// Draws one bar; open spans run to the axis end (now) and end in an arrow.
    func draw(into canvas: inout Canvas, x: Int, y: Int, start: UInt64, end: UInt64, isOpen: Bool, style: Style) {
        guard width > 0 else { return }
        let range = cells(start: start, end: isOpen ? endNanos : end)
        for cell in range {
            let glyph = isOpen && cell == range.upperBound - 1 ? "▶" : (isOpen ? "▒" : "█")
            canvas.put(glyph, x: x + cell, y: y, style: style, limit: 1)
        }
    }

    /// `0 ───── 0.6s ───── 1.2s`: the axis title for the bar column.
    func axisLabel() -> String {
        let total = endNanos - startNanos
        let end = Format.duration(nanos: total)
        let middle = Format.duration(nanos: total / 2)
        let fixed = 1 + DisplayWidth.of(end)
        guard width >= fixed + DisplayWidth.of(middle) + 6 else {
            return width >= fixed + 2 ? "0" + String(repeating: " ", count: width - fixed) + end : ""
        }
        let left = (width - fixed - DisplayWidth.of(middle) - 2) / 2
        let right = width - fixed - DisplayWidth.of(middle) - 2 - left
        return "0" + String(repeating: "─", count: left) + " " + middle + " " + String(repeating: "─", count: right) + end
    }
}
