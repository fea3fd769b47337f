import Foundation
import CanvasKit

/// What the executable needs from a terminal; `CursesTerminal` is the real one, `MemoryTerminal` a stand-in.
public protocol TerminalDriver: AnyObject {
    /// Current size in cells; changes after a `.resize` key.
    var size: Size { get }
    /// Shows the canvas, writing only cells that changed since the last draw.
    func draw(_ canvas: Canvas)
    /// Waits up to `timeoutMs` (0: don't wait) for a key; nil when none came.
    func readKey(timeoutMs: Int) -> Key?
    /// Maps style roles to colours from now on and repaints everything.
    func apply(theme: Theme)
    /// Gives the terminal back as it was. Safe to call more than once.
    func restore()
    /// Puts text on the clipboard of the terminal (OSC 52), which many terminals and tmux
    /// (`set -g set-clipboard on`) honour, also over SSH.
    func copyToClipboard(_ text: String)
}

extension TerminalDriver {
    /// The OSC 52 sequence that sets the clipboard to `text`.
    public static func osc52(_ text: String) -> String {
        "\u{1b}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{07}"
    }
}

/// A terminal in memory: records what was drawn and replays queued keys.
public final class MemoryTerminal: TerminalDriver {
    public var size: Size
    public private(set) var lastFrame: Canvas?
    public private(set) var drawCount = 0
    public private(set) var theme: Theme?
    public private(set) var restored = false
    public var pendingKeys: [Key]

    public init(size: Size, keys: [Key] = []) {
        self.size = size
        pendingKeys = keys
    }

    public func draw(_ canvas: Canvas) {
        lastFrame = canvas
        drawCount += 1
    }

    public func readKey(timeoutMs: Int) -> Key? {
        pendingKeys.isEmpty ? nil : pendingKeys.removeFirst()
    }

    public func apply(theme: Theme) { self.theme = theme }

    public private(set) var clipboard: String?
    public func copyToClipboard(_ text: String) { clipboard = text }
    public func restore() { restored = true }
}
