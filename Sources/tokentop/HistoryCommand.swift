import TokentopApp
import ArgumentParser
import Config
import Foundation
import History
import Store

/// `tokentop history`: spend from the ledger file, by day, week, month, model, service, session or
/// agent, without starting receivers (a running tokentop may be writing the file meanwhile).
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Spend history from the ledger: tables by day, week, month, model, service, session or agent.",
        discussion: """
            Examples:
              tokentop history                       # the last 30 days, by day
              tokentop history --since 7d --by model
              tokentop history --since 2026-11-01 --until 2026-11-30 --by session
              tokentop history --by month --since all --json
            """)

    @Option(name: .long, help: ArgumentHelp(
        "From when: 7d, 12h, 2w (before now), today, yesterday, all, or a date 2026-11-01.", valueName: "when"))
    var since = "30d"

    @Option(name: .long, help: ArgumentHelp("Until when (the same forms, or now; a date includes that day).", valueName: "when"))
    var until = "now"

    @Option(name: .long, help: ArgumentHelp(
        "Group by \(HistoryGrouping.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "grouping"))
    var by: HistoryGrouping = .day

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Option(name: .long, help: ArgumentHelp(
        "The history file (default: the config file's, else $XDG_STATE_HOME/tokentop/history.sqlite).", valueName: "file"))
    var history: String?

    @OptionGroup var configOption: ConfigOption

    func run() throws {
        let config = try configOption.loadOrExit()
        let calendar = LocalCalendar(utcOffsetSeconds: TimeZone.current.secondsFromGMT())
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        guard let from = HistoryTime.parse(since, edge: .since, nowNanos: now, calendar: calendar) else {
            throw ValidationError("--since takes 7d, 12h, 2w, today, yesterday, all or a date like 2026-11-01; got '\(since)'")
        }
        guard let to = HistoryTime.parse(until, edge: .until, nowNanos: now, calendar: calendar) else {
            throw ValidationError("--until takes 7d, 12h, 2w, today, yesterday, now or a date like 2026-11-30; got '\(until)'")
        }
        guard from < to else { throw ValidationError("--since must come before --until") }
        let configured = config.history == "off" ? nil : config.history
        guard let path = history ?? configured ?? TokentopFolders(environment: ProcessInfo.processInfo.environment).history else {
            throw ValidationError("no history file: name one with --history FILE")
        }
        let ledger: CallLedger
        do {
            ledger = try CallLedger(readingOnly: path)
        } catch {
            FileHandle.standardError.write(Data("tokentop: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let rows = try ledger.historyRows(since: from, until: to, by: by, calendar: calendar)
        let report = HistoryReport(file: path, grouping: by, sinceNanos: from, untilNanos: to, calendar: calendar, rows: rows)
        print(json ? report.json().rendered() : report.table())
    }
}

extension HistoryGrouping: ExpressibleByArgument {}
