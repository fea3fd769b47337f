import CanvasKit

/// The cells that must be written to turn the screen showing `old` into `new`.
public enum CanvasDiff {
    public struct Write: Sendable, Equatable {
        public var x: Int
        public var y: Int
        public var cell: Cell
    }

    /// Every non-continuation cell when there is no previous frame or its size differs.
    public static func writes(from old: Canvas?, to new: Canvas) -> [Write] {
        let full = old == nil || old?.size != new.size
        var writes: [Write] = []
        for y in 0..<new.height {
            for x in 0..<new.width {
                let cell = new[x, y]
                guard !cell.isContinuation else { continue }
                if full {
                    writes.append(Write(x: x, y: y, cell: cell))
                    continue
                }
                guard let old else { continue }
                // A wide cell is rewritten when either half changed, so the pair stays whole on screen.
                let changed = old[x, y] != cell || (cell.width == 2 && x + 1 < new.width && old[x + 1, y] != new[x + 1, y])
                if changed { writes.append(Write(x: x, y: y, cell: cell)) }
            }
        }
        return writes
    }
}
