import Foundation
import LoadGenerator
#if canImport(Glibc)
import Glibc
#endif

/// `$0.85 today · $1.20/h · claude-code $0.12 · ctx 37%`
public enum StatusLine {
    /// Asks the tokentop listening at host:port for its summary (of `session` when given) and makes the
    /// line, or a short notice when none answers.
    public static func fetch(host: String, port: Int, bearer: String?, session: String?, timeoutSeconds: Double) -> String {
        var path = "/api/summary"
        if let session {
            path += "?session=" + (session.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "+", "="])) ?? "")
        }
        var head = "GET \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        if let bearer { head += "Authorization: Bearer \(bearer)\r\n" }
        head += "\r\n"
        let reply: BlockingSocket.Reply
        do {
            let socket = try BlockingSocket(host: host, port: port, timeoutSeconds: max(0.01, timeoutSeconds))
            reply = try socket.exchange(head: Array(head.utf8), body: [])
        } catch let failure as BlockingSocket.Failure where failure.refused {
            return "tokentop: not running"
        } catch {
            return "tokentop: no answer"
        }
        switch reply.status {
        case 200: break
        case 401: return "tokentop: wrong token"
        case 404: return "tokentop: too old for statusline"
        default: return "tokentop: HTTP \(reply.status)"
        }
        guard let summary = try? JSONSerialization.jsonObject(with: Data(reply.body)) as? [String: Any] else {
            return "tokentop: unreadable answer"
        }
        return text(summary)
    }

    /// Claude Code runs its status line command with a JSON description of the session on standard
    /// input; other callers give none (a terminal, /dev/null), which is not waited for.
    public static func claudeCodeSession() -> String? {
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

    /// `$0.85 today · $1.20/h · claude-code $0.12 · ctx 37%` from `/api/summary`'s JSON.
    public static func text(_ summary: [String: Any]) -> String {
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
