import Foundation

/// Which price applied to a model name, and why.
public struct PriceMatch: Sendable, Equatable {
    /// The price data's provider, e.g. `openai`; for user entries their `provider`, else `user`.
    public var providerID: String
    /// The price data's model id, e.g. `gpt-4o`; for user entries the table name.
    public var modelID: String
    /// `provider/model ← 'name as given' (clause that matched; changes made to the name; how the
    /// provider was found)`, e.g.
    /// - `openai/gpt-4o ← 'gpt-4o-2024-08-06' (equals gpt-4o-2024-08-06)`
    /// - `openai/gpt-4o ← 'gpt-4o-2024-11-20' (equals gpt-4o-2024-11-20; azure falls back to openai)`
    /// - `cohere/command-r-plus ← 'cohere.command-r-plus-v1:0' (equals command-r-plus; Bedrock
    ///   'cohere.…-v1:0'; not in aws's prices; provider from model name)`
    /// - `user/gpt-4o ← 'gpt-4o-2024-08-06' (user prices.toml: equals gpt-4o; date suffix '-2024-08-06' removed)`
    public var rule: String
    public var price: ModelPrice

    public init(providerID: String, modelID: String, rule: String, price: ModelPrice) {
        self.providerID = providerID
        self.modelID = modelID
        self.rule = rule
        self.price = price
    }
}

/// Model prices: the bundled genai-prices data, optionally overlaid with the user's own entries.
/// How a model name resolved to a price entry, independent of time.
public struct PriceResolution: Sendable {
    enum Source: Sendable {
        case data(PricedModel)
        case user(ModelPrice)
    }

    public var providerID: String
    public var modelID: String
    public var rule: String
    var source: Source

    /// The model's context window in tokens, when the price data gives one.
    public var contextWindow: Int? {
        if case .data(let model) = source { return model.contextWindow }
        return nil
    }

    /// The price in force at `nanos`.
    public func match(atUnixNanos nanos: UInt64) -> PriceMatch {
        let price = switch source {
        case .data(let model): model.price(atUnixNanos: nanos)
        case .user(let price): price
        }
        return PriceMatch(providerID: providerID, modelID: modelID, rule: rule, price: price)
    }
}

public struct PriceTable: Sendable {
    var userEntries: [UserPriceEntry]
    var providers: [PricedProvider]

    public init() {
        userEntries = []
        providers = []
    }

    init(userEntries: [UserPriceEntry] = [], providers: [PricedProvider] = []) {
        self.userEntries = userEntries
        self.providers = providers
    }

    public var isEmpty: Bool { userEntries.isEmpty && providers.isEmpty }

    /// Decoded once, on first use.
    public static let bundled: PriceTable = {
        do {
            return try PriceTable(json: BundledPriceData.json)
        } catch {
            fatalError("bundled price data does not decode: \(error)")
        }
    }()

    /// Where the bundled prices come from, for `--version` style output.
    public static let bundledSource = "genai-prices (MIT), \(BundledPriceData.providerCount) providers, "
        + "\(BundledPriceData.modelCount) models, prices dated up to \(BundledPriceData.newestPriceChange), "
        + "sha256 \(BundledPriceData.sourceSHA256.prefix(12))"

    init(json: String) throws {
        struct Document: Decodable { var providers: [PricedProvider] }
        self.init(providers: try JSONDecoder().decode(Document.self, from: Data(json.utf8)).providers)
    }

    /// Overlay: user entries win over bundled ones.
    public func overlaid(with user: PriceTable) -> PriceTable {
        PriceTable(userEntries: user.userEntries + userEntries, providers: user.providers + providers)
    }

    /// provider: the normalized provider name from telemetry ("openai", "anthropic", "aws.bedrock",
    /// "gcp.vertex_ai", "azure.ai.openai", nil…); model: response model preferred by the caller.
    ///
    /// Search order, each over the spellings of `ModelSpelling.all(of:)`, first hit wins:
    /// 1. user entries;
    /// 2. the provider the hint names, then its fallback providers (Azure → OpenAI, Anthropic);
    ///    without a known hint, the provider a `provider/` prefix of the name names;
    /// 3. for a Bedrock model id, AWS;
    /// 4. providers whose `model_match` claims the name (`claude…` → Anthropic);
    /// 5. when the hint names no known provider: the model vendors' own price lists.
    /// Nothing else: a name that matches nothing is unpriced (nil), never free. Calls to local
    /// runtimes (`ollama`, `lmstudio`, …) are priced by user entries only.
    /// How many tokens `model` takes at most, from the price data (a user price file names none).
    public func contextWindow(provider: String?, model: String) -> Int? {
        PriceTable(providers: providers).resolve(provider: provider, model: model)?.contextWindow
    }

    public func resolve(provider: String?, model: String, atUnixNanos nanos: UInt64) -> PriceMatch? {
        resolve(provider: provider, model: model)?.match(atUnixNanos: nanos)
    }

    /// Which entry prices `model`, whatever the time: the name's resolution, which `match(atUnixNanos:)`
    /// turns into the price in force at a given moment (prices can start on a date or hold at certain hours).
    public func resolve(provider: String?, model: String) -> PriceResolution? {
        let spellings = ModelSpelling.all(of: model)
        guard !spellings.isEmpty else { return nil }
        let hint = provider.map { $0.trimmingSpaces().lowercased() }.flatMap { $0.isEmpty ? nil : $0 }
        let given = model.trimmingSpaces()

        func priced(_ hit: Hit, _ spelling: ModelSpelling, _ notes: [String] = []) -> PriceResolution {
            let why = ([hit.clause] + spelling.changes + hit.notes + notes).joined(separator: "; ")
            return PriceResolution(providerID: hit.provider.id, modelID: hit.model.id,
                                   rule: "\(hit.provider.id)/\(hit.model.id) ← '\(given)' (\(why))",
                                   source: .data(hit.model))
        }

        if let match = userMatch(hint: hint, spellings: spellings, given: given) { return match }
        if let hint, ProviderAliases.localRuntimes.contains(hint) { return nil }

        let hinted = hint.flatMap(dataProvider(named:))
        if let hinted {
            for spelling in spellings {
                if let hit = lookup(spelling.name, in: hinted) { return priced(hit, spelling) }
            }
        }

        let hintNote = hinted.map { "not in \($0.id)'s prices" } ?? hint.map { "provider '\($0)' unknown" }
            ?? "no provider given"
        if hinted == nil, let prefixed = providerNamedByPrefix(of: spellings[0].name) {
            for spelling in spellings {
                if let hit = lookup(spelling.name, in: prefixed) {
                    return priced(hit, spelling, [hintNote, "provider from the name's prefix"])
                }
            }
        }
        if hinted?.id != "aws", spellings.contains(where: \.isBedrockID), let aws = dataProvider(id: "aws") {
            for spelling in spellings {
                if let hit = lookup(spelling.name, in: aws) {
                    return priced(hit, spelling, [hintNote, "Bedrock model id"])
                }
            }
        }

        for spelling in spellings {
            for candidate in providers where candidate.modelMatch?.matches(spelling.name) == true {
                if let hit = lookup(spelling.name, in: candidate) {
                    return priced(hit, spelling, [hintNote, "provider from model name"])
                }
            }
        }

        guard hinted == nil else { return nil }
        for spelling in spellings {
            for id in ProviderAliases.modelVendors {
                if let vendor = dataProvider(id: id), let hit = firstModel(matching: spelling.name, in: vendor) {
                    return priced(hit, spelling, [hintNote, "\(id)'s own model"])
                }
            }
        }
        return nil
    }

    // MARK: Lookup

    private struct Hit {
        var provider: PricedProvider
        var model: PricedModel
        var clause: String
        var notes: [String] = []
    }

    /// The first model of `provider` (then of its fallback providers) whose match clause accepts `name`.
    private func lookup(_ name: String, in provider: PricedProvider) -> Hit? {
        if let hit = firstModel(matching: name, in: provider) { return hit }
        for id in provider.fallbackProviderIDs {
            if let fallback = dataProvider(id: id), var hit = firstModel(matching: name, in: fallback) {
                hit.notes.append("\(provider.id) falls back to \(id)")
                return hit
            }
        }
        return nil
    }

    private func firstModel(matching name: String, in provider: PricedProvider) -> Hit? {
        for model in provider.models {
            if let clause = model.match.matchedRule(name) { return Hit(provider: provider, model: model, clause: clause) }
        }
        return nil
    }

    private func dataProvider(id: String) -> PricedProvider? { providers.first { $0.id == id } }

    /// Known telemetry spellings first, then the data's ids, then its `provider_match` clauses.
    private func dataProvider(named hint: String) -> PricedProvider? {
        if let id = ProviderAliases.dataProviderID[hint], let provider = dataProvider(id: id) { return provider }
        if let provider = dataProvider(id: hint) { return provider }
        return providers.first { $0.providerMatch?.matches(hint) == true }
    }

    /// `groq/llama-3.3-70b-versatile`, `bedrock/anthropic.claude-…` (LiteLLM style) → that provider.
    private func providerNamedByPrefix(of name: String) -> PricedProvider? {
        guard let slash = name.firstIndex(of: "/"), slash > name.startIndex else { return nil }
        return dataProvider(named: String(name[..<slash]))
    }

    /// The same provider, however telemetry or the user spelled it (`aws.bedrock` and `aws`).
    func isSameProvider(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let canonicalA = dataProvider(named: a)?.id ?? ProviderAliases.dataProviderID[a] ?? a
        let canonicalB = dataProvider(named: b)?.id ?? ProviderAliases.dataProviderID[b] ?? b
        return canonicalA == canonicalB
    }

    private func userMatch(hint: String?, spellings: [ModelSpelling], given: String) -> PriceResolution? {
        for spelling in spellings {
            for entry in userEntries {
                if let wanted = entry.provider, let hint, !isSameProvider(wanted, hint) { continue }
                guard let clause = entry.pattern.matchedRule(spelling.name) else { continue }
                let why = (["user \(entry.fileName): \(clause)"] + spelling.changes).joined(separator: "; ")
                let providerID = entry.provider ?? "user"
                return PriceResolution(providerID: providerID, modelID: entry.name,
                                       rule: "\(providerID)/\(entry.name) ← '\(given)' (\(why))", source: .user(entry.price))
            }
        }
        return nil
    }
}

/// Provider names as telemetry sends them, mapped onto the price data's providers.
enum ProviderAliases {
    /// OTel `gen_ai.provider.name` values and older `gen_ai.system` spellings that the data's own
    /// `provider_match` clauses would miss or misplace (`azure.ai.openai` contains `openai`).
    static let dataProviderID: [String: String] = [
        "azure.ai.openai": "azure", "az.ai.openai": "azure", "azure.ai.inference": "azure",
        "az.ai.inference": "azure", "azure_openai": "azure", "azure_ai": "azure",
        "gcp.gen_ai": "google", "gcp.gemini": "google", "gcp.vertex_ai": "google", "vertex_ai": "google",
        "gemini": "google",
        "aws.bedrock": "aws", "bedrock": "aws",
        "x_ai": "x-ai", "xai": "x-ai",
        "mistral_ai": "mistral",
        "fireworks_ai": "fireworks",
        "together_ai": "together",
        "moonshot": "moonshotai",
    ]

    /// Runtimes on the user's machine: their models have no list price, even when a vendor's model
    /// name matches (`deepseek-r1:8b` on Ollama is not DeepSeek's API).
    static let localRuntimes: Set<String> = ["ollama", "lmstudio", "lm_studio", "llama.cpp", "llamacpp", "llamafile"]

    /// Providers whose price lists are their own models, searched when no known provider is given
    /// (`text-embedding-3-small` → OpenAI).
    static let modelVendors = ["openai", "anthropic", "google", "mistral", "cohere", "deepseek", "x-ai",
                               "perplexity", "voyageai", "moonshotai", "zhipuai", "minimax"]
}
