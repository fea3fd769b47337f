import Foundation
import TOMLKit

/// Reads the values of one TOML table by name and type. Every problem names the file and, where the
/// key can be found in the text, its line; keys nobody asked for are an error (`finish`). With
/// `environment`, a variable named after a key wins over the file's value, and a problem with it
/// names the variable.
public struct TableReader {
    public let table: TOMLTable
    /// Where the table sits (`[]` for the top level, `["alerts"]` for `[alerts]`).
    public let path: [String]
    public let file: String
    public let lines: KeyLines
    /// How problems name the table's keys: `alerts.truncation` by default.
    private let namePrefix: [String]
    public let environment: EnvironmentSettings?
    private var read: Set<String> = []
    /// Keys whose value came from a variable, with its name.
    private var variables: [String: String] = [:]

    public init(table: TOMLTable, path: [String], file: String, lines: KeyLines, namePrefix: [String]? = nil,
                environment: EnvironmentSettings? = nil) {
        self.table = table
        self.path = path
        self.file = file
        self.lines = lines
        self.namePrefix = namePrefix ?? path
        self.environment = environment
    }

    /// `alerts.truncation`, as the problem names it.
    public func name(_ key: String) -> String { (namePrefix + [key]).joined(separator: ".") }

    /// A problem on the key's line (the table header's when the key cannot be found), or with the
    /// variable the value came from.
    public func error(_ key: String?, _ problem: String) -> TOMLFileError {
        if let key, let variable = variables[key] { return TOMLFileError(file: variable, line: nil, problem: problem) }
        return TOMLFileError(file: file, line: lines.line(table: path, key: key) ?? lines.line(table: path), problem: problem)
    }

    /// Whether the key's value came from an environment variable rather than the file.
    public func isFromEnvironment(_ key: String) -> Bool { variables[key] != nil }

    private mutating func value(_ key: String) -> TOMLValueConvertible? {
        read.insert(key)
        return table[key]
    }

    /// The text of the variable named after the key, when one is set.
    private mutating func environmentText(_ key: String) -> String? {
        guard let (variable, text) = environment?.value(path: path, key: key) else { return nil }
        read.insert(key)
        variables[key] = variable
        return text
    }

    private func wrongType(_ key: String, _ value: TOMLValueConvertible, expected: String) -> TOMLFileError {
        error(key, "'\(name(key))' must be \(expected), not \(Self.article(value.type))")
    }

    private func wrongText(_ key: String, _ text: String, expected: String) -> TOMLFileError {
        error(key, "'\(name(key))' must be \(expected), not \"\(text)\"")
    }

    /// A number; TOML integers are accepted as well as floats.
    public mutating func number(_ key: String, _ expected: String = "a number") throws(TOMLFileError) -> Double? {
        if let text = environmentText(key) {
            guard let number = Self.decimal(text) else { throw wrongText(key, text, expected: expected) }
            return number
        }
        guard let value = value(key) else { return nil }
        if let double = value.double { return double }
        if let int = value.int { return Double(int) }
        throw wrongType(key, value, expected: expected)
    }

    public mutating func integer(_ key: String, _ expected: String = "a whole number") throws(TOMLFileError) -> Int? {
        if let text = environmentText(key) {
            guard let int = Int(text.trimmingCharacters(in: .whitespaces)) else { throw wrongText(key, text, expected: expected) }
            return int
        }
        guard let value = value(key) else { return nil }
        guard let int = value.int else { throw wrongType(key, value, expected: expected) }
        return int
    }

    public mutating func string(_ key: String, _ expected: String = "a string") throws(TOMLFileError) -> String? {
        if let text = environmentText(key) { return text }
        guard let value = value(key) else { return nil }
        guard let string = value.string else { throw wrongType(key, value, expected: expected) }
        return string
    }

    /// A list of strings; from a variable, items separated by commas (`1m,5m`) or a TOML array
    /// (`["q", ","]`).
    public mutating func strings(_ key: String, _ expected: String = "a list of strings") throws(TOMLFileError) -> [String]? {
        if let text = environmentText(key) { return try environmentList(key, text, expected: expected) }
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

    /// A table of the file; with an environment, also a table the file lacks when variables set keys in it.
    public mutating func subtable(_ key: String, _ expected: String = "a table") throws(TOMLFileError) -> TableReader? {
        guard let value = value(key) else {
            guard let environment, environment.setsKeys(under: path + [key]) else { return nil }
            return TableReader(table: TOMLTable(), path: path + [key], file: file, lines: lines, environment: environment)
        }
        guard let table = value.table else { throw wrongType(key, value, expected: expected) }
        return TableReader(table: table, path: path + [key], file: file, lines: lines, environment: environment)
    }

    /// All keys of the table, for tables whose keys are the user's (`[keys]`): the file's, then those
    /// only variables name. A variable for a key the file has wins over it rather than adding a key.
    public mutating func allKeys() -> [String] {
        var keys = table.keys
        read.formUnion(keys)
        if let environment {
            let named = Set(keys.map { environment.variableName(path: path, key: $0) })
            keys += environment.keys(under: path).filter { !named.contains(environment.variableName(path: path, key: $0)) }
        }
        return keys
    }

    private func environmentList(_ key: String, _ text: String, expected: String) throws(TOMLFileError) -> [String] {
        guard text.trimmingCharacters(in: .whitespaces).hasPrefix("[") else {
            return text.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let document: TOMLTable
        do {
            document = try TOMLTable.parse("list = " + text, file: "")
        } catch {
            throw self.error(key, "'\(name(key))' must be \(expected): \(error.problem)")
        }
        guard let array = document["list"]?.array else { throw wrongText(key, text, expected: expected) }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else {
                throw self.error(key, "'\(name(key))' must be \(expected); it holds \(Self.article(element.type))")
            }
            strings.append(string)
        }
        return strings
    }

    /// `25`, `12.5`, `-3`: a finite decimal number.
    private static func decimal(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-" || $0 == "+" || $0 == "e" || $0 == "E") }),
              let number = Double(trimmed), number.isFinite else { return nil }
        return number
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
