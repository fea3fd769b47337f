/// Finds table headers that do not start with a key (`[(`, `[` at the end of a line), and a `}` that
/// closes an array (`x = [}`).
///
/// The TOML parser inside TOMLKit (toml++ 3) asserts on them instead of reporting an error: a debug
/// build aborts and a release build goes on with an assumption that does not hold. So they are
/// refused here, before the text reaches it. Headers are only looked for where a table header can
/// stand: at the start of a line, outside strings and outside a value's brackets.
enum TableHeaderCheck {
    /// The 1-based line of the first table header that does not start with a key, or of the first `}`
    /// inside an array, if any.
    static func firstBadHeaderLine(_ text: String) -> Int? {
        var scanner = Scanner()
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var chars = Array(line.unicodeScalars)
            if lineNumber == 1 && chars.first == "\u{FEFF}" { chars.removeFirst() }  // a byte order mark
            if scanner.atTopLevel, let first = chars.firstIndex(where: { $0 != " " && $0 != "\t" }),
               chars[first] == "[" {
                if !headerStartsWithKey(chars[(first + 1)...]) { return lineNumber }
                continue
            }
            scanner.scan(chars)
            if scanner.closedAnArrayWithABrace { return lineNumber }
        }
        return nil
    }

    private static func headerStartsWithKey(_ rest: ArraySlice<Unicode.Scalar>) -> Bool {
        var rest = rest.drop(while: { $0 == " " || $0 == "\t" })
        if rest.first == "[" { rest = rest.dropFirst().drop(while: { $0 == " " || $0 == "\t" }) }
        guard let next = rest.first else { return false }
        return next == "]" || next == "\"" || next == "'" || next == "_" || next == "-"
            || ("a"..."z").contains(next) || ("A"..."Z").contains(next) || ("0"..."9").contains(next)
    }

    /// Tracks multi-line strings and open value brackets across lines.
    private struct Scanner {
        private var openBrackets: [Unicode.Scalar] = []
        private var multilineQuote: Unicode.Scalar?
        private(set) var closedAnArrayWithABrace = false

        var atTopLevel: Bool { openBrackets.isEmpty && multilineQuote == nil }

        mutating func scan(_ chars: [Unicode.Scalar]) {
            var index = 0
            while index < chars.count {
                let char = chars[index]
                if let quote = multilineQuote {
                    if char == "\\" && quote == "\"" { index += 2; continue }
                    if isTriple(chars, at: index, quote) { multilineQuote = nil; index += 3; continue }
                    index += 1
                    continue
                }
                switch char {
                case "#":
                    return
                case "\"", "'":
                    if isTriple(chars, at: index, char) {
                        multilineQuote = char
                        index += 3
                        continue
                    }
                    index += 1
                    while index < chars.count && chars[index] != char {
                        index += char == "\"" && chars[index] == "\\" ? 2 : 1
                    }
                case "[", "{":
                    openBrackets.append(char)
                case "]", "}":
                    if char == "}" && openBrackets.last == "[" { closedAnArrayWithABrace = true; return }
                    _ = openBrackets.popLast()
                default:
                    break
                }
                index += 1
            }
        }

        private func isTriple(_ chars: [Unicode.Scalar], at index: Int, _ quote: Unicode.Scalar) -> Bool {
            index + 2 < chars.count && chars[index] == quote && chars[index + 1] == quote && chars[index + 2] == quote
        }
    }
}
