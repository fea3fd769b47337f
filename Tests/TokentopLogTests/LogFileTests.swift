import Foundation
import Logging
import Testing
import TokentopLog

/// `--log-file`: lines appended with their level, label and metadata; control characters escaped;
/// a grown file moved aside; the newest notice kept for the screen.
@Suite struct LogFileTests {
    private func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("log-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func linesAreAppendedWithLevelLabelAndMetadataAndControlCharactersEscaped() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/nested/tokentop.log"
        try "earlier line\n".write(toFile: try { try FileManager.default.createDirectory(atPath: dir + "/nested", withIntermediateDirectories: true); return path }(),
                                   atomically: false, encoding: .utf8)
        let file = try LogFile(path: path)
        var logger = Logger(label: "follow") { FileLogHandler(label: $0, file: file, level: .info) }
        logger[metadataKey: "path"] = "feed.jsonl"
        logger.debug("not written")
        logger.warning("feed.jsonl:16: not JSON\n\u{1b}[2J", metadata: ["line": "16"])
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == "earlier line")
        let written = String(lines[1])
        #expect(written.hasSuffix(" warning follow: feed.jsonl:16: not JSON\\n\\u{1b}[2J line=16 path=feed.jsonl"), "\(written)")
        #expect(try Regex(#"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z "#).firstMatch(in: written) != nil, "\(written)")
    }

    @Test func aFileGrownPastItsLimitIsMovedAsideAtOpen() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/tokentop.log"
        try String(repeating: "x", count: 2000).write(toFile: path, atomically: false, encoding: .utf8)
        let file = try LogFile(path: path, rotateAtBytes: 1000)
        Logger(label: "t") { FileLogHandler(label: $0, file: file, level: .info) }.info("fresh")
        #expect(try String(contentsOfFile: path + ".1", encoding: .utf8).count == 2000)
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("info t: fresh"))
    }

    @Test func aFileThatCannotBeMadeIsAClearError() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "".write(toFile: dir + "/plain", atomically: false, encoding: .utf8)
        #expect { try LogFile(path: dir + "/plain/tokentop.log") } throws: { error in
            "\(error)".hasPrefix("--log-file \(dir)/plain/tokentop.log: ")
        }
    }

    @Test func noticesKeepTheNewestForTheScreen() {
        let notices = Notices(logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
        #expect(notices.newest(after: 0) == nil)
        notices.warn("first")
        notices.tell("second")
        let newest = notices.newest(after: 0)
        #expect(newest?.text == "second")
        #expect(notices.newest(after: newest?.serial ?? 0) == nil)
    }
}
