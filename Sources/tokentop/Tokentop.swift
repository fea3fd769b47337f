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
            """,
        subcommands: [Serve.self, ReportCommand.self, LoadCommand.self],
        defaultSubcommand: Serve.self
    )
}
