import Ingest
import Semantics
import Store

/// Delivers decoded batches straight into the store's single writer.
struct StoreSink: TelemetrySink {
    let store: LiveStore

    func accept(_ batch: TelemetryBatch) { store.apply(batch) }
    func refused(_ refusal: RequestRefusal) { store.recordRefusedRequest(refusal.kind) }
}
