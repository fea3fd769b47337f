import CanvasKit
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

extension String {
    func leftPadded(to width: Int) -> String {
        let missing = width - DisplayWidth.of(self)
        return missing > 0 ? String(repeating: " ", count: missing) + self : self
    }
}
