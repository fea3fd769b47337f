import Foundation
import XCTest

/// `tokentop report --json FILE…` on every captured scenario equals its expected.json.
final class ReportCommandTests: XCTestCase {
    func testReportJSONOnEveryScenario() throws {
        for name in Scenario.requestScenarios + ["filefeed"] {
            let scenario = Scenario(name: name)
            let result = try TokentopProcess.run(["report", "--json"] + scenario.files)
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            ReportCheck.assertMatches(result.stdout, scenario, transport: "report")
        }
    }

    func testHumanReportShowsModelsAndTokens() throws {
        let result = try TokentopProcess.run(["report"] + Scenario(name: "seed-agent").files)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("gpt-4o-mini-2024-07-18"), result.stdout)
        XCTAssertTrue(result.stdout.contains("agent runs 5"), result.stdout)
    }

    func testUnreadableFileIsAClearError() throws {
        let result = try TokentopProcess.run(["report", "/nonexistent/file.binpb"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("/nonexistent/file.binpb"), result.stderr)
    }
}
