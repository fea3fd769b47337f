import ArgumentParser
import Foundation
import Semantics
import Store

/// `--prices FILE`, else `prices` in the config file, else `$XDG_CONFIG_HOME/tokentop/prices.toml` when it
/// exists, over the bundled table.
struct PricesOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "A TOML file of model prices that add to or override the bundled ones.",
        discussion: "Default: $XDG_CONFIG_HOME/tokentop/prices.toml (~/.config/tokentop/prices.toml) when it exists.",
        valueName: "file"))
    var prices: String?

    /// The user's file, if one is named or present at the default place.
    func userFile(configured: String?) -> String? {
        if let file = prices ?? configured { return file }
        let environment = ProcessInfo.processInfo.environment
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.config" }
        guard let path = config.map({ $0 + "/tokentop/prices.toml" }),
              FileManager.default.fileExists(atPath: path) else { return nil }
        return path
    }

    /// The bundled table with the user's entries on top; a bad file is an error naming file, line and problem.
    func pricing(configured: String? = nil) throws -> CallPricing {
        guard let file = userFile(configured: configured) else { return CallPricing(table: .bundled) }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigurationError(message: "cannot read the prices file \(file)")
        }
        do {
            let user = try PriceTable.parseUserFile(String(decoding: data, as: UTF8.self), file: file)
            return CallPricing(table: PriceTable.bundled.overlaid(with: user))
        } catch {
            throw ConfigurationError(message: error.description)
        }
    }
}
