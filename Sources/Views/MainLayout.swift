/// Where the main screen's parts go for a given terminal size.
public struct MainLayout: Sendable, Equatable {
    public var size: Size
    public init(size: Size) { self.size = size }

    public var header: Rect { Rect(x: 0, y: 0, width: size.width, height: min(1, size.height)) }
    public var hintBar: Rect { Rect(x: 0, y: max(1, size.height - 1), width: size.width, height: size.height >= 2 ? 1 : 0) }
    public var traceList: Rect { Rect(x: 0, y: 1, width: size.width, height: size.height - 2) }
    /// Trace rows that fit below the list's border and column titles.
    public var visibleTraceRows: Int { max(0, traceList.height - 3) }
}
