import Foundation
import XCTest

/// `tokentop report --json FILE…` on every captured scenario equals its expected.json.
final class ReportCommandTests: XCTestCase {
    func testReportJSONOnEveryScenario() throws {
        for name in Scenario.requestScenarios + ["filefeed"] {
            let scenario = Scenario(name: name)
            let result = try TokentopProcess.run(["report", "--json"] + scenario.files)
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            ReportCheck.assertMatches(result.stdout, scenario, transport: "report")
        }
    }

    func testHumanReportShowsModelsAndTokens() throws {
        let result = try TokentopProcess.run(["report"] + Scenario(name: "seed-agent").files)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("gpt-4o-mini-2024-07-18"), result.stdout)
        XCTAssertTrue(result.stdout.contains("agent runs 5"), result.stdout)
    }

    /// The article's two alerts fire on its metrics scenario (7 % truncation, 12 % retries), not on the
    /// healthy or small ones, and follow --truncation-alert / --retry-alert.
    func testTheSeedAlertsFireWhereTheyShould() throws {
        func alerts(_ scenario: String, _ extra: [String] = []) throws -> [String: Double] {
            let result = try TokentopProcess.run(["report", "--json"] + extra + Scenario(name: scenario).files)
            let report = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
            let list = report["alerts"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, $0["value"] as! Double) })
        }
        XCTAssertEqual(try alerts("seed-metrics"), ["truncation": 0.07, "retries": 0.12])
        XCTAssertEqual(try alerts("seed-metrics-delta"), ["truncation": 0.07, "retries": 0.12])
        XCTAssertEqual(try alerts("seed-metrics", ["--truncation-alert", "8", "--retry-alert", "12.5"]), [:])
        for healthy in ["seed-agent", "seed-manual", "openai-v2", "anthropic-native", "pydantic-ai"] {
            XCTAssertEqual(try alerts(healthy), [:], healthy)
        }
    }

    func testUnreadableFileIsAClearError() throws {
        let result = try TokentopProcess.run(["report", "/nonexistent/file.binpb"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("/nonexistent/file.binpb"), result.stderr)
    }

    /// `ssh host cat feed.jsonl | tokentop report -`, and `tokentop report <(zcat feed.jsonl.gz)`: standard
    /// input and pipes have no telling name, so their content says what they are.
    func testStandardInputAndPipes() throws {
        let feed = Scenario.root.appendingPathComponent("filefeed")
        let name = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: feed.path).first { $0.hasSuffix(".jsonl") })
        let text = try String(contentsOf: feed.appendingPathComponent(name), encoding: .utf8)
        let fromFile = try TokentopProcess.run(["report", "--json", feed.appendingPathComponent(name).path])
        XCTAssertEqual(fromFile.status, 0, fromFile.stderr)
        let fromStdin = try TokentopProcess.run(["report", "--json", "-"], stdinHandle: try Self.handle(Data(text.utf8)))
        XCTAssertEqual(fromStdin.status, 0, fromStdin.stderr)
        XCTAssertEqual(Self.withoutHistory(fromStdin.stdout), Self.withoutHistory(fromFile.stdout))
        // A pipe, gzip'ed, as bash's <(zcat …) gives it: /dev/fd/N.
        let gzipped = try HTTPPost.gzipped(Data(text.utf8))
        let pipe = Pipe()
        let writer = Thread {
            pipe.fileHandleForWriting.write(gzipped)
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        let fromPipe = try TokentopProcess.run(["report", "--json", "/dev/fd/0"], stdinHandle: pipe.fileHandleForReading)
        XCTAssertEqual(fromPipe.status, 0, fromPipe.stderr)
        XCTAssertEqual(Self.withoutHistory(fromPipe.stdout), Self.withoutHistory(fromFile.stdout))
        // A protobuf request on standard input.
        let request = try XCTUnwrap(try Scenario(name: "openai-v2").requests().first { $0.signal == "traces" })
        let protobuf = try TokentopProcess.run(["report", "--json", "-"], stdinHandle: try Self.handle(request.body))
        XCTAssertEqual(protobuf.status, 0, protobuf.stderr)
        XCTAssertTrue(protobuf.stdout.contains("\"llm_calls\""), protobuf.stdout)
        let empty = try TokentopProcess.run(["report", "-"], stdin: "not telemetry\n")
        XCTAssertEqual(empty.status, 2)
        XCTAssertTrue(empty.stderr.contains("standard input"), empty.stderr)
    }

    /// The report minus what differs between two runs over the same data: each run's history file and
    /// when its alerts fired.
    private static func withoutHistory(_ report: String) -> String {
        report.split(separator: "\n").filter { !$0.contains("\"file\": \"") && !$0.contains("since_unix_nano") }
            .joined(separator: "\n")
    }

    private static func handle(_ data: Data) throws -> FileHandle {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("stdin-\(UUID().uuidString)")
        try data.write(to: url)
        return try FileHandle(forReadingFrom: url)
    }
}
