import TokentopApp
import ArgumentParser
import Config
import Foundation
import Semantics
import Store

/// `--prices FILE` (or `prices` in the config file): genai-prices' `data.json`, which takes the place
/// of the bundled data, or a TOML file of the user's own prices over it. Without one, the files at
/// the default places are used when they exist.
struct PricesOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Prices: genai-prices' data.json (newer than the bundled copy), or a TOML file of your own prices over it.",
        discussion: "Defaults: $XDG_CONFIG_HOME/tokentop/genai-prices.json and prices.toml (~/.config/tokentop/…), each when it exists.",
        valueName: "file"))
    var prices: String?

    /// The flag's file, else the config file's, else the files at the default places.
    func sources(_ config: TokentopConfig) -> PriceSources {
        PriceSources(named: prices ?? config.prices, folders: TokentopFolders(environment: ProcessInfo.processInfo.environment))
    }
}
