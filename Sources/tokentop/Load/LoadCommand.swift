import TokentopApp
import ArgumentParser
import Foundation
import Ingest
import LoadGenerator
import Semantics
import Telemetry

/// `tokentop load`: realistic agent traces sent to a tokentop (or any OTLP receiver) on this machine.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Send realistic agent traces (or a coding agent's log events) to an OTLP receiver on this machine, and measure.",
        discussion: """
            Each request holds agent traces as GenAI instrumentations export them: an invoke_agent root, \
            chat spans with usage, finish reasons, response ids and a user and a choice event, and \
            execute_tool spans (about 1 KB of protobuf a span). With --signal logs, requests hold Claude \
            Code's log events instead: per prompt a user_prompt, two api_request calls and a tool_result, \
            eight new sessions a request; the span options then count log records. Requests are encoded once; every \
            request sent gets unique ids (trace, span, session, prompt, request, tool use) and timestamps ending now. The run \
            stops at --max-spans or after --duration, whichever comes first. Only loopback targets are \
            accepted.

            Examples:
              tokentop load --protocol grpc --max-spans 1000000
              tokentop load --protocol http-protobuf --rate 50000 --duration 30 --json
              tokentop load --signal logs --protocol http-protobuf --duration 10
            """)

    @Option(name: .long, help: "grpc, http-protobuf or http-json.")
    var `protocol`: LoadPlan.Transport = .grpc

    @Option(name: .long, help: "traces (agent traces) or logs (Claude Code's log events).")
    var signal: LoadSignal = .traces

    @Option(name: .long, help: ArgumentHelp("Where to send (loopback only); default \(OTLPPorts.loopbackHost):\(OTLPPorts.grpc) for grpc, :\(OTLPPorts.http) for http.",
                                           valueName: "host:port"))
    var target: String?

    @Option(name: .long, help: "Spans in each export request.")
    var spansPerRequest = 512

    @Option(name: .long, help: "Connections sending at once, each one request at a time.")
    var concurrency = 4

    @Option(name: .long, help: "Spans per second across all connections (default: as fast as the receiver answers).")
    var rate: Double?

    @Option(name: .long, help: "Stop after sending this many spans.")
    var maxSpans: Int?

    @Option(name: .long, help: "Stop starting requests after this many seconds (at most 3600).")
    var duration: Double = 10

    @Flag(name: .long, help: "gzip every request (compressed as it is sent, like an exporter does).")
    var gzip = false

    @Flag(name: .long, help: "Print the result as one JSON object.")
    var json = false

    func validate() throws {
        _ = try plan()
    }

    func plan() throws -> LoadPlan {
        guard spansPerRequest > 0, concurrency > 0, concurrency <= 256 else {
            throw ValidationError("--spans-per-request must be positive and --concurrency between 1 and 256")
        }
        guard duration > 0, duration <= 3600 else { throw ValidationError("--duration must be between 0 and 3600 seconds") }
        if let rate, !(rate > 0 && rate.isFinite) { throw ValidationError("--rate must be a positive number of spans per second") }
        if let maxSpans, maxSpans <= 0 { throw ValidationError("--max-spans must be positive") }
        var host = "127.0.0.1"
        var port = `protocol`.defaultPort
        if let target {
            guard let colon = target.lastIndex(of: ":"), let parsed = Int(target[target.index(after: colon)...]),
                  (1...65535).contains(parsed) else {
                throw ValidationError("--target takes HOST:PORT, e.g. 127.0.0.1:4317")
            }
            port = parsed
            let name = String(target[..<colon])
            if !name.isEmpty { host = name }
        }
        guard LoadPlan.isLoopback(host) else {
            throw ValidationError("--target must be on this machine (127.0.0.1, ::1 or localhost), not \(host)")
        }
        return LoadPlan(transport: `protocol`, signal: signal.signal, host: host, port: port, spansPerRequest: spansPerRequest,
                        concurrency: concurrency, rate: rate, maxSpans: maxSpans, durationSeconds: duration, gzip: gzip)
    }

    func run() async throws {
        let report = try await LoadRun.run(try plan())
        print(json ? report.json : report.text)
        if report.spansAccepted == 0 || report.failedRequests > 0 { throw ExitCode(1) }
    }
}

extension LoadPlan.Transport: ExpressibleByArgument {}

/// `--signal`: the two signals the load generator sends.
enum LoadSignal: String, ExpressibleByArgument, CaseIterable {
    case traces, logs

    var signal: Signal { self == .logs ? .logs : .traces }
}
