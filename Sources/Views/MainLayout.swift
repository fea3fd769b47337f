import CanvasKit
/// Where the main screen's parts go for a given terminal size. Wide terminals get the side panes
/// (token burn, cost by model, quality) right of the trace list; narrower ones a one-line summary strip.
public struct MainLayout: Sendable, Equatable {
    public var size: Size
    public init(size: Size) { self.size = size }

    /// The side panes need this many columns next to a useful trace list.
    public static let sidePanesMinWidth = 140
    static let qualityHeight = 10

    public var header: Rect { Rect(x: 0, y: 0, width: size.width, height: min(1, size.height)) }
    public var hintBar: Rect { Rect(x: 0, y: max(1, size.height - 1), width: size.width, height: size.height >= 2 ? 1 : 0) }

    public var hasSidePanes: Bool { size.width >= Self.sidePanesMinWidth && size.height >= 20 }
    /// The summary strip stands in for the side panes when there is room for a line.
    public var strip: Rect {
        guard !hasSidePanes, size.height >= 8 else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        return Rect(x: 0, y: size.height - 2, width: size.width, height: 1)
    }

    private var bodyHeight: Int { max(0, size.height - 2) }
    private var sideWidth: Int { hasSidePanes ? min(72, size.width * 2 / 5) : 0 }

    public var traceList: Rect {
        Rect(x: 0, y: 1, width: size.width - sideWidth, height: bodyHeight - strip.height)
    }

    public var burnPane: Rect {
        guard hasSidePanes else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        let rest = bodyHeight - Self.qualityHeight
        return Rect(x: size.width - sideWidth, y: 1, width: sideWidth, height: rest / 2)
    }

    public var costPane: Rect {
        guard hasSidePanes else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        let rest = bodyHeight - Self.qualityHeight
        return Rect(x: size.width - sideWidth, y: 1 + rest / 2, width: sideWidth, height: rest - rest / 2)
    }

    public var qualityPane: Rect {
        guard hasSidePanes else { return Rect(x: 0, y: 0, width: 0, height: 0) }
        return Rect(x: size.width - sideWidth, y: 1 + bodyHeight - Self.qualityHeight, width: sideWidth,
                    height: Self.qualityHeight)
    }

    /// Where a pane is drawn: beside the list when the side panes fit, else full screen in the list's place.
    public func area(of pane: Pane) -> Rect {
        hasSidePanes ? rect(of: pane) : traceList
    }

    /// The pane's place on the main screen; empty for side panes that do not fit.
    public func rect(of pane: Pane) -> Rect {
        switch pane {
        case .traceList: traceList
        case .burn: burnPane
        case .cost: costPane
        case .quality: qualityPane
        }
    }

    /// Trace rows that fit below the list's border and column titles.
    public var visibleTraceRows: Int { max(0, traceList.height - 3) }
}
