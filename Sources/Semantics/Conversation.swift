import Foundation
import Telemetry

/// Rebuilds the prompt and completion of an LLM call as a conversation, from whichever dialect
/// carried them: JSON message attributes (OTel ≥1.37, OpenLLMetry ≥0.60, Anthropic SDK), indexed
/// attributes (OpenLLMetry legacy, OpenInference), span events (seed, ≤1.27) or log events (1.28–1.36).
public enum Conversation {
    public static func messages(span: RawSpan, logs: [RawLogRecord]) -> [ChatMessage] {
        let a = span.attributes
        var input: [ChatMessage] = []
        var output: [ChatMessage] = []

        if let system = a["gen_ai.system_instructions"] {
            let text = partsText(jsonValue(system))
            if !text.isEmpty { input.append(ChatMessage(role: .system, content: text)) }
        }
        if let messages = a["gen_ai.input.messages"] { input += partsMessages(jsonValue(messages), isOutput: false) }
        if let messages = a["gen_ai.output.messages"] { output += partsMessages(jsonValue(messages), isOutput: true) }
        if input.isEmpty { input = indexed(a, prefix: "gen_ai.prompt.", isOutput: false) }
        if output.isEmpty { output = indexed(a, prefix: "gen_ai.completion.", isOutput: false, markOutput: true) }
        if input.isEmpty { input = openInference(a, prefix: "llm.input_messages.", isOutput: false) }
        if output.isEmpty { output = openInference(a, prefix: "llm.output_messages.", isOutput: true) }

        for event in span.events {
            switch event.name {
            case "gen_ai.user.message", "gen_ai.content.prompt":
                if let text = event.attributes["gen_ai.prompt"].map(Normalizer.displayString), input.isEmpty || event.name == "gen_ai.user.message" {
                    input.append(ChatMessage(role: .user, content: text))
                } else if event.name == "gen_ai.user.message", let body = eventBody(event) {
                    input.append(roleMessage(eventName: event.name, body: body))
                }
            case "gen_ai.choice", "gen_ai.content.completion":
                if let text = event.attributes["gen_ai.completion"].map(Normalizer.displayString) {
                    output.append(ChatMessage(role: .assistant, content: text, isOutput: true))
                } else if event.name == "gen_ai.choice", let body = eventBody(event) {
                    output.append(choiceMessage(body))
                }
            case "gen_ai.system.message", "gen_ai.assistant.message", "gen_ai.tool.message":
                if let body = eventBody(event) { input.append(roleMessage(eventName: event.name, body: body)) }
            default: break
            }
        }

        // Log events fill only what the span itself did not carry.
        let inputFromLogs = input.isEmpty, outputFromLogs = output.isEmpty
        for log in logs.sorted(by: { $0.timeNanos < $1.timeNanos }) {
            switch log.eventName {
            case "gen_ai.system.message", "gen_ai.user.message", "gen_ai.assistant.message", "gen_ai.tool.message":
                if inputFromLogs { input.append(logMessage(log)) }
            case "gen_ai.choice":
                if outputFromLogs { output.append(choiceMessage(log.body)) }
            case "gen_ai.client.inference.operation.details":
                if inputFromLogs, input.isEmpty, let m = log.attributes["gen_ai.input.messages"] {
                    if let system = log.attributes["gen_ai.system_instructions"] {
                        let text = partsText(jsonValue(system))
                        if !text.isEmpty { input.append(ChatMessage(role: .system, content: text)) }
                    }
                    input += partsMessages(jsonValue(m), isOutput: false)
                }
                if outputFromLogs, output.isEmpty, let m = log.attributes["gen_ai.output.messages"] {
                    output += partsMessages(jsonValue(m), isOutput: true)
                }
            default: break
            }
        }
        return input + output
    }

    // MARK: JSON parts format

    /// A value that may be a JSON string (span attributes) or structured AnyValue (log records).
    static func jsonValue(_ value: AttributeValue) -> Any? {
        switch value {
        case .string(let s):
            guard let data = s.data(using: .utf8),
                  let parsed = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return s }
            return parsed
        default: return anyValue(value)
        }
    }

    static func anyValue(_ value: AttributeValue) -> Any? {
        switch value {
        case .string(let s): return s
        case .bool(let b): return b
        case .int(let i): return i
        case .double(let d): return d
        case .bytes(let b): return b
        case .array(let items): return items.map { anyValue($0) ?? NSNull() }
        case .map(let entries):
            var dict: [String: Any] = [:]
            for entry in entries { dict[entry.key] = anyValue(entry.value) ?? NSNull() }
            return dict
        case .empty: return nil
        }
    }

    static func partsMessages(_ json: Any?, isOutput: Bool) -> [ChatMessage] {
        guard let list = json as? [Any] else {
            if let text = json as? String, !text.isEmpty {
                return [ChatMessage(role: isOutput ? .assistant : .user, content: text, isOutput: isOutput)]
            }
            return []
        }
        return list.compactMap { item in
            guard let dict = item as? [String: Any] else { return nil }
            let role = ChatMessage.Role(rawValue: (dict["role"] as? String) ?? "") ?? .unknown
            var texts: [String] = []
            var calls: [ChatMessage.ToolCallRequest] = []
            var toolCallID = ""
            if let content = dict["content"] { texts.append(stringify(content)) }
            for part in (dict["parts"] as? [Any]) ?? [] {
                guard let p = part as? [String: Any] else { continue }
                switch p["type"] as? String {
                case "tool_call":
                    calls.append(.init(id: (p["id"] as? String) ?? "", name: (p["name"] as? String) ?? "",
                                       arguments: p["arguments"].map(stringify) ?? ""))
                case "tool_call_response":
                    toolCallID = (p["id"] as? String) ?? ""
                    texts.append(p["response"].map(stringify) ?? "")
                case "reasoning":
                    texts.append("(reasoning) " + (p["content"].map(stringify) ?? ""))
                default:
                    if let c = p["content"] { texts.append(stringify(c)) }
                    else if let uri = p["uri"] as? String { texts.append(uri) }
                }
            }
            return ChatMessage(role: role, content: texts.joined(separator: "\n"), toolCalls: calls,
                               toolCallID: toolCallID, finishReason: (dict["finish_reason"] as? String) ?? "",
                               isOutput: isOutput)
        }
    }

    static func partsText(_ json: Any?) -> String {
        if let text = json as? String { return text }
        guard let list = json as? [Any] else { return "" }
        return list.compactMap { ($0 as? [String: Any])?["content"].map(stringify) }.joined(separator: "\n")
    }

    static func stringify(_ value: Any) -> String {
        if let s = value as? String { return s }
        if value is NSNull { return "" }
        if JSONSerialization.isValidJSONObject(value),
           let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]),
           let s = String(data: data, encoding: .utf8) {
            return s
        }
        return "\(value)"
    }

    // MARK: Indexed attributes

    /// OpenLLMetry legacy: `gen_ai.prompt.N.role|content|tool_call_id|tool_calls.M.{id,name,arguments}`.
    static func indexed(_ a: [Attribute], prefix: String, isOutput: Bool, markOutput: Bool = false) -> [ChatMessage] {
        var byIndex: [Int: [String: AttributeValue]] = [:]
        for attribute in a where attribute.key.hasPrefix(prefix) {
            let rest = attribute.key.dropFirst(prefix.count)
            guard let dot = rest.firstIndex(of: "."), let index = Int(rest[..<dot]) else { continue }
            byIndex[index, default: [:]][String(rest[rest.index(after: dot)...])] = attribute.value
        }
        return byIndex.keys.sorted().map { index in
            let fields = byIndex[index]!
            return ChatMessage(
                role: ChatMessage.Role(rawValue: fields["role"]?.stringValue ?? "") ?? (markOutput ? .assistant : .unknown),
                content: fields["content"].map(Normalizer.displayString) ?? "",
                toolCalls: toolCalls(fields, prefix: "tool_calls.", id: "id", name: "name", arguments: "arguments"),
                toolCallID: fields["tool_call_id"]?.stringValue ?? "",
                finishReason: fields["finish_reason"]?.stringValue ?? "",
                isOutput: isOutput || markOutput)
        }
    }

    /// OpenInference: `llm.input_messages.N.message.role|content|tool_call_id|tool_calls.M.tool_call.{id,function.name,function.arguments}`.
    static func openInference(_ a: [Attribute], prefix: String, isOutput: Bool) -> [ChatMessage] {
        var byIndex: [Int: [String: AttributeValue]] = [:]
        for attribute in a where attribute.key.hasPrefix(prefix) {
            let rest = attribute.key.dropFirst(prefix.count)
            guard let dot = rest.firstIndex(of: "."), let index = Int(rest[..<dot]) else { continue }
            var field = rest[rest.index(after: dot)...]
            if field.hasPrefix("message.") { field = field.dropFirst("message.".count) }
            byIndex[index, default: [:]][String(field)] = attribute.value
        }
        return byIndex.keys.sorted().map { index in
            let fields = byIndex[index]!
            return ChatMessage(
                role: ChatMessage.Role(rawValue: fields["role"]?.stringValue ?? "") ?? (isOutput ? .assistant : .unknown),
                content: fields["content"].map(Normalizer.displayString) ?? "",
                toolCalls: toolCalls(fields, prefix: "tool_calls.", id: "tool_call.id",
                                     name: "tool_call.function.name", arguments: "tool_call.function.arguments"),
                toolCallID: fields["tool_call_id"]?.stringValue ?? "",
                isOutput: isOutput)
        }
    }

    private static func toolCalls(_ fields: [String: AttributeValue], prefix: String, id: String, name: String,
                                  arguments: String) -> [ChatMessage.ToolCallRequest] {
        var calls: [Int: [String: AttributeValue]] = [:]
        for (key, value) in fields where key.hasPrefix(prefix) {
            let rest = key.dropFirst(prefix.count)
            guard let dot = rest.firstIndex(of: "."), let index = Int(rest[..<dot]) else { continue }
            calls[index, default: [:]][String(rest[rest.index(after: dot)...])] = value
        }
        return calls.keys.sorted().map { index in
            let c = calls[index]!
            return .init(id: c[id]?.stringValue ?? "", name: c[name]?.stringValue ?? "",
                         arguments: c[arguments].map(Normalizer.displayString) ?? "")
        }
    }

    // MARK: Log events

    static func logMessage(_ log: RawLogRecord) -> ChatMessage { roleMessage(eventName: log.eventName, body: log.body) }

    /// A v1.28 event sent as a span event: a span event has no body, so the body's fields come as its
    /// attributes (`content`, `message`, `tool_calls`, …). Nil when it carries none of them.
    static func eventBody(_ event: SpanEvent) -> AttributeValue? {
        let fields = ["content", "message", "tool_calls"]
        return fields.contains { event.attributes[$0] != nil } ? .map(event.attributes) : nil
    }

    /// A system, user, assistant or tool message from an event's body.
    static func roleMessage(eventName: String, body: AttributeValue) -> ChatMessage {
        let role: ChatMessage.Role
        switch eventName {
        case "gen_ai.system.message": role = .system
        case "gen_ai.user.message": role = .user
        case "gen_ai.assistant.message": role = .assistant
        default: role = .tool
        }
        var calls: [ChatMessage.ToolCallRequest] = []
        if case .array(let items)? = body["tool_calls"] {
            for item in items {
                calls.append(.init(id: item["id"]?.stringValue ?? "",
                                   name: item["function"]?["name"]?.stringValue ?? item["name"]?.stringValue ?? "",
                                   arguments: (item["function"]?["arguments"] ?? item["arguments"]).map(Normalizer.displayString) ?? ""))
            }
        }
        let content = body["content"].map(contentText) ?? (body.stringValue ?? "")
        return ChatMessage(role: role, content: content, toolCalls: calls,
                           toolCallID: role == .tool ? (body["id"]?.stringValue ?? "") : "")
    }

    static func choiceMessage(_ body: AttributeValue) -> ChatMessage {
        let message = body["message"] ?? .empty
        var calls: [ChatMessage.ToolCallRequest] = []
        if case .array(let items)? = message["tool_calls"] {
            for item in items {
                calls.append(.init(id: item["id"]?.stringValue ?? "",
                                   name: item["function"]?["name"]?.stringValue ?? "",
                                   arguments: item["function"]?["arguments"].map(Normalizer.displayString) ?? ""))
            }
        }
        // The message is a map with `content`, or (from some senders) the content itself.
        let content = message["content"].map(contentText) ?? message.stringValue ?? ""
        return ChatMessage(role: .assistant, content: content,
                           toolCalls: calls, finishReason: body["finish_reason"]?.stringValue ?? "", isOutput: true)
    }

    /// Content that is either a string or a list of parts.
    private static func contentText(_ value: AttributeValue) -> String {
        if case .array(let parts) = value {
            return parts.map { $0["text"]?.stringValue ?? $0["content"]?.stringValue ?? Normalizer.displayString($0) }
                .joined(separator: "\n")
        }
        return Normalizer.displayString(value)
    }
}
