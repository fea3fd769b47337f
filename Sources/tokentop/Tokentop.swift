import TokentopApp
import ArgumentParser
import Semantics
import Telemetry

@main
struct Tokentop: AsyncParsableCommand {
    static let version = "0.9.0"

    static let configuration = CommandConfiguration(
        commandName: "tokentop",
        abstract: "A live terminal dashboard for LLM applications, with an embedded OpenTelemetry (OTLP) receiver.",
        discussion: """
            Point an OpenTelemetry-instrumented app at it:
              OTLP/HTTP  OTEL_EXPORTER_OTLP_ENDPOINT=http://\(OTLPPorts.loopbackHost):\(OTLPPorts.http)
              OTLP/gRPC  OTEL_EXPORTER_OTLP_ENDPOINT=http://\(OTLPPorts.loopbackHost):\(OTLPPorts.grpc)
                         OTEL_EXPORTER_OTLP_PROTOCOL=grpc

            Prices and how a model name resolves: tokentop prices [MODEL…]

            Coding agents (Claude Code, Codex CLI, Gemini CLI) export their own
            telemetry; what to set for each:
              tokentop setup claude-code|codex|gemini
            and one line of spend for a status bar: tokentop statusline

            Every counted call is kept in a spend history that survives restarts
            ($XDG_STATE_HOME/tokentop/history.sqlite; --history FILE, --no-history,
            --history-days 400); H on the screen shows it, and so does
              tokentop history [--since 7d] [--by day|week|month|model|service|session|agent]

            Settings live in $XDG_CONFIG_HOME/tokentop/config.toml
            (~/.config/tokentop/config.toml) or the file --config names;
            flags win over them. For example:
              budget = 25.0                  # USD per day
              windows = ["1m", "5m", "1h"]   # 1 to 4 sliding windows, 10s to 24h
              burn_window = "1m"             # tokens/s
              cost_window = "5m"             # $/h
              quality_window = "start"       # or one of the windows
              [alerts]
              truncation = 5                 # percent
              retries = 10                   # also errors, min_calls, clear_at
            Also: listen, grpc_port, http_port, prometheus, theme, max_spans,
            prices, history, history_days, log_file, log_level, [keys].
            docs/configuration.md lists every key.

            Each setting can also come from the environment, over the file
            (flags still win): TOKENTOP_ + table + key in upper snake case.
              TOKENTOP_BUDGET=25  TOKENTOP_LISTEN=0.0.0.0  TOKENTOP_THEME=light
              TOKENTOP_ALERTS_MIN_CALLS=50  TOKENTOP_WINDOWS=1m,5m,1h
              TOKENTOP_KEYS_MOVE_DOWN=j,down  TOKENTOP_TOKEN=secret (bearer token)
            """,
        version: "tokentop \(version)\nprices: \(PriceTable.bundledSource)",
        subcommands: [Serve.self, ReportCommand.self, HistoryCommand.self, PricesCommand.self, SetupCommand.self,
                      StatuslineCommand.self, LoadCommand.self],
        defaultSubcommand: Serve.self
    )

    /// `tokentop --help` shows the server's options too (`serve` is what `tokentop` runs), grouped.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--help"] || arguments == ["-h"] {
            print(RootHelp.text())
            return
        }
        await main(nil)
    }
}

/// The root help: what tokentop is, its usage, the server's options by group, the subcommands, and more.
enum RootHelp {
    static func text(columns: Int? = nil) -> String {
        let root = sections(Tokentop.helpMessage(columns: columns))
        let serve = sections(Tokentop.helpMessage(for: Serve.self, columns: columns))
        var out = root.first { $0.title == "OVERVIEW" }.map { "OVERVIEW: " + $0.body.split(separator: "\n\n").first! + "\n\n" } ?? ""
        out += "USAGE: tokentop [<options>]\n       tokentop <subcommand>\n\n"
        for section in serve where !["OVERVIEW", "USAGE", "OPTIONS"].contains(section.title) {
            out += "\(section.title):\n\(section.body)\n\n"
        }
        for section in root where ["OPTIONS", "SUBCOMMANDS"].contains(section.title) {
            let body = section.body.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("  See 'tokentop help") }.joined(separator: "\n")
            out += "\(section.title):\n\(body.trimmingCharacters(in: .newlines))\n\n"
        }
        if let overview = root.first(where: { $0.title == "OVERVIEW" }) {
            let rest = overview.body.split(separator: "\n\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n\n")
            if !rest.isEmpty { out += "MORE:\n" + rest + "\n\n" }
        }
        out += "  See 'tokentop help <subcommand>' for a subcommand's options.\n"
        return out
    }

    /// `TITLE: text` headers (ALL CAPS at the start of a line) and what follows each.
    private static func sections(_ help: String) -> [(title: String, body: String)] {
        var result: [(title: String, body: String)] = []
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if let colon = line.firstIndex(of: ":"), line.first?.isUppercase == true,
               line[..<colon].allSatisfy({ $0.isUppercase || $0 == " " || $0 == "," }) {
                let rest = line[line.index(after: colon)...].drop { $0 == " " }
                result.append((String(line[..<colon]), String(rest)))
            } else if !result.isEmpty {
                result[result.count - 1].body += (result[result.count - 1].body.isEmpty ? "" : "\n") + line
            }
        }
        return result.map { ($0.title, $0.body.trimmingCharacters(in: .newlines)) }
    }
}
