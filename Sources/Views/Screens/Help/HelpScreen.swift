import CanvasKit
import Store

/// `?`: every binding of every screen, the current one first, and what each mark means; over the
/// screen it was opened on.
enum HelpScreen: Screen {
    static let context = KeyContext.help

    static let keys: [ScreenKey] = [
        .own([.escape, .character("q"), .character("?")], .closeHelp, "close help", hint: true),
    ]

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        guard action == .closeHelp else { return nil }
        var state = state
        state.helpVisible = false
        return state.reconciled(with: input.snapshot, screen: input.size)
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        guard let context = input.context else { return }
        let layout = MainLayout(size: input.size)
        var underHelp = state
        underHelp.helpVisible = false
        // As wide as the screen at most: a box that fills it covers the trace list's borders, not doubles them.
        let overlay = HelpOverlayView.render(context.keys, screen: Size(width: input.size.width, height: layout.traceList.height),
                                             current: underHelp.keyContext)
        canvas.draw(overlay, x: (input.size.width - overlay.width) / 2,
                    y: layout.traceList.y + max(0, (layout.traceList.height - overlay.height) / 2))
    }
}
