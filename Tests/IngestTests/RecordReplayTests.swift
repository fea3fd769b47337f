import Foundation
import Ingest
import OTLPWire
import Semantics
import SwiftProtobuf
import Synchronization
import Testing
import PackedSpans

/// `--record` writes OTLP/JSON lines that decode back to the same records; `--replay` paces by the
/// recorded times and moves them to the moment of playing.
@Suite struct RecordReplayTests {
    private func tempPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("record-\(UUID().uuidString).jsonl").path
    }

    @Test func protobufRequestsAreRecordedAsOTLPJSONLinesWithHexIDsAndIntegerEnums() throws {
        var span = Build.span(name: "chat gpt-4o", parent: Data([9, 9, 9, 9, 9, 9, 9, 9]))
        span.attributes = [Build.keyValue("gen_ai.usage.input_tokens", .intValue(42)),
                           Build.keyValue("note", .stringValue("line one\nline two"))]
        span.status.code = .error
        let body = try Build.traceRequest([span]).serializedData()
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = try Recorder(path: path)
        recorder.relay(OTLPRequest(signal: .traces, body: body, contentType: .protobuf))
        recorder.relay(OTLPRequest(signal: .logs, body: try Gzip.compress(Data(#"{"resourceLogs": [ ]}"#.utf8)),
                                        contentType: .json, contentEncoding: .gzip))
        recorder.close()
        #expect(recorder.stats.recordedRequests == 2)

        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let first = String(lines[0])
        #expect(first.contains(#""traceId":"0102030405060708090a0b0c0d0e0f10""#))
        #expect(first.contains(#""parentSpanId":"0909090909090909""#))
        #expect(first.contains(#""kind":3"#))
        #expect(first.contains(#""code":2"#))
        #expect(String(lines[1]) == #"{"resourceLogs":[]}"#)

        let (signal, batch) = try OTLPDecoder.decodeJSONRequest(Data(first.utf8))
        let original = TelemetryBatch(Build.traceRequest([span]))
        #expect(signal == .traces)
        #expect(batch.spans.map(\.name) == original.spans.map(\.name))
        #expect(batch.spans.first?.attributes == original.spans.first?.attributes)
        #expect(batch.spans.first?.parentSpanID == original.spans.first?.parentSpanID)
        #expect(batch.spans.first?.statusCode == .error)
    }

    @Test func appendingToAnExistingRecordingKeepsWhatWasThere() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("{\"resourceSpans\":[]}\n".utf8).write(to: URL(fileURLWithPath: path))
        let recorder = try Recorder(path: path)
        recorder.relay(OTLPRequest(signal: .traces, body: try Build.traceBody(spanCount: 2), contentType: .protobuf))
        recorder.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0] == #"{"resourceSpans":[]}"#)
    }

    @Test func anUnwritablePathIsAClearError() {
        #expect(throws: RecordError.self) { try Recorder(path: "/nonexistent-dir/x.jsonl") }
    }

    @Test func replayPacingFollowsTheRecordedTimesAtTheChosenSpeed() {
        let second: UInt64 = 1_000_000_000
        let times = [100 * second, 101 * second, 100 * second + second / 2, 110 * second, 0]
        #expect(ReplaySource.plan(times: times, speed: 1).offsetsNanos == [0, second, second, 10 * second, 10 * second])
        #expect(ReplaySource.plan(times: times, speed: 10).offsetsNanos == [0, second / 10, second / 10, second, second])
        #expect(ReplaySource.plan(times: times, speed: 0).offsetsNanos == [0, 0, 0, 0, 0])
    }

    @Test func replayedRecordsAreMovedToThePlayingTimeWithTheirDurationsKept() async throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = try Recorder(path: path)
        recorder.relay(OTLPRequest(signal: .traces, body: try Build.traceBody(spanCount: 1), contentType: .protobuf))
        recorder.close()

        let sink = CollectingSink()
        let replay = try ReplaySource(path: path, speed: 1, sink: sink)
        let now: UInt64 = 1_800_000_000_000_000_000
        let finished = CollectingSink()
        replay.start(clock: { now }) { _ in finished.accept(TelemetryBatch()) }
        #expect(await sink.wait { $0.spanCount == 1 })
        let span = try #require(sink.batches.first?.spans.first)
        #expect(span.endNanos == now)
        #expect(span.endNanos - span.startNanos == 500_000_000)
        #expect(await finished.wait { $0.batches.count == 1 })
    }

    /// A machine slow to replay (a clock that runs on between requests) plays the same times: each
    /// request is moved to when it was due, so a cumulative counter's start never moves later (which
    /// would read as a restart and count it twice).
    @Test func replayedTimesDoNotDependOnHowFastTheMachinePlaysThem() async throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let recorder = try Recorder(path: path)
        for _ in 0..<3 {
            recorder.relay(OTLPRequest(signal: .traces, body: try Build.traceBody(spanCount: 1), contentType: .protobuf))
        }
        recorder.close()
        let sink = CollectingSink()
        let replay = try ReplaySource(path: path, speed: 0, sink: sink)
        let start: UInt64 = 1_800_000_000_000_000_000
        let calls = Mutex<UInt64>(0)
        // Every reading of the clock is a second later.
        replay.start(clock: { calls.withLock { $0 += 1; return start + ($0 - 1) * 1_000_000_000 } }) { _ in }
        #expect(await sink.wait { $0.spanCount == 3 })
        #expect(sink.batches.flatMap(\.spans).map(\.endNanos) == [start, start, start])
    }
}
