import Store
import Testing
@testable import Views

/// The Quality pane names the window its rates cover, and an error threshold when one is set.
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
}
