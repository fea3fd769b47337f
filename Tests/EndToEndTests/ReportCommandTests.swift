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

    /// The article's two alerts fire on its metrics scenario (7 % truncation, 12 % retries), not on the
    /// healthy or small ones, and follow --truncation-alert / --retry-alert.
    func testTheSeedAlertsFireWhereTheyShould() throws {
        func alerts(_ scenario: String, _ extra: [String] = []) throws -> [String: Double] {
            let result = try TokentopProcess.run(["report", "--json"] + extra + Scenario(name: scenario).files)
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
            let list = report["alerts"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, $0["value"] as! Double) })
        }
        XCTAssertEqual(try alerts("seed-metrics"), ["truncation": 0.07, "retries": 0.12])
        XCTAssertEqual(try alerts("seed-metrics-delta"), ["truncation": 0.07, "retries": 0.12])
        XCTAssertEqual(try alerts("seed-metrics", ["--truncation-alert", "8", "--retry-alert", "12.5"]), [:])
        for healthy in ["seed-agent", "seed-manual", "openai-v2", "anthropic-native", "pydantic-ai"] {
            XCTAssertEqual(try alerts(healthy), [:], healthy)
        }
    }

    func testUnreadableFileIsAClearError() throws {
        let result = try TokentopProcess.run(["report", "/nonexistent/file.binpb"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("/nonexistent/file.binpb"), result.stderr)
    }
}
