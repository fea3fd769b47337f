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

    func testStandardInput() throws {
        let file = try FileHandle(forReadingFrom: Scenario(name: "filefeed").dir.appendingPathComponent("otlp.jsonl"))
        let server = try TokentopProcess.headless(["--follow", "-"], stdin: file)
        XCTAssertTrue(server.waitForStatus(containing: "recv 37 "), server.errorOutput)
        ReportCheck.assertMatches(try server.interruptAndCollect(), Scenario(name: "filefeed"), transport: "stdin")
    }
}
