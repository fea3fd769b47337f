import ArgumentParser

@main
struct Tokentop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokentop",
        abstract: "A live terminal dashboard for LLM applications, with an embedded OpenTelemetry (OTLP) receiver.",
        discussion: """
            Point an OpenTelemetry-instrumented app at it:
              OTLP/HTTP  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318
              OTLP/gRPC  OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317
                         OTEL_EXPORTER_OTLP_PROTOCOL=grpc

            The live screen's options (ports, --headless, --follow, --theme, limits):
              tokentop serve --help

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
            The README lists every key.

            Each setting can also come from the environment, over the file
            (flags still win): TOKENTOP_ + table + key in upper snake case.
              TOKENTOP_BUDGET=25  TOKENTOP_LISTEN=0.0.0.0  TOKENTOP_THEME=light
              TOKENTOP_ALERTS_MIN_CALLS=50  TOKENTOP_WINDOWS=1m,5m,1h
              TOKENTOP_KEYS_MOVE_DOWN=j,down  TOKENTOP_TOKEN=secret (bearer token)
            """,
        subcommands: [Serve.self, ReportCommand.self, HistoryCommand.self, SetupCommand.self, StatuslineCommand.self, LoadCommand.self],
        defaultSubcommand: Serve.self
    )
}
