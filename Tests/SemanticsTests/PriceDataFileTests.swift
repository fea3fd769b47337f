import Foundation
import Semantics
import Testing

/// `--prices data.json`: genai-prices' own data, as published, read at run time, resolves every name
/// the way the bundled subset of the same data does.
@Suite struct PriceDataFileTests {
    private static let published = Fixture.root.deletingLastPathComponent().appendingPathComponent("PriceFixtures/genai-prices-data.json")

    @Test func thePublishedDataResolvesAsTheBundledSubsetOfIt() throws {
        let table = try PriceTable(genaiPricesData: try Data(contentsOf: Self.published), file: "data.json")
        #expect(table.providerCount == 36 && table.modelCount == 1466)
        #expect(table.newestPriceChange == "2027-01-01")
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        let names: [(String?, String)] = [
            (nil, "gpt-4o-mini"), ("openai", "gpt-4o-2024-08-06"), ("azure", "gpt-4o"), (nil, "claude-sonnet-4-5"),
            ("aws.bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0"), ("gcp.vertex_ai", "gemini-2.5-pro"),
            (nil, "deepseek-chat"), ("openrouter", "openai/gpt-4o"), (nil, "mistral-large-latest"), (nil, "no-such-model"),
        ]
        for (provider, model) in names {
            let fromFile = table.resolve(provider: provider, model: model)
            let bundled = PriceTable.bundled.resolve(provider: provider, model: model)
            #expect(fromFile?.match(atUnixNanos: now) == bundled?.match(atUnixNanos: now), "\(provider ?? "-") \(model)")
            #expect(fromFile?.contextWindow == bundled?.contextWindow, "\(model)")
        }
    }

    @Test func notPriceDataIsAClearError() {
        for (text, problem) in [("name = 1", "is not genai-prices data (a JSON list of providers)"),
                                ("[{\"id\": \"x\"}]", "is not genai-prices data: [0]: no 'models'"),
                                ("[]", "holds no providers"),
                                ("[{\"id\": \"x\", \"models\": [{\"id\": \"m\", \"match\": {\"equals\": \"m\"}, \"prices\": {\"input_mtok\": \"a lot\"}}]}]",
                                 "is not genai-prices data: [0].models[0].prices")] {
            #expect {
                try PriceTable(genaiPricesData: Data(text.utf8), file: "p.json")
            } throws: { error in
                "\(error)".hasPrefix("p.json \(problem)")
            }
        }
    }

    @Test func theBundledSubsetReadsBackToo() throws {
        let subset = #"{"providers":[{"id":"acme","model_match":{"starts_with":"acme-"},"models":[{"id":"acme-1","match":{"equals":"acme-1"},"prices":[{"prices":{"input_mtok":1}},{"constraint":{"start_date":"2026-02-28"},"prices":{"input_mtok":2}}]}]}]}"#
        let table = try PriceTable(genaiPricesData: Data(subset.utf8), file: "s.json")
        #expect(table.newestPriceChange == "2026-02-28")
        #expect(table.resolve(provider: nil, model: "acme-1")?.modelID == "acme-1")
    }
}
