import ArgumentParser
import Config
import Foundation
import History
import Store

/// `--history FILE`, `--no-history`, `--history-days N`, over the config file's `history` and
/// `history_days` (and `TOKENTOP_HISTORY`, `TOKENTOP_HISTORY_DAYS`).
struct HistoryOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The spend history file: every counted call, kept across restarts.",
        discussion: "Default: $XDG_STATE_HOME/tokentop/history.sqlite (~/.local/state/tokentop/history.sqlite).",
        valueName: "file"))
    var history: String?

    @Flag(name: .long, help: "Keep no spend history: read none and write none.")
    var noHistory = false

    @Option(name: .long, help: ArgumentHelp(
        "Days of spend history kept (default \(HistoryLocation.defaultRetentionDays)); older calls are deleted in the background.",
        valueName: "days"))
    var historyDays: Int?

    func validate() throws {
        if let historyDays, historyDays < 1 { throw ValidationError("--history-days must be at least 1") }
        if noHistory && history != nil { throw ValidationError("--history and --no-history exclude each other") }
    }

    /// The file to use, or nil when history is off.
    func path(_ config: TokentopConfig) -> String? {
        if noHistory { return nil }
        if let history { return history }
        if let configured = config.history { return configured == "off" ? nil : configured }
        return HistoryLocation.defaultPath(environment: ProcessInfo.processInfo.environment)
    }

    func retentionDays(_ config: TokentopConfig) -> Int {
        historyDays ?? config.historyDays ?? HistoryLocation.defaultRetentionDays
    }

    /// Opens the ledger for this run; a problem is written to stderr (before any screen is up) and
    /// otherwise only shown, never fatal.
    func open(_ config: TokentopConfig, exclusive: Bool = true,
              queueCapacity: Int = LedgerWriter.defaultCapacity) -> OpenedHistory? {
        guard let path = path(config) else { return nil }
        let opened = OpenedHistory.open(path: path, retentionDays: retentionDays(config), exclusive: exclusive,
                                        queueCapacity: queueCapacity)
        if let problem = opened.status.problem {
            FileHandle.standardError.write(Data("tokentop: \(problem)\n".utf8))
        }
        return opened
    }
}
