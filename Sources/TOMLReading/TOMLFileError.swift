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
    /// Parses a TOML document; a syntax error names the file and TOMLKit's line.
    public static func parse(_ text: String, file: String) throws(TOMLFileError) -> TOMLTable {
        if let line = TableHeaderCheck.firstBadHeaderLine(text) {
            throw TOMLFileError(file: file, line: line, problem: "a table header without a key name, or a '}' that closes an array")
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
