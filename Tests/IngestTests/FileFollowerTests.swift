import Foundation
import Ingest
import Semantics
import Testing

/// `--follow` like `tail -F`: growing files, half-written lines, truncation, rotation and a file that
/// appears later.
@Suite(.serialized) struct FileFollowerTests {
    private static func line(_ n: Int) -> String {
        let id = String(format: "%016x", n)
        return #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":""#
            + id + #"","name":"op\#(n)","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"# + "\n"
    }

    private func append(_ text: String, to url: URL) throws {
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        handle.seekToEndOfFile()
        handle.write(Data(text.utf8))
    }

    private func follow(_ url: URL, _ steps: (CollectingSink) async throws -> Void) async throws {
        let sink = CollectingSink()
        let follower = FileFollower(path: url.path, pollInterval: .milliseconds(20))
        let task = Task { await follower.run(into: sink) }
        defer { task.cancel() }
        try await steps(sink)
    }

    private func names(_ sink: CollectingSink) -> [String] { sink.batches.flatMap(\.spans).map(\.name) }

    @Test func growingFileWithAHalfWrittenLineTruncationAndRotation() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("follow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("otlp.jsonl")
        try (Self.line(1) + Self.line(2)).write(to: file, atomically: false, encoding: .utf8)

        try await follow(file) { sink in
            #expect(await sink.wait { $0.spanCount == 2 })
            // A line written in two pieces is read once, whole.
            let third = Self.line(3)
            try append(String(third.prefix(40)), to: file)
            try await Task.sleep(for: .milliseconds(100))
            #expect(sink.spanCount == 2)
            try append(String(third.dropFirst(40)), to: file)
            #expect(await sink.wait { $0.spanCount == 3 })

            // Truncated (copytruncate): read again from the start.
            try Self.line(4).write(to: file, atomically: false, encoding: .utf8)
            #expect(await sink.wait { $0.spanCount == 4 })

            // Rotated: the old file is renamed and a new one takes its name.
            try append(Self.line(5), to: file)
            #expect(await sink.wait { $0.spanCount == 5 })
            try FileManager.default.moveItem(at: file, to: dir.appendingPathComponent("otlp.jsonl.1"))
            try Self.line(6).write(to: file, atomically: false, encoding: .utf8)
            #expect(await sink.wait { $0.spanCount == 6 })
            #expect(names(sink) == ["op1", "op2", "op3", "op4", "op5", "op6"])
            #expect(sink.refusals.isEmpty)
        }
    }

    @Test func aFileThatAppearsLaterAndBadLinesInIt() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("follow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("later.jsonl")
        try await follow(file) { sink in
            try await Task.sleep(for: .milliseconds(100))
            try (Self.line(1) + "not json\n" + Self.line(2)).write(to: file, atomically: false, encoding: .utf8)
            #expect(await sink.wait { $0.spanCount == 2 && $0.refusals.count == 1 })
            #expect(sink.refusals.first?.reason.contains("later.jsonl:2") == true, "\(sink.refusals)")
        }
    }
}
