import CanvasKit
import Store

/// `⏎` on a span's value: the whole value on the screen, JSON pretty-printed.
enum ValueScreen: Screen {
    static let context = KeyContext.value

    static let keys: [ScreenKey] = ScreenKey.moves(down: "scroll down", up: "scroll up", top: "top", bottom: "bottom") + [
        .own([.character("y")], .copyValue, "copy value", hint: true),
        .back(),
    ] + ScreenKey.global()

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        if let moved = DrillScreens.reduceMove(state, action, input) { return moved }
        guard action == .copyValue else { return nil }
        var state = state
        state.valueCopyRequest = state.drill?.value(in: input.openTrace, screen: input.size,
                                                    nowNanos: input.snapshot.takenAtNanos)?.text
        return state.reconciled(with: input.snapshot, screen: input.size)
    }

    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        guard let drill = state.drill else { return }
        let nowNanos = input.snapshot.takenAtNanos
        canvas.draw(ValueScreenView.render(drill.value(in: input.openTrace, screen: input.size, nowNanos: nowNanos),
                                           span: drill.openSpanID.flatMap { input.openTrace?.span($0) },
                                           summary: DrillScreens.summary(of: drill, input), drill: drill, size: input.size,
                                           nowNanos: nowNanos, focused: !state.helpVisible),
                    x: 0, y: 0)
    }
}
