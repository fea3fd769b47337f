import Foundation
import XCTest

/// `tokentop prices`, `--prices data.json` and `--version`: prices refreshed without a rebuild, and
/// what each name resolves to.
final class PricesCommandTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("tokentop"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// genai-prices' format with one provider that prices gpt-4o-mini at $100 per million input tokens.
    private func writeData(to url: URL) throws {
        let data = #"[{"id":"openai","name":"OpenAI","provider_match":{"contains":"openai"},"model_match":{"starts_with":"gpt-"},"models":[{"id":"gpt-4o-mini","name":"x","match":{"starts_with":"gpt-4o-mini"},"prices":{"input_mtok":100,"output_mtok":200},"context_window":128000}]}]"#
        try data.write(to: url, atomically: true, encoding: .utf8)
    }

    func testNamesResolveAndTheSourceIsNamed() throws {
        let result = try TokentopProcess.run(["prices", "gpt-4o-mini", "no-such-model"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasPrefix("price data:  bundled genai-prices (MIT): 36 providers, 1466 models, prices dated up to 2027-01-01\n"),
                      result.stdout)
        XCTAssertTrue(result.stdout.contains("openai/gpt-4o-mini ← 'gpt-4o-mini'"), result.stdout)
        XCTAssertTrue(result.stdout.contains("input $0.15/M · output $0.60/M · cache read $0.075/M · context 128,000 tokens"), result.stdout)
        XCTAssertTrue(result.stdout.contains("no-such-model\n  no price"), result.stdout)
        let json = try TokentopProcess.run(["prices", "--json", "--provider", "azure", "gpt-4o"])
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let model = try XCTUnwrap((object["models"] as? [[String: Any]])?.first)
        XCTAssertEqual(model["provider_id"] as? String, "openai")
        XCTAssertEqual((model["price"] as? [String: Any])?["input_mtok"] as? Double, 2.5)
    }

    func testADataFileTakesThePlaceOfTheBundledPricesByFlagOrAtTheDefaultPlace() throws {
        let data = folder.appendingPathComponent("data.json")
        try writeData(to: data)
        let flagged = try TokentopProcess.run(["prices", "--prices", data.path, "gpt-4o-mini"])
        XCTAssertTrue(flagged.stdout.hasPrefix("price data:  \(data.path) (saved "), flagged.stdout)
        XCTAssertTrue(flagged.stdout.contains("input $100.00/M · output $200.00/M"), flagged.stdout)
        // At the default place it is found without a flag, and the report prices with it.
        try writeData(to: folder.appendingPathComponent("tokentop/genai-prices.json"))
        let found = try TokentopProcess.run(["prices", "gpt-4o-mini"], configHome: folder.path)
        XCTAssertTrue(found.stdout.contains("tokentop/genai-prices.json"), found.stdout)
        let report = try TokentopProcess.run(["report", "--json"] + Scenario(name: "openai-v2").files, configHome: folder.path)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        let models = try XCTUnwrap(object["models"] as? [[String: Any]])
        let mini = try XCTUnwrap(models.first { $0["model"] as? String == "gpt-4o-mini-2024-07-18" })
        let input = try XCTUnwrap(mini["input_tokens"] as? Double), output = try XCTUnwrap(mini["output_tokens"] as? Double)
        XCTAssertEqual(try XCTUnwrap(mini["cost_usd"] as? Double), input * 100e-6 + output * 200e-6, accuracy: 1e-9)
        // The data file takes the bundled data's place: a model it does not list is unpriced.
        XCTAssertNil(models.first { $0["model"] as? String == "o4-mini-2025-04-16" }?["cost_usd"] as? Double)
        let bad = try TokentopProcess.run(["prices", "--prices", folder.appendingPathComponent("tokentop").path + "/../x.json"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("cannot read the prices file"), bad.stderr)
    }

    func testVersionAndGroupedHelp() throws {
        let version = try TokentopProcess.run(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.stdout.hasPrefix("tokentop 0."), version.stdout)
        XCTAssertTrue(version.stdout.contains("prices: genai-prices (MIT), 36 providers, 1466 models, prices dated up to 2027-01-01"),
                      version.stdout)
        let help = try TokentopProcess.run(["--help"])
        XCTAssertEqual(help.status, 0)
        for section in ["USAGE: tokentop [<options>]", "RECEIVERS:", "WITHOUT THE SCREEN:", "OTHER SOURCES:", "COST AND ALERTS:",
                        "SPEND HISTORY:", "MEMORY AND LIMITS:", "FORWARDING:", "PROMETHEUS:", "SCREEN, SETTINGS AND LOGS:",
                        "SUBCOMMANDS:", "  --demo", "  --on-alert <command>", "  prices "] {
            XCTAssertTrue(help.stdout.contains(section), "\(section) in:\n\(help.stdout)")
        }
    }
}
