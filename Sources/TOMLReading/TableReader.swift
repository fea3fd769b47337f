import TOMLKit

/// Reads the values of one TOML table by name and type. Every problem names the file and, where the
/// key can be found in the text, its line; keys nobody asked for are an error (`finish`).
public struct TableReader {
    public let table: TOMLTable
    /// Where the table sits (`[]` for the top level, `["alerts"]` for `[alerts]`).
    public let path: [String]
    public let file: String
    public let lines: KeyLines
    /// How problems name the table's keys: `alerts.truncation` by default.
    private let namePrefix: [String]
    private var read: Set<String> = []

    public init(table: TOMLTable, path: [String], file: String, lines: KeyLines, namePrefix: [String]? = nil) {
        self.table = table
        self.path = path
        self.file = file
        self.lines = lines
        self.namePrefix = namePrefix ?? path
    }

    /// `alerts.truncation`, as the problem names it.
    public func name(_ key: String) -> String { (namePrefix + [key]).joined(separator: ".") }

    /// A problem on the key's line (the table header's when the key cannot be found).
    public func error(_ key: String?, _ problem: String) -> TOMLFileError {
        TOMLFileError(file: file, line: lines.line(table: path, key: key) ?? lines.line(table: path), problem: problem)
    }

    private mutating func value(_ key: String) -> TOMLValueConvertible? {
        read.insert(key)
        return table[key]
    }

    private func wrongType(_ key: String, _ value: TOMLValueConvertible, expected: String) -> TOMLFileError {
        error(key, "'\(name(key))' must be \(expected), not \(Self.article(value.type))")
    }

    /// A number; TOML integers are accepted as well as floats.
    public mutating func number(_ key: String, _ expected: String = "a number") throws(TOMLFileError) -> Double? {
        guard let value = value(key) else { return nil }
        if let double = value.double { return double }
        if let int = value.int { return Double(int) }
        throw wrongType(key, value, expected: expected)
    }

    public mutating func integer(_ key: String, _ expected: String = "a whole number") throws(TOMLFileError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let int = value.int else { throw wrongType(key, value, expected: expected) }
        return int
    }

    public mutating func string(_ key: String, _ expected: String = "a string") throws(TOMLFileError) -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.string else { throw wrongType(key, value, expected: expected) }
        return string
    }

    public mutating func strings(_ key: String, _ expected: String = "a list of strings") throws(TOMLFileError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard let array = value.array else { throw wrongType(key, value, expected: expected) }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else {
                throw error(key, "'\(name(key))' must be \(expected); it holds \(Self.article(element.type))")
            }
            strings.append(string)
        }
        return strings
    }

    public mutating func subtable(_ key: String, _ expected: String = "a table") throws(TOMLFileError) -> TableReader? {
        guard let value = value(key) else { return nil }
        guard let table = value.table else { throw wrongType(key, value, expected: expected) }
        return TableReader(table: table, path: path + [key], file: file, lines: lines)
    }

    /// All keys of the table, for tables whose keys are the user's (`[keys]`).
    public mutating func allKeys() -> [String] {
        let keys = table.keys
        read.formUnion(keys)
        return keys
    }

    /// Fails on the first key (in file order where known) that was never read.
    public func finish(expected: [String]) throws(TOMLFileError) {
        let unknown = table.keys.filter { !read.contains($0) }
            .sorted { (lines.line(table: path, key: $0) ?? .max, $0) < (lines.line(table: path, key: $1) ?? .max, $1) }
        guard let key = unknown.first else { return }
        let place = namePrefix.isEmpty ? "" : " in [\(namePrefix.joined(separator: "."))]"
        let line = lines.line(table: path, key: key) ?? lines.line(table: path + [key])
        throw TOMLFileError(file: file, line: line,
                              problem: "unknown key '\(key)'\(place); expected one of: \(expected.joined(separator: ", "))")
    }

    public static func article(_ type: TOMLType) -> String {
        switch type {
        case .table: "a table"
        case .array: "a list"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a floating-point number"
        case .bool: "a boolean"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date-time"
        }
    }
}
