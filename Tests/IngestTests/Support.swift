import Foundation
import Ingest
import OTLPWire
import Semantics
import SwiftProtobuf
import Synchronization
import PackedSpans

/// Collects what receivers deliver.
final class CollectingSink: TelemetrySink {
    typealias Refusal = RequestRefusal

    private let state = Mutex<(batches: [TelemetryBatch], refusals: [Refusal])>(([], []))

    var batches: [TelemetryBatch] { state.withLock { $0.batches } }
    var refusals: [Refusal] { state.withLock { $0.refusals } }
    var spanCount: Int { batches.reduce(0) { $0 + $1.spans.count } }
    var logCount: Int { batches.reduce(0) { $0 + $1.logs.count } }
    var pointCount: Int { batches.reduce(0) { $0 + $1.metrics.count } }

    /// Spans the receivers packed are kept unpacked, so that tests read every batch the same way.
    func accept(_ batch: TelemetryBatch) {
        var batch = batch
        if !batch.packedSpans.isEmpty {
            batch.spans += batch.packedSpans.map { $0.unpacked() }
            batch.packedSpans = []
        }
        state.withLock { $0.batches.append(batch) }
    }

    func refused(_ refusal: RequestRefusal) {
        state.withLock { $0.refusals.append(refusal) }
    }

    /// Polls until `condition` holds or the timeout passes.
    func wait(timeout: Duration = .seconds(5), until condition: (CollectingSink) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition(self) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(self)
    }
}

enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures")

    static var scenarios: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: root.appendingPathComponent(name).path, isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    /// The captured OTLP files of a scenario (not its index, expectations or LLM-server log).
    static func otlpFiles(_ scenario: String) -> [URL] {
        let dir = root.appendingPathComponent(scenario)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return names.filter { name in
            name.hasSuffix(".binpb") || name.hasSuffix(".binpb.gz") || (name.hasSuffix(".json") && name != "expected.json" && name != "truth.json")
                || name == "otlp.jsonl"
        }.sorted().map { dir.appendingPathComponent($0) }
    }

    static func file(_ scenario: String, _ name: String) -> URL {
        root.appendingPathComponent(scenario).appendingPathComponent(name)
    }

    static func expected(_ scenario: String) throws -> [String: Any] {
        let data = try Data(contentsOf: file(scenario, "expected.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

extension TelemetryBatch {
    static func merged(_ batches: [TelemetryBatch]) -> TelemetryBatch {
        var all = TelemetryBatch()
        for batch in batches {
            all.spans += batch.spans
            all.logs += batch.logs
            all.metrics += batch.metrics
            all.rejectedSpans += batch.rejectedSpans
            all.rejectedLogs += batch.rejectedLogs
            all.rejectedMetricPoints += batch.rejectedMetricPoints
        }
        return all
    }
}

// MARK: - Building requests

typealias WireSpan = Opentelemetry_Proto_Trace_V1_Span
typealias WireKeyValue = Opentelemetry_Proto_Common_V1_KeyValue
typealias WireAnyValue = Opentelemetry_Proto_Common_V1_AnyValue

enum Build {
    static let traceID = Data((1...16).map { UInt8($0) })
    static let spanID = Data((1...8).map { UInt8($0 * 17) })

    static func span(name: String = "op", traceID: Data = traceID, spanID: Data = spanID,
                     parent: Data = Data()) -> WireSpan {
        var span = WireSpan()
        span.name = name
        span.traceID = traceID
        span.spanID = spanID
        span.parentSpanID = parent
        span.kind = .client
        span.startTimeUnixNano = 1_700_000_000_000_000_000
        span.endTimeUnixNano = 1_700_000_000_500_000_000
        return span
    }

    static func traceRequest(_ spans: [WireSpan], service: String = "svc", scope: String = "scope") -> ExportTraceRequest {
        var request = ExportTraceRequest()
        var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resourceSpans.resource.attributes = [keyValue("service.name", .stringValue(service))]
        var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
        scopeSpans.scope.name = scope
        scopeSpans.scope.version = "1.2.3"
        scopeSpans.spans = spans
        resourceSpans.scopeSpans = [scopeSpans]
        request.resourceSpans = [resourceSpans]
        return request
    }

    static func keyValue(_ key: String, _ value: WireAnyValue.OneOf_Value?) -> WireKeyValue {
        var keyValue = WireKeyValue()
        keyValue.key = key
        var any = WireAnyValue()
        any.value = value
        keyValue.value = any
        return keyValue
    }

    static func traceBody(spanCount: Int = 1) throws -> Data {
        let spans = (0..<spanCount).map { i in span(name: "op\(i)", spanID: Data([0, 0, 0, 0, 0, 0, 1, UInt8(i + 1)])) }
        return try traceRequest(spans).serializedData()
    }
}

/// Both receivers on free loopback ports for the length of one test, shut down however it ends.
enum LoopbackServers {
    static func with(_ configure: (inout OTLPServers.Configuration) -> Void = { _ in },
                     _ body: (OTLPServers, CollectingSink) async throws -> Void) async throws {
        let sink = CollectingSink()
        var configuration = OTLPServers.Configuration(host: "127.0.0.1", grpcPort: 0, httpPort: 0, sink: sink)
        configure(&configuration)
        let servers = try await OTLPServers.start(configuration)
        do {
            try await body(servers, sink)
        } catch {
            await servers.shutdown()
            throw error
        }
        await servers.shutdown()
    }

    /// The port of a `host:port` address.
    static func port(_ address: String) -> Int { Int(address.split(separator: ":").last!)! }
}
