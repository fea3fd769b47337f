import Foundation
import Ingest
import Semantics
import Store
import PackedSpans

/// A folder of its own under the temporary directory, removed at deinit.
final class TemporaryFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "tokentop-history-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var ledgerPath: String { path + "/history.sqlite" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// Every decoded request of a scenario's captured OTLP files, in order.
    static func batches(_ scenario: String) throws -> [TelemetryBatch] {
        let dir = root.appendingPathComponent(scenario)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .filter { $0.hasSuffix(".binpb") || $0.hasSuffix(".binpb.gz") }.sorted()
        return try names.flatMap { try TelemetryFile.decode(contentsOf: dir.appendingPathComponent($0)).map(\.batch) }
    }
}

/// A clock the test moves.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var nanos: UInt64

    init(_ nanos: UInt64) { self.nanos = nanos }

    var now: UInt64 { lock.withLock { nanos } }

    func advance(seconds: Double) { lock.withLock { nanos += UInt64(seconds * 1e9) } }

    var function: @Sendable () -> UInt64 { { [self] in now } }
}

extension LedgerCall {
    static func sample(_ identity: CallIdentity, at: UInt64, model: String = "gpt-4o", input: Int64 = 100, output: Int64 = 10,
                       cost: Double? = 0.001, session: String = "s1", service: String = "app") -> LedgerCall {
        LedgerCall(identity: identity, startNanos: at, countedNanos: at, service: service, session: session, agent: "",
                   provider: "openai", model: model, usage: TokenUsage(input: input, output: output), costUSD: cost)
    }
}
