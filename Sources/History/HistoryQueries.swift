import GRDB
import Semantics
import Store

/// What `tokentop history --by` groups calls by.
public enum HistoryGrouping: String, Sendable, CaseIterable {
    case day, week, month, model, service, session, agent

    var isPeriod: Bool { self == .day || self == .week || self == .month }
}

/// One row of `tokentop history`: a day, week or month, or a model, service, session or agent.
public struct HistoryRow: Sendable, Equatable {
    public var key: String
    /// The models of the row's calls, most expensive first.
    public var models: [String]
    public var totals: SpendHistory.Totals
    public var firstNanos: UInt64
    public var lastNanos: UInt64
}

extension CallLedger {
    /// SQL that sums a group of calls: calls, tokens, cost, unpriced calls, reported cost.
    private static let sums = """
        count(*), sum(input), sum(output), sum(cache_read), sum(cache_write), sum(reasoning), total(cost_usd),
        sum(cost_usd IS NULL AND input + output + cache_read + cache_write + reasoning > 0), sum(reported_cost_usd),
        min(started_ms), max(started_ms)
        """

    /// Reads the columns of `sums` starting at `index`.
    private static func totals(_ row: Row, from index: Int) -> (SpendHistory.Totals, UInt64, UInt64) {
        var totals = SpendHistory.Totals()
        totals.calls = row[index]
        totals.usage = TokenUsage(input: row[index + 1] ?? 0, output: row[index + 2] ?? 0, cacheRead: row[index + 3] ?? 0,
                                  cacheWrite: row[index + 4] ?? 0, reasoning: row[index + 5] ?? 0)
        totals.costUSD = row[index + 6]
        totals.unpricedCalls = row[index + 7] ?? 0
        totals.reportedCostUSD = row[index + 8]
        let first: Int64 = row[index + 9] ?? 0, last: Int64 = row[index + 10] ?? 0
        return (totals, UInt64(max(0, first)) * 1_000_000, UInt64(max(0, last)) * 1_000_000)
    }

    private static func dayExpression(_ calendar: LocalCalendar) -> String {
        // Integer division truncates: the ledger holds no calls from before 1970.
        "((started_ms / 1000 + \(calendar.utcOffsetSeconds)) / 86400)"
    }


    /// `tokentop history`: calls that started in [since, until), grouped. Grouped by key and model in
    /// SQL, then folded by key here, the models of each key kept most expensive first.
    public func historyRows(since: UInt64, until: UInt64, by grouping: HistoryGrouping,
                            calendar: LocalCalendar) throws -> [HistoryRow] {
        let keyColumn = grouping.isPeriod ? Self.dayExpression(calendar) : "g.text"
        let join = grouping.isPeriod ? "" : "JOIN label g ON g.id = call.\(grouping.rawValue)"
        let group = grouping.isPeriod ? "day" : "call.\(grouping.rawValue)"
        let rows = try reading { db in
            try Row.fetchAll(db, sql: """
                SELECT \(keyColumn) AS day, m.text, \(Self.sums)
                FROM call JOIN label m ON m.id = call.model \(join)
                WHERE started_ms >= ? AND started_ms < ? GROUP BY \(group), call.model
                """, arguments: [Self.millis(since), Self.millis(until)])
        }
        var byKey: [String: (row: HistoryRow, order: Int64, modelCost: [String: Double])] = [:]
        for row in rows {
            let (totals, first, last) = Self.totals(row, from: 2)
            let key: String, order: Int64
            if grouping.isPeriod {
                let day: Int64 = row[0]
                switch grouping {
                case .week: (key, order) = (LocalCalendar.weekLabel(day), LocalCalendar.weekStart(day))
                case .month: (key, order) = (LocalCalendar.monthLabel(day), LocalCalendar.monthStart(day))
                default: (key, order) = (LocalCalendar.dateLabel(day), day)
                }
            } else {
                let name: String = row[0]
                (key, order) = (name.isEmpty ? "(none)" : name, 0)
            }
            var entry = byKey[key] ?? (HistoryRow(key: key, models: [], totals: .init(), firstNanos: first, lastNanos: last), order, [:])
            entry.row.totals.add(totals)
            entry.row.firstNanos = min(entry.row.firstNanos, first)
            entry.row.lastNanos = max(entry.row.lastNanos, last)
            entry.modelCost[row[1] as String, default: 0] += totals.costUSD
            byKey[key] = entry
        }
        let folded = byKey.values.map { entry in
            var row = entry.row
            row.models = grouping == .model ? [] : entry.modelCost.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map(\.key)
            return (row: row, order: entry.order)
        }
        if grouping.isPeriod { return folded.sorted { $0.order < $1.order }.map(\.row) }
        return folded.map(\.row)
            .sorted { ($0.totals.costUSD, $0.totals.calls, $1.key) > ($1.totals.costUSD, $1.totals.calls, $0.key) }
    }

    /// The history screen: the last `days` days split by `split`, the weeks and months they touch, and
    /// the most expensive sessions.
    public func spendHistory(split: SpendHistory.Split, days: Int, nowNanos: UInt64,
                             calendar: LocalCalendar) throws -> SpendHistory {
        let today = calendar.day(atNanos: nowNanos)
        let firstDay = today - Int64(days) + 1
        // Months are shown whole: from the first day of the month the first week begins in.
        let periodStart = min(LocalCalendar.monthStart(firstDay), LocalCalendar.weekStart(firstDay))
        let dayColumn = Self.dayExpression(calendar)
        return try reading { db in
            var history = SpendHistory(split: split, today: today,
                                       days: (firstDay...today).map { SpendHistory.Day(day: $0) })
            let split = try Row.fetchAll(db, sql: """
                SELECT \(dayColumn) AS day, g.text, \(Self.sums)
                FROM call JOIN label g ON g.id = call.\(split.rawValue)
                WHERE started_ms >= ? GROUP BY day, call.\(split.rawValue)
                """, arguments: [Self.millis(calendar.startNanos(ofDay: firstDay))])
            for row in split {
                let day: Int64 = row[0]
                guard day >= firstDay, day <= today else { continue }
                let (totals, _, _) = Self.totals(row, from: 2)
                let index = Int(day - firstDay)
                history.days[index].totals.add(totals)
                let name: String = row[1]
                history.days[index].parts.append((name.isEmpty ? "(none)" : name, totals.costUSD))
            }
            for index in history.days.indices {
                history.days[index].parts.sort { ($0.costUSD, $1.name) > ($1.costUSD, $0.name) }
            }
            let perDay = try Row.fetchAll(db, sql: """
                SELECT \(dayColumn) AS day, \(Self.sums) FROM call WHERE started_ms >= ? GROUP BY day
                """, arguments: [Self.millis(calendar.startNanos(ofDay: periodStart))])
            var weeks: [Int64: SpendHistory.Period] = [:], months: [Int64: SpendHistory.Period] = [:]
            for week in stride(from: LocalCalendar.weekStart(firstDay), through: today, by: 7) {
                weeks[week] = .init(label: LocalCalendar.weekLabel(week), firstDay: week)
            }
            var month = LocalCalendar.monthStart(firstDay)
            while month <= today {
                months[month] = .init(label: LocalCalendar.monthLabel(month), firstDay: month)
                let (y, m, _) = LocalCalendar.civil(month)
                month = LocalCalendar.day(year: m == 12 ? y + 1 : y, month: m == 12 ? 1 : m + 1, day: 1)
            }
            for row in perDay {
                let day: Int64 = row[0]
                guard day <= today else { continue }
                let (totals, _, _) = Self.totals(row, from: 1)
                weeks[LocalCalendar.weekStart(day)]?.totals.add(totals)
                months[LocalCalendar.monthStart(day)]?.totals.add(totals)
            }
            history.weeks = weeks.values.sorted { $0.firstDay < $1.firstDay }
            history.months = months.values.sorted { $0.firstDay < $1.firstDay }
            history.topSessions = try Self.sessions(db, from: calendar.startNanos(ofDay: firstDay), until: .max, limit: 10)
            history.ledgerCalls = try Int.fetchOne(db, sql: "SELECT count(*) FROM call") ?? 0
            history.ledgerTools = try Int.fetchOne(db, sql: "SELECT count(*) FROM tool_call") ?? 0
            history.oldestNanos = try Int64.fetchOne(db, sql: "SELECT min(started_ms) FROM call").map { UInt64(max(0, $0)) * 1_000_000 }
            return history
        }
    }

    /// Sessions (with one) whose calls started in the range, most expensive first.
    private static func sessions(_ db: Database, from: UInt64, until: UInt64, limit: Int) throws -> [SpendHistory.Session] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT s.text, max(a.text), max(sv.text), group_concat(DISTINCT m.text), \(sums)
            FROM call JOIN label s ON s.id = call.session JOIN label a ON a.id = call.agent
                JOIN label sv ON sv.id = call.service JOIN label m ON m.id = call.model
            WHERE started_ms >= ? AND started_ms < ? AND s.text <> ''
            GROUP BY call.session ORDER BY total(cost_usd) DESC, count(*) DESC LIMIT ?
            """, arguments: [millis(from), millis(until), limit])
        return rows.map { row in
            let (totals, first, last) = Self.totals(row, from: 4)
            var session = SpendHistory.Session(id: row[0], agent: row[1] ?? "", service: row[2] ?? "",
                                               models: ((row[3] as String?) ?? "").split(separator: ",").map(String.init).sorted(),
                                               firstNanos: first, lastNanos: last)
            session.totals = totals
            return session
        }
    }

    /// One day's sessions and its latest calls.
    public func historyDay(_ day: Int64, calendar: LocalCalendar) throws -> HistoryDay {
        let from = calendar.startNanos(ofDay: day), until = calendar.startNanos(ofDay: day + 1)
        return try reading { db in
            let sumRow = try Row.fetchOne(db, sql: "SELECT \(Self.sums) FROM call WHERE started_ms >= ? AND started_ms < ?",
                                          arguments: [Self.millis(from), Self.millis(until)])
            let totals = sumRow.map { Self.totals($0, from: 0).0 } ?? .init()
            let sessions = try Self.sessions(db, from: from, until: until, limit: 50)
            let calls = try Row.fetchAll(db, sql: """
                SELECT started_ms, s.text, se.text, a.text, m.text, input, output, cache_read, cache_write, reasoning,
                    cost_usd, duration_s, error
                FROM call JOIN label s ON s.id = call.service JOIN label se ON se.id = call.session
                    JOIN label a ON a.id = call.agent JOIN label m ON m.id = call.model
                WHERE started_ms >= ? AND started_ms < ? ORDER BY started_ms DESC, call.id DESC LIMIT ?
                """, arguments: [Self.millis(from), Self.millis(until), HistoryDay.callLimit]).map { row in
                HistoryDay.Call(startNanos: UInt64(max(0, row[0] as Int64)) * 1_000_000, service: row[1], session: row[2],
                                agent: row[3], model: row[4],
                                usage: TokenUsage(input: row[5], output: row[6], cacheRead: row[7], cacheWrite: row[8],
                                                  reasoning: row[9]),
                                costUSD: row[10], durationSeconds: row[11], error: row[12])
            }
            let tools = try Int.fetchOne(db, sql: "SELECT count(*) FROM tool_call WHERE started_ms >= ? AND started_ms < ?",
                                         arguments: [Self.millis(from), Self.millis(until)]) ?? 0
            return HistoryDay(day: day, totals: totals, sessions: sessions, calls: calls, toolCalls: tools)
        }
    }
}

/// The screen's view of a ledger file: it reads on the screen's thread, and a failed read shows nothing.
public struct LedgerHistorySource: HistorySource {
    let ledger: CallLedger
    let calendar: LocalCalendar

    public init(ledger: CallLedger, calendar: LocalCalendar) {
        self.ledger = ledger
        self.calendar = calendar
    }

    public func spendHistory(split: SpendHistory.Split, days: Int, nowNanos: UInt64) -> SpendHistory? {
        try? ledger.spendHistory(split: split, days: days, nowNanos: nowNanos, calendar: calendar)
    }

    public func historyDay(_ day: Int64) -> HistoryDay? {
        try? ledger.historyDay(day, calendar: calendar)
    }
}
