import Foundation

/// Finds the line a key was written on, since TOMLKit gives positions only for syntax errors. Reads
/// table headers (`[alerts]`, `[models."x"]`) and `key =` lines; dotted keys and inline tables are
/// not followed, and then no line is named.
public struct KeyLines: Sendable {
    private var lines: [[String]: [String: Int]] = [:]
    private var tables: [[String]: Int] = [:]

    public init(_ text: String) {
        var table: [String] = []
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                let isArray = line.hasPrefix("[[")
                let body = line.dropFirst(isArray ? 2 : 1).prefix { $0 != "]" }
                table = Self.path(body)
                if tables[table] == nil { tables[table] = index + 1 }
            } else if let equals = line.firstIndex(of: "=") {
                let key = Self.path(line[..<equals])
                // `a.b = 1` defines `a` on this line too.
                if let first = key.first, lines[table, default: [:]][first] == nil { lines[table, default: [:]][first] = index + 1 }
            }
        }
    }

    /// The line of `key` in the table at `table` (`[]` for the top level); without a key, the table's header.
    public func line(table: [String], key: String? = nil) -> Int? {
        guard let key else { return tables[table] }
        return lines[table]?[key]
    }

    /// Explicit table headers under `prefix` (`[models."x"]` under `["models"]`), in file order.
    public func tables(under prefix: [String]) -> [(path: [String], line: Int)] {
        tables.filter { $0.key.starts(with: prefix) && $0.key.count > prefix.count }
            .map { (path: $0.key, line: $0.value) }.sorted { $0.line < $1.line }
    }

    /// `models . "gpt-4o"` → ["models", "gpt-4o"]; quotes are taken off, escapes are not read.
    private static func path(_ text: Substring) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "." {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(character)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        return parts
    }
}
