import Semantics
import Testing

/// 2025-09-01T00:00:00Z
let pricingNow: UInt64 = 1_756_684_800_000_000_000

struct ResolutionCase: Sendable, CustomTestStringConvertible {
    var provider: String?
    var model: String
    /// "providerID/modelID", or nil for unpriced.
    var expected: String?

    init(_ provider: String?, _ model: String, _ expected: String?) {
        self.provider = provider
        self.model = model
        self.expected = expected
    }

    var testDescription: String { "\(provider ?? "nil") · \(model)" }
}

@Suite struct PricingResolutionTests {
    static let cases: [ResolutionCase] = [
        // OpenAI
        .init("openai", "gpt-4o", "openai/gpt-4o"),
        .init("openai", "gpt-4o-2024-08-06", "openai/gpt-4o"),
        .init("openai", "gpt-4o-mini-2024-07-18", "openai/gpt-4o-mini"),
        .init("openai", "o4-mini-2025-04-16", "openai/o4-mini"),
        .init("openai", "GPT-4o", "openai/gpt-4o"),
        .init("openai", "gpt-4.1-2025-04-14", "openai/gpt-4.1"),
        .init("openai", "o3", "openai/o3"),
        .init("openai", "chatgpt-4o-latest", "openai/chatgpt-4o-latest"),
        .init("openai", "gpt-4o-mini-tts-2025-03-20", "openai/gpt-4o-mini-tts"),
        .init("openai", "ft:gpt-4o-mini-2024-07-18:acme::abc123", "openai/ft:gpt-4o-mini"),
        .init("openai", "text-embedding-3-small", "openai/text-embedding-3-small"),
        .init("openai", "text-embedding-3-large", "openai/text-embedding-3-large"),
        .init("openai", "omni-moderation-latest", "openai/moderation"),
        .init("openai", "gpt-4o-prod-deployment", nil),
        .init(nil, "gpt-4o", "openai/gpt-4o"),
        .init(nil, "openai/gpt-4o", "openai/gpt-4o"),
        .init(nil, "openai/gpt-4o-2024-08-06", "openai/gpt-4o"),
        .init(nil, "text-embedding-3-small", "openai/text-embedding-3-small"),
        .init(nil, "gpt-5.6-luna-2026-05-01", "openai/gpt-5.6-luna"),
        .init("langchain", "gpt-4o-mini", "openai/gpt-4o-mini"),
        .init(nil, "groq/llama-3.3-70b-versatile", "groq/llama-3.3-70b-versatile"),
        .init("litellm", "bedrock/anthropic.claude-3-haiku-20240307-v1:0",
              "aws/regional.anthropic.claude-3-haiku-20240307-v1:0"),
        .init(nil, "mistralai/mistral-large-2411", "mistral/mistral-large"),
        // Anthropic
        .init("anthropic", "claude-sonnet-4-20250514", "anthropic/claude-sonnet-4-0"),
        .init("anthropic", "claude-3-5-sonnet-latest", "anthropic/claude-3-5-sonnet"),
        .init("anthropic", "claude-3-5-haiku-20241022", "anthropic/claude-3-5-haiku-latest"),
        .init("anthropic", "claude-opus-4-1-20250805", "anthropic/claude-opus-4-1"),
        .init("anthropic", "claude-haiku-4-5-20251001", "anthropic/claude-haiku-4-5"),
        .init("anthropic", "claude-sonnet-4-5", "anthropic/claude-sonnet-4-5"),
        .init("anthropic", "Claude-3-5-Sonnet-20241022", "anthropic/claude-3-5-sonnet"),
        .init(nil, "anthropic/claude-sonnet-4", "anthropic/claude-sonnet-4-0"),
        .init(nil, "claude-3-7-sonnet-20250219", "anthropic/claude-3-7-sonnet-latest"),
        .init("openai", "claude-3-5-sonnet-20241022", "anthropic/claude-3-5-sonnet"),
        // AWS Bedrock
        .init("aws.bedrock", "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
              "aws/regional.anthropic.claude-3-5-sonnet-20241022-v2:0"),
        .init("aws.bedrock", "anthropic.claude-3-haiku-20240307-v1:0",
              "aws/regional.anthropic.claude-3-haiku-20240307-v1:0"),
        .init("aws.bedrock", "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
              "aws/global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
        .init("aws.bedrock", "amazon.nova-pro-v1:0", "aws/amazon.nova-pro-v1:0"),
        .init("aws.bedrock", "meta.llama3-1-70b-instruct-v1:0", "aws/meta.llama3-1-70b-instruct-v1:0"),
        .init("aws.bedrock", "cohere.command-r-plus-v1:0", "cohere/command-r-plus"),
        .init("aws.bedrock", "anthropic.claude-v2:1", "anthropic/claude-2"),
        .init(nil, "us.anthropic.claude-3-5-sonnet-20241022-v2:0", "aws/regional.anthropic.claude-3-5-sonnet-20241022-v2:0"),
        .init(nil, "amazon.nova-lite-v1:0", "aws/amazon.nova-lite-v1:0"),
        // Google
        .init("gcp.vertex_ai", "claude-sonnet-4@20250514", "google/claude-4-sonnet"),
        .init("gcp.vertex_ai", "claude-3-5-sonnet-v2@20241022", "google/claude-3-5-sonnet"),
        .init(nil, "claude-sonnet-4@20250514", "anthropic/claude-sonnet-4-0"),
        .init("gcp.vertex_ai", "gemini-2.5-pro", "google/gemini-2.5-pro"),
        .init("gcp.vertex_ai", "gemini-1.5-pro-002", "google/gemini-1.5-pro"),
        .init("gcp.gemini", "gemini-2.0-flash-001", "google/gemini-2.0-flash"),
        .init(nil, "models/gemini-2.5-flash", "google/gemini-2.5-flash"),
        // Azure
        .init("azure.ai.openai", "gpt-4o-2024-11-20", "openai/gpt-4o"),
        .init("azure.ai.openai", "gpt-35-turbo", "openai/gpt-3.5-turbo"),
        .init("azure.ai.openai", "text-embedding-3-small", "azure/text-embedding-3-small"),
        .init("azure.ai.openai", "my-company-gpt4o-deployment", nil),
        // Others as OTel names them
        .init("cohere", "command-r-plus-08-2024", "cohere/command-r-plus"),
        .init("mistral_ai", "mistral-large-latest", "mistral/mistral-large"),
        .init("mistral_ai", "codestral-latest", "mistral/codestral"),
        .init("groq", "llama-3.3-70b-versatile", "groq/llama-3.3-70b-versatile"),
        .init("deepseek", "deepseek-chat", "deepseek/deepseek-chat"),
        .init("deepseek", "deepseek-reasoner", "deepseek/deepseek-reasoner"),
        .init("x_ai", "grok-3-mini", "x-ai/grok-3-mini"),
        .init("x_ai", "grok-4-0709", "x-ai/grok-4-0709"),
        .init("perplexity", "sonar-pro", "perplexity/sonar-pro"),
        .init("openrouter", "anthropic/claude-sonnet-4.5", "openrouter/anthropic/claude-sonnet-4.5"),
        .init(nil, "voyage-3", "voyageai/voyage-3"),
        // Never guessed
        .init(nil, "llama-3.3-70b-versatile", nil),
        .init(nil, "totally-unknown-model", nil),
        .init("ollama", "deepseek-r1:8b", nil),
        .init("aws.bedrock", "anthropic.claude-instant-v1", nil),
        .init("openai", "", nil),
        .init(nil, "   ", nil),
    ]

    @Test(arguments: cases)
    func resolves(_ c: ResolutionCase) {
        let match = PriceTable.bundled.resolve(provider: c.provider, model: c.model, atUnixNanos: pricingNow)
        #expect(match.map { "\($0.providerID)/\($0.modelID)" } == c.expected, "\(match?.rule ?? "unpriced")")
    }

    @Test func tableHasEnoughCases() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: [
        ("openai", "gpt-4o-2024-08-06", "openai/gpt-4o ← 'gpt-4o-2024-08-06' (equals gpt-4o-2024-08-06)"),
        ("anthropic", "claude-sonnet-4-20250514",
         "anthropic/claude-sonnet-4-0 ← 'claude-sonnet-4-20250514' (starts_with claude-sonnet-4-2025)"),
        (nil, "openai/gpt-4o", "openai/gpt-4o ← 'openai/gpt-4o' (equals gpt-4o; provider prefix 'openai/' removed; "
            + "no provider given; provider from the name's prefix)"),
        ("openai", "gpt-4o-mini-tts-2025-03-20",
         "openai/gpt-4o-mini-tts ← 'gpt-4o-mini-tts-2025-03-20' (equals gpt-4o-mini-tts; date suffix '-2025-03-20' removed)"),
        ("aws.bedrock", "cohere.command-r-plus-v1:0",
         "cohere/command-r-plus ← 'cohere.command-r-plus-v1:0' (equals command-r-plus; Bedrock 'cohere.…-v1:0'; "
            + "not in aws's prices; provider from model name)"),
        (nil, "us.anthropic.claude-3-5-sonnet-20241022-v2:0",
         "aws/regional.anthropic.claude-3-5-sonnet-20241022-v2:0 ← 'us.anthropic.claude-3-5-sonnet-20241022-v2:0' "
            + "(contains claude-3-5-sonnet-20241022; no provider given; Bedrock model id)"),
        ("azure.ai.openai", "gpt-4o-2024-11-20",
         "openai/gpt-4o ← 'gpt-4o-2024-11-20' (equals gpt-4o-2024-11-20; azure falls back to openai)"),
        (nil, "claude-sonnet-4@20250514",
         "anthropic/claude-sonnet-4-0 ← 'claude-sonnet-4@20250514' (starts_with claude-sonnet-4@; no provider given; "
            + "provider from model name)"),
        ("gcp.vertex_ai", "claude-3-5-sonnet-v2@20241022",
         "google/claude-3-5-sonnet ← 'claude-3-5-sonnet-v2@20241022' (contains claude-3-5-sonnet)"),
        (nil, "text-embedding-3-small",
         "openai/text-embedding-3-small ← 'text-embedding-3-small' (equals text-embedding-3-small; "
            + "no provider given; openai's own model)"),
        ("langchain", "gpt-4o-mini",
         "openai/gpt-4o-mini ← 'gpt-4o-mini' (equals gpt-4o-mini; provider 'langchain' unknown; provider from model name)"),
        ("openai", "claude-3-5-sonnet-20241022",
         "anthropic/claude-3-5-sonnet ← 'claude-3-5-sonnet-20241022' (starts_with claude-3-5-sonnet; "
            + "not in openai's prices; provider from model name)"),
    ] as [(String?, String, String)])
    func explainsWhichRuleMatched(provider: String?, model: String, rule: String) {
        #expect(PriceTable.bundled.resolve(provider: provider, model: model, atUnixNanos: pricingNow)?.rule == rule)
    }

    @Test func freeModelsResolveToZeroPricesNotToNil() throws {
        let match = try #require(PriceTable.bundled.resolve(provider: "openrouter", model: "deepseek/deepseek-r1:free",
                                                            atUnixNanos: pricingNow))
        #expect(match.price == ModelPrice())
        #expect(match.price.cost(of: TokenUsage(input: 1_000, output: 1_000)).total == 0)
    }

    // MARK: Constrained prices

    @Test func startDateSwitchesPriceAtUTCMidnight() throws {
        // o3: $10 / $40 until 2025-06-09, $2 / $8 from 2025-06-10; cached input $0.50 throughout.
        let before = try #require(PriceTable.bundled.resolve(provider: "openai", model: "o3",
                                                             atUnixNanos: 1_749_513_599_000_000_000))
        let from = try #require(PriceTable.bundled.resolve(provider: "openai", model: "o3",
                                                           atUnixNanos: 1_749_513_600_000_000_000))
        #expect(before.price == ModelPrice(input: 10, output: 40, cacheRead: 0.5))
        #expect(from.price == ModelPrice(input: 2, output: 8, cacheRead: 0.5))
    }

    @Test func timeOfDayWindowSelectsPeakPrice() throws {
        // DeepSeek chat: $0.27 / $1.10 between 00:30 and 16:30 UTC, $0.135 / $0.55 otherwise.
        let noon = try #require(PriceTable.bundled.resolve(provider: "deepseek", model: "deepseek-chat",
                                                           atUnixNanos: 1_735_732_800_000_000_000))
        let evening = try #require(PriceTable.bundled.resolve(provider: "deepseek", model: "deepseek-chat",
                                                              atUnixNanos: 1_735_761_600_000_000_000))
        #expect(noon.price == ModelPrice(input: 0.27, output: 1.1, cacheRead: 0.07))
        #expect(evening.price == ModelPrice(input: 0.135, output: 0.55, cacheRead: 0.035))
    }

    @Test func laterVariantReplacesTieredPrice() throws {
        // claude-sonnet-4-6: tiered above 200k input tokens until 2026-03-12, flat from 2026-03-13.
        let tiered = try #require(PriceTable.bundled.resolve(provider: "anthropic", model: "claude-sonnet-4-6",
                                                             atUnixNanos: 1_773_316_800_000_000_000))
        let flat = try #require(PriceTable.bundled.resolve(provider: "anthropic", model: "claude-sonnet-4-6",
                                                           atUnixNanos: 1_773_360_000_000_000_000))
        #expect(tiered.price.input == TokenRate(3, tiers: [.init(start: 200_000, price: 6)]))
        #expect(tiered.price.output == TokenRate(15, tiers: [.init(start: 200_000, price: 22.5)]))
        #expect(flat.price == ModelPrice(input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75))
    }

    @Test func bundledTableDecodesEveryProvider() {
        #expect(!PriceTable.bundled.isEmpty)
        #expect(PriceTable.bundledSource.hasPrefix("genai-prices (MIT), "))
    }
}
