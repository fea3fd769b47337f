import Config
import Foundation
import Testing
import TOMLKit

/// `tokentop setup`'s text: what each CLI reads, pointed at the receiver tokentop really has.
@Suite struct AgentSetupTests {
    let receiver = AgentSetup.Receiver(listen: "0.0.0.0", grpcPort: 14317, httpPort: 14318, token: #"s3"cr't\"#)

    /// Codex reads TOML: the printed table parses, and each exporter posts to its signal's full URL.
    @Test func codexConfigIsTOMLWithEveryExporter() throws {
        let text = AgentSetup.instructions(for: .codex, receiver: receiver, transport: .http, traces: false)
        let otel = try #require(try TOMLTable(string: text)["otel"]?.table)
        for (key, signal) in [("exporter", "logs"), ("trace_exporter", "traces"), ("metrics_exporter", "metrics")] {
            let http = try #require(otel[key]?.table?["otlp-http"]?.table, "\(key)")
            #expect(http["endpoint"]?.string == "http://127.0.0.1:14318/v1/\(signal)")
            #expect(http["protocol"]?.string == "binary")
            #expect(http["headers"]?.table?["authorization"]?.string == #"Bearer s3"cr't\"#)
        }
        let grpc = AgentSetup.instructions(for: .codex, receiver: receiver, transport: .grpc, traces: false)
        let table = try #require(try TOMLTable(string: grpc)["otel"]?.table?["exporter"]?.table?["otlp-grpc"]?.table)
        #expect(table["endpoint"]?.string == "http://127.0.0.1:14317")
    }

    /// Claude Code reads its environment: the lines, run by a shell, set exactly these values.
    @Test func claudeCodeLinesSetTheEnvironment() throws {
        let text = AgentSetup.instructions(for: .claudeCode, receiver: receiver, transport: .grpc, traces: true)
        let environment = try shellEnvironment(after: text)
        #expect(environment["CLAUDE_CODE_ENABLE_TELEMETRY"] == "1")
        #expect(environment["OTEL_LOGS_EXPORTER"] == "otlp" && environment["OTEL_METRICS_EXPORTER"] == "otlp")
        #expect(environment["OTEL_EXPORTER_OTLP_PROTOCOL"] == "grpc")
        #expect(environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:14317")
        #expect(environment["OTEL_EXPORTER_OTLP_HEADERS"] == #"Authorization=Bearer s3"cr't\"#)
        #expect(environment["OTEL_TRACES_EXPORTER"] == "otlp")
        #expect(environment["CLAUDE_CODE_ENHANCED_TELEMETRY_BETA"] == "1")

        let noTraces = try shellEnvironment(after: AgentSetup.instructions(
            for: .claudeCode, receiver: AgentSetup.Receiver(listen: "127.0.0.1", grpcPort: 4317, httpPort: 4318, token: nil),
            transport: .http, traces: false))
        #expect(noTraces["OTEL_EXPORTER_OTLP_PROTOCOL"] == "http/protobuf")
        #expect(noTraces["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://127.0.0.1:4318")
        #expect(noTraces["OTEL_TRACES_EXPORTER"] == nil && noTraces["OTEL_EXPORTER_OTLP_HEADERS"] == nil)
    }

    @Test func geminiLinesSetTheEnvironment() throws {
        let environment = try shellEnvironment(after: AgentSetup.instructions(
            for: .gemini, receiver: AgentSetup.Receiver(listen: "::1", grpcPort: 4317, httpPort: 4318, token: nil),
            transport: .grpc, traces: false))
        #expect(environment["GEMINI_TELEMETRY_ENABLED"] == "true")
        #expect(environment["GEMINI_TELEMETRY_OTLP_PROTOCOL"] == "grpc")
        #expect(environment["GEMINI_TELEMETRY_OTLP_ENDPOINT"] == "http://[::1]:4317")
    }

    /// The environment a clean bash has after running `script`.
    private func shellEnvironment(after script: String) throws -> [String: String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script + "\nenv -0"]
        process.environment = [:]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var environment: [String: String] = [:]
        for entry in data.split(separator: 0) {
            let text = String(decoding: entry, as: UTF8.self)
            guard let equals = text.firstIndex(of: "=") else { continue }
            environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return environment
    }
}
