/// A decoded key press, independent of the terminal library.
public enum Key: Sendable, Hashable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, escape, tab, backTab, backspace, delete
    case function(Int)
    /// Ctrl plus a letter, lowercase (`.control("c")`).
    case control(Character)
    /// The terminal changed size.
    case resize
    /// The mouse, where the terminal reports it.
    case mouse(MouseEvent)

    /// How the key is written on the hint bar and in help.
    public var label: String {
        switch self {
        case .character(" "): "Space"
        case .character(let c): String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "⏎"
        case .escape: "Esc"
        case .tab: "Tab"
        case .backTab: "S-Tab"
        case .backspace: "Bksp"
        case .delete: "Del"
        case .function(let n): "F\(n)"
        case .control(let c): "^" + String(c).uppercased()
        case .resize: "resize"
        case .mouse(.wheelUp), .mouse(.wheelDown): "wheel"
        case .mouse(.click): "click"
        }
    }
}

public enum MouseEvent: Sendable, Hashable {
    case wheelUp, wheelDown
    /// A left click on a cell (column, row from the top left).
    case click(x: Int, y: Int)
}
