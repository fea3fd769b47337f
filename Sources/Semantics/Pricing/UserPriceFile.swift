import TOMLKit
import TOMLReading

/// A problem in a user prices file.
public struct PriceFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based.
    public var line: Int
    public var problem: String

    public init(file: String, line: Int, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String { "\(file):\(line): \(problem)" }
}

/// A model name as the user file matches it: exactly, or by prefix (`my-finetune*`). Case is ignored.
enum NamePattern: Sendable, Equatable {
    case exact(String)
    case prefix(String)

    /// `name` must already be lower-cased.
    func matchedRule(_ name: String) -> String? {
        switch self {
        case .exact(let s): return name == s ? "equals \(s)" : nil
        case .prefix(let s): return name.hasPrefix(s) ? "prefix \(s)*" : nil
        }
    }
}

/// One `[models."…"]` table of a user prices file.
struct UserPriceEntry: Sendable, Equatable {
    var name: String
    /// Lower-cased; nil applies to every provider.
    var provider: String?
    var pattern: NamePattern
    var price: ModelPrice
    /// The file's last path component, for `PriceMatch.rule`.
    var fileName: String
    var line: Int
}

extension PriceTable {
    /// Parses a user prices file (TOML, read with TOMLKit). Malformed → PriceFileError naming file,
    /// line and problem.
    ///
    /// The format, prices in USD per million tokens:
    ///
    ///     # Entries here win over the bundled prices, in file order.
    ///     [models."my-finetune"]
    ///     provider = "openai"        # optional: only for calls from this provider (as telemetry
    ///                                #   names it, e.g. "openai", "aws.bedrock"); default: any
    ///     match = "my-finetune*"     # optional: the model name, exact, or a prefix ending in '*';
    ///                                #   default: the table's name, exact. Case is ignored.
    ///     input = 3.0                # required
    ///     output = 12.0              # required (includes reasoning tokens)
    ///     cache_read = 0.3           # optional; default: the input price
    ///     cache_write = 3.75         # optional; default: the input price
    ///
    /// Anything else — other tables or keys, values of another type, negative or infinite prices, a
    /// table without `input` or `output` — is an error, as is anything that is not TOML.
    public static func parseUserFile(_ text: String, file: String) throws(PriceFileError) -> PriceTable {
        do {
            return PriceTable(userEntries: try UserPriceFileReader(text: text, file: file).entries())
        } catch {
            throw PriceFileError(file: file, line: error.line ?? 1, problem: error.problem)
        }
    }
}

private struct UserPriceFileReader {
    let document: TOMLTable
    let file: String
    let lines: KeyLines

    static let tableHint = "expected [models.\"MODEL NAME\"]"
    static let keys = ["provider", "match", "input", "output", "cache_read", "cache_write"]

    init(text: String, file: String) throws(TOMLFileError) {
        document = try TOMLTable.parse(text, file: file)
        self.file = file
        lines = KeyLines(text)
    }

    private func error(_ line: Int?, _ problem: String) -> TOMLFileError {
        TOMLFileError(file: file, line: line, problem: problem)
    }

    /// The `[models."…"]` tables in file order.
    func entries() throws(TOMLFileError) -> [UserPriceEntry] {
        for key in document.keys where key != "models" {
            if document[key]?.table == nil {
                throw error(lines.line(table: [], key: key), "'\(key)' must be inside a [models.\"MODEL NAME\"] table")
            }
            let header = lines.tables(under: [key]).first ?? ([key], lines.line(table: [key]) ?? 1)
            throw error(header.line, "unknown table [\(header.path.map(quoted).joined(separator: "."))]; \(Self.tableHint)")
        }
        if let line = lines.line(table: ["models"]) { throw error(line, "unknown table [models]; \(Self.tableHint)") }
        guard let models = document["models"]?.table else {
            if document["models"] != nil { throw error(lines.line(table: [], key: "models"), "'models' must be a table; \(Self.tableHint)") }
            return []
        }
        let names = models.keys.sorted {
            (lines.line(table: ["models", $0]) ?? .max, $0) < (lines.line(table: ["models", $1]) ?? .max, $1)
        }
        var entries: [UserPriceEntry] = []
        for name in names {
            guard let table = models[name]?.table else {
                throw error(lines.line(table: ["models"], key: name) ?? lines.line(table: ["models", name]),
                            "[models.\(quoted(name))] must be a table of prices")
            }
            guard !name.isEmpty else { throw error(lines.line(table: ["models", name]), "unknown table [models.\"\"]; \(Self.tableHint)") }
            entries.append(try entry(name, table))
        }
        return entries
    }

    private func entry(_ name: String, _ table: TOMLTable) throws(TOMLFileError) -> UserPriceEntry {
        var reader = TableReader(table: table, path: ["models", name], file: file, lines: lines, namePrefix: [])
        let headerLine = lines.line(table: ["models", name]) ?? 1
        var provider: String?
        if let text = try reader.string("provider", "a quoted string") {
            provider = text.trimmingSpaces().lowercased()
            guard provider?.isEmpty == false else { throw reader.error("provider", "'provider' must not be empty") }
        }
        var pattern: NamePattern?
        if let text = try reader.string("match", "a quoted string") {
            do { pattern = try Self.pattern(text) } catch { throw reader.error("match", error.message) }
        }
        var rates: [String: TokenRate] = [:]
        for key in ["input", "output", "cache_read", "cache_write"] {
            guard let price = try reader.number(key, "a number (USD per million tokens)") else { continue }
            guard price.isFinite else { throw reader.error(key, "'\(key)' must be a finite number") }
            guard price >= 0 else { throw reader.error(key, "'\(key)' must not be negative") }
            rates[key] = TokenRate(price)
        }
        do {
            try reader.finish(expected: Self.keys)
        } catch {
            let key = table.keys.first { !Self.keys.contains($0) } ?? ""
            throw TOMLFileError(file: file, line: error.line ?? headerLine,
                                problem: "unknown key '\(key)'; expected provider, match, input, output, cache_read or cache_write")
        }
        for key in ["input", "output"] where rates[key] == nil {
            throw error(headerLine, "[models.\(quoted(name))] has no '\(key)' price")
        }
        let fileName = file.split(separator: "/").last.map(String.init) ?? file
        return UserPriceEntry(
            name: name, provider: provider, pattern: pattern ?? .exact(name.lowercased()),
            price: ModelPrice(input: rates["input"], output: rates["output"],
                              cacheRead: rates["cache_read"], cacheWrite: rates["cache_write"]),
            fileName: fileName, line: headerLine)
    }

    private static func pattern(_ text: String) throws(PatternProblem) -> NamePattern {
        let text = text.trimmingSpaces().lowercased()
        guard !text.isEmpty else { throw PatternProblem(message: "'match' must not be empty") }
        guard let star = text.firstIndex(of: "*") else { return .exact(text) }
        guard star == text.index(before: text.endIndex) else {
            throw PatternProblem(message: "'*' may only end a 'match' pattern")
        }
        return .prefix(String(text.dropLast()))
    }
}

private struct PatternProblem: Error {
    var message: String
}

private func quoted(_ key: String) -> String {
    let bare = key.unicodeScalars.allSatisfy { s in
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || s == "_" || s == "-"
    }
    return bare && !key.isEmpty ? key : "\"\(key)\""
}
