/// A TOML syntax error: the 1-based line and what is wrong there.
public struct TOMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public var line: Int
    public var problem: String

    public init(line: Int, problem: String) {
        self.line = line
        self.problem = problem
    }

    public var description: String { "line \(line): \(problem)" }
}

/// Checks a document against the TOML 1.0.0 grammar (the ABNF in toml.io/en/v1.0.0) before it reaches
/// TOMLKit.
///
/// The parser inside TOMLKit (toml++ 3) answers some malformed input with an assertion instead of an
/// error. SwiftPM defines no `NDEBUG`, so debug and release builds abort; with `NDEBUG` the assertions
/// would turn into optimizer assumptions that do not hold. A package cannot change how a dependency's
/// C++ is compiled, so only text that follows the grammar is handed to toml++. What this check leaves to TOMLKit are the rules
/// the grammar cannot express: keys defined twice, tables redefined, a value of the wrong kind
/// extended. TOMLKit reports those with an error.
public enum TOMLSyntax {
    /// Arrays and inline tables nested deeper than this are refused (toml++ stops at 256).
    public static let maximumNesting = 100

    public static func check(_ text: String) throws(TOMLSyntaxError) {
        try check(Array(text.utf8))
    }

    public static func check(_ bytes: [UInt8]) throws(TOMLSyntaxError) {
        try UTF8Check.check(bytes)
        var scanner = TOMLSyntaxScanner(bytes)
        try scanner.document()
    }
}

/// Rejects byte sequences that are not UTF-8: stray continuation bytes, overlong forms, surrogates
/// and code points past U+10FFFF.
enum UTF8Check {
    static func check(_ bytes: [UInt8]) throws(TOMLSyntaxError) {
        var line = 1
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                if lead == 0x0A { line += 1 }
                index += 1
                continue
            }
            let length: Int
            var range: ClosedRange<UInt8> = 0x80...0xBF  // the allowed second byte
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; range = 0xA0...0xBF
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; range = 0x80...0x9F  // no surrogates
            case 0xF0: length = 4; range = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; range = 0x80...0x8F  // up to U+10FFFF
            default: throw TOMLSyntaxError(line: line, problem: "the file is not UTF-8 text (byte 0x\(hex(lead)))")
            }
            guard index + length <= bytes.count, range.contains(bytes[index + 1]),
                  bytes[(index + 2)..<(index + length)].allSatisfy({ (0x80...0xBF).contains($0) }) else {
                throw TOMLSyntaxError(line: line, problem: "the file is not UTF-8 text (byte 0x\(hex(lead)))")
            }
            index += length
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }
}
