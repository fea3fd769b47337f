import Foundation
import Semantics

/// The report for people: a few aligned tables.
public enum ReportTable {
    /// Computed cost, `+?` when some calls had no price, `?` when none had; the telemetry's own cost
    /// when nothing was computed; `—` for calls without tokens.
    private static func cost(_ m: ModelTotals) -> String {
        if let usd = m.costUSD { return dollars(usd) + (m.unpricedCalls > 0 ? " +?" : "") }
        if m.unpricedCalls > 0 { return "?" }
        if let reported = m.reportedCostUSD { return dollars(reported) + " (reported)" }
        return "—"
    }

    public static func render(_ r: Report) -> String {
        var lines: [String] = []
        let c = r.counters
        lines.append("ingest   received \(c.receivedSpans) spans  stored \(c.storedSpans)  evicted \(c.evictedSpans)"
                     + "  rejected \(c.rejectedSpans)  ·  \(c.logRecords) log records  ·  \(c.metricPoints) metric points"
                     + (c.rejectedRequests > 0 ? "  ·  \(c.rejectedRequests) requests refused" : ""))
        lines.append("traces   \(r.traces)  spans \(r.spans)  agent runs \(r.agentRuns)  llm calls \(r.llmCalls)"
                     + "  tool calls \(r.toolCalls)" + (r.rejectedToolCalls > 0 ? " (\(r.rejectedToolCalls) rejected)" : "")
                     + (r.failedToolCalls > 0 ? " (\(r.failedToolCalls) failed)" : "") + "  error spans \(r.errorSpans)"
                     + (r.duplicateCalls > 0 ? "  ·  \(r.duplicateCalls) duplicate instrumentation (counted once)" : ""))
        if let h = c.history {
            lines.append("history  \(h.path) (\(h.mode.rawValue)): \(h.writtenCalls) calls, \(h.writtenTools) tool calls written"
                         + (h.unwritten > 0 ? "  ·  \(h.unwritten) NOT written" : "")
                         + (h.problem.map { "  ·  \($0)" } ?? ""))
        }
        lines.append("")
        if r.models.isEmpty {
            lines.append("no LLM calls")
        } else {
            // The cost the telemetry itself reported (a coding agent's own figure), beside tokentop's.
            let reported = r.models.contains { $0.reportedCostUSD != nil }
            var rows = [["provider", "model", "calls", "input", "output", "cache read", "cache write", "reasoning", "cost"]
                        + (reported ? ["reported"] : [])]
            for m in r.models {
                rows.append([m.provider.isEmpty ? "?" : m.provider, m.model + (m.fromMetrics ? " (metrics)" : ""),
                             String(m.calls), grouped(m.usage.input), grouped(m.usage.output),
                             grouped(m.usage.cacheRead), grouped(m.usage.cacheWrite), grouped(m.usage.reasoning),
                             cost(m)] + (reported ? [m.reportedCostUSD.map(dollars) ?? "—"] : []))
            }
            lines += table(rows, rightAligned: Set(2...(reported ? 9 : 8)))
        }
        for (title, countTitle, groups) in [("agent", "runs", r.agents), ("service", "traces", r.services),
                                            ("session", "traces", r.sessions)] where !groups.isEmpty {
            lines.append("")
            var rows = [[title, countTitle, "calls", "input", "output", "cost"]]
            for g in groups.prefix(10) {
                let spend = g.unpricedCalls > 0 ? dollars(g.costUSD) + " +?" : dollars(g.costUSD)
                rows.append([g.name, String(g.count), String(g.llmCalls), grouped(g.usage.input), grouped(g.usage.output),
                             g.llmCalls == 0 ? "—" : spend])
            }
            if groups.count > 10 { rows.append(["… \(groups.count - 10) more", "", "", "", "", ""]) }
            lines += table(rows, rightAligned: Set(1...5))
        }
        if !r.burn.isEmpty {
            lines.append("")
            lines.append("burn     " + r.burn.map { b in
                "last \(b.window.label): \(b.calls) calls, \(rate(b.rates.inputPerSecond)) in + \(rate(b.rates.outputPerSecond)) out tok/s, "
                    + dollars(b.rates.dollarsPerHour) + "/h" + (b.rates.unpricedCalls > 0 ? " +?" : "")
            }.joined(separator: "  ·  "))
        }
        lines.append("")
        if !r.finishReasons.isEmpty {
            lines.append("finish   " + r.finishReasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                .joined(separator: "  "))
        }
        lines.append("quality  truncated \(percent(r.truncationRate))  retries \(percent(r.retryRate))"
                     + "  errors \(percent(r.errorRate))"
                     + (r.feedback.count > 0 ? "  feedback n=\(r.feedback.count) mean \(fixed(r.feedback.mean ?? 0, 2))" : ""))
        lines.append("latency  " + percentiles(r.latency) + "   ttft " + percentiles(r.timeToFirstToken))
        for alert in r.alerts {
            lines.append("ALERT    \(alert.name) \(percent(alert.value)) above \(percent(alert.threshold))")
        }
        return lines.joined(separator: "\n")
    }

    public static func table(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let widths = (0..<rows[0].count).map { col in rows.map { $0[col].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { col, cell in
                let pad = String(repeating: " ", count: widths[col] - cell.count)
                return rightAligned.contains(col) ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
    }

    public static func grouped(_ v: Int64) -> String {
        let digits = String(v.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return (v < 0 ? "-" : "") + out
    }

    /// Micro-dollar precision below a cent; a positive amount too small to show is `<$0.000001`, not `$0`.
    public static func dollars(_ v: Double) -> String {
        if v > 0 && v < 0.000_000_5 { return "<$0.000001" }
        return "$" + fixed(v, v < 0.01 ? 6 : 4)
    }
    static func percent(_ v: Double) -> String { fixed(v * 100, 1) + "%" }
    static func rate(_ v: Double) -> String { fixed(v, v < 10 ? 2 : 1) }

    static func percentiles(_ p: Percentiles) -> String {
        guard let p50 = p.p50, let p95 = p.p95, let p99 = p.p99 else { return "—" }
        return "p50 \(fixed(p50, 3))s  p95 \(fixed(p95, 3))s  p99 \(fixed(p99, 3))s"
    }

    static func fixed(_ v: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", v) }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
