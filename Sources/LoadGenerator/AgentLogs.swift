import Foundation
import OTLPWire

public typealias LoadLogsRequest = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest
typealias LoadLogRecord = Opentelemetry_Proto_Logs_V1_LogRecord

/// Claude Code's log events as it exports them: per prompt a `user_prompt`, two `api_request` calls
/// (model, tokens, cost, duration, time to first token) and a `tool_result`, over eight sessions a
/// request, each session's events in time order (as one Claude Code process sends them). Session,
/// prompt, request and tool use ids hold 16 hex digits that rendering replaces per request, so every
/// request brings sessions, calls and tool calls of its own, like a collector feed of many users.
public enum AgentLogs {
    /// Session, prompt, request and tool use ids carry one of these prefixes, then the placeholder.
    static let uniquePrefixes = ["prompt-", "req_", "toolu_", "session-"]

    static let sessions = 8

    public static func request(recordCount: Int) -> LoadLogsRequest {
        var scope = Opentelemetry_Proto_Logs_V1_ScopeLogs()
        scope.scope.name = "com.anthropic.claude_code.events"
        scope.scope.version = "2.0.14"
        scope.logRecords = (0..<recordCount).map(record)
        var resource = Opentelemetry_Proto_Logs_V1_ResourceLogs()
        resource.resource.attributes = AgentTraces.keyValues([
            ("service.name", .string("claude-code")), ("service.version", .string("2.0.14")),
            ("os.type", .string("linux")), ("host.arch", .string("amd64")),
        ])
        resource.scopeLogs = [scope]
        var request = LoadLogsRequest()
        request.resourceLogs = [resource]
        return request
    }

    /// Record `n`: a quarter of a prompt's events, one millisecond after the one before.
    private static func record(_ n: Int) -> LoadLogRecord {
        let prompt = n / 4
        let session = uniquePrefixes[3] + AgentTraces.responseIDPlaceholder + "-\(prompt % sessions)"
        let promptID = uniquePrefixes[0] + AgentTraces.responseIDPlaceholder + "-\(prompt)"
        var attributes: [(String, AgentTraces.LoadValue)] = [
            ("session.id", .string(session)), ("prompt.id", .string(promptID)),
            ("user.id", .string("6ebded5a3524cdd8a1f7c09e2b4d8f61")), ("terminal.type", .string("xterm-256color")),
            ("event.sequence", .int(n)),
        ]
        let name: String
        switch n % 4 {
        case 0:
            name = "user_prompt"
            attributes += [("prompt_length", .string("\(40 + n % 200)"))]
        case 3:
            name = "tool_result"
            attributes += [("tool_name", .string(["Read", "Edit", "Bash", "Grep"][prompt % 4])),
                           ("tool_use_id", .string(uniquePrefixes[2] + AgentTraces.responseIDPlaceholder + "-\(n)")),
                           ("success", .string(n % 40 == 3 ? "false" : "true")),
                           ("duration_ms", .string("\(5 + n % 300)")), ("decision_type", .string("accept")),
                           ("decision_source", .string("config"))]
        default:
            name = "api_request"
            let input = 4 + n % 97, output = 20 + n % 890, cacheRead = 18_000 + n % 9_000, cacheWrite = n % 3 == 0 ? 1_200 : 0
            let haiku = n % 8 == 1
            // What Claude Code reports: the model's list prices (USD per million tokens) times its usage.
            let prices: (input: Double, output: Double, cacheRead: Double, cacheWrite: Double) =
                haiku ? (1, 5, 0.1, 1.25) : (3, 15, 0.3, 3.75)
            let cost = (Double(input) * prices.input + Double(output) * prices.output + Double(cacheRead) * prices.cacheRead
                        + Double(cacheWrite) * prices.cacheWrite) / 1_000_000
            attributes += [("model", .string(haiku ? "claude-haiku-4-5-20251001" : "claude-sonnet-4-5-20250929")),
                           ("input_tokens", .string("\(input)")), ("output_tokens", .string("\(output)")),
                           ("cache_read_tokens", .string("\(cacheRead)")), ("cache_creation_tokens", .string("\(cacheWrite)")),
                           ("cost_usd", .string(String(format: "%.6f", cost))), ("duration_ms", .string("\(900 + n % 7_000)")),
                           ("ttft_ms", .string("\(300 + n % 900)")),
                           ("request_id", .string(uniquePrefixes[1] + AgentTraces.responseIDPlaceholder + "-\(n)"))]
        }
        attributes.insert(("event.name", .string(name)), at: 0)
        var record = LoadLogRecord()
        record.timeUnixNano = AgentTraces.templateEpochNanos + UInt64(n) * 1_000_000
        record.observedTimeUnixNano = record.timeUnixNano + 200_000
        record.body.stringValue = "claude_code." + name
        record.attributes = AgentTraces.keyValues(attributes)
        return record
    }
}
