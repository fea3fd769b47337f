/// A recursive-descent reader of the TOML 1.0.0 grammar that builds nothing: it only finds the first
/// place where the text leaves the grammar. The bytes are UTF-8 already checked, so any byte from
/// 0x80 up belongs to a valid non-ASCII character.
struct TOMLSyntaxScanner {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var nesting = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    // MARK: Document

    /// `toml = expression *( newline expression )`
    mutating func document() throws(TOMLSyntaxError) {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }  // a byte order mark
        while true {
            skipWhitespace()
            switch peek() {
            case nil: return
            case UInt8(ascii: "#"): try comment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): break
            case UInt8(ascii: "["): try tableHeader()
            default: try keyValue()
            }
            skipWhitespace()
            if peek() == UInt8(ascii: "#") { try comment() }
            guard !atEnd else { return }
            guard try newline() else { throw error("expected the end of the line, found \(describe(peek()))") }
        }
    }

    /// `[key]` or `[[key]]`.
    private mutating func tableHeader() throws(TOMLSyntaxError) {
        index += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { index += 1 }
        skipWhitespace()
        try key(in: isArray ? "an array-of-tables header" : "a table header")
        skipWhitespace()
        let close = isArray ? "]]" : "]"
        guard take(UInt8(ascii: "]")), !isArray || take(UInt8(ascii: "]")) else {
            throw error("expected '\(close)' to close the header, found \(describe(peek()))")
        }
    }

    /// `keyval = key keyval-sep val`
    private mutating func keyValue() throws(TOMLSyntaxError) {
        try key(in: "a key/value pair")
        skipWhitespace()
        guard take(UInt8(ascii: "=")) else {
            throw error("expected '=' after the key, found \(describe(peek()))")
        }
        skipWhitespace()
        try value()
    }

    /// `key = simple-key *( ws "." ws simple-key )`
    private mutating func key(in place: String) throws(TOMLSyntaxError) {
        try simpleKey(in: place)
        while true {
            let before = (index, line)
            skipWhitespace()
            guard take(UInt8(ascii: ".")) else {
                (index, line) = before
                return
            }
            skipWhitespace()
            try simpleKey(in: place)
        }
    }

    private mutating func simpleKey(in place: String) throws(TOMLSyntaxError) {
        switch peek() {
        case UInt8(ascii: "\""):
            if lookingAt("\"\"\"") { throw error("a key cannot be a multi-line string") }
            try basicString()
        case UInt8(ascii: "'"):
            if lookingAt("'''") { throw error("a key cannot be a multi-line string") }
            try literalString()
        case let byte? where Self.isBareKeyByte(byte):
            while let byte = peek(), Self.isBareKeyByte(byte) { index += 1 }
        default:
            throw error("expected a key in \(place), found \(describe(peek()))")
        }
    }

    private static func isBareKeyByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }

    // MARK: Values

    private mutating func value() throws(TOMLSyntaxError) {
        guard let first = peek() else { throw error("expected a value, found the end of the file") }
        switch first {
        case UInt8(ascii: "\""):
            if lookingAt("\"\"\"") { try multilineString(quote: first) } else { try basicString() }
        case UInt8(ascii: "'"):
            if lookingAt("'''") { try multilineString(quote: first) } else { try literalString() }
        case UInt8(ascii: "t"): try word("true")
        case UInt8(ascii: "f"): try word("false")
        case UInt8(ascii: "["): try array()
        case UInt8(ascii: "{"): try inlineTable()
        case UInt8(ascii: "i"): try word("inf")
        case UInt8(ascii: "n"): try word("nan")
        case UInt8(ascii: "+"), UInt8(ascii: "-"): try number()
        case let digit where Self.isDigit(digit):
            if digitsThen(4, UInt8(ascii: "-")) {
                try dateTime()
            } else if digitsThen(2, UInt8(ascii: ":")) {
                try time()
            } else {
                try number()
            }
        default:
            throw error("expected a value, found \(describe(first))")
        }
    }

    private mutating func word(_ text: String) throws(TOMLSyntaxError) {
        guard lookingAt(text) else { throw error("expected a value, found \(describe(peek()))") }
        index += text.utf8.count
    }

    /// `array = "[" [ array-values ] ws-comment-newline "]"`, a trailing comma allowed.
    private mutating func array() throws(TOMLSyntaxError) {
        try enterNesting()
        index += 1
        while true {
            try skipWhitespaceCommentsAndNewlines()
            if take(UInt8(ascii: "]")) { break }
            try value()
            try skipWhitespaceCommentsAndNewlines()
            if take(UInt8(ascii: ",")) { continue }
            if take(UInt8(ascii: "]")) { break }
            throw error("expected ',' or ']' in the array, found \(describe(peek()))")
        }
        nesting -= 1
    }

    /// `inline-table = "{" ws [ keyval *( ws "," ws keyval ) ] ws "}"`: one line, no trailing comma.
    private mutating func inlineTable() throws(TOMLSyntaxError) {
        try enterNesting()
        index += 1
        skipWhitespace()
        if !take(UInt8(ascii: "}")) {
            while true {
                try onOneLine()
                try keyValue()
                skipWhitespace()
                try onOneLine()
                if take(UInt8(ascii: "}")) { break }
                guard take(UInt8(ascii: ",")) else {
                    throw error("expected ',' or '}' in the inline table, found \(describe(peek()))")
                }
                skipWhitespace()
                if peek() == UInt8(ascii: "}") { throw error("an inline table cannot end with a comma") }
            }
        }
        nesting -= 1
    }

    private func onOneLine() throws(TOMLSyntaxError) {
        if peek() == 0x0A || peek() == 0x0D { throw error("an inline table must be written on one line") }
    }

    private mutating func enterNesting() throws(TOMLSyntaxError) {
        nesting += 1
        guard nesting <= TOMLSyntax.maximumNesting else {
            throw error("arrays and inline tables nested deeper than \(TOMLSyntax.maximumNesting) levels")
        }
    }

    // MARK: Strings

    /// `"…"`: one line, escapes.
    private mutating func basicString() throws(TOMLSyntaxError) {
        index += 1
        while true {
            guard let byte = peek() else { throw error("a string without its closing '\"'") }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return
            case UInt8(ascii: "\\"):
                try escape()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("a string without its closing '\"' before the end of the line")
            default:
                try stringCharacter(byte)
            }
        }
    }

    /// `'…'`: one line, no escapes.
    private mutating func literalString() throws(TOMLSyntaxError) {
        index += 1
        while true {
            guard let byte = peek() else { throw error("a string without its closing \"'\"") }
            switch byte {
            case UInt8(ascii: "'"):
                index += 1
                return
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw error("a string without its closing \"'\" before the end of the line")
            default:
                try stringCharacter(byte)
            }
        }
    }

    /// `"""…"""` (escapes, a backslash at the end of a line) or `'''…'''`. One or two quotes may stand
    /// right before the closing three.
    private mutating func multilineString(quote: UInt8) throws(TOMLSyntaxError) {
        let delimiter = quote == UInt8(ascii: "\"") ? "\"\"\"" : "'''"
        index += 3
        while true {
            guard let byte = peek() else { throw error("a multi-line string without its closing \(delimiter)") }
            switch byte {
            case quote:
                var run = 0
                while peek() == quote { run += 1; index += 1 }
                if run >= 3 {
                    guard run <= 5 else { throw error("three or more quotes inside a multi-line string must be escaped") }
                    return
                }
            case UInt8(ascii: "\\") where quote == UInt8(ascii: "\""):
                if try !lineEndingBackslash() { try escape() }
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                guard try newline() else { throw error("a carriage return without a line feed") }
            default:
                try stringCharacter(byte)
            }
        }
    }

    /// A tab, a printable ASCII character or a non-ASCII byte; control characters must be escaped.
    private mutating func stringCharacter(_ byte: UInt8) throws(TOMLSyntaxError) {
        guard byte == 0x09 || (0x20...0x7E).contains(byte) || byte >= 0x80 else {
            throw error("the control character \(describe(byte)) must be escaped in a string")
        }
        index += 1
    }

    /// `\` + whitespace to the end of the line: the line break and the whitespace after it are trimmed.
    private mutating func lineEndingBackslash() throws(TOMLSyntaxError) -> Bool {
        var probe = index + 1
        while probe < bytes.count, bytes[probe] == 0x20 || bytes[probe] == 0x09 { probe += 1 }
        guard probe < bytes.count, bytes[probe] == 0x0A || bytes[probe] == 0x0D else { return false }
        index = probe
        while let byte = peek() {
            if byte == 0x20 || byte == 0x09 {
                index += 1
            } else if byte == 0x0A || byte == 0x0D {
                guard try newline() else { throw error("a carriage return without a line feed") }
            } else {
                break
            }
        }
        return true
    }

    /// `\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX`; the code point must be a Unicode scalar value.
    private mutating func escape() throws(TOMLSyntaxError) {
        index += 1
        guard let letter = peek() else { throw error("a string ends in a backslash") }
        index += 1
        switch letter {
        case UInt8(ascii: "b"), UInt8(ascii: "t"), UInt8(ascii: "n"), UInt8(ascii: "f"), UInt8(ascii: "r"),
             UInt8(ascii: "\""), UInt8(ascii: "\\"):
            return
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = letter == UInt8(ascii: "u") ? 4 : 8
            var scalar: UInt32 = 0
            for _ in 0..<count {
                guard let byte = peek(), let digit = Self.hexValue(byte) else {
                    throw error("\\\(Character(Unicode.Scalar(letter))) takes \(count) hexadecimal digits")
                }
                scalar = scalar << 4 | UInt32(digit)
                index += 1
            }
            guard Unicode.Scalar(scalar) != nil else {
                throw error("\\\(Character(Unicode.Scalar(letter))) names no Unicode character (a surrogate or past U+10FFFF)")
            }
        case 0x21...0x7E:
            throw error("unknown escape \\\(Character(Unicode.Scalar(letter))) in a string")
        default:
            throw error("a backslash before \(letter == 0x0A || letter == 0x0D ? "a line break" : "a character") that cannot be escaped")
        }
    }

    // MARK: Numbers

    /// Integers (decimal, `0x`, `0o`, `0b`), floats, `inf` and `nan`, each with an optional sign where
    /// the grammar allows one.
    private mutating func number() throws(TOMLSyntaxError) {
        var negative = false
        var signed = false
        if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            signed = true
            index += 1
        }
        if lookingAt("inf") || lookingAt("nan") {
            index += 3
            return
        }
        guard let first = peek(), Self.isDigit(first) else {
            throw error("expected a number, found \(describe(peek()))")
        }
        if first == UInt8(ascii: "0"), let base = radix(of: peek(at: 1)) {
            guard !signed else { throw error("a hexadecimal, octal or binary integer cannot have a sign") }
            index += 2
            try prefixedInteger(base: base)
            return
        }
        let integerStart = index
        try digitGroups(base: 10, what: "an integer")
        let integerDigits = bytes[integerStart..<index].filter { $0 != UInt8(ascii: "_") }
        if integerDigits.count > 1, integerDigits.first == UInt8(ascii: "0") {
            throw error("a number cannot start with a leading zero")
        }
        var isFloat = false
        if take(UInt8(ascii: ".")) {
            isFloat = true
            guard let digit = peek(), Self.isDigit(digit) else { throw error("a decimal point must be followed by digits") }
            try digitGroups(base: 10, what: "a fraction")
        }
        if let letter = peek(), letter == UInt8(ascii: "e") || letter == UInt8(ascii: "E") {
            isFloat = true
            index += 1
            if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { index += 1 }
            guard let digit = peek(), Self.isDigit(digit) else { throw error("an exponent must be digits") }
            try digitGroups(base: 10, what: "an exponent")
        }
        if !isFloat {
            try checkRange(integerDigits, base: 10, negative: negative)
        }
    }

    private mutating func prefixedInteger(base: Int) throws(TOMLSyntaxError) {
        let start = index
        guard let first = peek(), Self.digitValue(first, base: base) != nil else {
            throw error("expected a digit after the \(base == 16 ? "0x" : base == 8 ? "0o" : "0b") prefix, found \(describe(peek()))")
        }
        try digitGroups(base: base, what: "an integer")
        try checkRange(bytes[start..<index].filter { $0 != UInt8(ascii: "_") }, base: base, negative: false)
    }

    /// `DIGIT *( DIGIT / "_" DIGIT )` in the base: each underscore between two digits.
    private mutating func digitGroups(base: Int, what: String) throws(TOMLSyntaxError) {
        guard let first = peek(), Self.digitValue(first, base: base) != nil else {
            throw error("expected a digit, found \(describe(peek()))")
        }
        index += 1
        while let byte = peek() {
            if Self.digitValue(byte, base: base) != nil {
                index += 1
            } else if byte == UInt8(ascii: "_") {
                index += 1
                guard let next = peek(), Self.digitValue(next, base: base) != nil else {
                    throw error("an underscore in \(what) must stand between two digits")
                }
            } else {
                break
            }
        }
    }

    /// TOML integers are 64-bit signed.
    private func checkRange(_ digits: [UInt8], base: Int, negative: Bool) throws(TOMLSyntaxError) {
        let limit = UInt64(Int64.max) + (negative ? 1 : 0)
        var value: UInt64 = 0
        for byte in digits {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: UInt64(base))
            let (sum, carry) = shifted.addingReportingOverflow(UInt64(Self.digitValue(byte, base: base) ?? 0))
            guard !overflow, !carry, sum <= limit else { throw error("an integer outside the 64-bit range") }
            value = sum
        }
    }

    private func radix(of byte: UInt8?) -> Int? {
        switch byte {
        case UInt8(ascii: "x"): 16
        case UInt8(ascii: "o"): 8
        case UInt8(ascii: "b"): 2
        default: nil
        }
    }

    // MARK: Dates and times

    /// `YYYY-MM-DD`, optionally followed by `T`, `t` or a space and a time with an optional offset.
    private mutating func dateTime() throws(TOMLSyntaxError) {
        let year = try digits(4)
        index += 1
        let month = try digits(2)
        guard take(UInt8(ascii: "-")) else { throw error("a date is written YYYY-MM-DD") }
        let day = try digits(2)
        guard (1...12).contains(month) else { throw error("a date with month \(month)") }
        guard (1...Self.days(inMonth: month, year: year)).contains(day) else {
            throw error("a date with day \(day) in month \(month) of \(year)")
        }
        guard let delimiter = peek() else { return }
        let isSpace = delimiter == UInt8(ascii: " ")
        guard delimiter == UInt8(ascii: "T") || delimiter == UInt8(ascii: "t") || isSpace else { return }
        // A space ends a plain date unless a time follows it.
        if isSpace && !(peek(at: 1).map(Self.isDigit) ?? false) { return }
        index += 1
        try time()
        switch peek() {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            index += 1
            let hour = try digits(2)
            guard take(UInt8(ascii: ":")) else { throw error("a time offset is written +HH:MM") }
            let minute = try digits(2)
            guard hour <= 23, minute <= 59 else { throw error("a time offset of \(hour) hours \(minute) minutes") }
        default:
            break
        }
    }

    /// `HH:MM:SS` with an optional fraction of a second.
    private mutating func time() throws(TOMLSyntaxError) {
        let hour = try digits(2)
        guard take(UInt8(ascii: ":")) else { throw error("a time is written HH:MM:SS") }
        let minute = try digits(2)
        guard take(UInt8(ascii: ":")) else { throw error("a time is written HH:MM:SS (seconds are required)") }
        let second = try digits(2)
        guard hour <= 23, minute <= 59, second <= 60 else {
            throw error("a time of \(hour) hours \(minute) minutes \(second) seconds")
        }
        if take(UInt8(ascii: ".")) {
            guard let digit = peek(), Self.isDigit(digit) else { throw error("a fraction of a second must be digits") }
            while let digit = peek(), Self.isDigit(digit) { index += 1 }
        }
    }

    private mutating func digits(_ count: Int) throws(TOMLSyntaxError) -> Int {
        var value = 0
        for _ in 0..<count {
            guard let byte = peek(), Self.isDigit(byte) else {
                throw error("expected a digit of a date or time, found \(describe(peek()))")
            }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
            index += 1
        }
        return value
    }

    private func digitsThen(_ count: Int, _ separator: UInt8) -> Bool {
        guard index + count < bytes.count else { return false }
        return bytes[index..<(index + count)].allSatisfy(Self.isDigit) && bytes[index + count] == separator
    }

    private static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // MARK: Whitespace, comments, line breaks

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 { index += 1 }
    }

    /// `ws-comment-newline = *( wschar / [ comment ] newline )`, inside arrays.
    private mutating func skipWhitespaceCommentsAndNewlines() throws(TOMLSyntaxError) {
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "#") { try comment() }
            guard peek() == 0x0A || peek() == 0x0D else { return }
            guard try newline() else { throw error("a carriage return without a line feed") }
        }
    }

    /// `# …` up to the end of the line; control characters other than tab are not allowed.
    private mutating func comment() throws(TOMLSyntaxError) {
        index += 1
        while let byte = peek(), byte != 0x0A {
            if byte == 0x0D {
                guard peek(at: 1) == 0x0A else { throw error("a carriage return without a line feed") }
                return
            }
            guard byte == 0x09 || (0x20...0x7E).contains(byte) || byte >= 0x80 else {
                throw error("the control character \(describe(byte)) in a comment")
            }
            index += 1
        }
    }

    /// Takes `\n` or `\r\n`: true; false when neither is next. A `\r` alone is an error.
    private mutating func newline() throws(TOMLSyntaxError) -> Bool {
        if peek() == 0x0A {
            index += 1
        } else if peek() == 0x0D {
            guard peek(at: 1) == 0x0A else { throw error("a carriage return without a line feed") }
            index += 2
        } else {
            return false
        }
        line += 1
        return true
    }

    // MARK: Bytes

    private var atEnd: Bool { index >= bytes.count }

    private func peek(at offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        index += 1
        return true
    }

    private func lookingAt(_ text: String) -> Bool {
        var probe = index
        for byte in text.utf8 {
            guard probe < bytes.count, bytes[probe] == byte else { return false }
            probe += 1
        }
        return true
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    private static func hexValue(_ byte: UInt8) -> Int? { digitValue(byte, base: 16) }

    private static func digitValue(_ byte: UInt8, base: Int) -> Int? {
        let value: Int
        switch byte {
        case 0x30...0x39: value = Int(byte - 0x30)
        case 0x61...0x66: value = Int(byte - 0x61) + 10
        case 0x41...0x46: value = Int(byte - 0x41) + 10
        default: return nil
        }
        return value < base ? value : nil
    }

    private func error(_ problem: String) -> TOMLSyntaxError {
        TOMLSyntaxError(line: line, problem: problem)
    }

    /// `'x'`, `a line break`, `U+0007`, `the end of the file`, or for non-ASCII the character itself.
    private func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "the end of the file" }
        switch byte {
        case 0x0A, 0x0D: return "a line break"
        case 0x20: return "a space"
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(byte)))'"
        case 0x80...: return "'\(characterAtIndex())'"
        default: return "U+00" + UTF8Check.hex(byte)
        }
    }

    /// The whole non-ASCII character starting at `index` (the bytes are valid UTF-8).
    private func characterAtIndex() -> String {
        var end = index + 1
        while end < bytes.count, (0x80...0xBF).contains(bytes[end]) { end += 1 }
        return String(decoding: bytes[index..<end], as: UTF8.self)
    }
}
