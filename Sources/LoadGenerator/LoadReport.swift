import Foundation
import Ingest

/// What a run sent and what the server said about it. Its counts are of the plan's records: spans,
/// or log records with `--signal logs` (the JSON keeps the `spans_` names and says which `signal`).
public struct LoadReport: Sendable {
    public var plan: LoadPlan
    public var requests: Int
    public var spansSent: Int
    public var spansAccepted: Int
    public var spansRejected: Int
    public var refusedRequests: Int
    public var failedRequests: Int
    public var bytesSent: Int
    /// Uncompressed request bytes per span of the full-size request.
    public var bytesPerSpan: Double
    public var seconds: Double
    public var firstProblem: String?

    public var spansPerSecond: Double { seconds > 0 ? Double(spansAccepted) / seconds : 0 }
    public var bytesPerSecond: Double { seconds > 0 ? Double(bytesSent) / seconds : 0 }
    public var isClean: Bool { refusedRequests == 0 && failedRequests == 0 && spansRejected == 0 }

    public var json: String {
        func number(_ value: Double) -> String { String(format: "%.1f", value) }
        var fields = [
            "\"protocol\": \"\(plan.transport.rawValue)\"",
            "\"signal\": \"\(plan.signal.rawValue)\"",
            "\"target\": \"\(plan.host):\(plan.port)\"",
            "\"gzip\": \(plan.gzip)",
            "\"spans_per_request\": \(plan.spansPerRequest)",
            "\"concurrency\": \(plan.concurrency)",
            "\"requests\": \(requests)",
            "\"spans_sent\": \(spansSent)",
            "\"spans_accepted\": \(spansAccepted)",
            "\"spans_rejected\": \(spansRejected)",
            "\"refused_requests\": \(refusedRequests)",
            "\"failed_requests\": \(failedRequests)",
            "\"bytes_sent\": \(bytesSent)",
            "\"bytes_per_span\": \(number(bytesPerSpan))",
            "\"seconds\": \(String(format: "%.3f", seconds))",
            "\"spans_per_second\": \(number(spansPerSecond))",
            "\"bytes_per_second\": \(number(bytesPerSecond))",
        ]
        if let firstProblem {
            let escaped = firstProblem.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: " ")
            fields.append("\"first_problem\": \"\(escaped)\"")
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    public var text: String {
        func grouped(_ value: Int) -> String {
            let digits = Array(String(value))
            var out = ""
            for (i, d) in digits.enumerated() {
                if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
                out.append(d)
            }
            return out
        }
        let (records, record) = plan.signal == .logs ? ("log records", "record") : ("spans", "span")
        var lines = [
            "tokentop load: \(plan.transport.rawValue)\(plan.gzip ? " gzip" : "") → \(plan.host):\(plan.port), "
                + "\(plan.spansPerRequest) \(records)/request, \(plan.concurrency) connections, "
                + "\(Int(bytesPerSpan.rounded())) bytes/\(record)",
            "sent      \(grouped(requests)) requests, \(grouped(spansSent)) \(records), \(grouped(bytesSent)) bytes in "
                + String(format: "%.2f s", seconds),
            "accepted  \(grouped(spansAccepted)) \(records)   rejected \(grouped(spansRejected)) \(records)   "
                + "refused \(grouped(refusedRequests)) requests   errors \(grouped(failedRequests))",
            "rate      \(grouped(Int(spansPerSecond.rounded()))) \(records)/s accepted   "
                + String(format: "%.1f MB/s", bytesPerSecond / 1e6),
        ]
        if let firstProblem { lines.append("first problem: \(firstProblem)") }
        return lines.joined(separator: "\n")
    }
}
