import CanvasKit
/// A table's columns fitted to a width: columns are kept in `keepOrder` while their minimum widths fit,
/// the `flexible` one takes the rest if it did not fit, and spare room is handed out by `growth`
/// (each step widens a column up to a cap). Columns are laid out in declaration order, one space apart.
protocol FittedColumn: CaseIterable, Hashable {
    var minWidth: Int { get }
}

enum ColumnLayout {
    static func fit<Column: FittedColumn>(width: Int, keepOrder: [Column], flexible: Column,
                                          growth: [(Column, Int)]) -> [(column: Column, x: Int, width: Int)] {
        var widths: [Column: Int] = [:]
        var used = 0
        for column in keepOrder {
            let need = column.minWidth + (widths.isEmpty ? 0 : 1)
            guard used + need <= width else { break }
            widths[column] = column.minWidth
            used += need
        }
        if widths[flexible] == nil, width > 2 {
            widths[flexible] = width - used - (widths.isEmpty ? 0 : 1)
            used = width
        }
        var spare = width - used
        for (column, cap) in growth where spare > 0 {
            guard let current = widths[column] else { continue }
            let grow = min(spare, max(0, cap - current))
            widths[column] = current + grow
            spare -= grow
        }
        var layout: [(column: Column, x: Int, width: Int)] = []
        var x = 0
        for column in Column.allCases {
            guard let columnWidth = widths[column] else { continue }
            layout.append((column, x, columnWidth))
            x += columnWidth + 1
        }
        return layout
    }
}
