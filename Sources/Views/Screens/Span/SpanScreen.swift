import CanvasKit
import Store

/// `⏎` on a span: everything it carried, value by value, with a cursor on one.
enum SpanScreen: Screen {
    static let context = KeyContext.spanView

    static let keys: [ScreenKey] = [
        .move(.moveDown, "next value", hint: true), .move(.moveUp, "previous value", hint: true),
        .move(.moveTop, "top"), .move(.moveBottom, "bottom"), .move(.pageUp, "page up"),
        .open(.expandValue, "expand value"),
        .back(),
        .move(.pageDown, "page down", hint: true),
        .own([.character("y")], .copySpan, "copy span as OTLP JSON", hint: true),
    ] + ScreenKey.global()

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        DrillScreens.reduceMove(state, action, input) ?? DrillScreens.reduceCopySpan(state, action, input)
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        guard let drill = state.drill else { return }
        canvas.draw(SpanScreenView.render(input.openTrace, summary: DrillScreens.summary(of: drill, input), drill: drill,
                                          size: input.size, nowNanos: input.snapshot.takenAtNanos, focused: !state.helpVisible),
                    x: 0, y: 0)
    }
}
