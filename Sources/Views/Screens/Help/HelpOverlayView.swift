import CanvasKit

/// The `?` screen: every binding of every context, straight from the key table, and what the marks mean.
public enum HelpOverlayView {
    /// Each mark the screens draw, and its meaning.
    static let glyphs: [(String, String)] = [
        ("▶", "running (its timer ticks)"), ("✓", "finished"), ("✗", "an error span; a failed tool call"),
        ("✂", "truncated: finish reason length"), ("⊘", "a tool call the user rejected"),
        ("?", "tokens with no known price (never $0)"), ("$0.01?", "a sum leaving unpriced calls out"),
        ("⚠", "an alert, or a problem (see the log)"), ("↑", "the order turned around (r)"),
    ]

    private static func legend(keyColumn: Int) -> [[StyledRun]] {
        [[StyledRun("Marks", Style(.header, .bold))]] + glyphs.map { glyph, meaning in
            let padding = String(repeating: " ", count: max(1, keyColumn - DisplayWidth.of(glyph) + 2))
            return [StyledRun("  "), StyledRun(glyph, Style(.hint_key, .bold)), StyledRun(padding), StyledRun(meaning, Style(.overlay))]
        }
    }

    /// The overlay box, sized to its content and clamped to `screen`. Contexts that do not fit under each
    /// other flow into further columns.
    /// `current` (the screen help was opened from) comes first, so its keys show even when not all fit.
    public static func render(_ keys: KeyTable, screen: Size, current: KeyContext? = nil) -> Canvas {
        var blocks: [[[StyledRun]]] = []
        let keyColumn = keys.bindings.map { DisplayWidth.of($0.keyLabel) }.max() ?? 0
        let contexts = current.map { first in [first] + KeyContext.allCases.filter { $0 != first } } ?? KeyContext.allCases
        for context in contexts {
            let bindings = keys.bindings(in: context)
            guard !bindings.isEmpty else { continue }
            var block: [[StyledRun]] = [[StyledRun(context.title, Style(.header, .bold))]]
            for binding in bindings {
                let label = binding.keyLabel
                let padding = String(repeating: " ", count: keyColumn - DisplayWidth.of(label) + 2)
                block.append([StyledRun("  "), StyledRun(label, Style(.hint_key, .bold)), StyledRun(padding), StyledRun(binding.help, Style(.overlay))])
            }
            blocks.append(block)
        }
        // What the marks on the screens mean, after every key.
        blocks.append(legend(keyColumn: keyColumn))
        let rows = max(1, screen.height - 2)
        var columns: [[[StyledRun]]] = [[]]
        for block in blocks {
            if !columns[columns.count - 1].isEmpty, columns[columns.count - 1].count + 1 + block.count > rows { columns.append([]) }
            if !columns[columns.count - 1].isEmpty { columns[columns.count - 1].append([]) }
            columns[columns.count - 1] += block
        }
        let gap = 2
        let widths = columns.map { $0.map(\.displayWidth).max() ?? 0 }
        let contentWidth = widths.reduce(0, +) + gap * (columns.count - 1)
        let height = columns.map(\.count).max() ?? 0
        let size = Size(width: min(screen.width, contentWidth + 4), height: min(screen.height, height + 2))
        var canvas = Canvas(size: size, fill: Style(.overlay))
        canvas.box(canvas.bounds, title: "Keys", border: Style(.border_focused), titleStyle: Style(.title, .bold))
        var x = 2
        for (column, lines) in columns.enumerated() where x < size.width - 1 {
            for (offset, line) in lines.enumerated() where offset + 1 < size.height - 1 {
                let spans = line.map { span in
                    StyledRun(span.text, span.style.role == .text ? Style(.overlay) : span.style)
                }
                canvas.put(spans, x: x, y: offset + 1, limit: min(widths[column], size.width - 1 - x))
            }
            x += widths[column] + gap
        }
        return canvas
    }
}
