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

    /// The same as the trace screen's: moves within the drill-down, and copying the span.
    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        TraceScreen.reduce(state, action, input)
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        DrillScreens.render(state, input, into: &canvas, view: SpanScreenView.render)
    }
}
