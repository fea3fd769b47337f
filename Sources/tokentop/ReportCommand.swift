import TokentopApp
import ArgumentParser
import Config
import Foundation
import History
import Ingest
import Semantics
import Store

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Summarize OTLP files offline: .binpb, .binpb.gz, .json, collector file-exporter .jsonl.")

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    @Option(name: .long, help: "Keep at most this many spans (whole oldest traces are evicted; default \(StoreLimits.defaultMaxSpans)).")
    var maxSpans: Int?

    @OptionGroup var configOption: ConfigOption

    @OptionGroup var prices: PricesOption

    @OptionGroup var alertOptions: AlertOptions

    @Flag(name: .customLong("fail-on-alert"), help: "Exit with status 3 when the report lists an alert.")
    var failOnAlert = false

    @OptionGroup var limits: LimitOptions

    @OptionGroup var historyOptions: HistoryOptions

    @Argument(help: "OTLP files to read (.binpb, .binpb.gz, .json, .jsonl; gzip allowed on any), - for standard input, or a pipe.")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("name at least one file to report on") }
        if let maxSpans, maxSpans <= 0 { throw ValidationError("--max-spans must be positive") }
    }

    func run() throws {
        let config = try configOption.loadOrExit()
        let table = try resolving { () throws(SettingsError) in try prices.sources(config).table() }
        // The files' calls join the spend history too; a call already in it (the same file reported
        // twice) is not written again. A live tokentop may be writing the same file meanwhile.
        let folders = TokentopFolders(environment: ProcessInfo.processInfo.environment)
        let history = ServeSettings.historyPath(historyOptions.history, noHistory: historyOptions.noHistory, config: config,
                                                folders: folders).map {
            OpenedHistory.openTelling(path: $0, retentionDays: ServeSettings.historyDays(historyOptions.historyDays, config: config),
                                      exclusive: false)
        }
        let thresholds = ServeSettings.alertThresholds(truncation: alertOptions.truncationAlert, retries: alertOptions.retryAlert,
                                                       errors: alertOptions.errorAlert, config: config.alerts)
        let report = OfflineReport(store: LiveStore(limits: StoreLimits(maxSpans: maxSpans ?? config.maxSpans ?? StoreLimits.defaultMaxSpans),
                                                    pricing: CallPricing(table: table), alertThresholds: thresholds,
                                                    ledger: history?.writer),
                                   history: history, recordLimits: limits.recordLimits)
        do {
            try report.run(files: files, json: json, failOnAlert: failOnAlert)
        } catch {
            throw ExitCode(error.code)
        }
    }
}
