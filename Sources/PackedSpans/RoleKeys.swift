import Telemetry

/// The keys whose string values a normalized role keeps (models, ids, tool and agent names and
/// their arguments and results): the packer stores a long value of one of them as a string the role
/// then shares, instead of bytes the role would copy. The normalizer reads its roles' fields from
/// these same lists.
public enum RoleKeys {
    public static let requestModel = AttributeKey.list(["gen_ai.request.model", "llm.request.model"])
    public static let responseModel = AttributeKey.list(["gen_ai.response.model", "llm.response.model", "llm.model_name",
                                                         "embedding.model_name"])
    public static let responseID = AttributeKey("gen_ai.response.id")
    public static let sessionID = AttributeKey.list(["gen_ai.conversation.id", "session.id", "langfuse.session.id",
                                                     "traceloop.association.properties.session_id",
                                                     "traceloop.association.properties.thread_id",
                                                     "traceloop.association.properties.conversation_id"])
    public static let toolName = AttributeKey.list(["gen_ai.tool.name", "tool.name", "traceloop.entity.name"])
    public static let toolCallID = AttributeKey("gen_ai.tool.call.id")
    public static let toolArguments = AttributeKey.list(["gen_ai.tool.call.arguments", "tool.input", "input.value", "traceloop.entity.input"])
    public static let toolResult = AttributeKey.list(["gen_ai.tool.call.result", "output.value", "traceloop.entity.output"])
    public static let agentName = AttributeKey.list(["gen_ai.agent.name", "agent.name", "agent_name", "traceloop.entity.name", "graph.node.id"])
    public static let agentTask = AttributeKey.list(["agent.task", "gen_ai.agent.description"])

    package static let keptByRoles = KeySet(requestModel + responseModel + [responseID] + sessionID + toolName + [toolCallID]
                                            + toolArguments + toolResult + agentName + agentTask)
}

extension AttributeKey {
    public static func list(_ names: [String]) -> [AttributeKey] { names.map(AttributeKey.init) }
}

/// A few key numbers, asked about for every key packed: most answers come from a 64-bit filter.
package struct KeySet: Sendable {
    private let symbols: [UInt32]
    private let filter: UInt64

    package init(_ keys: [AttributeKey]) {
        symbols = keys.map(\.symbol)
        filter = symbols.reduce(0) { $0 | 1 << UInt64($1 % 64) }
    }

    package func contains(_ symbol: UInt32) -> Bool {
        filter & 1 << UInt64(symbol % 64) != 0 && symbols.contains(symbol)
    }
}
