import Foundation
import XCTest

/// `tokentop setup`: the ports and token tokentop itself would use, from flags, TOKENTOP_* and the file.
final class SetupCommandTests: XCTestCase {
    func testThePortsAndTokenComeFromWhereTheServersTakeThem() throws {
        let flags = try TokentopProcess.run(["setup", "codex", "--http-port", "15318", "--token", "abc"])
        XCTAssertEqual(flags.status, 0, flags.stderr)
        XCTAssertTrue(flags.stdout.contains(#"endpoint = "http://127.0.0.1:15318/v1/logs""#), flags.stdout)
        XCTAssertTrue(flags.stdout.contains(#""authorization" = "Bearer abc""#), flags.stdout)

        let configHome = FileManager.default.temporaryDirectory.appendingPathComponent("tokentop-setup-\(UUID())")
        try FileManager.default.createDirectory(at: configHome.appendingPathComponent("tokentop"),
                                                withIntermediateDirectories: true)
        try "grpc_port = 24317\n".write(to: configHome.appendingPathComponent("tokentop/config.toml"),
                                        atomically: true, encoding: .utf8)
        let configured = try TokentopProcess.run(["setup", "claude-code", "--transport", "grpc"], configHome: configHome.path,
                                                 environment: ["TOKENTOP_TOKEN": "from-env"])
        XCTAssertEqual(configured.status, 0, configured.stderr)
        XCTAssertTrue(configured.stdout.contains("export OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:24317"), configured.stdout)
        XCTAssertTrue(configured.stdout.contains("export OTEL_EXPORTER_OTLP_HEADERS='Authorization=Bearer from-env'"),
                      configured.stdout)
    }

    func testAnUnknownAgentOrPortIsAClearError() throws {
        let agent = try TokentopProcess.run(["setup", "cursor"])
        XCTAssertNotEqual(agent.status, 0)
        XCTAssertTrue(agent.stderr.contains("claude-code"), agent.stderr)
        let port = try TokentopProcess.run(["setup", "gemini", "--grpc-port", "0"])
        XCTAssertNotEqual(port.status, 0)
        XCTAssertTrue(port.stderr.contains("port"), port.stderr)
    }
}
