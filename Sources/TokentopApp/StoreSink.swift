import Ingest
import Semantics
import Store
import PackedSpans

/// Delivers decoded batches straight into the store's single writer.
public struct StoreSink: TelemetrySink {
    public let store: LiveStore

    public init(store: LiveStore) { self.store = store }

    public func accept(_ batch: TelemetryBatch) { store.apply(batch) }
    public func refused(_ refusal: RequestRefusal) { store.recordRefusedRequest(refusal.kind) }
}
