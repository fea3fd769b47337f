/// Where tokentop keeps its files, read once from the environment (XDG base directories):
/// settings in `$XDG_CONFIG_HOME/tokentop` (`~/.config/tokentop`), state in `$XDG_STATE_HOME/tokentop`
/// (`~/.local/state/tokentop`). Every default path is derived here and nowhere else.
public struct TokentopFolders: Sendable, Equatable {
    /// nil when neither the XDG variable nor HOME is set.
    public let config: String?
    public let state: String?

    public init(environment: [String: String]) {
        func folder(_ variable: String, underHome: String) -> String? {
            let base = environment[variable].flatMap { $0.isEmpty ? nil : $0 } ?? environment["HOME"].map { $0 + underHome }
            return base.map { $0 + "/tokentop" }
        }
        config = folder("XDG_CONFIG_HOME", underHome: "/.config")
        state = folder("XDG_STATE_HOME", underHome: "/.local/state")
    }

    /// `config.toml`, read when it exists.
    public var configFile: String? { config.map { $0 + "/config.toml" } }
    /// The user's `*.theme` files, found by name.
    public var userThemes: String? { config.map { $0 + "/themes" } }
    /// genai-prices' `data.json`, used in place of the bundled prices when it exists.
    public var priceData: String? { config.map { $0 + "/genai-prices.json" } }
    /// The user's own prices, over the data, when it exists.
    public var userPrices: String? { config.map { $0 + "/prices.toml" } }
    /// The spend history ledger.
    public var history: String? { state.map { $0 + "/history.sqlite" } }
    /// Where the screen logs when no file is named.
    public var log: String? { state.map { $0 + "/tokentop.log" } }
    /// The theme last picked with `t`.
    public var rememberedTheme: String? { state.map { $0 + "/theme" } }
}
