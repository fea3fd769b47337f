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
    /// Parses a user prices file (TOML). Malformed → PriceFileError naming file, line and problem.
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
    /// Accepted TOML: `#` comments, `[models.NAME]` tables (NAME bare or quoted), `key = value` lines
    /// with one-line basic ("…") or literal ('…') strings and decimal numbers (`_` between digits
    /// allowed). Anything else — other tables, keys or value types, duplicates, negative prices,
    /// a table without `input` or `output` — is an error.
    public static func parseUserFile(_ text: String, file: String) throws(PriceFileError) -> PriceTable {
        var parser = UserPriceFileParser(file: file)
        let text = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            try parser.consume(line: line, number: index + 1)
        }
        try parser.finishTable()
        return PriceTable(userEntries: parser.entries)
    }
}

private struct UserPriceFileParser {
    let file: String
    var entries: [UserPriceEntry] = []
    private var tableLines: [String: Int] = [:]
    private var table: OpenTable?

    private struct OpenTable {
        var name: String
        var line: Int
        var keyLines: [String: Int] = [:]
        var provider: String?
        var pattern: NamePattern?
        var rates: [String: Double] = [:]
    }

    static let stringKeys = ["provider", "match"]
    static let priceKeys = ["input", "output", "cache_read", "cache_write"]

    init(file: String) { self.file = file }

    private func error(_ line: Int, _ problem: String) -> PriceFileError {
        PriceFileError(file: file, line: line, problem: problem)
    }

    mutating func consume(line text: Substring, number: Int) throws(PriceFileError) {
        var cursor = LineCursor(text)
        cursor.skipSpaces()
        if cursor.atEndOrComment { return }
        do {
            if cursor.peek == "[" {
                try openTable(&cursor, line: number)
            } else {
                try assign(&cursor, line: number)
            }
        } catch let problem as LineProblem {
            throw error(number, problem.message)
        } catch let fileError as PriceFileError {
            throw fileError
        } catch {
            throw self.error(number, "\(error)")
        }
    }

    mutating func finishTable() throws(PriceFileError) {
        guard let table else { return }
        self.table = nil
        for key in ["input", "output"] where table.rates[key] == nil {
            throw error(table.line, "[models.\(quoted(table.name))] has no '\(key)' price")
        }
        func rate(_ key: String) -> TokenRate? { table.rates[key].map { TokenRate($0) } }
        let fileName = file.split(separator: "/").last.map(String.init) ?? file
        entries.append(UserPriceEntry(
            name: table.name, provider: table.provider,
            pattern: table.pattern ?? .exact(table.name.lowercased()),
            price: ModelPrice(input: rate("input"), output: rate("output"),
                              cacheRead: rate("cache_read"), cacheWrite: rate("cache_write")),
            fileName: fileName, line: table.line))
    }

    private mutating func openTable(_ cursor: inout LineCursor, line: Int) throws {
        cursor.advance()
        if cursor.peek == "[" { throw LineProblem("arrays of tables ([[…]]) are not supported") }
        var path: [String] = []
        repeat {
            cursor.skipSpaces()
            path.append(try cursor.key())
            cursor.skipSpaces()
        } while cursor.take(".")
        guard cursor.take("]") else { throw LineProblem("expected ']' to close the table header") }
        try cursor.expectEndOfLine()
        guard path.count == 2, path[0] == "models", !path[1].isEmpty else {
            throw LineProblem("unknown table [\(path.map(quoted).joined(separator: "."))]; "
                              + "expected [models.\"MODEL NAME\"]")
        }
        try finishTable()
        if let first = tableLines[path[1]] {
            throw LineProblem("duplicate table [models.\(quoted(path[1]))] (first on line \(first))")
        }
        tableLines[path[1]] = line
        table = OpenTable(name: path[1], line: line)
    }

    private mutating func assign(_ cursor: inout LineCursor, line: Int) throws {
        let key = try cursor.key()
        cursor.skipSpaces()
        if cursor.peek == "." { throw LineProblem("dotted keys are not supported") }
        guard cursor.take("=") else { throw LineProblem("expected '=' after '\(key)'") }
        cursor.skipSpaces()
        guard var table else {
            throw LineProblem("'\(key)' must be inside a [models.\"MODEL NAME\"] table")
        }
        guard Self.stringKeys.contains(key) || Self.priceKeys.contains(key) else {
            throw LineProblem("unknown key '\(key)'; expected provider, match, input, output, cache_read or cache_write")
        }
        if let first = table.keyLines[key] { throw LineProblem("duplicate key '\(key)' (first on line \(first))") }
        table.keyLines[key] = line

        switch key {
        case "provider":
            let provider = try cursor.string(for: key).trimmingSpaces().lowercased()
            guard !provider.isEmpty else { throw LineProblem("'provider' must not be empty") }
            table.provider = provider
        case "match":
            table.pattern = try Self.pattern(try cursor.string(for: key))
        default:
            let price = try cursor.number(for: key)
            guard price.isFinite else { throw LineProblem("'\(key)' must be a finite number") }
            guard price >= 0 else { throw LineProblem("'\(key)' must not be negative") }
            table.rates[key] = price
        }
        try cursor.expectEndOfLine()
        self.table = table
    }

    private static func pattern(_ text: String) throws -> NamePattern {
        let text = text.trimmingSpaces().lowercased()
        guard !text.isEmpty else { throw LineProblem("'match' must not be empty") }
        guard let star = text.firstIndex(of: "*") else { return .exact(text) }
        guard star == text.index(before: text.endIndex) else {
            throw LineProblem("'*' may only end a 'match' pattern")
        }
        return .prefix(String(text.dropLast()))
    }
}

private struct LineProblem: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

private func quoted(_ key: String) -> String {
    key.unicodeScalars.allSatisfy(LineCursor.isBareKeyScalar) && !key.isEmpty ? key : "\"\(key)\""
}

/// Reads one line of the TOML subset.
private struct LineCursor {
    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ line: Substring) { scalars = Array(line.unicodeScalars) }

    var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }
    var atEndOrComment: Bool { peek == nil || peek == "#" }

    mutating func advance() { index += 1 }

    mutating func take(_ scalar: Unicode.Scalar) -> Bool {
        guard peek == scalar else { return false }
        index += 1
        return true
    }

    mutating func skipSpaces() {
        while let s = peek, s == " " || s == "\t" || s == "\r" { index += 1 }
    }

    mutating func expectEndOfLine() throws {
        skipSpaces()
        guard atEndOrComment else { throw LineProblem("unexpected '\(rest)' at the end of the line") }
    }

    private var rest: String {
        var text = String(String.UnicodeScalarView(scalars[index...]))
        if let hash = text.firstIndex(of: "#") { text = String(text[..<hash]) }
        return text.trimmingSpaces()
    }

    static func isBareKeyScalar(_ s: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s) || s == "_" || s == "-"
    }

    /// A bare key (`models`, `cache_read`) or a quoted one (`"gpt-4o"`, `'gpt-4o'`).
    mutating func key() throws -> String {
        switch peek {
        case "\"": return try basicString()
        case "'": return try literalString()
        default:
            let start = index
            while let s = peek, Self.isBareKeyScalar(s) { index += 1 }
            guard index > start else {
                throw LineProblem(peek.map { "unexpected '\($0)'; expected a key" } ?? "expected a key")
            }
            return String(String.UnicodeScalarView(scalars[start..<index]))
        }
    }

    /// A quoted string value.
    mutating func string(for key: String) throws -> String {
        switch peek {
        case nil, "#": throw LineProblem("'\(key)' has no value")
        case "\"": return try basicString()
        case "'": return try literalString()
        default: throw LineProblem("'\(key)' must be a quoted string")
        }
    }

    private mutating func basicString() throws -> String {
        if scalars[index...].starts(with: ["\"", "\"", "\""]) {
            throw LineProblem("multi-line strings are not supported")
        }
        index += 1
        var text = String.UnicodeScalarView()
        while let s = peek {
            index += 1
            switch s {
            case "\"": return String(text)
            case "\\": text.append(try escape())
            default: text.append(s)
            }
        }
        throw LineProblem("unterminated string")
    }

    private mutating func escape() throws -> Unicode.Scalar {
        guard let s = peek else { throw LineProblem("unterminated string") }
        index += 1
        switch s {
        case "\"": return "\""
        case "\\": return "\\"
        case "b": return "\u{08}"
        case "t": return "\t"
        case "n": return "\n"
        case "f": return "\u{0C}"
        case "r": return "\r"
        case "u", "U":
            let count = s == "u" ? 4 : 8
            guard index + count <= scalars.count,
                  let code = UInt32(String(String.UnicodeScalarView(scalars[index..<index + count])), radix: 16),
                  let scalar = Unicode.Scalar(code) else {
                throw LineProblem("invalid \\\(s) escape")
            }
            index += count
            return scalar
        default: throw LineProblem("invalid escape '\\\(s)'")
        }
    }

    private mutating func literalString() throws -> String {
        if scalars[index...].starts(with: ["'", "'", "'"]) {
            throw LineProblem("multi-line strings are not supported")
        }
        index += 1
        let start = index
        while let s = peek {
            index += 1
            if s == "'" { return String(String.UnicodeScalarView(scalars[start..<index - 1])) }
        }
        throw LineProblem("unterminated string")
    }

    /// TOML decimal integers and floats: `3`, `+3.0`, `0.30`, `1_000`, `2.5e-1`.
    mutating func number(for key: String) throws -> Double {
        switch peek {
        case nil, "#": throw LineProblem("'\(key)' has no value")
        case "\"", "'": throw LineProblem("'\(key)' must be a number (USD per million tokens), not a string")
        case "[": throw LineProblem("'\(key)': arrays are not supported")
        case "{": throw LineProblem("'\(key)': inline tables are not supported")
        default: break
        }
        let start = index
        while let s = peek, s != " ", s != "\t", s != "#" { index += 1 }
        let token = String(String.UnicodeScalarView(scalars[start..<index]))
        let invalid = LineProblem("'\(key)': '\(token)' is not a number")
        var digits = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for (offset, s) in token.unicodeScalars.enumerated() {
            let isDigit = ("0"..."9").contains(s)
            if s == "_" {
                // An underscore must sit between two digits.
                let next = token.unicodeScalars.dropFirst(offset + 1).first
                guard let previous, ("0"..."9").contains(previous), let next, ("0"..."9").contains(next) else {
                    throw invalid
                }
            } else if isDigit || s == "." || s == "e" || s == "E" || s == "+" || s == "-" {
                digits.append(s)
            } else {
                throw invalid
            }
            previous = s
        }
        let text = String(digits)
        guard let first = text.unicodeScalars.first(where: { $0 != "+" && $0 != "-" }),
              ("0"..."9").contains(first), let last = text.unicodeScalars.last, ("0"..."9").contains(last),
              !text.contains(".e"), !text.contains(".E"), let value = Double(text) else {
            throw invalid
        }
        return value
    }
}
