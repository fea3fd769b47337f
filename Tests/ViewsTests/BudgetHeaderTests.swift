import Semantics
import SnapshotTesting
import Store
import XCTest
@testable import CanvasKit
@testable import Views
import Telemetry

/// The header's spend against `--budget`: within, heading over at the current pace, and spent.
final class BudgetHeaderTests: XCTestCase {
    private func header(spent: Double, projected: Double, pace: Double) -> Canvas {
        var snapshot = Fixtures.snapshot(Fixtures.typicalTraces)
        snapshot.burn.spentTodayUSD = spent
        snapshot.burn.projectedTodayUSD = projected
        snapshot.burn.hourlyPaceUSD = pace
        var context = Fixtures.context
        context.dailyBudgetUSD = 24
        return HeaderView.render(snapshot, context: context, width: 200)
    }

    func testWithinBudget() {
        assertSnapshot(of: header(spent: 14.88, projected: 20, pace: 0.5), as: .frame, named: "within")
    }

    func testProjectedOverBudgetSaysWhen() {
        // $6 left at $3/h: two hours.
        let canvas = header(spent: 18, projected: 40, pace: 3)
        XCTAssertTrue(canvas.plainText()[0].contains("75% of $24.00/day ⚠ budget in 2h00m"), canvas.plainText()[0])
        assertSnapshot(of: canvas, as: .frame, named: "projected")
    }

    func testSpentBudget() {
        let canvas = header(spent: 25, projected: 30, pace: 1)
        XCTAssertTrue(canvas.plainText()[0].contains("⚠ budget spent"), canvas.plainText()[0])
    }
}

/// The header's forwarding group: quiet while all is well, loud when requests fail or are dropped.
final class ForwardHeaderTests: XCTestCase {
    private func header(_ upstreams: [UpstreamCounters]) -> String {
        var snapshot = StoreSnapshot()
        snapshot.counters.forwarding = upstreams
        return HeaderView.render(snapshot, context: FrameContext(endpoints: ListenEndpoints()), width: 200)
            .plainText().joined()
    }

    func testForwardingShowsSentAndWarnsAboutFailuresAndDrops() {
        XCTAssertFalse(header([]).contains("fwd"))
        let healthy = header([UpstreamCounters(target: "a", sentRequests: 1_200), UpstreamCounters(target: "b", sentRequests: 34)])
        XCTAssertTrue(healthy.contains("fwd ✓1.2k"), healthy)
        XCTAssertFalse(healthy.contains("✗"))
        let failing = header([UpstreamCounters(target: "a", sentRequests: 5, failedRequests: 3, droppedRequests: 12)])
        XCTAssertTrue(failing.contains("fwd ✓5 ✗3 drop 12"), failing)
    }
}

extension ForwardHeaderTests {
    func testEndedSourcesAreMarked() {
        var snapshot = StoreSnapshot()
        snapshot.counters.endedSources = ["stdin ended"]
        let text = HeaderView.render(snapshot, context: FrameContext(endpoints: ListenEndpoints()), width: 80).plainText().joined()
        XCTAssertTrue(text.contains("⏹ stdin ended"), text)
    }
}
