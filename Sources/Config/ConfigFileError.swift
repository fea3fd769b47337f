/// A problem in the configuration file: `FILE:LINE: problem`, or `FILE: problem` when the line is unknown.
public struct ConfigFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; nil when the problem has no single line (or TOMLKit did not say).
    public var line: Int?
    public var problem: String

    public init(file: String, line: Int?, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    public var description: String { file + (line.map { ":\($0)" } ?? "") + ": " + problem }
}
