import Config
import Foundation
import Semantics

/// Where the prices come from: genai-prices' `data.json` in place of the bundled data, and the user's
/// own TOML prices over it. A file named with `--prices` (or `prices` in the config file) is one or
/// the other by what it holds; without one, the files at the default places are used when they exist.
public struct PriceSources: Sendable, Equatable {
    /// genai-prices data in place of the bundled copy.
    public var dataFile: String?
    /// The user's TOML prices, over the data.
    public var userFile: String?

    public init(dataFile: String? = nil, userFile: String? = nil) {
        self.dataFile = dataFile
        self.userFile = userFile
    }

    /// `named` is the flag's file, else the config file's.
    public init(named: String?, folders: TokentopFolders) {
        func existing(_ path: String?) -> String? { path.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil } }
        if let named, Self.isPriceData(named) {
            self.init(dataFile: named, userFile: existing(folders.userPrices))
        } else {
            self.init(dataFile: existing(folders.priceData), userFile: named ?? existing(folders.userPrices))
        }
    }

    /// genai-prices data by its name (`.json`) or by what it holds (`{…}` or `[{…}]`); a TOML file
    /// starts with a key or a `[table]`.
    public static func isPriceData(_ path: String) -> Bool {
        if path.lowercased().hasSuffix(".json") { return true }
        if path.lowercased().hasSuffix(".toml") { return false }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let start = (try? handle.read(upToCount: 256)) ?? Data()
        let text = start.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return text.first == UInt8(ascii: "{") || (text.first == UInt8(ascii: "[") && text.dropFirst().first == UInt8(ascii: "{"))
    }

    /// The price table; a bad file is an error naming the file (and the line, for TOML) and the problem.
    public func table() throws(SettingsError) -> PriceTable {
        func read(_ file: String) throws(SettingsError) -> Data {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw .configuration("cannot read the prices file \(file)")
            }
            return data
        }
        var table = PriceTable.bundled
        if let file = dataFile {
            do { table = try PriceTable(genaiPricesData: try read(file), file: file) } catch let error as PriceDataFileError {
                throw .configuration(error.description)
            } catch {
                throw .configuration("\(error)")
            }
        }
        if let file = userFile {
            let text = String(decoding: try read(file), as: UTF8.self)
            do { table = table.overlaid(with: try PriceTable.parseUserFile(text, file: file)) } catch {
                throw .configuration(error.description)
            }
        }
        return table
    }
}
