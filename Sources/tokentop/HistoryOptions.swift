import TokentopApp
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
}
