import Store
import Testing
@testable import CanvasKit
@testable import Views

/// The panes name the windows their rates cover, and the Quality pane an error threshold when one is set.
@Suite struct QualityWindowTests {
    private func lines(_ quality: QualitySummary) -> [String] {
        var snapshot = Fixtures.snapshot([])
        snapshot.quality = quality
        return QualityPaneView.render(snapshot, size: Size(width: 60, height: 8)).plainText()
    }

    @Test func sinceStartByDefault() {
        let text = lines(Fixtures.quality)
        #expect(text[0].contains("Quality  since start"))
        // 12 of 1,526 calls failed; no threshold, so no verdict.
        #expect(text.contains { $0.contains("errors") && $0.contains("0.8%") && !$0.contains("≤") })
    }

    @Test func windowAndErrorThreshold() {
        var quality = Fixtures.quality
        quality.window = UsageWindows.Window(seconds: 5400)
        quality.errorThreshold = 0.005
        let text = lines(quality)
        #expect(text[0].contains("Quality  last 1h30m"))
        #expect(text.contains { $0.contains("errors") && $0.contains("0.8%") && $0.contains("> 0.5% ⚠") })
    }

    @Test func burnAndCostPanesNameNonStandardWindows() {
        var snapshot = Fixtures.snapshot([])
        let size = Size(width: 70, height: 6)
        #expect(BurnPaneView.render(snapshot, size: size).plainText()[0].contains("Token burn  tok/s, last 10 min"))
        #expect(CostPaneView.render(snapshot, size: size).plainText()[0].contains("Cost by model  since start ─"))
        snapshot.windows = WindowSettings(windows: [UsageWindows.Window(seconds: 30), .oneHour])
        #expect(BurnPaneView.render(snapshot, size: size).plainText()[0].contains("Token burn  tok/s over 30s, last 10 min"))
        #expect(CostPaneView.render(snapshot, size: size).plainText()[0].contains("Cost by model  since start, $/h over 1h"))
    }
}
