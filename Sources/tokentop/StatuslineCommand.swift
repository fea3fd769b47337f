import TokentopApp
import ArgumentParser
import Config
import Foundation

/// `tokentop statusline`: one line for a shell prompt, a tmux status bar or Claude Code's `statusLine`,
/// read from the running tokentop's `GET /api/summary`.
struct StatuslineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statusline",
        abstract: "Print one line from the running tokentop: today's spend, $/h, the session's cost and context fill.",
        discussion: """
            It asks the tokentop listening on this machine (the same address, HTTP port and token as
            `tokentop` with the same flags, TOKENTOP_* variables and configuration file) and prints
            a short notice instead when none is running. Claude Code passes its session on standard
            input, so the line follows that session. For example:
              tmux:        set -g status-right '#(tokentop statusline)'
              Claude Code: "statusLine": {"type": "command", "command": "tokentop statusline"}
            """)

    @OptionGroup(title: "Where tokentop listens") var receiver: ReceiverAddressOptions

    @Option(name: .long, help: "The bearer token tokentop was started with (default: TOKENTOP_TOKEN).")
    var token: String?

    @Option(name: .long, help: "The session to show (default: Claude Code's on standard input, else the one heard of last).")
    var session: String?

    @Option(name: .long, help: "Give up after this many seconds (default 0.5).")
    var timeout: Double = 0.5

    @OptionGroup var configOption: ConfigOption

    func run() throws {
        let config = try configOption.loadOrExit()
        let (listen, _, httpPort) = receiver.resolved(config)
        let host = AgentSetup.Receiver(listen: listen, grpcPort: 0, httpPort: httpPort, token: nil).host
        let bearer = token ?? ProcessInfo.processInfo.environment["TOKENTOP_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        print(StatusLine.fetch(host: host, port: httpPort, bearer: bearer, session: session ?? StatusLine.claudeCodeSession(),
                               timeoutSeconds: timeout))
    }
}
