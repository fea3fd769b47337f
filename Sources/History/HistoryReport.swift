import Store

/// `tokentop history`: the ledger's calls in a time range, grouped, as a table or JSON.
public struct HistoryReport: Sendable, Equatable {
    public var file: String
    public var grouping: HistoryGrouping
    /// The range asked for, [since, until), in nanoseconds since the epoch.
    public var sinceNanos: UInt64
    public var untilNanos: UInt64
    public var calendar: LocalCalendar
    public var rows: [HistoryRow]

    public init(file: String, grouping: HistoryGrouping, sinceNanos: UInt64, untilNanos: UInt64,
                calendar: LocalCalendar, rows: [HistoryRow]) {
        self.file = file
        self.grouping = grouping
        self.sinceNanos = sinceNanos
        self.untilNanos = untilNanos
        self.calendar = calendar
        self.rows = rows
    }

    public var totals: SpendHistory.Totals {
        rows.reduce(into: SpendHistory.Totals()) { $0.add($1.totals) }
    }

    /// The range as dates: `2026-11-05 … 2026-12-05`.
    var rangeLabel: String {
        let first = sinceNanos == 0 ? "the start" : LocalCalendar.dateLabel(calendar.day(atNanos: sinceNanos))
        let last = LocalCalendar.dateLabel(calendar.day(atNanos: max(untilNanos, 1) - 1))
        return "\(first) … \(last)"
    }

    private static func cost(_ t: SpendHistory.Totals) -> String {
        if t.calls == 0 { return "—" }
        if t.unpricedCalls == t.calls, t.costUSD == 0 { return "?" }
        return ReportTable.dollars(t.costUSD) + (t.unpricedCalls > 0 ? " +?" : "")
    }

    public func table() -> String {
        let lines = ["history  \(file)  ·  \(rangeLabel)  ·  by \(grouping.rawValue)", ""]
        guard !rows.isEmpty else { return (lines + ["no calls in this range"]).joined(separator: "\n") }
        let showsModels = grouping != .model
        let reported = rows.contains { $0.totals.reportedCostUSD != nil }
        var table = [[grouping.rawValue] + (showsModels ? ["models"] : [])
                     + ["calls", "input", "output", "cache read", "cache write", "reasoning", "total tokens", "cost"]
                     + (reported ? ["reported"] : [])]
        func line(_ key: String, _ models: [String], _ t: SpendHistory.Totals) -> [String] {
            let u = t.usage
            let total = u.input + u.output + u.cacheRead + u.cacheWrite + u.reasoning
            let modelText = models.count > 3 ? models.prefix(3).joined(separator: ", ") + " +\(models.count - 3)"
                : models.joined(separator: ", ")
            return [key] + (showsModels ? [modelText] : [])
                + [String(t.calls), ReportTable.grouped(u.input), ReportTable.grouped(u.output),
                   ReportTable.grouped(u.cacheRead), ReportTable.grouped(u.cacheWrite), ReportTable.grouped(u.reasoning),
                   ReportTable.grouped(total), Self.cost(t)]
                + (reported ? [t.reportedCostUSD.map(ReportTable.dollars) ?? "—"] : [])
        }
        for row in rows { table.append(line(row.key, row.models, row.totals)) }
        let first = showsModels ? 2 : 1
        table.append(line("total", [], totals))
        var rendered = ReportTable.table(table, rightAligned: Set(first..<table[0].count))
        // A rule above the total.
        let width = rendered.map(\.count).max() ?? 0
        rendered.insert(String(repeating: "─", count: width), at: rendered.count - 1)
        return (lines + rendered).joined(separator: "\n")
    }

    public func json() -> JSON {
        func totalsJSON(_ t: SpendHistory.Totals) -> [(String, JSON)] {
            [("calls", .int(Int64(t.calls))), ("input_tokens", .int(t.usage.input)), ("output_tokens", .int(t.usage.output)),
             ("cache_read_tokens", .int(t.usage.cacheRead)), ("cache_write_tokens", .int(t.usage.cacheWrite)),
             ("reasoning_tokens", .int(t.usage.reasoning)), ("cost_usd", .double(t.costUSD)),
             ("unpriced_calls", .int(Int64(t.unpricedCalls))), ("reported_cost_usd", .number(t.reportedCostUSD))]
        }
        return .object([
            ("file", .string(file)),
            ("by", .string(grouping.rawValue)),
            ("since_unix_nano", .int(Int64(sinceNanos))),
            ("until_unix_nano", .int(Int64(min(untilNanos, UInt64(Int64.max))))),
            ("utc_offset_seconds", .int(Int64(calendar.utcOffsetSeconds))),
            ("rows", .array(rows.map { row in
                .object([(grouping.rawValue, .string(row.key)), ("models", .array(row.models.map(JSON.string)))]
                        + totalsJSON(row.totals)
                        + [("first_unix_nano", .int(Int64(row.firstNanos))), ("last_unix_nano", .int(Int64(row.lastNanos)))])
            })),
            ("totals", .object(totalsJSON(totals))),
        ])
    }
}

/// `--since` and `--until`: `7d`, `12h`, `2w` before now, `today`, `yesterday`, `all`, or a date
/// `2026-11-01` (its start for `--since`, its end for `--until`).
public enum HistoryTime {
    public enum Edge: Sendable { case since, until }

    public static func parse(_ text: String, edge: Edge, nowNanos: UInt64, calendar: LocalCalendar) -> UInt64? {
        let today = calendar.day(atNanos: nowNanos)
        switch text {
        case "all": return edge == .since ? 0 : .max
        case "now": return nowNanos
        case "today": return calendar.startNanos(ofDay: edge == .since ? today : today + 1)
        case "yesterday": return calendar.startNanos(ofDay: edge == .since ? today - 1 : today)
        default: break
        }
        if let unit = text.last, let count = UInt64(text.dropLast()), let seconds = ["h": 3600, "d": 86_400, "w": 604_800][unit] {
            let back = count.multipliedReportingOverflow(by: UInt64(seconds) * 1_000_000_000)
            return back.overflow ? 0 : nowNanos - min(nowNanos, back.partialValue)
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        let day = LocalCalendar.day(year: y, month: m, day: d)
        guard LocalCalendar.civil(day) == (y, m, d) else { return nil }
        return calendar.startNanos(ofDay: edge == .since ? day : day + 1)
    }
}
