import Foundation
import XCTest

/// The config file's settings reach the report, flags win over them, and a bad file stops tokentop
/// with the file, line and problem.
final class ConfigFileTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tokentop-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("tokentop"), withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func alerts(_ arguments: [String], configHome: String? = nil,
                        environment: [String: String] = [:]) throws -> [String: Double] {
        let result = try TokentopProcess.run(["report", "--json"] + arguments + Scenario(name: "seed-metrics").files,
                                             configHome: configHome ?? TokentopProcess.emptyConfigHome,
                                             environment: environment)
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        let list = report["alerts"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, $0["value"] as! Double) })
    }

    func testAlertThresholdsFromTheFileAndFlagsOverThem() throws {
        let file = folder.appendingPathComponent("tokentop/config.toml")
        try "[alerts]\ntruncation = 8\nretries = 12.5\n".write(to: file, atomically: true, encoding: .utf8)
        // The seed's 7 % truncation and 12 % retries stay under the file's thresholds…
        XCTAssertEqual(try alerts(["--config", file.path]), [:])
        // …found at the default place as well…
        XCTAssertEqual(try alerts([], configHome: folder.path), [:])
        // …and a flag wins over the file.
        XCTAssertEqual(try alerts(["--config", file.path, "--truncation-alert", "5"]), ["truncation": 0.07])
        // Without the file the seed's alerts fire.
        XCTAssertEqual(try alerts([]), ["truncation": 0.07, "retries": 0.12])
    }

    func testEnvironmentVariablesOverTheFileAndFlagsOverThem() throws {
        let file = folder.appendingPathComponent("tokentop/config.toml")
        try "[alerts]\ntruncation = 8\nretries = 12.5\n".write(to: file, atomically: true, encoding: .utf8)
        // The variable wins over the file: the seed's 7 % truncation now fires…
        XCTAssertEqual(try alerts(["--config", file.path], environment: ["TOKENTOP_ALERTS_TRUNCATION": "5"]),
                       ["truncation": 0.07])
        // …without any file too…
        XCTAssertEqual(try alerts([], environment: ["TOKENTOP_ALERTS_TRUNCATION": "50", "TOKENTOP_ALERTS_RETRIES": "50"]), [:])
        // …and a flag wins over the variable.
        XCTAssertEqual(try alerts(["--config", file.path, "--truncation-alert", "8"],
                                  environment: ["TOKENTOP_ALERTS_TRUNCATION": "5"]), [:])
        // A bad value names the variable and ends like a bad option.
        let result = try TokentopProcess.run(["report"] + Scenario(name: "seed-metrics").files,
                                             environment: ["TOKENTOP_ALERTS_MIN_CALLS": "many"])
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains("Error: TOKENTOP_ALERTS_MIN_CALLS: 'alerts.min_calls' must be a whole number, not \"many\""),
                      result.stderr)
    }

    /// Files that made the TOML parser's assertions abort a debug build are errors with file and line.
    func testMalformedFilesNeverAbort() throws {
        let cases: [([UInt8], String)] = [
            ([0x5B, 0x20, 0x9F, 0x0A], ":1: the file is not UTF-8 text (byte 0x9F)"),
            (Array("budget = 1\n[\n".utf8), ":2: expected a key in a table header, found a line break"),
            (Array("[keys]\nmoveUp = [})\n".utf8), ":2: expected a value, found '}'"),
            (Array("listen = \"\\uD800\"\n".utf8), ":1: \\u names no Unicode character (a surrogate or past U+10FFFF)"),
        ]
        for (index, (bytes, message)) in cases.enumerated() {
            let file = folder.appendingPathComponent("malformed-\(index).toml")
            try Data(bytes).write(to: file)
            let result = try TokentopProcess.run(["report", "--config", file.path] + Scenario(name: "seed-manual").files)
            XCTAssertEqual(result.status, 64, result.stderr)
            XCTAssertTrue(result.stderr.contains("Error: \(file.path)\(message)"), result.stderr)
        }
    }

    func testMinimumCallsFromTheFile() throws {
        let file = folder.appendingPathComponent("strict.toml")
        try "[alerts]\nmin_calls = 100000\n".write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try alerts(["--config", file.path]), [:])
    }

    func testPricesFileNamedByTheConfigRelativeToIt() throws {
        try "prices = \"my-prices.toml\"\n".write(to: folder.appendingPathComponent("tokentop/config.toml"),
                                                 atomically: true, encoding: .utf8)
        try "[models.\"x\"]\ninput = 1\noutput = -1\n".write(to: folder.appendingPathComponent("tokentop/my-prices.toml"),
                                                           atomically: true, encoding: .utf8)
        let result = try TokentopProcess.run(["report"] + Scenario(name: "seed-manual").files, configHome: folder.path)
        XCTAssertEqual(result.status, 64)
        XCTAssertTrue(result.stderr.contains(folder.path + "/tokentop/my-prices.toml:3: 'output' must not be negative"),
                      result.stderr)
    }

    func testBadFilesEndWithFileLineAndProblem() throws {
        let bad = folder.appendingPathComponent("bad.toml")
        try "budget = 5\n\n[alerts]\nretry = 10\n".write(to: bad, atomically: true, encoding: .utf8)
        let badKeys = folder.appendingPathComponent("keys.toml")
        try "[keys]\nmoveDown = [\"k\"]\n".write(to: badKeys, atomically: true, encoding: .utf8)
        let malformed = folder.appendingPathComponent("malformed.toml")
        try "windows = [\"1m\"\n".write(to: malformed, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["--headless", "--config", bad.path],
             "Error: \(bad.path):4: unknown key 'retry' in [alerts]; expected one of: truncation, retries, errors, min_calls, clear_at"),
            (["report", "--config", bad.path] + Scenario(name: "seed-manual").files, "\(bad.path):4: unknown key 'retry'"),
            (["--headless", "--config", malformed.path], "Error: \(malformed.path):"),
            (["--config", badKeys.path], "Error: \(badKeys.path): [keys]: key \"k\" is bound to both"),
            (["--headless", "--config", folder.appendingPathComponent("missing.toml").path],
             "Error: \(folder.appendingPathComponent("missing.toml").path): no such file"),
        ]
        for (arguments, message) in cases {
            let result = try TokentopProcess.run(arguments)
            XCTAssertEqual(result.status, 64, arguments.joined(separator: " "))
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
            XCTAssertFalse(result.stderr.contains("Usage:"), result.stderr)
        }
    }
}
