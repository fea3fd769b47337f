import Foundation
import Ingest
import Semantics
import Testing
#if canImport(Glibc)
import Glibc
#endif

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
            #expect(await sink.wait(timeout: .seconds(30)) { $0.spanCount == 2 })
            // A line written in two pieces is read once, whole.
            let third = Self.line(3)
            try append(String(third.prefix(40)), to: file)
            try await Task.sleep(for: .milliseconds(100))
            #expect(sink.spanCount == 2)
            try append(String(third.dropFirst(40)), to: file)
            #expect(await sink.wait(timeout: .seconds(30)) { $0.spanCount == 3 })

            // Truncated (copytruncate): read again from the start.
            try Self.line(4).write(to: file, atomically: false, encoding: .utf8)
            #expect(await sink.wait(timeout: .seconds(30)) { $0.spanCount == 4 })

            // Rotated: the old file is renamed and a new one takes its name.
            try append(Self.line(5), to: file)
            #expect(await sink.wait(timeout: .seconds(30)) { $0.spanCount == 5 })
            try FileManager.default.moveItem(at: file, to: dir.appendingPathComponent("otlp.jsonl.1"))
            try Self.line(6).write(to: file, atomically: false, encoding: .utf8)
            #expect(await sink.wait(timeout: .seconds(30)) { $0.spanCount == 6 })
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
            #expect(await sink.wait(timeout: .seconds(30)) { $0.spanCount == 2 && $0.refusals.count == 1 })
            #expect(sink.refusals.first?.reason.contains("later.jsonl:2") == true, "\(sink.refusals)")
        }
    }
}

/// Every record once, while a writer appends and the file is rotated every few hundred lines. A follower
/// more than one whole file behind (a rotation every few milliseconds) would lose the files it never
/// opened, as `tail -F` does; the writer here rotates a file only once the follower has read from it.
@Suite(.serialized) struct FileRotationTests {
    enum Rotation: String, CaseIterable, Sendable {
        case rename, copytruncate, deleteAndRecreate
    }

    private static func line(_ n: Int) -> String {
        let id = String(format: "%016x", n)
        return #"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":""#
            + id + #"","name":"op\#(n)","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"# + "\n"
    }

    /// Appends lines with O_APPEND, as loggers do, and rotates the way logrotate would.
    private final class Writer {
        let path: String
        private var descriptor: Int32
        private var rotations = 0

        init(path: String) {
            self.path = path
            descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        }

        deinit { close(descriptor) }

        func write(_ text: String) {
            let bytes = Array(text.utf8)
            _ = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        }

        func rotate(_ rotation: Rotation) throws {
            rotations += 1
            let rotated = path + ".\(rotations)"
            switch rotation {
            case .rename:
                try FileManager.default.moveItem(atPath: path, toPath: rotated)
                close(descriptor)
                descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            case .copytruncate:
                try FileManager.default.copyItem(atPath: path, toPath: rotated)
                _ = truncate(path, 0)
            case .deleteAndRecreate:
                close(descriptor)
                unlink(path)
                descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            }
        }
    }

    private func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rotate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    private func spanIDs(_ sink: CollectingSink) -> [Int] {
        sink.batches.flatMap(\.spans).compactMap { Int($0.name.dropFirst(2)) }
    }

    @Test(arguments: Rotation.allCases)
    func everyRecordIsReadOnceWhileAWriterAppendsAndTheFileIsRotated(_ rotation: Rotation) async throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("feed.jsonl").path
        let sink = CollectingSink()
        let follower = FileFollower(path: path, pollInterval: .milliseconds(20))
        let task = Task { await follower.run(into: sink) }
        defer { task.cancel() }
        let total = 3000
        let writer = Writer(path: path)
        for n in 1...total {
            writer.write(Self.line(n))
            if n % 400 == 0 {
                // Rotations come further apart than the follower can lag: it has opened this file (read
                // a record of it) before it is rotated away, though it may still be behind in it.
                #expect(await sink.wait(timeout: .seconds(10)) { $0.spanCount > n - 400 })
                try writer.rotate(rotation)
            }
            if n % 25 == 0 { try await Task.sleep(for: .milliseconds(2)) }
        }
        #expect(await sink.wait(timeout: .seconds(20)) { $0.spanCount >= total })
        try await Task.sleep(for: .milliseconds(300))
        let ids = spanIDs(sink)
        #expect(ids.count == total, "\(rotation): \(ids.count) records read")
        let missing = Set(1...total).subtracting(ids).sorted()
        #expect(missing.isEmpty, "\(rotation): \(missing.count) missing, from \(missing.prefix(5)) to \(missing.suffix(5))")
        #expect(sink.refusals.isEmpty, "\(rotation): \(sink.refusals.prefix(3))")
    }

    /// The hard case: copied, truncated and refilled past the old offset before the follower looks again.
    @Test func aCopyTruncatedFileRefilledBeforeTheFollowerLooksIsReadFromTheCopyThenFromItsStart() async throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("feed.jsonl").path
        let sink = CollectingSink()
        var follower = FileFollower(path: path, pollInterval: .seconds(1))
        follower.watchesDirectory = false
        let writer = Writer(path: path)
        (1...100).forEach { writer.write(Self.line($0)) }
        let task = Task { await follower.run(into: sink) }
        defer { task.cancel() }
        #expect(await sink.wait(timeout: .seconds(30)) { $0.spanCount == 100 })
        // While the follower sleeps: 20 more lines it has not seen, the copy, the truncation, 300 new lines.
        (101...120).forEach { writer.write(Self.line($0)) }
        try writer.rotate(.copytruncate)
        writer.write((121...420).map(Self.line).joined())
        #expect(await sink.wait(timeout: .seconds(10)) { $0.spanCount >= 420 })
        try await Task.sleep(for: .milliseconds(200))
        #expect(spanIDs(sink) == Array(1...420))
        #expect(sink.refusals.isEmpty, "\(sink.refusals.prefix(3))")
    }
}
