import TokentopApp
import ArgumentParser
import Foundation
import Semantics

/// `tokentop prices [MODEL…]`: where the prices come from, and how each name resolves.
struct PricesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prices",
        abstract: "Show where prices come from and how model names resolve to them.",
        discussion: """
            Refresh prices without a rebuild: save genai-prices' data as
            $XDG_CONFIG_HOME/tokentop/genai-prices.json (or pass it with --prices):
              curl -fsSL -o ~/.config/tokentop/genai-prices.json \\
                https://raw.githubusercontent.com/pydantic/genai-prices/main/prices/data.json
            """)

    @Argument(help: "Model names as telemetry gives them (gpt-4o-2024-08-06, claude-sonnet-4-5, …).")
    var models: [String] = []

    @Option(name: .long, help: ArgumentHelp("The provider as telemetry gives it (openai, anthropic, aws.bedrock, …).",
                                            valueName: "name"))
    var provider: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @OptionGroup var prices: PricesOption

    @OptionGroup var configOption: ConfigOption

    func run() throws {
        let sources = prices.sources(try configOption.loadOrExit())
        let table = try resolving { () throws(SettingsError) in try sources.table() }
        let now = UInt64(Date().timeIntervalSince1970 * 1e9)
        let lines = models.map { model in
            (model, table.resolve(provider: provider, model: model).map { ($0.match(atUnixNanos: now), $0.contextWindow) })
        }
        if json {
            print(PriceListing.json(sources: sources, table: table, lines: lines))
        } else {
            print(PriceListing.text(sources: sources, table: table, lines: lines), terminator: "")
        }
    }
}
