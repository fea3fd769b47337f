import Foundation
import XCTest

/// A collector file-exporter file, followed as it grows, and the same lines on standard input.
final class FollowTests: XCTestCase {
    func testFollowedFileGrowingLineByLine() throws {
        let source = try String(contentsOf: Scenario(name: "filefeed").dir.appendingPathComponent("otlp.jsonl"), encoding: .utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: true)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("follow-\(UUID().uuidString).jsonl")
        let half = lines.count / 2
        try (lines[..<half].joined(separator: "\n") + "\n").write(to: path, atomically: false, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: path) }
        let server = try TokentopProcess.headless(["--follow", path.path])
        let handle = try FileHandle(forWritingTo: path)
        handle.seekToEndOfFile()
        // The rest arrives later, the last line in two pieces.
        let rest = lines[half...].joined(separator: "\n") + "\n"
        let cut = rest.index(rest.endIndex, offsetBy: -40)
        Thread.sleep(forTimeInterval: 0.3)
        handle.write(Data(rest[..<cut].utf8))
        Thread.sleep(forTimeInterval: 0.3)
        handle.write(Data(rest[cut...].utf8))
        try handle.close()
        XCTAssertTrue(server.waitForStatus(containing: "recv 37 "), server.errorOutput)
        ReportCheck.assertMatches(try server.interruptAndCollect(), Scenario(name: "filefeed"), transport: "follow")
    }

    /// logrotate's copytruncate while tokentop follows: lines it has not read yet go to the copy, and the
    /// truncated file is refilled at once. Every record is counted once.
    func testFollowedFileRotatedByCopytruncate() throws {
        let source = try String(contentsOf: Scenario(name: "filefeed").dir.appendingPathComponent("otlp.jsonl"), encoding: .utf8)
        let lines = source.split(separator: "\n", omittingEmptySubsequences: true).map { $0 + "\n" }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("follow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("otlp.jsonl")
        try lines[..<10].joined().write(to: path, atomically: false, encoding: .utf8)
        let server = try TokentopProcess.headless(["--follow", path.path])
        XCTAssertTrue(server.waitForStatus(containing: "recv "), server.errorOutput)
        Thread.sleep(forTimeInterval: 0.3)
        let handle = try FileHandle(forWritingTo: path)
        handle.seekToEndOfFile()
        handle.write(Data(lines[10..<16].joined().utf8))
        try FileManager.default.copyItem(at: path, to: dir.appendingPathComponent("otlp.jsonl.1"))
        try handle.truncate(atOffset: 0)
        handle.write(Data(lines[16...].joined().utf8))
        try handle.close()
        XCTAssertTrue(server.waitForStatus(containing: "recv 37 "), server.errorOutput)
        Thread.sleep(forTimeInterval: 0.3)
        XCTAssertFalse(server.errorOutput.contains("otlp.jsonl:"), "no line refused: \(server.errorOutput)")
        ReportCheck.assertMatches(try server.interruptAndCollect(), Scenario(name: "filefeed"), transport: "copytruncate")
    }

    /// Refused lines are logged where --log-file says, at the level --log-level keeps, and not on stderr.
    func testRefusedLinesGoToTheLogFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("follow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let feed = dir.appendingPathComponent("feed.jsonl"), log = dir.appendingPathComponent("logs/tokentop.log")
        try String(repeating: "not json\n", count: 1500).write(to: feed, atomically: false, encoding: .utf8)
        let server = try TokentopProcess.headless(["--follow", feed.path, "--log-file", log.path, "--log-level", "warning"])
        let deadline = Date().addingTimeInterval(20)
        var text = ""
        while Date() < deadline, !text.contains("(1000 lines refused so far)") {
            Thread.sleep(forTimeInterval: 0.1)
            text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        }
        XCTAssertTrue(text.contains(" warning tokentop: \(feed.path):1: "), text)
        // A file of garbage does not fill the log: 20 lines, then one in a thousand.
        XCTAssertEqual(text.split(separator: "\n").filter { $0.contains("feed.jsonl:") }.count, 21, text)
        _ = try server.interruptAndCollect()
        XCTAssertFalse(server.errorOutput.contains("feed.jsonl:1"), server.errorOutput)
        let bad = try TokentopProcess.run(["--headless", "--log-level", "loud"])
        XCTAssertEqual(bad.status, 64)
        XCTAssertTrue(bad.stderr.contains("--log-level is one of trace, debug, info, notice, warning, error, critical"), bad.stderr)
    }

    func testStandardInput() throws {
        let file = try FileHandle(forReadingFrom: Scenario(name: "filefeed").dir.appendingPathComponent("otlp.jsonl"))
        let server = try TokentopProcess.headless(["--follow", "-"], stdin: file)
        XCTAssertTrue(server.waitForStatus(containing: "recv 37 "), server.errorOutput)
        ReportCheck.assertMatches(try server.interruptAndCollect(), Scenario(name: "filefeed"), transport: "stdin")
    }
}
