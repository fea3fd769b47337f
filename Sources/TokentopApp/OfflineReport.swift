import Foundation
import History
import Ingest
import Store

/// `tokentop report FILE…`: the files' telemetry through the same sink and store as a live run, then
/// the report. The calls join the spend history when one is open.
public struct OfflineReport {
    let store: LiveStore
    let history: OpenedHistory?
    let recordLimits: RecordLimits

    public init(store: LiveStore, history: OpenedHistory?, recordLimits: RecordLimits) {
        self.store = store
        self.history = history
        self.recordLimits = recordLimits
    }

    /// Prints the report as text or JSON. Throws `couldNotRun` for a file that cannot be read, and
    /// `alertFired` (after the report is printed) when `failOnAlert` and the report lists an alert.
    public func run(files: [String], json: Bool, failOnAlert: Bool) throws(ExitStatus) {
        history?.writer?.start()
        let sink = LimitingSink(recordLimits, next: StoreSink(store: store))
        for file in files {
            do {
                try TelemetryFile.forEachRequest(path: file) { sink.accept($0.batch) }
            } catch {
                ServeSession.tell("tokentop: \(error)")
                throw .couldNotRun
            }
        }
        if let writer = history?.writer {
            writer.stop()
            store.updateHistory(writer.status)
            history?.finish()
        }
        let report = store.read { Report(store: $0) }
        print(json ? report.json.rendered() : ReportTable.render(report))
        if failOnAlert && !report.alerts.isEmpty {
            ServeSession.tell("tokentop: alerts in the report: \(report.alerts.map(\.name).joined(separator: ", ")) (--fail-on-alert)")
            throw .alertFired
        }
    }
}
