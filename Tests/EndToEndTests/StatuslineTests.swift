import Foundation
import XCTest

/// `tokentop statusline` against the real binary serving `GET /api/summary`, fed a real capture.
final class StatuslineTests: XCTestCase {
    private func feed(_ scenario: String, to server: TokentopProcess, token: String? = nil) throws {
        for request in try Scenario(name: scenario).requests() where request.signal != "traces" {
            let (status, _) = try HTTPPost.send(port: server.httpPort, path: "/v1/\(request.signal)", body: request.body,
                                                contentType: request.contentType,
                                                headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:])
            XCTAssertEqual(status, 200)
        }
    }

    func testTheLineFollowsTheSessionClaudeCodeNames() throws {
        let server = try TokentopProcess.headless(["--budget", "5"])
        try feed("claude-code", to: server)
        try feed("codex-cli", to: server)
        let port = String(server.httpPort)
        // The session heard of last: Codex's, fed last.
        let latest = try TokentopProcess.run(["statusline", "--http-port", port])
        XCTAssertEqual(latest.status, 0, latest.stderr)
        let line = latest.stdout.trimmingCharacters(in: .newlines)
        XCTAssertTrue(line.hasPrefix("$0.085 of $5.00 today · $") && line.hasSuffix("/h · codex $0.030 · ctx 0.8%"), line)
        // Claude Code gives its session on standard input.
        let claude = try TokentopProcess.run(["statusline", "--http-port", port],
                                             stdin: #"{"session_id": "d6d06ed1-6d2e-4831-a301-6cd31b5e756d", "model": {}}"#)
        XCTAssertTrue(claude.stdout.hasSuffix("/h · claude-code $0.055 · ctx 0.7%\n"), claude.stdout)
        // The endpoint itself: the report's numbers, as JSON.
        let (status, body) = try HTTPPost.send(port: server.httpPort, path: "/api/summary?session=d6d06ed1-6d2e-4831-a301-6cd31b5e756d",
                                               body: Data(), contentType: "application/json", method: "GET")
        XCTAssertEqual(status, 200)
        let summary = try XCTUnwrap(try JSONSerialization.jsonObject(with: body) as? [String: Any])
        let session = try XCTUnwrap(summary["session"] as? [String: Any])
        XCTAssertEqual(session["cost_usd"] as? Double ?? 0, 0.054682, accuracy: 1e-9)
        XCTAssertEqual(session["reported_cost_usd"] as? Double ?? 0, 0.054682, accuracy: 1e-9)
        XCTAssertEqual(session["context_window"] as? Int, 1_000_000)
        XCTAssertEqual(summary["spent_today_usd"] as? Double ?? 0, 0.054682 + 0.0298672, accuracy: 1e-9)
    }

    func testTheTokenGuardsTheSummaryAndNoTokentopIsANotice() throws {
        let server = try TokentopProcess.headless(["--token", "s3cret"])
        try feed("claude-code", to: server, token: "s3cret")
        let port = String(server.httpPort)
        let without = try TokentopProcess.run(["statusline", "--http-port", port])
        XCTAssertEqual(without.stdout, "tokentop: wrong token\n")
        let with = try TokentopProcess.run(["statusline", "--http-port", port], environment: ["TOKENTOP_TOKEN": "s3cret"])
        XCTAssertTrue(with.stdout.contains("claude-code $0.055"), with.stdout)

        // The summary is read, never written: another method is refused with what to use.
        let (posted, message) = try HTTPPost.send(port: server.httpPort, path: "/api/summary", body: Data("{}".utf8),
                                                  contentType: "application/json",
                                                  headers: ["Authorization": "Bearer s3cret"])
        XCTAssertEqual(posted, 405)
        XCTAssertEqual(String(decoding: message, as: UTF8.self), "only GET is allowed on /api/summary\n")
        let (unauthenticated, _) = try HTTPPost.send(port: server.httpPort, path: "/api/summary", body: Data(),
                                                     contentType: "application/json", method: "GET")
        XCTAssertEqual(unauthenticated, 401)

        let nobody = BoundSocket()
        let none = try TokentopProcess.run(["statusline", "--http-port", String(nobody.port)])
        XCTAssertEqual(none.status, 0, "a status bar shows the notice, not an error")
        XCTAssertEqual(none.stdout, "tokentop: not running\n")
    }
}
