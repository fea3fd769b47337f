import ArgumentParser
import Config
import Foundation
import Ingest
import LoadGenerator
#if canImport(Glibc)
import Glibc
#endif

/// `tokentop statusline`: one line for a shell prompt, a tmux status bar or Claude Code's `statusLine`,
/// read from the running tokentop's `GET /api/summary`.
struct StatuslineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statusline",
        abstract: "Print one line from the running tokentop: today's spend, $/h, the session's cost and context fill.",
        discussion: """
            It asks the tokentop listening on this machine (the same address, HTTP port and token as
            `tokentop` with the same flags, TOKENTOP_* variables and configuration file) and prints
            a short notice instead when none is running. Claude Code passes its session on standard
            input, so the line follows that session. For example:
              tmux:        set -g status-right '#(tokentop statusline)'
              Claude Code: "statusLine": {"type": "command", "command": "tokentop statusline"}
            """)

    @OptionGroup(title: "Where tokentop listens") var receiver: ReceiverAddressOptions

    @Option(name: .long, help: "The bearer token tokentop was started with (default: TOKENTOP_TOKEN).")
    var token: String?

    @Option(name: .long, help: "The session to show (default: Claude Code's on standard input, else the one heard of last).")
    var session: String?

    @Option(name: .long, help: "Give up after this many seconds (default 0.5).")
    var timeout: Double = 0.5

    @OptionGroup var configOption: ConfigOption

    func run() throws {
        let config = try configOption.loadOrExit()
        let (listen, _, httpPort) = receiver.resolved(config)
        let host = AgentSetup.Receiver(listen: listen, grpcPort: 0, httpPort: httpPort, token: nil).host
        let bearer = token ?? ProcessInfo.processInfo.environment["TOKENTOP_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        let sessionID = session ?? Self.claudeCodeSession()
        var path = "/api/summary"
        if let sessionID {
            path += "?session=" + (sessionID.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "+", "="])) ?? "")
        }
        var head = "GET \(path) HTTP/1.1\r\nHost: \(host):\(httpPort)\r\nConnection: close\r\n"
        if let bearer { head += "Authorization: Bearer \(bearer)\r\n" }
        head += "\r\n"
        let reply: BlockingSocket.Reply
        do {
            let socket = try BlockingSocket(host: host, port: httpPort, timeoutSeconds: max(0.01, timeout))
            reply = try socket.exchange(head: Array(head.utf8), body: [])
        } catch let failure as BlockingSocket.Failure where failure.refused {
            print("tokentop: not running")
            return
        } catch {
            print("tokentop: no answer")
            return
        }
        switch reply.status {
        case 200: break
        case 401: print("tokentop: wrong token"); return
        case 404: print("tokentop: too old for statusline"); return
        default: print("tokentop: HTTP \(reply.status)"); return
        }
        guard let summary = try? JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any] else {
            print("tokentop: unreadable answer")
            return
        }
        print(StatusLine.text(summary))
    }

    /// Claude Code runs its status line command with a JSON description of the session on standard
    /// input; other callers give none (a terminal, /dev/null), which is not waited for.
    static func claudeCodeSession() -> String? {
        guard isatty(STDIN_FILENO) == 0 else { return nil }
        var input: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var poller = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        while input.count < 1 << 20, poll(&poller, 1, 50) > 0 {
            let count = read(STDIN_FILENO, &chunk, chunk.count)
            guard count > 0 else { break }
            input += chunk[..<count]
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(input)) as? [String: Any] else { return nil }
        return (object["session_id"] as? String).flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// `$0.85 today · $1.20/h · claude-code $0.12 · ctx 37%`
enum StatusLine {
    static func text(_ summary: [String: Any]) -> String {
        func dollars(_ value: Double) -> String {
            value >= 100 ? String(format: "$%.0f", value) : value >= 1 ? String(format: "$%.2f", value)
                : value == 0 ? "$0" : String(format: "$%.3f", value)
        }
        let today = summary["spent_today_usd"] as? Double ?? 0
        var parts = [dollars(today) + ((summary["budget_usd"] as? Double).map { " of " + dollars($0) } ?? "") + " today"]
        parts.append(dollars(summary["usd_per_hour"] as? Double ?? 0) + "/h")
        if let session = summary["session"] as? [String: Any] {
            let name = session["agent"] as? String ?? session["service"] as? String ?? "session"
            let cost = (session["cost_usd"] as? Double) ?? (session["reported_cost_usd"] as? Double)
            var text = name + " " + (cost.map(dollars) ?? "?")
            if (session["unpriced_calls"] as? Int ?? 0) > 0, session["cost_usd"] is Double { text += "+?" }
            parts.append(text)
            if let fill = session["context_fill"] as? Double {
                let percent = fill < 0.1 ? String(format: "%.1f", fill * 100) : String(format: "%.0f", fill * 100)
                parts.append("ctx " + percent + "%" + (fill >= 0.8 ? " ⚠" : ""))
            }
        }
        return parts.joined(separator: " · ")
    }
}
