import CanvasKit
import Store

/// `/` on the trace list: the filter being typed, on the hint bar's line.
enum FilterScreen: Screen {
    static let context = KeyContext.filter

    static let keys: [ScreenKey] = [
        .own([.enter], .applyFilter, "apply", hint: true),
        .own([.escape], .cancelFilter, "cancel", hint: true),
        .own([.backspace, .delete], .eraseFilterCharacter, "erase"),
    ]

    static func reduce(_ state: ViewState, _ action: Action, _ input: ScreenInput) -> ViewState? {
        var state = state
        switch action {
        case .applyFilter:
            state.filter = TraceFilter(state.filterDraft ?? "")
            state.filterDraft = nil
            state.selectedIndex = 0
            state.selectedTraceID = nil
            state.scrollOffset = 0
        case .cancelFilter: state.filterDraft = nil
        case .eraseFilterCharacter: _ = state.filterDraft?.popLast()
        default: return nil
        }
        return state.reconciled(with: input.snapshot, screen: input.size)
    }

    /// Over the hint bar.
    static func render(_ state: ViewState, _ input: ScreenInput, into canvas: inout Canvas) {
        let layout = MainLayout(size: input.size)
        guard layout.hintBar.height > 0, let draft = state.filterDraft, let context = input.context else { return }
        canvas.draw(FilterPromptView.render(draft: draft, keys: context.keys, width: input.size.width), x: 0, y: layout.hintBar.y)
    }
}
