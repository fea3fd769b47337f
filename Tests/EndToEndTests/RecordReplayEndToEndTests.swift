import Foundation
import Ingest
import XCTest

/// `--record` then `report` and `--replay` of the recording give the numbers the scenario's own
/// requests give, whichever transport they came in over.
final class RecordReplayEndToEndTests: XCTestCase {
    func testARecordingReportsAndReplaysLikeTheTrafficItRecorded() async throws {
        for name in ["seed-agent", "openai-v2", "seed-metrics"] {
            let scenario = Scenario(name: name)
            let recording = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString).jsonl")
            defer { try? FileManager.default.removeItem(at: recording) }
            let recorder = try TokentopProcess.headless(["--record", recording.path])
            let requests = try scenario.requests()
            // Half over OTLP/HTTP as captured, half over OTLP/gRPC as protobuf.
            try await GRPCSender.with(port: recorder.grpcPort) { sender in
                for (index, request) in requests.enumerated() {
                    if index.isMultiple(of: 2) {
                        XCTAssertEqual(try HTTPPost.send(port: recorder.httpPort, path: "/v1/\(request.signal)", body: request.body,
                                                         contentType: request.contentType, gzip: request.gzip).status, 200)
                    } else {
                        var body = request.body
                        if request.gzip { body = try OTLPDecoder.gunzip(body) }
                        let signal = Signal(rawValue: request.signal)!
                        if request.contentType.hasPrefix("application/json") {
                            body = try OTLPDecoder.protobufBody(fromJSON: body, signal: signal)
                        }
                        try await sender.export(body, signal: signal)
                    }
                }
            }
            ReportCheck.assertMatches(try recorder.interruptAndCollect(), scenario, transport: "recording")
            XCTAssertTrue(recorder.errorOutput.contains("recorded \(requests.count) requests to \(recording.path)"),
                          recorder.errorOutput)
            let lines = try String(contentsOf: recording, encoding: .utf8).split(separator: "\n")
            XCTAssertEqual(lines.count, requests.count)

            let report = try TokentopProcess.run(["report", "--json", recording.path])
            XCTAssertEqual(report.status, 0, report.stderr)
            ReportCheck.assertMatches(report.stdout, scenario, transport: "report of the recording")

            let replay = try TokentopProcess.headless(["--replay", recording.path, "--speed", "0"])
            XCTAssertTrue(replay.waitForStatus(containing: "stored \(scenarioSpanCount(report.stdout))"), replay.errorOutput)
            ReportCheck.assertMatches(try replay.interruptAndCollect(), scenario, transport: "replay")
        }
    }

    private func scenarioSpanCount(_ report: String) -> Int {
        let object = try? JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any]
        return (object?["ingest"] as? [String: Any])?["stored_spans"] as? Int ?? -1
    }

    func testBadRecordAndReplayOptionsAreClearErrors() throws {
        for (arguments, message) in [(["--record", "/nonexistent-dir/x.jsonl"], "--record /nonexistent-dir/x.jsonl cannot be created"),
                                     (["--replay", "/nonexistent-dir/x.jsonl"], "--replay /nonexistent-dir/x.jsonl"),
                                     (["--replay", "a.jsonl", "--speed=-1"], "--speed must be 0 or more")] {
            let result = try TokentopProcess.run(["--headless"] + arguments)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }
}
