/// The attribute keys and event names the code looks up (`AttributeKey`), numbered by their place
/// here in every `SymbolTable`, so a key's number is the same in all tables and known before any span
/// is packed. A key missing from this list still works, looked up by its text (slower); debug builds
/// stop on it so that it gets added.
enum KeyCatalog {
    static let names: [String] = [
        "gen_ai.request.model", "llm.request.model", "gen_ai.response.model", "llm.response.model", "llm.model_name",
        "embedding.model_name", "gen_ai.response.id", "gen_ai.conversation.id", "session.id", "langfuse.session.id",
        "traceloop.association.properties.session_id", "traceloop.association.properties.thread_id",
        "traceloop.association.properties.conversation_id", "gen_ai.tool.name", "tool.name", "traceloop.entity.name",
        "gen_ai.tool.call.id", "gen_ai.tool.call.arguments", "tool.input", "input.value", "traceloop.entity.input",
        "gen_ai.tool.call.result", "output.value", "traceloop.entity.output", "gen_ai.agent.name", "agent.name",
        "agent_name", "graph.node.id", "agent.task", "gen_ai.agent.description", "langfuse.observation.type",
        "langfuse.observation.model.name", "langfuse.observation.usage_details", "langfuse.observation.cost_details",
        "langfuse.observation.completion_start_time", "langfuse.observation.level", "gen_ai.usage.input_tokens",
        "gen_ai.usage.prompt_tokens", "llm.token_count.prompt", "llm.usage.prompt_tokens",
        "gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens", "llm.token_count.completion",
        "llm.usage.completion_tokens", "gen_ai.usage.total_tokens", "llm.usage.total_tokens", "llm.token_count.total",
        "codex.usage.total_tokens", "gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens",
        "llm.token_count.prompt_details.cache_read", "gen_ai.usage.prompt_tokens_details.cached_tokens",
        "gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_write.input_tokens",
        "gen_ai.usage.cache_creation_input_tokens", "llm.token_count.prompt_details.cache_write",
        "gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens",
        "llm.token_count.completion_details.reasoning", "llm.usage.reasoning_tokens",
        "gen_ai.usage.details.reasoning_tokens", "codex.usage.reasoning_output_tokens", "openinference.span.kind",
        "traceloop.span.kind", "gen_ai.operation.name", "llm.request.type", "gen_ai.provider.name", "gen_ai.system",
        "llm.provider", "llm.system", "llm.invocation_parameters", "gen_ai.request.stream", "gen_ai.is_streaming",
        "llm.is_streaming", "gen_ai.usage.cost", "llm.cost.total", "operation.cost", "http.request.resend_count",
        "gen_ai.client.retries", "gen_ai.response.finish_reasons", "llm.response.finish_reasons", "llm.finish_reason",
        "llm.response.finish_reason", "anthropic.message.stop_reason", "gen_ai.response.time_to_first_chunk",
        "gen_ai.server.time_to_first_token", "First Token Stream Event", "gen_ai.content.completion.chunk",
        "llm.content.completion.chunk", "gen_ai.first_token", "model", "span.type", "http.response.status_code",
        "http.status_code", "gen_ai.evaluation.result",
    ]

    static let ids: [String: UInt32] = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, UInt32($0)) })
}
