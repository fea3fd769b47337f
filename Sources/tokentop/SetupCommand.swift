import TokentopApp
import ArgumentParser
import Config
import Foundation
import Ingest

extension AgentSetup.Agent: ExpressibleByArgument {}
extension AgentSetup.Transport: ExpressibleByArgument {}

/// `tokentop setup claude-code|codex|gemini`: what to set so that the CLI sends its telemetry here.
struct SetupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "setup",
        abstract: "Print what to set so that Claude Code, the Codex CLI or Gemini CLI sends its telemetry to tokentop.",
        discussion: """
            The ports, address and token are the ones tokentop itself would use with the same flags,
            TOKENTOP_* variables and configuration file. For example:
              eval "$(tokentop setup claude-code)"     # then run claude in the same shell
              tokentop setup codex >> ~/.codex/config.toml
            """)

    @Argument(help: "The CLI: \(AgentSetup.Agent.allCases.map(\.rawValue).joined(separator: ", ")).")
    var agent: AgentSetup.Agent

    @Option(name: .long, help: "OTLP over http (protobuf) or grpc (default http).")
    var transport: AgentSetup.Transport = .http

    @Flag(name: .long, help: "Claude Code: turn on its traces beta too (one trace per interaction).")
    var traces = false

    @OptionGroup(title: "Where tokentop listens") var receiver: ReceiverAddressOptions

    @Option(name: .long, help: "The bearer token tokentop was started with (default: TOKENTOP_TOKEN).")
    var token: String?

    @OptionGroup var configOption: ConfigOption

    func validate() throws {
        guard receiver.grpcPort != 0, receiver.httpPort != 0 else {
            throw ValidationError("port 0 means any free port to tokentop: give the port it really listens on")
        }
    }

    func run() throws {
        let config = try configOption.loadOrExit()
        let text = token ?? ProcessInfo.processInfo.environment["TOKENTOP_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        if let text, BearerToken(text) == nil { throw ValidationError("--token must be printable ASCII without spaces") }
        let (listen, grpcPort, httpPort) = receiver.resolved(config)
        let address = AgentSetup.Receiver(listen: listen, grpcPort: grpcPort, httpPort: httpPort, token: text)
        print(AgentSetup.instructions(for: agent, receiver: address, transport: transport, traces: traces))
    }
}
