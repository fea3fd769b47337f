import Foundation
import Ingest
import OTLPWire
import Semantics
import Store
import SwiftProtobuf
import Synthetic

/// `--demo`: plays made-up apps against tokentop's own receivers over loopback, so the traffic is
/// decoded, normalized and stored exactly like a real app's. Runs start every 0.5–1.5 s; a run's
/// spans are exported as they end, so an agent run shows as running until its root span arrives.
public final class DemoTraffic: Sendable {
    /// Marks every demo resource, so demo data is never mistaken for real telemetry.
    public static let namespace = "tokentop-demo"

    private let task: Task<Void, Never>

    /// `httpAddress`/`grpcAddress` are the receivers' `host:port` as they listen.
    /// The default seed's first seconds have every kind of span, an error included (the end-to-end test relies on it).
    /// `authorization` is sent with every request when the receivers require a token.
    public init(httpAddress: String, grpcAddress: String, authorization: String? = nil, seed: UInt64 = 10) {
        let http = LoopbackTarget(listening: httpAddress)
        let grpc = LoopbackTarget(listening: grpcAddress)
        task = Task { await DemoTraffic.play(http: http, grpc: grpc, authorization: authorization, seed: seed) }
    }

    /// Stops starting runs and abandons the ones in progress.
    public func stop() async {
        task.cancel()
        await task.value
    }

    private static func play(http: LoopbackTarget, grpc: LoopbackTarget, authorization: String?, seed: UInt64) async {
        let headers = authorization.map { [("authorization", $0)] } ?? []
        let exporter = DemoExporter(
            http: HTTPExporter(target: http.endpoint(scheme: "http"), headers: headers, timeout: .seconds(5)),
            grpc: GRPCExporter(host: grpc.host, port: grpc.port, tls: false, headers: headers, timeout: .seconds(5)))
        await schedule(exporter: exporter, seed: seed)
        await exporter.http.close()
        await exporter.grpc.close()
    }

    private static func schedule(exporter: DemoExporter, seed: UInt64) async {
        var random = SeededRandom(seed: seed)
        await withDiscardingTaskGroup { group in
            var index = 0
            while !Task.isCancelled {
                let run = DemoScenarios.plan(run: index, start: LiveStore.wallClockNanos(), random: random.split())
                group.addTask { await exporter.deliver(run) }
                index += 1
                try? await Task.sleep(for: .seconds(Double.random(in: 0.5...1.5, using: &random)))
            }
            group.cancelAll()
        }
    }
}

/// Where to reach a receiver from this machine: a wildcard listen address is reached on loopback.
struct LoopbackTarget: Sendable {
    var host: String
    var port: Int

    init(listening address: String) {
        let colon = address.lastIndex(of: ":")!
        port = Int(address[address.index(after: colon)...]) ?? 0
        host = String(address[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if host == "0.0.0.0" || host.isEmpty { host = "127.0.0.1" }
        if host == "::" { host = "::1" }
    }

    func endpoint(scheme: String) -> OTLPEndpoint {
        // Made from a listening address, so always a valid URL.
        try! OTLPEndpoint(parsing: host.contains(":") ? "\(scheme)://[\(host)]:\(port)" : "\(scheme)://\(host):\(port)")
    }
}

/// Sends a run's spans when each ends: OTLP/HTTP protobuf, and the batch app over OTLP/gRPC.
struct DemoExporter: Sendable {
    let http: HTTPExporter
    let grpc: GRPCExporter

    /// Spans ending within this window go out in one request, as a batch span processor would send them.
    static let batchWindowNanos: UInt64 = 60_000_000

    func deliver(_ run: DemoRun) async {
        let spans = run.spans.sorted { $0.endNanos < $1.endNanos }
        var next = 0
        while next < spans.count {
            let due = spans[next].endNanos
            var batch: [DemoSpan] = []
            while next < spans.count, spans[next].endNanos <= due + Self.batchWindowNanos {
                batch.append(spans[next])
                next += 1
            }
            let now = LiveStore.wallClockNanos()
            let sendAt = batch.last!.endNanos
            if sendAt > now {
                do { try await Task.sleep(for: .nanoseconds(Int(sendAt - now))) } catch { return }
            }
            await send(DemoRequest.traces(batch, service: run.service), service: run.service)
        }
    }

    /// A refused or failed request shows in the header's counters; the demo carries on.
    private func send(_ request: Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest,
                      service: DemoService) async {
        guard let body = try? request.serializedData() else { return }
        let exporter: any OTLPExporter = service == .batchSummarizer ? grpc : http
        _ = await exporter.send(OTLPRequest(signal: .traces, body: body, contentType: .protobuf))
    }
}

/// Export requests: one resource per app, one scope per instrumentation library.
enum DemoRequest {
    static func traces(_ spans: [DemoSpan], service: DemoService) -> Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest {
        var resourceSpans = Opentelemetry_Proto_Trace_V1_ResourceSpans()
        resourceSpans.resource.attributes = .init([
            ("service.name", .string(service.rawValue)),
            ("service.namespace", .string(DemoTraffic.namespace)),
            ("service.version", .string(service.version)),
            ("deployment.environment.name", .string("demo")),
            ("telemetry.sdk.name", .string("opentelemetry")),
            ("telemetry.sdk.language", .string("python")),
            ("telemetry.sdk.version", .string("1.36.0")),
        ])
        for scope in DemoScope.allCases {
            let inScope = spans.filter { $0.scope == scope }
            guard !inScope.isEmpty else { continue }
            var scopeSpans = Opentelemetry_Proto_Trace_V1_ScopeSpans()
            scopeSpans.scope.name = scope.rawValue
            scopeSpans.scope.version = scope.version
            scopeSpans.spans = inScope.map(\.wire)
            resourceSpans.scopeSpans.append(scopeSpans)
        }
        var request = Opentelemetry_Proto_Collector_Trace_V1_ExportTraceServiceRequest()
        request.resourceSpans = [resourceSpans]
        return request
    }
}
