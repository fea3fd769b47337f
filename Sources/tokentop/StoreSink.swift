import Ingest
import Semantics
import Store

/// Delivers decoded batches straight into the store's single writer.
struct StoreSink: TelemetrySink {
    let store: LiveStore

    func accept(_ batch: TelemetryBatch) { store.apply(batch) }
    func rejectedRequest(signal: Signal, reason: String) { store.recordRejectedRequest() }
    func rejectedRequestOfUnknownSignal(reason: String) { store.recordRejectedRequest() }
}
