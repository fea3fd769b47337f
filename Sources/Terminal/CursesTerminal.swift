import Foundation
import CNcurses
import Synchronization
import CanvasKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum TerminalError: Error, Sendable, CustomStringConvertible {
    case notATerminal
    case cannotStart(term: String)

    public var description: String {
        switch self {
        case .notATerminal: "standard input and output must be a terminal (use --headless otherwise)"
        case .cannotStart(let term): "cannot start the terminal UI for TERM='\(term)'"
        }
    }
}

/// The ncurses terminal. Use it from one thread; only `restoreAfterSignal` may be called from anywhere.
public final class CursesTerminal: TerminalDriver {
    public private(set) var capability: ColorCapability
    private var plan: ColorPairPlan
    private var previous: Canvas?
    private let ccharMax = Int(tt_ccharw_max())

    /// Whether curses currently owns the terminal, for restoring from signal handlers and crash paths.
    private static let active = Atomic<Bool>(false)

    /// Takes over the terminal. `capability` is what the environment allows (see `ColorCapability.detect`);
    /// it is lowered further to what the terminal reports.
    public init(theme: Theme, capability: ColorCapability) throws(TerminalError) {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw .notATerminal }
        setlocale(LC_ALL, "")
        if tt_locale_is_utf8() == 0 {
            // Wide characters need a UTF-8 locale; C.UTF-8 exists almost everywhere.
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        CrashRestore.install()
        guard tt_newterm() != nil else {
            CrashRestore.uninstall()
            throw .cannotStart(term: getenv("TERM").map { String(cString: $0) } ?? "")
        }
        Self.active.store(true, ordering: .sequentiallyConsistent)
        cbreak()
        noecho()
        nonl()
        keypad(tt_stdscr(), true)
        tt_enable_mouse()
        _ = tt_set_escdelay(25)
        curs_set(0)
        leaveok(tt_stdscr(), true)

        var effective = capability
        var defaultColors = false
        if effective != .none, has_colors() {
            start_color()
            defaultColors = use_default_colors() == OK
            effective = effective.limited(toTerminalColors: Int(tt_colors()))
        } else {
            effective = .none
        }
        self.capability = effective
        plan = ColorPairPlan(theme: theme, capability: effective, terminalColors: Int(tt_colors()),
                             maxPairs: Int(tt_color_pairs()), defaultColors: defaultColors)
        self.defaultColors = defaultColors
        installPairs()
    }

    private let defaultColors: Bool

    public var size: Size { Size(width: Int(tt_cols()), height: Int(tt_lines())) }

    public func apply(theme: Theme) {
        plan = ColorPairPlan(theme: theme, capability: capability, terminalColors: Int(tt_colors()),
                             maxPairs: Int(tt_color_pairs()), defaultColors: defaultColors)
        installPairs()
        previous = nil
    }

    public func draw(_ canvas: Canvas) {
        if previous == nil || previous?.size != canvas.size {
            erase()
            clearok(tt_stdscr(), true)
        }
        for write in CanvasDiff.writes(from: previous, to: canvas) {
            put(write.cell, x: write.x, y: write.y, screenWidth: canvas.width)
        }
        previous = canvas
        refresh()
    }

    public func readKey(timeoutMs: Int) -> Key? {
        timeout(Int32(clamping: timeoutMs))
        var code: wint_t = 0
        let result = get_wch(&code)
        guard result != ERR else { return nil }
        if result == KEY_CODE_YES, Int32(bitPattern: UInt32(code)) == tt_key_mouse() {
            var y: Int32 = 0, x: Int32 = 0
            switch tt_read_mouse(&y, &x) {
            case 1: return .mouse(.click(x: Int(x), y: Int(y)))
            case 4: return .mouse(.wheelUp)
            case 5: return .mouse(.wheelDown)
            default: return nil
            }
        }
        let key = KeyDecoder.decode(code: UInt32(code), isFunctionKey: result == KEY_CODE_YES)
        if key == .resize { previous = nil }
        return key
    }

    public func restore() {
        Self.restoreAfterSignal()
    }

    /// Written straight to the terminal after curses' own output, which stays intact: OSC 52 draws nothing.
    public func copyToClipboard(_ text: String) {
        refresh()
        let bytes = Array(Self.osc52(text).utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(STDOUT_FILENO, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            written += count
        }
    }

    /// Ends curses if it is active. For signal handlers and fatal-error paths of the executable.
    public static func restoreAfterSignal() {
        if active.exchange(false, ordering: .sequentiallyConsistent) {
            endwin()
            CrashRestore.uninstall()
        }
    }

    deinit {
        restore()
    }

    // MARK: - Output

    private func installPairs() {
        for pair in plan.pairs {
            init_pair(pair.number, pair.foreground, pair.background)
        }
    }

    private func put(_ cell: Cell, x: Int, y: Int, screenWidth: Int) {
        let style = cell.style
        let attributes = cursesAttributes(style.attributes.union(plan.extraAttributes(for: style.role)))
        let pair = plan.pair(for: style.role)
        var scalars = Array(cell.grapheme.unicodeScalars.prefix(ccharMax))
        // Trust the canvas's width: if the C library measures the grapheme differently, show a
        // stand-in of the right width instead of letting the row shift.
        let measured = scalars.first.map { Int(tt_wcwidth(wchar_t(bitPattern: $0.value))) } ?? 0
        var padding = 0
        if measured != cell.width {
            if measured == 1, cell.width == 2 {
                padding = 1
            } else {
                scalars = cell.width == 2 ? ["\u{FF1F}"] : ["?"]  // fullwidth or plain question mark
            }
        }
        var chars = scalars.map { wchar_t(bitPattern: $0.value) } + [0]
        _ = tt_put_cell(Int32(y), Int32(x), &chars, attributes, pair)
        if padding > 0, x + 1 < screenWidth {
            var space: [wchar_t] = [32, 0]
            _ = tt_put_cell(Int32(y), Int32(x + 1), &space, attributes, pair)
        }
    }

    private func cursesAttributes(_ attributes: TextAttributes) -> attr_t {
        var result = tt_a_normal()
        if attributes.contains(.bold) { result |= tt_a_bold() }
        if attributes.contains(.reverse) { result |= tt_a_reverse() }
        if attributes.contains(.underline) { result |= tt_a_underline() }
        if attributes.contains(.dim) { result |= tt_a_dim() }
        return result
    }
}
