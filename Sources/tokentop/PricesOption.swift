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

    /// Where the prices come from.
    struct Sources: Equatable {
        /// genai-prices data in place of the bundled copy.
        var dataFile: String?
        /// The user's TOML prices, over the data.
        var userFile: String?
    }

    /// genai-prices data by its name (`.json`) or by what it holds (`{…}` or `[{…}]`); a TOML file
    /// starts with a key or a `[table]`.
    static func isPriceData(_ path: String) -> Bool {
        if path.lowercased().hasSuffix(".json") { return true }
        if path.lowercased().hasSuffix(".toml") { return false }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 256)) ?? Data()
        let text = start.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return text.first == UInt8(ascii: "{") || (text.first == UInt8(ascii: "[") && text.dropFirst().first == UInt8(ascii: "{"))
    }

    func sources(configured: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> Sources {
        let folder = TokentopConfig.folder(environment: environment)
        func existing(_ name: String) -> String? {
            folder.map { "\($0)/\(name)" }.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil }
        }
        guard let named = prices ?? configured else {
            return Sources(dataFile: existing("genai-prices.json"), userFile: existing("prices.toml"))
        }
        return Self.isPriceData(named) ? Sources(dataFile: named, userFile: existing("prices.toml"))
                                       : Sources(dataFile: existing("genai-prices.json"), userFile: named)
    }

    /// The price table; a bad file is an error naming the file (and the line, for TOML) and the problem.
    func table(configured: String? = nil) throws -> (PriceTable, Sources) {
        let sources = sources(configured: configured)
        func read(_ file: String) throws -> Data {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigurationError(message: "cannot read the prices file \(file)")
            }
            return data
        }
        var table = PriceTable.bundled
        if let file = sources.dataFile {
            do { table = try PriceTable(genaiPricesData: try read(file), file: file) } catch let error as PriceDataFileError {
                throw ConfigurationError(message: error.description)
            }
        }
        if let file = sources.userFile {
            do {
                table = table.overlaid(with: try PriceTable.parseUserFile(String(decoding: try read(file), as: UTF8.self), file: file))
            } catch let error as PriceFileError {
                throw ConfigurationError(message: error.description)
            }
        }
        return (table, sources)
    }

    func pricing(configured: String? = nil) throws -> CallPricing {
        CallPricing(table: try table(configured: configured).0)
    }
}
