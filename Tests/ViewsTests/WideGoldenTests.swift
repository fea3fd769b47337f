import SnapshotTesting
import Semantics
import Store
import XCTest
@testable import CanvasKit
@testable import Views

/// Golden frames of a very wide terminal, and the split tree | timeline of the trace screen.
final class WideGoldenTests: XCTestCase {
    let huge = Size(width: 250, height: 70)

    func drill(_ actions: [Action], screen: Size) -> ViewState {
        actions.reduce(ViewState()) {
            reduce($0, $1, snapshot: DrillFixtures.snapshot, screen: screen, openTrace: DrillFixtures.entry)
        }
    }

    func drillFrame(_ state: ViewState, _ size: Size) -> Canvas {
        Frame.render(DrillFixtures.snapshot, state: state, size: size, context: Fixtures.context, openTrace: DrillFixtures.entry)
    }

    func testMainScreen() {
        let snapshot = Fixtures.snapshot(Fixtures.typicalTraces + Fixtures.many(40))
        let state = [Action.moveDown, .moveDown].reduce(ViewState()) { reduce($0, $1, snapshot: snapshot, screen: huge) }
        assertSnapshot(of: Frame.render(snapshot, state: state, size: huge, context: Fixtures.context), as: .frame,
                       named: "250x70")
    }

    func testTraceScreen() {
        let state = drill([.moveDown, .openTrace, .moveDown, .moveDown, .moveDown, .moveDown], screen: huge)
        assertSnapshot(of: drillFrame(state, huge), as: .frame, named: "250x70")
    }

    func testSpanScreen() {
        let state = drill([.moveDown, .openTrace, .moveDown, .openSpan], screen: huge)
        assertSnapshot(of: drillFrame(state, huge), as: .frame, named: "250x70")
    }

    func testHostileTraceScreen() {
        let state = [Action.openTrace, .moveDown].reduce(ViewState()) {
            reduce($0, $1, snapshot: HostileSpan.snapshot, screen: huge, openTrace: HostileSpan.entry)
        }
        let canvas = Frame.render(HostileSpan.snapshot, state: state, size: huge, context: Fixtures.context,
                                  openTrace: HostileSpan.entry)
        assertSnapshot(of: canvas, as: .frame, named: "250x70")
        XCTAssertFalse(canvas.cells.contains { $0.grapheme.unicodeScalars.contains { $0.value < 0x20 } })
    }

    func testTheTimelineHasItsOwnBoxWithRowsAlignedToTheTree() throws {
        let size = Size(width: 160, height: 30)
        let state = drill([.moveDown, .openTrace, .moveDown], screen: size)
        let canvas = drillFrame(state, size)
        let text = canvas.plainText()
        let split = TimelineSplit(width: size.width)
        let timelineX = size.width - split.timelineWidth
        XCTAssertTrue(text[1].hasPrefix("┌ Tree (9) "), text[1])
        XCTAssertTrue(String(text[1].dropFirst(timelineX)).hasPrefix("┌ Timeline "), text[1])
        XCTAssertTrue(String(text[2].dropFirst(timelineX + 2)).hasPrefix("0─"), "the axis heads the timeline: \(text[2])")
        let tree = TraceTree(DrillFixtures.entry, nowNanos: Fixtures.now)
        for (offset, row) in tree.rows.enumerated() {
            let y = 3 + offset
            XCTAssertTrue(text[y].contains(row.span.packed.name), "row \(offset): \(text[y])")
            let bar = String(text[y].dropFirst(timelineX + 2).prefix(split.timelineWidth - 4))
            XCTAssertTrue(bar.contains("█") || bar.contains("▒"), "row \(offset) has its bar on the same line: \(bar)")
        }
        // The selection spans both boxes.
        XCTAssertEqual(canvas[3, 4].style.role, .selected)
        XCTAssertEqual(canvas[timelineX + 3, 4].style.role, .selected)
        // Narrow screens keep the timeline as the tree's last column.
        let narrow = drillFrame(state, Size(width: 80, height: 24)).plainText()
        XCTAssertTrue(narrow[1].hasPrefix("┌ Spans (9) "), narrow[1])
        XCTAssertFalse(narrow[1].contains("Timeline"))
    }
}
