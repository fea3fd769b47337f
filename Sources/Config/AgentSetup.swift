import Foundation

/// What to set so that a coding-agent CLI exports its OpenTelemetry to this tokentop: `tokentop setup`.
public enum AgentSetup {
    public enum Agent: String, CaseIterable, Sendable {
        case claudeCode = "claude-code"
        case codex
        case gemini
    }

    public enum Transport: String, CaseIterable, Sendable {
        case http
        case grpc
    }

    /// Where tokentop listens, as the CLI on this machine reaches it.
    public struct Receiver: Sendable, Equatable {
        public var host: String
        public var grpcPort: Int
        public var httpPort: Int
        public var token: String?

        /// A wildcard listen address (`0.0.0.0`, `::`) is reached on loopback from this machine.
        public init(listen: String, grpcPort: Int, httpPort: Int, token: String?) {
            let wildcard = ["0.0.0.0", "::", "[::]", ""].contains(listen)
            host = wildcard ? "127.0.0.1" : (listen.contains(":") && !listen.hasPrefix("[") ? "[\(listen)]" : listen)
            self.grpcPort = grpcPort
            self.httpPort = httpPort
            self.token = token
        }

        func base(_ transport: Transport) -> String {
            "http://\(host):\(transport == .grpc ? grpcPort : httpPort)"
        }
    }

    /// The lines to paste, with comments saying where they go.
    /// - Parameter traces: Claude Code's traces are a beta that is off by default: turn it on too.
    public static func instructions(for agent: Agent, receiver: Receiver, transport: Transport, traces: Bool) -> String {
        switch agent {
        case .claudeCode: claudeCode(receiver, transport, traces: traces)
        case .codex: codex(receiver, transport)
        case .gemini: gemini(receiver, transport)
        }
    }

    private static func claudeCode(_ receiver: Receiver, _ transport: Transport, traces: Bool) -> String {
        var lines = [
            "# Claude Code → tokentop at \(receiver.base(transport)) (OTLP/\(transport == .grpc ? "gRPC" : "HTTP")).",
            "# Paste into the shell that runs claude, or put the same pairs in the \"env\" object of",
            "# ~/.claude/settings.json. Logs carry each API request (tokens, cost); metrics the totals.",
            "export CLAUDE_CODE_ENABLE_TELEMETRY=1",
            "export OTEL_METRICS_EXPORTER=otlp",
            "export OTEL_LOGS_EXPORTER=otlp",
            "export OTEL_EXPORTER_OTLP_PROTOCOL=\(transport == .grpc ? "grpc" : "http/protobuf")",
            "export OTEL_EXPORTER_OTLP_ENDPOINT=\(receiver.base(transport))",
            "# Sooner than its defaults (metrics every 60 s, logs every 5 s):",
            "export OTEL_METRIC_EXPORT_INTERVAL=10000",
            "export OTEL_LOGS_EXPORT_INTERVAL=1000",
        ]
        if let token = receiver.token {
            lines.append("export OTEL_EXPORTER_OTLP_HEADERS=" + shellQuoted("Authorization=Bearer \(token)"))
        }
        let traceLines = ["export CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1", "export OTEL_TRACES_EXPORTER=otlp"]
        if traces {
            lines += ["# Traces (a beta): one trace per interaction, with its LLM requests and tools."] + traceLines
        } else {
            lines += ["# Traces (a beta, off by default; `tokentop setup claude-code --traces` turns them on):"]
                + traceLines.map { "# " + $0 }
        }
        lines += [
            "# Optional: the prompt text and tool details in the events.",
            "# export OTEL_LOG_USER_PROMPTS=1 OTEL_LOG_TOOL_DETAILS=1",
        ]
        return lines.joined(separator: "\n")
    }

    private static func codex(_ receiver: Receiver, _ transport: Transport) -> String {
        let headers = receiver.token.map { ", headers = { \"authorization\" = \"Bearer \(tomlEscaped($0))\" }" } ?? ""
        func exporter(_ signal: String) -> String {
            switch transport {
            case .http:
                // Codex posts to the endpoint as given: the whole per-signal URL.
                "{ otlp-http = { endpoint = \"\(receiver.base(.http))/v1/\(signal)\", protocol = \"binary\"\(headers) } }"
            case .grpc:
                "{ otlp-grpc = { endpoint = \"\(receiver.base(.grpc))\"\(headers) } }"
            }
        }
        return [
            "# Codex CLI → tokentop at \(receiver.base(transport)).",
            "# Put this in ~/.codex/config.toml (or $CODEX_HOME/config.toml), replacing any [otel] table.",
            "# All three exporters: Codex's default metrics exporter sends metrics to OpenAI.",
            "[otel]",
            "exporter = \(exporter("logs"))",
            "trace_exporter = \(exporter("traces"))",
            "metrics_exporter = \(exporter("metrics"))",
            "# Optional: the prompt text in codex.user_prompt events.",
            "# log_user_prompt = true",
        ].joined(separator: "\n")
    }

    private static func gemini(_ receiver: Receiver, _ transport: Transport) -> String {
        var lines = [
            "# Gemini CLI → tokentop at \(receiver.base(transport)) (OTLP/\(transport == .grpc ? "gRPC" : "HTTP")).",
            "# Paste into the shell that runs gemini (or set the \"telemetry\" object of .gemini/settings.json).",
            "export GEMINI_TELEMETRY_ENABLED=true",
            "export GEMINI_TELEMETRY_TARGET=local",
            "export GEMINI_TELEMETRY_OTLP_PROTOCOL=\(transport.rawValue)",
            "export GEMINI_TELEMETRY_OTLP_ENDPOINT=\(receiver.base(transport))",
        ]
        if let token = receiver.token {
            lines.append("export OTEL_EXPORTER_OTLP_HEADERS=" + shellQuoted("Authorization=Bearer \(token)"))
        }
        lines += ["# Optional: the prompt text in the events.", "# export GEMINI_TELEMETRY_LOG_PROMPTS=true"]
        return lines.joined(separator: "\n")
    }

    /// One shell word, whatever the text: single quotes, with each single quote closed, escaped, reopened.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    private static func tomlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    }
}
