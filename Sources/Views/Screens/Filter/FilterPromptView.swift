import CanvasKit
/// The line the filter is typed into, over the hint bar: `/ model:gpt-4o▏   ⏎ apply  Esc cancel`.
public enum FilterPromptView {
    public static func render(draft: String, keys: KeyTable, width: Int) -> Canvas {
        var canvas = Canvas(size: Size(width: width, height: 1))
        var x = 1
        x += canvas.put("/ ", x: x, y: 0, style: Style(.hint_key, .bold), limit: width - x)
        x += canvas.put(draft, x: x, y: 0, style: Style(.text, .bold), limit: width - x)
        x += canvas.put("▏", x: x, y: 0, style: Style(.accent), limit: width - x)
        if draft.isEmpty {
            x += canvas.put("model: service: agent: status: session: or any text", x: x, y: 0, style: Style(.muted),
                            limit: width - x)
        }
        x += 3
        for binding in keys.bindings(in: .filter) where binding.onHintBar && x < width {
            x += canvas.put(binding.keyLabel + " ", x: x, y: 0, style: Style(.hint_key), limit: width - x)
            x += canvas.put(binding.help + "  ", x: x, y: 0, style: Style(.hint_text), limit: width - x)
        }
        return canvas
    }
}
