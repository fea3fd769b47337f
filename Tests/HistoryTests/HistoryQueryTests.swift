import Foundation
import History
import Semantics
import Store
import XCTest

/// `tokentop history`'s groupings and ranges, and the calendar they stand on.
final class HistoryQueryTests: XCTestCase {
    private let calendar = LocalCalendar(utcOffsetSeconds: 0)
    /// 2026-12-05T12:00:00Z, a Saturday.
    private let noon: UInt64 = 1_796_472_000_000_000_000
    private let day: UInt64 = 86_400_000_000_000

    func testTheCalendar() {
        let today = calendar.day(atNanos: noon)
        XCTAssertEqual(LocalCalendar.dateLabel(today), "2026-12-05")
        XCTAssertEqual(LocalCalendar.weekLabel(today), "2026-W49")
        XCTAssertEqual(LocalCalendar.dateLabel(LocalCalendar.weekStart(today)), "2026-11-30")
        XCTAssertEqual(LocalCalendar.monthLabel(today), "2026-12")
        XCTAssertEqual(LocalCalendar.dateLabel(LocalCalendar.monthStart(today)), "2026-12-01")
        // ISO weeks across a new year, and a leap day.
        XCTAssertEqual(LocalCalendar.weekLabel(LocalCalendar.day(year: 2021, month: 1, day: 3)), "2020-W53")
        XCTAssertEqual(LocalCalendar.weekLabel(LocalCalendar.day(year: 2024, month: 12, day: 30)), "2025-W01")
        XCTAssertEqual(LocalCalendar.dateLabel(LocalCalendar.day(year: 2028, month: 2, day: 29)), "2028-02-29")
        for day in stride(from: Int64(-1_000), to: 30_000, by: 7) {
            let (y, m, d) = LocalCalendar.civil(day)
            XCTAssertEqual(LocalCalendar.day(year: y, month: m, day: d), day)
        }
        // A local day starts at local midnight: UTC+9's 2026-12-05 began at 15:00 UTC the day before.
        let tokyo = LocalCalendar(utcOffsetSeconds: 9 * 3600)
        XCTAssertEqual(tokyo.startNanos(ofDay: today), noon - 21 * 3600 * 1_000_000_000)
    }

    func testTimesAsTyped() {
        let today = calendar.startNanos(ofDay: calendar.day(atNanos: noon))
        XCTAssertEqual(HistoryTime.parse("7d", edge: .since, nowNanos: noon, calendar: calendar), noon - 7 * day)
        XCTAssertEqual(HistoryTime.parse("12h", edge: .since, nowNanos: noon, calendar: calendar), noon - day / 2)
        XCTAssertEqual(HistoryTime.parse("2w", edge: .since, nowNanos: noon, calendar: calendar), noon - 14 * day)
        XCTAssertEqual(HistoryTime.parse("today", edge: .since, nowNanos: noon, calendar: calendar), today)
        XCTAssertEqual(HistoryTime.parse("today", edge: .until, nowNanos: noon, calendar: calendar), today + day)
        XCTAssertEqual(HistoryTime.parse("yesterday", edge: .since, nowNanos: noon, calendar: calendar), today - day)
        XCTAssertEqual(HistoryTime.parse("2026-11-30", edge: .until, nowNanos: noon, calendar: calendar), today - 4 * day)
        XCTAssertEqual(HistoryTime.parse("2026-11-30", edge: .since, nowNanos: noon, calendar: calendar), today - 5 * day)
        XCTAssertEqual(HistoryTime.parse("all", edge: .since, nowNanos: noon, calendar: calendar), 0)
        // Further back than 1970 is from the start.
        XCTAssertEqual(HistoryTime.parse("99999999d", edge: .since, nowNanos: noon, calendar: calendar), 0)
        for bad in ["2026-02-30", "2026-13-01", "yesterdays", "7x", "-3d", "", "99999999999999999999d"] {
            XCTAssertNil(HistoryTime.parse(bad, edge: .since, nowNanos: noon, calendar: calendar), bad)
        }
    }

    func testGroupings() throws {
        let folder = TemporaryFolder()
        let ledger = try CallLedger(writing: folder.ledgerPath)
        func call(_ n: UInt64, daysAgo: UInt64, model: String, session: String, cost: Double?) -> LedgerChange {
            var call = LedgerCall.sample(.event(n), at: noon - daysAgo * day, model: model, cost: cost, session: session)
            call.agent = n.isMultiple(of: 2) ? "claude-code" : ""
            return .call(call)
        }
        try ledger.write([
            call(1, daysAgo: 0, model: "gpt-4o", session: "a", cost: 0.5),
            call(2, daysAgo: 0, model: "claude-sonnet-4-5", session: "a", cost: 1.5),
            call(3, daysAgo: 1, model: "gpt-4o", session: "b", cost: nil),
            call(4, daysAgo: 6, model: "gpt-4o", session: "", cost: 0.25),
            call(5, daysAgo: 40, model: "o4-mini", session: "c", cost: 0.125),
        ])
        func rows(_ by: HistoryGrouping, since: UInt64 = 0) throws -> [HistoryRow] {
            try ledger.historyRows(since: since, until: noon + day, by: by, calendar: calendar)
        }
        let byDay = try rows(.day)
        XCTAssertEqual(byDay.map(\.key), ["2026-10-26", "2026-11-29", "2026-12-04", "2026-12-05"])
        XCTAssertEqual(byDay.last?.models, ["claude-sonnet-4-5", "gpt-4o"])
        XCTAssertEqual(byDay.last?.totals.costUSD, 2.0)
        XCTAssertEqual(byDay[2].totals.unpricedCalls, 1)
        XCTAssertEqual(try rows(.week).map(\.key), ["2026-W44", "2026-W48", "2026-W49"])
        XCTAssertEqual(try rows(.month).map(\.key), ["2026-10", "2026-11", "2026-12"])
        XCTAssertEqual(try rows(.month).map(\.totals.calls), [1, 1, 3])
        let byModel = try rows(.model)
        XCTAssertEqual(byModel.map(\.key), ["claude-sonnet-4-5", "gpt-4o", "o4-mini"])
        XCTAssertEqual(byModel[1].totals.calls, 3)
        XCTAssertEqual(try rows(.session).map(\.key), ["a", "(none)", "c", "b"])
        XCTAssertEqual(try rows(.agent).map(\.key), ["claude-code", "(none)"])
        XCTAssertEqual(try rows(.day, since: noon - 7 * day).count, 3, "--since 7d leaves the call of 40 days ago out")
        let report = HistoryReport(file: folder.ledgerPath, grouping: .model, sinceNanos: 0, untilNanos: noon + day,
                                   calendar: calendar, rows: byModel)
        XCTAssertEqual(report.totals.calls, 5)
        XCTAssertEqual(report.totals.costUSD, 2.375)
        let table = report.table()
        XCTAssertTrue(table.contains("total"), table)
        XCTAssertTrue(table.contains("$2.3750 +?"), table)
        let json = report.json().rendered()
        XCTAssertTrue(json.contains("\"model\": \"claude-sonnet-4-5\""), json)
    }
}
