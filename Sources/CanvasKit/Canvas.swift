public struct Size: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
    }
}

public struct Rect: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }
    public func contains(x: Int, y: Int) -> Bool { x >= self.x && x < maxX && y >= self.y && y < maxY }
    /// The area inside a one-cell border.
    public var inset: Rect { Rect(x: x + 1, y: y + 1, width: width - 2, height: height - 2) }
}

/// One terminal cell. A wide grapheme occupies its cell (width 2) and the next one (a continuation, width 0).
public struct Cell: Sendable, Hashable {
    public var grapheme: String
    public var width: Int
    public var style: Style

    public init(_ grapheme: String, width: Int, style: Style) {
        self.grapheme = grapheme
        self.width = width
        self.style = style
    }
    public static func blank(_ style: Style = .text) -> Cell { Cell(" ", width: 1, style: style) }
    static func continuation(_ style: Style) -> Cell { Cell("", width: 0, style: style) }
    public var isContinuation: Bool { width == 0 }
}

/// A grid of cells that views draw into. Text written here is sanitized, clipped and measured in columns.
public struct Canvas: Sendable, Hashable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size, fill: Style = .text) {
        self.size = size
        cells = Array(repeating: .blank(fill), count: size.width * size.height)
    }

    public var width: Int { size.width }
    public var height: Int { size.height }
    public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * width + x]
    }

    public func row(_ y: Int) -> ArraySlice<Cell> {
        cells[(y * width)..<((y + 1) * width)]
    }

    /// Writes text from (x, y) without passing `limit` columns (nor the canvas edge).
    /// Returns the number of columns written.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: Style = .text, limit: Int? = nil) -> Int {
        guard y >= 0, y < height, x < width else { return 0 }
        let end = min(width, limit.map { x + max(0, $0) } ?? width)
        var column = x
        var safe = ""
        for character in text {
            if column >= end { break }
            if character.isPrintableASCII {
                // Nothing to sanitize and one column wide: most of what a frame writes.
                if column >= 0 { set(Cell(String(character), width: 1, style: style), x: column, y: y) }
                column += 1
                continue
            }
            safe.removeAll(keepingCapacity: true)
            Sanitizer.append(character, to: &safe)
            for grapheme in safe {
                if column >= end { break }
                let graphemeWidth = DisplayWidth.of(grapheme)
                if graphemeWidth == 0 {
                    attachToPrevious(grapheme, x: column, y: y, from: x)
                    continue
                }
                if column + graphemeWidth > end {
                    if column >= 0 { set(.blank(style), x: column, y: y) }
                    column += 1
                    break
                }
                if column >= 0 {
                    set(Cell(String(grapheme), width: graphemeWidth, style: style), x: column, y: y)
                } else if column + graphemeWidth > 0 {
                    set(.blank(style), x: 0, y: y)
                }
                column += graphemeWidth
            }
        }
        return max(0, column - max(x, 0))
    }

    /// Writes text cut to `width` columns, ending in `…` when it had to be cut; pads with spaces.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, width: Int, style: Style = .text,
                             align: Alignment = .left) -> Int {
        guard width > 0 else { return 0 }
        let fitted = Self.fit(text, width: width)
        let pad = width - DisplayWidth.of(fitted)
        fill(Rect(x: x, y: y, width: width, height: 1), style: style)
        return put(fitted, x: align == .left ? x : x + pad, y: y, style: style, limit: width) + pad
    }

    public enum Alignment: Sendable { case left, right }

    /// The sanitized text cut to at most `width` columns, with `…` marking a cut.
    public static func fit(_ text: some StringProtocol, width: Int) -> String {
        guard width > 0 else { return "" }
        var result = ""
        var used = 0
        var safe = ""
        var cut = false
        outer: for character in text {
            if character.isPrintableASCII {
                if used + 1 > width { cut = true; break outer }
                result.append(character)
                used += 1
                continue
            }
            safe.removeAll(keepingCapacity: true)
            Sanitizer.append(character, to: &safe)
            for grapheme in safe {
                let w = DisplayWidth.of(grapheme)
                if used + w > width { cut = true; break outer }
                result.append(grapheme)
                used += w
            }
        }
        guard cut else { return result }
        while used + 1 > width, let last = result.popLast() {
            used -= DisplayWidth.of(last)
        }
        return result + "…"
    }

    public mutating func fill(_ rect: Rect, style: Style = .text, with character: Character = " ") {
        let text = String(character)
        let characterWidth = max(1, DisplayWidth.of(character))
        for y in max(0, rect.y)..<min(height, rect.maxY) where rect.x < rect.maxX {
            var x = max(0, rect.x)
            while x + characterWidth <= min(width, rect.maxX) {
                set(Cell(text, width: characterWidth, style: style), x: x, y: y)
                x += characterWidth
            }
        }
    }

    /// Changes the style of existing cells without touching their text.
    public mutating func restyle(_ rect: Rect, style: Style) {
        let columns = max(0, rect.x)..<max(max(0, rect.x), min(width, rect.maxX))
        for y in max(0, rect.y)..<max(max(0, rect.y), min(height, rect.maxY)) {
            for x in columns {
                cells[y * width + x].style = style
            }
        }
    }

    /// A single-line box with an optional title in its top border.
    public mutating func box(_ rect: Rect, title: String? = nil, border: Style = Style(.border),
                             titleStyle: Style = Style(.title, .bold)) {
        guard rect.width >= 2, rect.height >= 2 else { return }
        let right = rect.maxX - 1, bottom = rect.maxY - 1
        fill(Rect(x: rect.x + 1, y: rect.y, width: rect.width - 2, height: 1), style: border, with: "─")
        fill(Rect(x: rect.x + 1, y: bottom, width: rect.width - 2, height: 1), style: border, with: "─")
        fill(Rect(x: rect.x, y: rect.y + 1, width: 1, height: rect.height - 2), style: border, with: "│")
        fill(Rect(x: right, y: rect.y + 1, width: 1, height: rect.height - 2), style: border, with: "│")
        put("┌", x: rect.x, y: rect.y, style: border)
        put("┐", x: right, y: rect.y, style: border)
        put("└", x: rect.x, y: bottom, style: border)
        put("┘", x: right, y: bottom, style: border)
        if let title, rect.width > 4 {
            let room = rect.width - 4
            let written = put(" " + Self.fit(title, width: room), x: rect.x + 1, y: rect.y, style: titleStyle, limit: room + 1)
            put(" ", x: rect.x + 1 + written, y: rect.y, style: titleStyle, limit: 1)
        }
    }

    /// Copies another canvas onto this one at (x, y).
    public mutating func draw(_ other: Canvas, x originX: Int, y originY: Int) {
        for y in 0..<other.height {
            for x in 0..<other.width {
                let cell = other[x, y]
                let tx = originX + x, ty = originY + y
                guard tx >= 0, ty >= 0, tx < width, ty < height, !cell.isContinuation else { continue }
                if cell.width == 2, tx + 1 >= width {
                    set(.blank(cell.style), x: tx, y: ty)
                } else {
                    set(cell, x: tx, y: ty)
                }
            }
        }
    }

    // MARK: - Cell bookkeeping

    private mutating func set(_ cell: Cell, x: Int, y: Int) {
        let index = y * width + x
        // Overwriting half of a wide grapheme leaves the other half as a blank.
        if cells[index].isContinuation, x > 0 {
            cells[index - 1] = .blank(cells[index - 1].style)
        }
        if cells[index].width == 2, x + 1 < width, cell.width != 2 {
            cells[index + 1] = .blank(cells[index + 1].style)
        }
        cells[index] = cell
        if cell.width == 2 {
            if x + 1 < width {
                if cells[index + 1].width == 2, x + 2 < width {
                    cells[index + 2] = .blank(cells[index + 2].style)
                }
                cells[index + 1] = .continuation(cell.style)
            } else {
                cells[index] = .blank(cell.style)
            }
        }
    }

    /// A zero-width grapheme joins the cell before it, but only within the same write.
    private mutating func attachToPrevious(_ grapheme: Character, x: Int, y: Int, from start: Int) {
        var previous = x - 1
        while previous >= max(start, 0), cells[y * width + previous].isContinuation { previous -= 1 }
        guard previous >= max(start, 0) else { return }
        cells[y * width + previous].grapheme.unicodeScalars.append(contentsOf: grapheme.unicodeScalars)
    }

    // MARK: - Text rendering

    /// The canvas as text, one string per row (continuation cells contribute nothing).
    public func plainText() -> [String] {
        (0..<height).map { y in
            row(y).reduce(into: "") { $0 += $1.grapheme }
        }
    }

    /// One character per column naming the role of each cell (see `StyleRole.code`).
    public func roleLayer() -> [String] {
        (0..<height).map { y in String(row(y).map { $0.style.role.code }) }
    }

    /// One character per column naming the attributes of each cell (`.` none, `b` bold, `r` reverse, `u` underline, `d` dim, `*` several).
    public func attributeLayer() -> [String] {
        (0..<height).map { y in String(row(y).map { $0.style.attributes.code }) }
    }
}

extension Character {
    /// One printable ASCII character (not a control, not CR LF): inert, and one column wide.
    var isPrintableASCII: Bool {
        guard let ascii = asciiValue else { return false }
        return ascii >= 0x20 && ascii < 0x7F
    }
}
