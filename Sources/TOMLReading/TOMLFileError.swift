import Foundation
import TOMLKit

/// A problem in a TOML file: `FILE:LINE: problem`, or `FILE: problem` when the line is unknown.
public struct TOMLFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; nil when the problem has no single line (or it could not be found).
    public var line: Int?
    public var problem: String

    public init(file: String, line: Int?, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String { file + (line.map { ":\($0)" } ?? "") + ": " + problem }
}


extension TOMLTable {
    /// Parses a TOML document. Text outside the TOML 1.0 grammar is refused by `TOMLSyntax` before
    /// TOMLKit sees it; what TOMLKit refuses (a key defined twice, say) names its line.
    public static func parse(_ text: String, file: String) throws(TOMLFileError) -> TOMLTable {
        do {
            try TOMLSyntax.check(text)
        } catch {
            throw TOMLFileError(file: file, line: error.line, problem: error.problem)
        }
        do {
            return try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw TOMLFileError(file: file, line: error.source.begin.line, problem: error.description)
        } catch {
            throw TOMLFileError(file: file, line: nil, problem: "\(error)")
        }
    }
}

extension TOMLFileError {
    /// The file's bytes as text; bytes that are not UTF-8 are an error naming their line.
    public static func text(of data: Data, file: String) throws(TOMLFileError) -> String {
        if let text = String(data: data, encoding: .utf8) { return text }
        do {
            try UTF8Check.check([UInt8](data))
        } catch {
            throw TOMLFileError(file: file, line: error.line, problem: error.problem)
        }
        throw TOMLFileError(file: file, line: nil, problem: "the file is not UTF-8 text")
    }
}
