import Foundation
import XCTest

/// `--on-alert` runs a command as alerts fire and clear; `--fail-on-alert` makes a run that raised one
/// exit with status 3, for CI.
final class AlertHookTests: XCTestCase {
    /// OTLP/JSON with `count` chat calls of 1M input tokens to gpt-4o-mini ($0.15 each), the first
    /// `truncated` of them cut off at the token limit.
    private func chatCalls(_ count: Int, truncated: Int, offset: Int) -> Data {
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        let spans = (0..<count).map { index in
            let id = String(format: "%016x", offset + index + 1)
            let reason = index < truncated ? "length" : "stop"
            return """
                {"traceId":"\(String(format: "%016x", offset + index + 1))\(id)","spanId":"\(id)","name":"chat gpt-4o-mini","kind":3,
                 "startTimeUnixNano":"\(now - 1_000_000_000)","endTimeUnixNano":"\(now)","attributes":[
                 {"key":"gen_ai.operation.name","value":{"stringValue":"chat"}},
                 {"key":"gen_ai.system","value":{"stringValue":"openai"}},
                 {"key":"gen_ai.request.model","value":{"stringValue":"gpt-4o-mini"}},
                 {"key":"gen_ai.usage.input_tokens","value":{"intValue":"1000000"}},
                 {"key":"gen_ai.usage.output_tokens","value":{"intValue":"10"}},
                 {"key":"gen_ai.response.finish_reasons","value":{"arrayValue":{"values":[{"stringValue":"\(reason)"}]}}}]}
                """
        }
        return Data(#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"app"}}]},"scopeSpans":[{"spans":["#
            .utf8) + Data(spans.joined(separator: ",").utf8) + Data("]}]}]}".utf8)
    }

    private func waitForLines(in file: URL, containing needle: String, timeout: TimeInterval = 20) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        while Date() < deadline {
            text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
            if text.contains(needle) { return text }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("'\(needle)' never came:\n\(text)")
        return text
    }

    func testTheCommandRunsWhenAlertsFireAndClearAndTheRunFailsWithStatus3() throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("alerts-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: log) }
        let hook = #"printf '%s %s %s %s %s\n' "$TOKENTOP_ALERT" "$TOKENTOP_ALERT_STATE" "$TOKENTOP_ALERT_VALUE" "$TOKENTOP_ALERT_THRESHOLD" "$TOKENTOP_ALERT_UNIT" >> "#
            + log.path
        let server = try TokentopProcess.headless(["--on-alert", hook, "--budget", "3", "--fail-on-alert"])
        // 25 calls, 5 cut off: 20 % truncation, over the 5 % line; $3.75 spent, over the $3 budget.
        XCTAssertEqual(try HTTPPost.send(port: server.httpPort, path: "/v1/traces", body: chatCalls(25, truncated: 5, offset: 0),
                                         contentType: "application/json").status, 200)
        var text = waitForLines(in: log, containing: "budget firing")
        XCTAssertTrue(text.contains("truncation firing 20 5 percent\n"), text)
        // $3.75 for the input, $0.00015 for 250 output tokens.
        XCTAssertTrue(text.contains("budget firing 3.750"), text)
        XCTAssertTrue(text.contains(" 3 usd\n"), text)
        // 300 more without a cut: 5 in 325 is 1.5 %, under 80 % of the line, so the alert clears.
        XCTAssertEqual(try HTTPPost.send(port: server.httpPort, path: "/v1/traces", body: chatCalls(300, truncated: 0, offset: 100),
                                         contentType: "application/json").status, 200)
        text = waitForLines(in: log, containing: "truncation cleared")
        XCTAssertEqual(text.components(separatedBy: "truncation firing").count, 2, "fired once:\n\(text)")
        _ = try server.interruptAndCollect()
        XCTAssertEqual(server.process.terminationStatus, 3)
        XCTAssertTrue(server.errorOutput.contains("an alert fired (--fail-on-alert)"), server.errorOutput)
        XCTAssertTrue(server.errorOutput.contains("alert: truncation 20% (alert above 5%)"), "logged: \(server.errorOutput)")
    }

    func testAQuietRunExitsZeroAndAFailingCommandIsLogged() throws {
        let quiet = try TokentopProcess.headless(["--fail-on-alert"])
        XCTAssertEqual(try HTTPPost.send(port: quiet.httpPort, path: "/v1/traces", body: chatCalls(25, truncated: 0, offset: 0),
                                         contentType: "application/json").status, 200)
        _ = try quiet.interruptAndCollect()
        XCTAssertEqual(quiet.process.terminationStatus, 0, quiet.errorOutput)

        let failing = try TokentopProcess.headless(["--on-alert", "echo no such luck >&2; exit 7"])
        XCTAssertEqual(try HTTPPost.send(port: failing.httpPort, path: "/v1/traces", body: chatCalls(25, truncated: 5, offset: 0),
                                         contentType: "application/json").status, 200)
        XCTAssertTrue(failing.waitForStatus(containing: "--on-alert exited with status 7 for truncation: no such luck"),
                      failing.errorOutput)
        _ = try failing.interruptAndCollect()
        XCTAssertEqual(failing.process.terminationStatus, 0, "without --fail-on-alert an alert does not fail the run")
    }

    func testReportFailsOnAlertsInTheReport() throws {
        let alerting = try TokentopProcess.run(["report", "--fail-on-alert"] + Scenario(name: "seed-metrics").files)
        XCTAssertEqual(alerting.status, 3, alerting.stderr)
        XCTAssertTrue(alerting.stderr.contains("alerts in the report: truncation, retries (--fail-on-alert)"), alerting.stderr)
        let healthy = try TokentopProcess.run(["report", "--fail-on-alert"] + Scenario(name: "seed-agent").files)
        XCTAssertEqual(healthy.status, 0, healthy.stderr)
    }
}
