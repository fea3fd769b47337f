import CanvasKit
import Store

/// The panes of the main screen, in the order `Tab` visits them.
public enum Pane: String, CaseIterable, Sendable, Hashable {
    case traceList, burn, cost, quality

    public var next: Pane { Self.allCases[(Self.allCases.firstIndex(of: self)! + 1) % Self.allCases.count] }
    public var previous: Pane {
        Self.allCases[(Self.allCases.firstIndex(of: self)! + Self.allCases.count - 1) % Self.allCases.count]
    }
}

/// A side pane drawn into a box of any height, scrolled by whole rows. The pane views lay out their
/// content for the size they are given; this draws them tall and shows the window at `scroll`, keeping
/// the first `pinnedRows` (column titles) in place.
enum PaneViewport {
    static func render(_ pane: Pane, _ snapshot: StoreSnapshot, size: Size, scroll: Int, focused: Bool,
                       utcOffsetSeconds: Int) -> Canvas {
        let full = content(pane, snapshot, width: size.width, utcOffsetSeconds: utcOffsetSeconds)
        let pinned = pinnedRows(pane)
        let visible = max(0, size.height - 2)
        let rows = contentRows(full)
        let first = max(0, min(scroll, rows - visible))
        var canvas = Canvas(size: size)
        guard size.height >= 2 else { return canvas }
        canvas.box(canvas.bounds)
        canvas.draw(full.rows(0..<1), x: 0, y: 0)
        canvas.draw(full.rows(full.height - 1..<full.height), x: 0, y: size.height - 1)
        for row in 0..<visible {
            let source = row < pinned ? row : row + first
            guard source < rows else { break }
            canvas.draw(full.rows(source + 1..<source + 2), x: 0, y: row + 1)
        }
        canvas.restyleBorder(focused: focused)
        let below = rows - first - visible
        if below > 0 { canvas.putBorderNote(" ↓ \(Format.grouped(below)) more ", y: size.height - 1) }
        if first > 0 { canvas.putBorderNote(" ↑ \(Format.grouped(first)) more ", y: 0) }
        return canvas
    }

    /// Rows the pane has to show, below its top border; the most `scroll` can usefully be is this less the rows in view.
    static func contentRows(_ pane: Pane, _ snapshot: StoreSnapshot, width: Int) -> Int {
        contentRows(content(pane, snapshot, width: width, utcOffsetSeconds: 0))
    }

    static func pinnedRows(_ pane: Pane) -> Int { pane == .cost ? 1 : 0 }

    /// The pane drawn tall enough for everything it has to say.
    private static func content(_ pane: Pane, _ snapshot: StoreSnapshot, width: Int, utcOffsetSeconds: Int) -> Canvas {
        let tall = Size(width: width, height: 24 + 3 * snapshot.models.count)
        switch pane {
        case .burn: return BurnPaneView.render(snapshot, size: tall)
        case .cost: return CostPaneView.render(snapshot, size: tall)
        case .quality: return QualityPaneView.render(snapshot, size: tall, utcOffsetSeconds: utcOffsetSeconds)
        case .traceList: return Canvas(size: Size(width: width, height: 2))
        }
    }

    /// Rows inside the border up to the last one with anything written in it.
    private static func contentRows(_ full: Canvas) -> Int {
        guard full.height > 2, full.width > 2 else { return 0 }
        for y in stride(from: full.height - 2, through: 1, by: -1) {
            if full.row(y).dropFirst().dropLast().contains(where: { $0.grapheme != " " }) { return y }
        }
        return 0
    }
}

extension Canvas {
    /// A copy of some rows.
    func rows(_ range: Range<Int>) -> Canvas {
        var copy = Canvas(size: Size(width: width, height: range.count))
        for y in range where y >= 0 && y < height {
            for x in 0..<width where !self[x, y].isContinuation {
                copy.put(self[x, y].grapheme, x: x, y: y - range.lowerBound, style: self[x, y].style, limit: self[x, y].width)
            }
        }
        return copy
    }

    /// Gives the outer border the focused (or plain) border style, leaving the title as it is.
    mutating func restyleBorder(focused: Bool) {
        let role: StyleRole = focused ? .border_focused : .border
        for y in 0..<height {
            for x in 0..<width where y == 0 || y == height - 1 || x == 0 || x == width - 1 {
                let cell = self[x, y]
                if cell.style.role == .border || cell.style.role == .border_focused {
                    restyle(Rect(x: x, y: y, width: 1, height: 1), style: Style(role))
                }
            }
        }
    }
}
