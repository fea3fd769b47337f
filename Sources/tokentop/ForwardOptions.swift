import ArgumentParser
import Foundation
import Ingest

/// `--forward URL…`: relay every accepted request to upstream OTLP receivers.
struct ForwardOptions: ParsableArguments {
    @Option(name: .customLong("forward"), help: ArgumentHelp(
        "Relay every accepted request, unchanged, to this OTLP receiver too (repeatable): http(s)://HOST:PORT[/base] for OTLP/HTTP, grpc(s)://HOST:PORT for OTLP/gRPC.",
        valueName: "url"))
    var targets: [String] = []

    @Option(name: .customLong("forward-header"), help: ArgumentHelp(
        "Header sent with every forwarded request (repeatable); OTEL_EXPORTER_OTLP_HEADERS is read too.",
        valueName: "name=value"))
    var headers: [String] = []

    @Option(name: .long, help: ArgumentHelp("Megabytes queued per upstream before new requests are dropped (and counted).",
                                            valueName: "mb"))
    var forwardQueueMb = 64

    func validate() throws {
        for target in targets {
            do { _ = try ForwardTarget(parsing: target) } catch { throw ValidationError(error.description) }
        }
        for header in headers {
            do { _ = try ForwardHeaders.parse(option: header) } catch { throw ValidationError(error.description) }
        }
        guard forwardQueueMb > 0 else { throw ValidationError("--forward-queue-mb must be at least 1") }
    }

    /// nil without `--forward`.
    func makeForwarder(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Forwarder? {
        guard !targets.isEmpty else { return nil }
        let parsedTargets = try targets.map { try ForwardTarget(parsing: $0) }
        let fromEnvironment = environment["OTEL_EXPORTER_OTLP_HEADERS"].map(ForwardHeaders.parse(environment:)) ?? []
        let fromOptions = try headers.map { try ForwardHeaders.parse(option: $0) }
        var policy = Forwarder.Policy()
        policy.queueBytes = forwardQueueMb << 20
        return Forwarder(targets: parsedTargets, headers: fromEnvironment + fromOptions, policy: policy)
    }
}
