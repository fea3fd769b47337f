import CanvasKit

/// The bottom line: the current context's hint-bar bindings from the key table.
public enum HintBarView {
    public static func render(_ keys: KeyTable, context: KeyContext, width: Int) -> Canvas {
        var canvas = Canvas(size: Size(width: width, height: 1))
        let hints = keys.bindings(in: context).filter(\.onHintBar)
        // The help hint is kept whatever else is dropped, so everything stays discoverable.
        let essential = hints.filter { $0.action == .showHelp || $0.action == .closeHelp }
        let gap = 2, margin = 1
        func columns(of binding: KeyBinding) -> Int { DisplayWidth.of(binding.hintLabel) + 1 + DisplayWidth.of(binding.help) }
        var budget = width - margin - essential.reduce(0) { $0 + columns(of: $1) + gap }
        var shown: [KeyBinding] = []
        for binding in hints {
            if essential.contains(binding) { shown.append(binding); continue }
            let need = columns(of: binding) + gap
            if need <= budget {
                shown.append(binding)
                budget -= need
            }
        }
        var x = margin
        for binding in shown where x < width {
            x += canvas.put(binding.hintLabel, x: x, y: 0, style: Style(.hint_key, .bold))
            x += canvas.put(" " + binding.help, x: x, y: 0, style: Style(.hint_text))
            x += gap
        }
        return canvas
    }
}
