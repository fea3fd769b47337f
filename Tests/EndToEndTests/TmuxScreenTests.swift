import Foundation
import History
import Ingest
import XCTest

/// The real ncurses screen in a real terminal (tmux), fed a fixture over OTLP/HTTP.
final class TmuxScreenTests: XCTestCase {
    /// A tmux server of the test's own: XCTest makes a new instance for each test, so each test gets a
    /// server of its own, and the previous test's server, still shutting down after `kill-server`,
    /// never receives the next test's session.
    private var tmuxServer = "tokentop-test-\(getpid())-\(UUID().uuidString.prefix(8))"

    /// Runs a tmux client command with posix_spawn and waitpid. Foundation's `Process` would wait
    /// for the tmux server that `new-session` forks, which inherits its descriptors and outlives it.
    private func tmux(_ args: [String]) throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("tmux-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv = ["tmux", "-L", tmuxServer] + args
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, "tmux", &actions, nil, &cArgs, environ)
        guard spawned == 0 else { throw NSError(domain: "tmux", code: Int(spawned)) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
    }

    private func screen() throws -> String { try tmux(["capture-pane", "-p", "-t", "tt"]) }

    private func waitFor(_ needle: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var text = ""
        while Date() < deadline {
            text = try screen()
            if text.contains(needle) {
                // A capture can land in the middle of a redraw: wait for the screen to settle.
                for _ in 0..<20 {
                    Thread.sleep(forTimeInterval: 0.05)
                    let again = try screen()
                    if again == text { break }
                    text = again
                }
                if text.contains(needle) { return text }
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        XCTFail("'\(needle)' never appeared on screen:\n\(text)")
        return text
    }

    /// Starts tokentop in the test's tmux server and returns its OTLP/HTTP port. Ports are picked by
    /// tokentop itself (0) and read back from the empty screen: a port chosen beforehand can be taken
    /// by another test's connection in between.
    private func startTokentop(width: Int, height: Int) throws -> Int {
        try startTokentopWithPorts(width: width, height: height).http
    }

    /// The same, with both ports: the empty screen names the HTTP endpoint first, then the gRPC one.
    private func startTokentopWithPorts(width: Int, height: Int, extra: [String] = [],
                                        stateHome: String = TokentopProcess.freshStateHome()) throws -> (http: Int, grpc: Int) {
        let arguments = (["--grpc-port", "0", "--http-port", "0"] + extra).map { "'\($0)'" }.joined(separator: " ")
        let command = "\(TokentopProcess.binary.path) \(arguments); echo TOKENTOP-EXITED-$?; sleep 30"
        _ = try tmux(["new-session", "-d", "-s", "tt", "-x", "\(width)", "-y", "\(height)", "env", "TERM=xterm-256color", "XDG_STATE_HOME=" + stateHome,
                      "bash", "-c", command])
        let endpoint = "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:"
        let text = try waitFor("OTLP/gRPC")
        let ports = text.ranges(of: endpoint).compactMap { Int(text[$0.upperBound...].prefix { $0.isNumber }) }
        XCTAssertEqual(ports.count, 2, "both endpoints on the empty screen:\n\(text)")
        return (try XCTUnwrap(ports.first), try XCTUnwrap(ports.last))
    }

    override func tearDown() {
        _ = try? tmux(["kill-server"])
    }

    func testTraceAppearsOnScreenAndQuitRestoresTheTerminal() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed")
        }
        let port = try startTokentop(width: 160, height: 40)
        var text: String
        for request in try Scenario(name: "seed-agent").requests() {
            _ = try HTTPPost.send(port: port, path: "/v1/\(request.signal)", body: request.body, contentType: request.contentType)
        }
        text = try waitFor("recv 21 ")
        XCTAssertTrue(text.contains("orchestrator-agent"), text)
        XCTAssertTrue(text.contains("recv 21"), text)
        // Tab focuses the side panes in turn; Esc gives the focus back to the list.
        _ = try tmux(["send-keys", "-t", "tt", "Tab"])
        _ = try waitFor("Esc back to traces")
        _ = try tmux(["send-keys", "-t", "tt", "Escape"])
        _ = try waitFor("⏎ open trace")
        // Into the newest trace: its span tree with tool spans and token counts.
        _ = try tmux(["send-keys", "-t", "tt", "G", "Enter"])
        text = try waitFor("tool.web-search")
        XCTAssertTrue(text.contains("tokentop ›"), text)
        XCTAssertTrue(text.contains("agent.research-agent") || text.contains("agent.orchestrator-agent"), text)
        XCTAssertTrue(text.contains("llm gpt-4o"), text)
        XCTAssertTrue(text.range(of: #"\d+→\d+"#, options: .regularExpression) != nil, "token counts:\n\(text)")
        // Into its first LLM call: the call summary and the conversation.
        _ = try tmux(["send-keys", "-t", "tt", "j", "Enter"])
        text = try waitFor("Conversation")
        XCTAssertTrue(text.contains("provider    openai"), text)
        XCTAssertTrue(text.contains("user"), text)
        // The value under the cursor on the whole screen, and back.
        _ = try tmux(["send-keys", "-t", "tt", "Enter"])
        text = try waitFor("y copy value")
        XCTAssertTrue(text.contains(" bytes "), text)
        _ = try tmux(["send-keys", "-t", "tt", "Escape"])
        _ = try waitFor("⏎ expand value")
        // Back out to the list, then quit.
        _ = try tmux(["send-keys", "-t", "tt", "Escape"])
        _ = try waitFor("tool.web-search")
        _ = try tmux(["send-keys", "-t", "tt", "Escape"])
        _ = try waitFor("Traces (")
        _ = try tmux(["send-keys", "-t", "tt", "q"])
        text = try waitFor("TOKENTOP-EXITED-0")
        XCTAssertFalse(text.contains("research-agent"), "the screen is restored after q:\n\(text)")
    }

    func testControlCAndACrashBothRestoreTheTerminal() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed")
        }
        for (how, status) in [("C-c", "0"), ("SIGSEGV", "139")] {
            _ = try? tmux(["kill-server"])
            tmuxServer = "tokentop-test-\(getpid())-\(how)"
            let command = "echo BEFORE; \(TokentopProcess.binary.path) --grpc-port 0 --http-port 0; echo TOKENTOP-EXITED-$?; sleep 30"
            _ = try tmux(["new-session", "-d", "-s", "tt", "-x", "100", "-y", "20", "env", "TERM=xterm-256color", "XDG_STATE_HOME=" + TokentopProcess.freshStateHome(), "bash", "-c", command])
            _ = try waitFor("No traces yet")
            if how == "C-c" {
                _ = try tmux(["send-keys", "-t", "tt", "C-c"])
            } else {
                let shell = try tmux(["display-message", "-p", "-t", "tt", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
                let pid = try XCTUnwrap(childPID(of: shell), "no tokentop under the pane's shell")
                kill(pid, SIGSEGV)
            }
            let text = try waitFor("TOKENTOP-EXITED-\(status)")
            XCTAssertTrue(text.contains("BEFORE"), "the shell's screen is back after \(how):\n\(text)")
            XCTAssertFalse(text.contains("No traces yet"), "the dashboard is gone after \(how):\n\(text)")
        }
    }

    func testResizeStormsAndATinyTerminalDoNotCrash() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed")
        }
        let command = "\(TokentopProcess.binary.path) --demo --grpc-port 0 --http-port 0; echo TOKENTOP-EXITED-$?; sleep 30"
        _ = try tmux(["new-session", "-d", "-s", "tt", "-x", "160", "-y", "40", "env", "TERM=xterm-256color", "XDG_STATE_HOME=" + TokentopProcess.freshStateHome(), "bash", "-c", command])
        _ = try waitFor("DEMO")
        let sizes = [(20, 5), (250, 70), (1, 1), (80, 24), (33, 7), (200, 50), (20, 5), (5, 20), (140, 30)]
        for round in 0..<60 {
            let (width, height) = sizes[round % sizes.count]
            _ = try tmux(["resize-window", "-t", "tt", "-x", String(width), "-y", String(height)])
            if round % 7 == 0 { _ = try tmux(["send-keys", "-t", "tt", "Tab"]) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        _ = try tmux(["resize-window", "-t", "tt", "-x", "20", "-y", "5"])
        // The last resize is drawn within a few frames; a loaded machine may take longer than one.
        var tiny = try screen()
        for _ in 0..<50 where !tiny.contains("tokentop") && !tiny.contains("TOKENTOP-EXITED") {
            Thread.sleep(forTimeInterval: 0.1)
            tiny = try screen()
        }
        XCTAssertFalse(tiny.contains("TOKENTOP-EXITED"), "still running at 20×5:\n\(tiny)")
        XCTAssertTrue(tiny.contains("tokentop"), "something legible at 20×5:\n\(tiny)")
        _ = try tmux(["resize-window", "-t", "tt", "-x", "120", "-y", "30"])
        // The Tabs left a side pane in front (full screen below 140 columns); Esc goes back to the list.
        _ = try tmux(["send-keys", "-t", "tt", "Escape"])
        _ = try waitFor("Traces (")
        _ = try tmux(["send-keys", "-t", "tt", "q"])
        _ = try waitFor("TOKENTOP-EXITED-0")
    }

    /// `H` on a ledger of four weeks: the days' bars, the weeks and months, a day's calls, and back.
    func testTheHistoryScreenOnAFewWeeksOfLedger() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed")
        }
        let folder = TokentopProcess.freshStateHome()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/history.sqlite"
        do {
            // Synthetic past days, labelled so (service synthetic-history). Day N's calls are made in
            // the 12 hours before N days before the next local midnight, so they fall on the Nth local
            // day before today whatever the hour the test runs (at 00:10 "N days before now" would not).
            let opened = OpenedHistory.open(path: path, retentionDays: 400)
            let nextMidnight = Calendar.current.date(byAdding: .day, value: 1, to: Calendar.current.startOfDay(for: Date()))!
            try XCTUnwrap(opened.ledger).write(SyntheticHistory.calls(days: 27, before: UInt64(nextMidnight.timeIntervalSince1970 * 1e9)))
            opened.close()
        }
        let command = "\(TokentopProcess.binary.path) --grpc-port 0 --http-port 0 --history \(path); echo TOKENTOP-EXITED-$?; sleep 30"
        _ = try tmux(["new-session", "-d", "-s", "tt", "-x", "150", "-y", "40", "env", "TERM=xterm-256color", "bash", "-c", command])
        _ = try waitFor("OTEL_EXPORTER_OTLP_ENDPOINT")
        _ = try tmux(["send-keys", "-t", "tt", "H"])
        let days = try waitFor("Spend history · last 30 days by model")
        XCTAssertTrue(days.contains("Most expensive sessions") && days.contains("synthetic-d"), days)
        XCTAssertTrue(days.contains("Weeks") && days.contains("Months"), days)
        XCTAssertTrue(days.contains("█ "), "the legend's first model: \(days)")
        _ = try tmux(["send-keys", "-t", "tt", "s"])
        _ = try waitFor("last 30 days by service")
        _ = try tmux(["send-keys", "-t", "tt", "k", "Enter"])
        let day = try waitFor("Calls")
        XCTAssertTrue(day.contains("synthetic-d1-s"), day)
        _ = try tmux(["send-keys", "-t", "tt", "Escape", "Escape"])
        _ = try waitFor("Traces (")
        _ = try tmux(["send-keys", "-t", "tt", "q"])
        _ = try waitFor("TOKENTOP-EXITED-0")
    }

    func testTheScreenKeepsRedrawingUnderAFlood() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed")
        }
        let command = "\(TokentopProcess.binary.path) --grpc-port 0 --http-port 0 --max-memory 256; echo TOKENTOP-EXITED-$?; sleep 30"
        _ = try tmux(["new-session", "-d", "-s", "tt", "-x", "200", "-y", "50", "env", "TERM=xterm-256color", "XDG_STATE_HOME=" + TokentopProcess.freshStateHome(), "bash", "-c", command])
        let text = try waitFor("OTEL_EXPORTER_OTLP_PROTOCOL=grpc")
        let grpcLine = try XCTUnwrap(text.split(separator: "\n").first { $0.contains("grpc ") && $0.contains("127.0.0.1:") })
        let grpcPort = try XCTUnwrap(grpcLine.components(separatedBy: "grpc 127.0.0.1:").dropFirst().first
            .flatMap { Int($0.prefix { $0.isNumber }) }, "no gRPC port in: \(grpcLine)")
        let load = try TokentopProcess(["load", "--protocol", "grpc", "--target", "127.0.0.1:\(grpcPort)",
                                        "--concurrency", "8", "--duration", "6"])
        var headers: [String] = []
        for _ in 0..<4 {
            Thread.sleep(forTimeInterval: 1.2)
            let line = try screen().split(separator: "\n").first.map(String.init) ?? ""
            headers.append(line.components(separatedBy: "recv ").dropFirst().first?.prefix { $0 != " " }.description ?? "")
        }
        _ = try load.collect(timeout: 60)
        XCTAssertGreaterThanOrEqual(Set(headers).count, 3, "the header's received count moves while the flood runs: \(headers)")
        _ = try tmux(["send-keys", "-t", "tt", "q"])
        _ = try waitFor("TOKENTOP-EXITED-0")
    }

    private func childPID(of parent: String) -> pid_t? {
        let children = (try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8)) ?? ""
        return children.split(separator: " ").first.flatMap { pid_t($0) }
    }

    /// Claude Code's default telemetry (logs and metrics, no traces), as it sent it: the session, its
    /// context gauge and its timeline on the real screen.
    func testACodingAgentSessionFromItsLogsAlone() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed")
        }
        let port = try startTokentop(width: 150, height: 32)
        var text: String
        for request in try Scenario(name: "claude-code").requests() where request.signal != "traces" {
            _ = try HTTPPost.send(port: port, path: "/v1/\(request.signal)", body: request.body, contentType: request.contentType)
        }
        text = try waitFor("today $0.055")
        XCTAssertTrue(text.contains("claude-sonnet-4-5"), "cost by model:\n\(text)")
        // No trace came: the main screen shows the running session instead.
        XCTAssertTrue(text.contains("▶ claude-code  d6d06ed1-6d2e…  6 calls  $0.055"), text)
        _ = try tmux(["send-keys", "-t", "tt", "S"])
        text = try waitFor("Sessions (1 running")
        XCTAssertTrue(text.contains("d6d06ed1-6d2e-4"), text)
        XCTAssertTrue(text.contains("claude-code") && text.contains("3 ⊘1") && text.contains("0.7%"), text)
        _ = try tmux(["send-keys", "-t", "tt", "Enter"])
        text = try waitFor("Session d6d06ed1-6d2e-4831-a301-6cd31b5e756d")
        XCTAssertTrue(text.contains("› What is the launch code in notes.txt?"), text)
        XCTAssertTrue(text.contains("⚙ Write ⊘ rejected by config"), text)
        XCTAssertTrue(text.contains("reported by the agent $0.055"), text)
        _ = try tmux(["send-keys", "-t", "tt", "Enter"])
        text = try waitFor("attributes (")
        XCTAssertTrue(text.contains("cost_usd"), text)
        _ = try tmux(["send-keys", "-t", "tt", "Escape", "Escape", "Escape", "q"])
        text = try waitFor("TOKENTOP-EXITED-0")
    }

    /// Problems while the screen is up (a bad line in a followed file, the file deleted) are shown on the
    /// notice line and written to the log file, never over the screen.
    func testProblemsGoToTheNoticeLineAndTheLogNotOverTheScreen() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed")
        }
        let stateHome = TokentopProcess.freshStateHome()
        defer { try? FileManager.default.removeItem(atPath: stateHome) }
        let followed = FileManager.default.temporaryDirectory.appendingPathComponent("feed-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: followed) }
        try "this is not OTLP\n".write(to: followed, atomically: false, encoding: .utf8)
        _ = try startTokentopWithPorts(width: 150, height: 32, extra: ["--follow", followed.path], stateHome: stateHome)
        var text = try waitFor("⚠ \(followed.path):1: ")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines.first?.contains("tokentop") == true, "the header is intact:\n\(text)")
        XCTAssertEqual(lines.filter { $0.contains(followed.lastPathComponent) }.count, 1, "said once, on the notice line:\n\(text)")
        try FileManager.default.removeItem(at: followed)
        text = try waitFor("is not there; waiting for it")
        let log = try String(contentsOfFile: stateHome + "/tokentop/tokentop.log", encoding: .utf8)
        XCTAssertTrue(log.contains(" warning tokentop: \(followed.path):1: "), log)
        XCTAssertTrue(log.contains(" warning tokentop: \(followed.path) is not there; waiting for it"), log)
        _ = try tmux(["send-keys", "-t", "tt", "q"])
        _ = try waitFor("TOKENTOP-EXITED-0")
    }

    /// The theme picked with `t` is the one the next start opens with.
    func testThePickedThemeIsRemembered() throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed")
        }
        let stateHome = TokentopProcess.freshStateHome()
        defer { try? FileManager.default.removeItem(atPath: stateHome) }
        let remembered = stateHome + "/tokentop/theme"
        func pickNextThemeAndQuit() throws -> String? {
            _ = try startTokentopWithPorts(width: 120, height: 30, stateHome: stateHome)
            _ = try tmux(["send-keys", "-t", "tt", "t"])
            let deadline = Date().addingTimeInterval(10)
            let before = try? String(contentsOfFile: remembered, encoding: .utf8)
            var now = before
            while now == before, Date() < deadline {
                Thread.sleep(forTimeInterval: 0.05)
                now = try? String(contentsOfFile: remembered, encoding: .utf8)
            }
            _ = try tmux(["send-keys", "-t", "tt", "q"])
            _ = try waitFor("TOKENTOP-EXITED-0")
            _ = try tmux(["kill-session", "-t", "tt"])
            return now?.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // default → light, remembered; the next start opens with light, so t moves on from it.
        XCTAssertEqual(try pickNextThemeAndQuit(), "light")
        XCTAssertEqual(try pickNextThemeAndQuit(), "default", "the second start began with light")
    }

    /// The Codex CLI's capture sent over OTLP/gRPC: its session and the tool call's output on screen.
    func testACodexSessionOverGRPC() async throws {
        guard FileManager.default.fileExists(atPath: "/usr/bin/tmux") else {
            throw XCTSkip("tmux is not installed")
        }
        let ports = try startTokentopWithPorts(width: 150, height: 40)
        try await GRPCSender.with(port: ports.grpc) { sender in
            for request in try Scenario(name: "codex-cli").requests() {
                try await sender.export(request.body, signal: Signal(rawValue: request.signal)!)
            }
        }
        var text = try waitFor("today $0.030")
        _ = try tmux(["send-keys", "-t", "tt", "S"])
        text = try waitFor("Sessions (1 running")
        XCTAssertTrue(text.contains("codex") && text.contains("gpt-5.5 +1"), text)
        _ = try tmux(["send-keys", "-t", "tt", "Enter"])
        text = try waitFor("Session 01a24649-3c01-7233-a885-c7cf47a8083b")
        XCTAssertTrue(text.contains("› Show me the launch code in notes.txt."), text)
        XCTAssertTrue(text.contains("⚙ exec_command accepted by Config ✓"), text)
        // The tool call: the first prompt, its first call, then the tool.
        _ = try tmux(["send-keys", "-t", "tt", "g", "j", "j", "Enter"])
        text = try waitFor("tool call · exec_command")
        XCTAssertTrue(text.contains("The launch code is 7421."), text)
        _ = try tmux(["send-keys", "-t", "tt", "q"])
        _ = try waitFor("TOKENTOP-EXITED-0")
    }
}
