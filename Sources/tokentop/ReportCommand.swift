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
        let config: TokentopConfig, pricing: CallPricing
        do {
            config = try configOption.load()
            pricing = try prices.pricing(configured: config.prices)
        } catch let error as ConfigurationError {
            throw error.reported
        }
        // The files' calls join the spend history too; a call already in it (the same file reported
        // twice) is not written again. A live tokentop may be writing the same file meanwhile.
        let history = historyOptions.open(config, exclusive: false)
        let store = LiveStore(limits: StoreLimits(maxSpans: maxSpans ?? config.maxSpans ?? StoreLimits.defaultMaxSpans),
                              pricing: pricing, alertThresholds: alertOptions.thresholds(config.alerts),
                              ledger: history?.writer)
        history?.writer?.start()
        let sink = LimitingSink(limits.recordLimits, next: StoreSink(store: store))
        for file in files {
            do {
                for request in try TelemetryFile.decode(path: file) {
                    sink.accept(request.batch)
                }
            } catch {
                FileHandle.standardError.write(Data("tokentop: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
        if let writer = history?.writer {
            writer.stop()
            store.updateHistory(writer.status)
            Serve.finish(history)
        }
        let report = store.read { Report(store: $0) }
        print(json ? report.json.rendered() : ReportTable.render(report))
        if failOnAlert && !report.alerts.isEmpty {
            FileHandle.standardError.write(Data("tokentop: alerts in the report: \(report.alerts.map(\.name).joined(separator: ", ")) (--fail-on-alert)\n".utf8))
            throw ExitCode(AlertHooks.alertExitCode)
        }
    }
}
