import TokentopApp
import ArgumentParser
import Foundation
import Ingest
import Semantics

/// `--forward URL…`: relay every accepted request to upstream OTLP receivers, each with its own headers.
struct ForwardOptions: ParsableArguments {
    @Option(name: .customLong("forward"), help: ArgumentHelp(
        "Relay every accepted request, unchanged, to this OTLP receiver too (repeatable): http(s)://HOST:PORT[/base] for OTLP/HTTP, grpc(s)://HOST:PORT for OTLP/gRPC.",
        valueName: "url"))
    var targets: [String] = []

    @Option(name: .customLong("forward-header"), help: ArgumentHelp(
        "Header for the --forward it follows, and no other (repeatable).",
        valueName: "name=value"))
    var headers: [String] = []

    @Flag(name: .customLong("forward-env-headers"), help: ArgumentHelp(
        "Also send OTEL_EXPORTER_OTLP_HEADERS to every --forward target (off by default: it often holds tokentop's own token)."))
    var sendsEnvironmentHeaders = false

    @Option(name: .long, help: ArgumentHelp("Megabytes queued per upstream before new requests are dropped (and counted).",
                                            valueName: "mb"))
    var forwardQueueMb = Forwarder.Policy().queueBytes >> 20

    func validate() throws {
        for target in targets {
            do { _ = try OTLPEndpoint(parsing: target) } catch { throw ValidationError(error.description) }
        }
        for header in headers {
            do { _ = try ForwardHeaders.parse(option: header) } catch { throw ValidationError(error.description) }
        }
        guard forwardQueueMb > 0 else { throw ValidationError("--forward-queue-mb must be at least 1") }
    }

    /// The targets with the headers that follow each. `commandLine` is read for the order of `--forward`
    /// and `--forward-header`, which the parsed values do not keep.
    func destinations(commandLine: [String] = CommandLine.arguments) throws -> [ForwardDestination] {
        guard !targets.isEmpty else { return [] }
        let destinations: [ForwardDestination]
        do { destinations = try ForwardDestination.pair(commandLine: commandLine) } catch {
            throw ValidationError(error.description)
        }
        // The parsed values and the command line read in order must agree (they would not if a value of
        // another option looked like one of these).
        guard destinations.map(\.target.description) == (try targets.map { try OTLPEndpoint(parsing: $0).description }),
              destinations.map(\.headers.count).reduce(0, +) == headers.count else {
            throw ValidationError("--forward and --forward-header could not be read in order; write them as --forward=URL --forward-header=NAME=VALUE")
        }
        return destinations
    }
}
