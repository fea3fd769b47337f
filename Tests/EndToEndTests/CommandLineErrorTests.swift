import Foundation
import XCTest

/// Bad options and configuration files end the command with a message saying what is wrong.
final class CommandLineErrorTests: XCTestCase {
    func testBadOptionsAndFilesAreClearErrors() throws {
        let prices = FileManager.default.temporaryDirectory.appendingPathComponent("prices-\(UUID().uuidString).toml")
        try "[models.\"x\"]\ninput = 3.0\noutput = -1\n".write(to: prices, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: prices) }
        let fixture = Scenario(name: "seed-manual").files
        let cases: [([String], String)] = [
            (["report", "--prices", prices.path] + fixture, "\(prices.path):3: 'output' must not be negative"),
            (["report", "--retry-alert", "200"] + fixture, "--retry-alert is a percentage between 0 and 100"),
            (["--headless", "--budget", "0"], "--budget must be a positive amount in USD"),
            (["--headless", "--prometheus", "nonsense"], "--prometheus takes HOST:PORT"),
            (["--headless", "--listen", "0.0.0.0"], "--listen 0.0.0.0 is reachable from other machines: add --token"),
            (["--headless", "--prometheus", "0.0.0.0:9464"], "--prometheus 0.0.0.0 is reachable from other machines"),
            (["--headless", "--listen", "0.0.0.0", "--token", "has space"], "--token must be printable ASCII"),
        ]
        for (arguments, message) in cases {
            let result = try TokentopProcess.run(arguments)
            XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
