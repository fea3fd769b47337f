/// A run of text with one style, for lines assembled from parts.
public struct StyledRun: Sendable, Hashable {
    public var text: String
    public var style: Style
    public init(_ text: String, _ style: Style = .text) {
        self.text = text
        self.style = style
    }
}

extension Array where Element == StyledRun {
    public var displayWidth: Int { reduce(0) { $0 + DisplayWidth.of($1.text) } }
}

extension Canvas {
    /// Writes runs one after another from (x, y) within `limit` columns; returns the columns used.
    @discardableResult
    public mutating func put(_ runs: [StyledRun], x: Int, y: Int, limit: Int) -> Int {
        var used = 0
        for run in runs where used < limit {
            used += put(run.text, x: x + used, y: y, style: run.style, limit: limit - used)
        }
        return used
    }
}
