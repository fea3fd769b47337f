import Foundation
import Testing
import TOMLKit
import TOMLReading

/// toml-test style cases for the TOML 1.0 grammar check: each rule written both ways. Everything the
/// check accepts here must also parse in TOMLKit, and everything it refuses names the right line.
struct TOMLSyntaxTests {
    static let valid: [String] = [
        // Whitespace, comments, line breaks
        "",
        "\n\n\n",
        "# only a comment",
        "# a comment\r\na = 1\r\n",
        "a = 1 # a comment",
        "\t a \t= \t1\t",
        "a = 1",
        "# tab\tin a comment é ü 🙂\n",
        "\u{FEFF}a = 1\n",
        // Keys
        "bare_key-1 = 1",
        "1234 = 1",
        "\"quoted key\" = 1",
        "\"\" = 1",
        "'literal key' = 1",
        "'' = 1",
        "a.b.c = 1",
        "a . b . c = 1",
        "\"a\".'b'.c = 1",
        "site.\"google.com\" = true",
        "3.14159 = \"pi\"",
        "\"ʎǝʞ\" = 1",
        "\"\\u00e9\" = 1",
        // Basic strings
        "s = \"hello\"",
        "s = \"\"",
        "s = \"tab\there\"",
        "s = \"\\b\\t\\n\\f\\r\\\"\\\\\"",
        "s = \"\\u00E9 \\U0001F600\"",
        "s = \"\\uD7FF \\uE000 \\U0010FFFF\"",
        "s = \"# not a comment\"",
        "s = \"é 🙂\"",
        // Literal strings
        "s = 'C:\\Users\\nodejs'",
        "s = '<\\i\\c*\\s*>'",
        "s = 'Tom \"Dubs\" Preston'",
        "s = ''",
        // Multi-line basic strings
        "s = \"\"\"\nRoses are red\nViolets are blue\"\"\"",
        "s = \"\"\"\"\"\"",
        "s = \"\"\"one \"quote\" and two \"\" quotes\"\"\"",
        "s = \"\"\"ends in a quote\"\"\"\"",
        "s = \"\"\"ends in two quotes\"\"\"\"\"",
        "s = \"\"\"\"\"\"\"",
        "s = \"\"\"\nThe quick \\\n\n   brown fox\"\"\"",
        "s = \"\"\"line \\   \n  continued\"\"\"",
        "s = \"\"\"line \\\r\n  continued with CRLF\"\"\"",
        "s = \"\"\"\r\nCRLF\r\ninside\r\n\"\"\"",
        "s = \"\"\"escapes \\t \\u00e9 \\\"\"\"\"",
        "s = \"\"\"tab\tand \"\" \"\"\"",
        // Multi-line literal strings
        "s = '''\nThe first newline is\ntrimmed in raw strings.\n'''",
        "s = '''I [dw]on't need \\d{2} apples'''",
        "s = ''''one quote''''",
        "s = '''''two quotes'''''",
        "s = ''''''",
        // Integers
        "i = 0",
        "i = +99",
        "i = -17",
        "i = -0",
        "i = +0",
        "i = 1_000",
        "i = 5_349_221",
        "i = 1_2_3_4_5",
        "i = 0xDEADBEEF",
        "i = 0xdeadbeef",
        "i = 0xdead_beef",
        "i = 0x0",
        "i = 0o01234567",
        "i = 0o755",
        "i = 0b11010110",
        "i = 0b1_0",
        "i = 9223372036854775807",
        "i = -9223372036854775808",
        "i = 0x7FFFFFFFFFFFFFFF",
        "i = 0x00000000000000000000001",
        // Floats
        "f = +1.0",
        "f = 3.1415",
        "f = -0.01",
        "f = 5e+22",
        "f = 1e06",
        "f = -2E-2",
        "f = 6.626e-34",
        "f = 224_617.445_991_228",
        "f = 0.0",
        "f = -0.0",
        "f = +0.0",
        "f = 0e0",
        "f = 1e1_0",
        "f = inf",
        "f = +inf",
        "f = -inf",
        "f = nan",
        "f = +nan",
        "f = -nan",
        // Booleans
        "b = true",
        "b = false",
        // Dates and times
        "d = 1979-05-27T07:32:00Z",
        "d = 1979-05-27T00:32:00-07:00",
        "d = 1979-05-27T00:32:00.999999-07:00",
        "d = 1979-05-27 07:32:00Z",
        "d = 1979-05-27t07:32:00z",
        "d = 1979-05-27T07:32:00+14:00",
        "d = 1979-05-27T07:32:00",
        "d = 1979-05-27T00:32:00.999999",
        "d = 1979-05-27",
        "d = 1979-05-27 # a date, then a comment",
        "d = 07:32:00",
        "d = 00:32:00.999999",
        "d = 2000-02-29",
        "d = 2024-02-29",
        "d = 1979-12-31T23:59:59Z",
        "d = [1979-05-27, 07:32:00, 1979-05-27 07:32:00]",
        // Arrays
        "a = []",
        "a = [ ]",
        "a = [1, 2, 3]",
        "a = [1, 2, 3,]",
        "a = [ \"red\", \"yellow\", \"green\" ]",
        "a = [ [ 1, 2 ], [3, 4, 5] ]",
        "a = [ [ 1, 2 ], [\"a\", \"b\", \"c\"] ]",
        "a = [ \"all\", 'strings', \"\"\"are the same\"\"\", '''type''' ]",
        "a = [ 0.1, 0.2, 0.5, 1, 2, 5 ]",
        "a = [\n  1,\n  2, # a comment\n]",
        "a = [\n  1\n  ,\n  2\n]",
        "a = [ # comment\n# another\n]",
        "a = [\r\n1,\r\n2\r\n]",
        "a = [{ x = 1, y = 2 }, { x = 3 }]",
        "a = [[[[[[[[[[1]]]]]]]]]]",
        // Inline tables
        "t = {}",
        "t = { }",
        "t = { first = \"Tom\", last = \"Preston-Werner\" }",
        "t = { x = 1, y = 2 }",
        "t = { type.name = \"pug\" }",
        "t = {a={b={c=1}}}",
        "t = { a = [\n1,\n2\n] }",
        "t = { s = \"\"\"multi\nline\"\"\" }",
        // Tables
        "[table]",
        "[table]\nkey = 1",
        "[ table ]",
        "[\ttable\t]",
        "[a.b.c]",
        "[ d.e.f ]",
        "[ g .  h  . i ]",
        "[ j . \"ʞ\" . 'l' ]",
        "[\"quoted.header\"]",
        "[''] ",
        "[x.y.z.w]\n[x]",
        "[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true",
        // Arrays of tables
        "[[products]]\nname = \"Hammer\"\n\n[[products]]\n\n[[products]]\nname = \"Nail\"",
        "[[ fruits ]]\nname = \"apple\"\n[fruits.physical]\ncolor = \"red\"\n[[fruits.varieties]]\nname = \"red delicious\"",
        "[[a]] # comment",
    ]

    static let invalid: [(text: String, line: Int)] = [
        // Whitespace, comments, line breaks
        ("a = 1\rb = 2", 1),
        ("a = 1\r", 1),
        ("# comment\r", 1),
        ("# null \u{0} in a comment", 1),
        ("# bell \u{7} in a comment", 1),
        ("# delete \u{7F} in a comment", 1),
        ("\n\n# a \u{1B} escape", 3),
        ("a = 1 b = 2", 1),
        ("a = 1 2", 1),
        ("\u{0}", 1),
        ("a = 1\n\u{FEFF}b = 2", 2),
        // Keys
        ("= 1", 1),
        ("a =", 1),
        ("a = # nothing", 1),
        ("a", 1),
        ("a b = 1", 1),
        ("a.= 1", 1),
        ("a. = 1", 1),
        (".a = 1", 1),
        ("a..b = 1", 1),
        ("\"\"\"a\"\"\" = 1", 1),
        ("'''a''' = 1", 1),
        ("\"a\nb\" = 1", 1),
        ("a\n= 1", 1),
        ("a = \n1", 1),
        ("é = 1", 1),
        ("a@b = 1", 1),
        ("a = 1\n\"unterminated = 2", 2),
        // Basic strings
        ("s = \"no end", 1),
        ("s = \"no end\n\"", 1),
        ("s = \"\\x41\"", 1),
        ("s = \"\\e\"", 1),
        ("s = \"\\ \"", 1),
        ("s = \"\\u12\"", 1),
        ("s = \"\\u12G4\"", 1),
        ("s = \"\\U0000004\"", 1),
        ("s = \"\\uD800\"", 1),
        ("s = \"\\uDFFF\"", 1),
        ("s = \"\\U00110000\"", 1),
        ("s = \"\\UFFFFFFFF\"", 1),
        ("s = \"tab ok, null \u{0} not\"", 1),
        ("s = \"\u{7F}\"", 1),
        ("s = \"\u{1F}\"", 1),
        ("s = \"a\"b\"", 1),
        ("s = \"\\", 1),
        // Literal strings
        ("s = 'no end", 1),
        ("s = 'no end\n'", 1),
        ("s = 'it's'", 1),
        ("s = '\u{8}'", 1),
        // Multi-line basic strings
        ("s = \"\"\"no end", 1),
        ("s = \"\"\"\n\n\nno end\"\"", 4),
        ("s = \"\"\"six quotes\"\"\"\"\"\"\"", 1),
        ("s = \"\"\"a\"\"\"\"\"\"b\"\"\"", 1),
        ("s = \"\"\"\n\\x\"\"\"", 2),
        ("s = \"\"\"\\ x\"\"\"", 1),
        ("s = \"\"\"\nbare \r carriage return\"\"\"", 2),
        ("s = \"\"\"\n\u{0}\"\"\"", 2),
        ("s = \"\"\"\u{7F}\"\"\"", 1),
        ("s = \"\"\"\\uD800\"\"\"", 1),
        // Multi-line literal strings
        ("s = '''no end", 1),
        ("s = '''six''''''", 1),
        ("s = '''\n\u{0}'''", 2),
        // Integers
        ("i = +", 1),
        ("i = -", 1),
        ("i = 01", 1),
        ("i = 00", 1),
        ("i = -01", 1),
        ("i = 0_1", 1),
        ("i = 1__000", 1),
        ("i = _1", 1),
        ("i = 1_", 1),
        ("i = 1_000_", 1),
        ("i = +_1", 1),
        ("i = 0x", 1),
        ("i = 0xG", 1),
        ("i = 0X10", 1),
        ("i = 0x_1", 1),
        ("i = 0x1_", 1),
        ("i = +0x10", 1),
        ("i = -0o7", 1),
        ("i = 0o8", 1),
        ("i = 0b2", 1),
        ("i = 0b", 1),
        ("i = 0O7", 1),
        ("i = 0B1", 1),
        ("i = 9223372036854775808", 1),
        ("i = -9223372036854775809", 1),
        ("i = 0x8000000000000000", 1),
        ("i = 0o1000000000000000000000", 1),
        ("i = 99999999999999999999999", 1),
        ("i = 1 000", 1),
        ("i = ++1", 1),
        ("i = 1+1", 1),
        // Floats
        ("f = .5", 1),
        ("f = 5.", 1),
        ("f = 5.e3", 1),
        ("f = +.5", 1),
        ("f = 1e", 1),
        ("f = 1e+", 1),
        ("f = 1e_5", 1),
        ("f = 1e5_", 1),
        ("f = 1.5_", 1),
        ("f = 1._5", 1),
        ("f = 1_.5", 1),
        ("f = 01.5", 1),
        ("f = -01.5", 1),
        ("f = 1.5.5", 1),
        ("f = 1e5e5", 1),
        ("f = 1e5.5", 1),
        ("f = Inf", 1),
        ("f = NaN", 1),
        ("f = infinity", 1),
        ("f = nan1", 1),
        ("f = in", 1),
        ("f = 1,5", 1),
        // Booleans
        ("b = True", 1),
        ("b = FALSE", 1),
        ("b = truee", 1),
        ("b = tru", 1),
        ("b = t", 1),
        // Dates and times
        ("d = 1979-13-27", 1),
        ("d = 1979-00-27", 1),
        ("d = 1979-05-00", 1),
        ("d = 1979-05-32", 1),
        ("d = 1979-04-31", 1),
        ("d = 1900-02-29", 1),
        ("d = 2023-02-29", 1),
        ("d = 1979-5-27", 1),
        ("d = 1979-05-7", 1),
        ("d = 1979-05", 1),
        ("d = 1979-05-27T", 1),
        ("d = 1979-05-27T7:32:00", 1),
        ("d = 1979-05-27T07:32", 1),
        ("d = 1979-05-27T24:00:00", 1),
        ("d = 1979-05-27T07:60:00", 1),
        ("d = 1979-05-27T07:32:61", 1),
        ("d = 1979-05-27T07:32:00.", 1),
        ("d = 1979-05-27T07:32:00X", 1),
        ("d = 1979-05-27T07:32:00+7:00", 1),
        ("d = 1979-05-27T07:32:00+07", 1),
        ("d = 1979-05-27T07:32:00+24:00", 1),
        ("d = 1979-05-27T07:32:00+07:60", 1),
        ("d = 1979-05-27T07:32:00Z+01:00", 1),
        ("d = 1979-05-27 07:32", 1),
        ("d = 1979-05-27  07:32:00", 1),
        ("d = 1979-05-27_07:32:00", 1),
        ("d = 07:32", 1),
        ("d = 07:32:00Z", 1),
        ("d = 07:32:00+01:00", 1),
        ("d = 25:00:00", 1),
        ("d = 7:32:00", 1),
        ("d = 12345-01-01", 1),
        ("d = 1979/05/27", 1),
        // Arrays
        ("a = [", 1),
        ("a = [1", 1),
        ("a = [1,", 1),
        ("a = [1 2]", 1),
        ("a = [,]", 1),
        ("a = [1,,2]", 1),
        ("a = [,1]", 1),
        ("a = [1}", 1),
        ("a = [}", 1),
        ("a = [1]]", 1),
        ("a = [\n1,\n2\n", 4),
        ("a = [\n1,\n\u{7} ]", 3),
        ("a = [1,\n# \u{0}\n]", 2),
        ("a = [ key = 1 ]", 1),
        ("a = [1\r2]", 1),
        ("a = " + String(repeating: "[", count: 101), 1),
        ("a = " + String(repeating: "{b=", count: 101), 1),
        // Inline tables
        ("t = {", 1),
        ("t = {a = 1", 1),
        ("t = {a = 1,}", 1),
        ("t = {a = 1 , }", 1),
        ("t = {,}", 1),
        ("t = {a = 1,, b = 2}", 1),
        ("t = {a = 1 b = 2}", 1),
        ("t = {\na = 1}", 1),
        ("t = {a = 1\n}", 1),
        ("t = {a = 1,\nb = 2}", 1),
        ("t = {a}", 1),
        ("t = {a = }", 1),
        ("t = {a = 1]", 1),
        ("t = {# comment\n}", 1),
        ("t = {}}", 1),
        // Tables
        ("[", 1),
        ("[\n", 1),
        ("[]", 1),
        ("[ ]", 1),
        ("[a", 1),
        ("[a\n]", 1),
        ("[a.]", 1),
        ("[.a]", 1),
        ("[a..b]", 1),
        ("[a b]", 1),
        ("[a]]", 1),
        ("[a] b = 1", 1),
        ("[a]\nb = 1\n[c", 3),
        ("[ [a]]", 1),
        ("[(", 1),
        ("[ {a = 1}", 1),
        ("[\"\"\"a\"\"\"]", 1),
        ("[a = 1]", 1),
        ("[é]", 1),
        // Arrays of tables
        ("[[]]", 1),
        ("[[a]", 1),
        ("[[a] ]", 1),
        ("[[a]]]", 1),
        ("[[a\n]]", 1),
        ("[[a]] b", 1),
    ]

    @Test(arguments: valid)
    func acceptsValidTOML(text: String) throws {
        try TOMLSyntax.check(text)
        _ = try TOMLTable(string: text)
    }

    @Test(arguments: invalid)
    func refusesInvalidTOMLNamingTheLine(text: String, line: Int) {
        do {
            try TOMLSyntax.check(text)
            Issue.record("accepted \(text.debugDescription)")
        } catch {
            #expect(error.line == line, "\(text.debugDescription): \(error)")
            #expect(!error.problem.isEmpty)
        }
    }

    static let invalidUTF8: [([UInt8], Int)] = [
        ([0x61, 0x20, 0x3D, 0x20, 0x22, 0xFF, 0x22], 1),  // a byte that never appears in UTF-8
        ([0x23, 0x0A, 0x23, 0x80], 2),  // a stray continuation byte in a comment
        ([0x73, 0x3D, 0x22, 0xC0, 0xAF, 0x22], 1),  // an overlong '/'
        ([0x73, 0x3D, 0x22, 0xED, 0xA0, 0x80, 0x22], 1),  // an encoded surrogate
        ([0x73, 0x3D, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1),  // past U+10FFFF
        ([0x73, 0x3D, 0x22, 0xE2, 0x82], 1),  // cut short at the end
    ]

    @Test(arguments: invalidUTF8)
    func refusesBytesThatAreNotUTF8(bytes: [UInt8], line: Int) {
        #expect(throws: TOMLSyntaxError(line: line, problem: "the file is not UTF-8 text (byte 0x\(String(format: "%02X", bytes.first { $0 >= 0x80 } ?? 0)))")) {
            try TOMLSyntax.check(bytes)
        }
    }

    @Test func messagesSayWhatIsWrong() {
        let cases: [(String, String)] = [
            ("a = 1\n\n[", "line 3: expected a key in a table header, found the end of the file"),
            ("a = [1,\n2}", "line 2: expected ',' or ']' in the array, found '}'"),
            ("a = {b = 1,}", "line 1: an inline table cannot end with a comma"),
            ("a = {b = 1,\n c = 2}", "line 1: an inline table must be written on one line"),
            ("a = \"\\q\"", "line 1: unknown escape \\q in a string"),
            ("a = \"\\uD800\"", "line 1: \\u names no Unicode character (a surrogate or past U+10FFFF)"),
            ("a = 1_", "line 1: an underscore in an integer must stand between two digits"),
            ("a = 012", "line 1: a number cannot start with a leading zero"),
            ("a = 9223372036854775808", "line 1: an integer outside the 64-bit range"),
            ("a = 2023-02-29", "line 1: a date with day 29 in month 2 of 2023"),
            ("a = 1\rb = 1", "line 1: a carriage return without a line feed"),
            ("a = 1 é", "line 1: expected the end of the line, found 'é'"),
            ("# \u{7}", "line 1: the control character U+0007 in a comment"),
            ("a = '\u{1B}'", "line 1: the control character U+001B must be escaped in a string"),
            ("[a]]", "line 1: expected the end of the line, found ']'"),
            ("[[a]", "line 1: expected ']]' to close the header, found the end of the file"),
            ("s = \"\"\"x\"\"\"\"\"\"", "line 1: three or more quotes inside a multi-line string must be escaped"),
        ]
        for (text, message) in cases {
            #expect(throws: (any Error).self) { try TOMLSyntax.check(text) }
            do {
                try TOMLSyntax.check(text)
            } catch {
                #expect(error.description == message, "\(text.debugDescription)")
            }
        }
    }

    /// What the grammar allows but TOML forbids (a key defined twice) is TOMLKit's to report.
    @Test func semanticErrorsAreLeftToTOMLKit() {
        for text in ["a = 1\na = 2", "[t]\n[t]", "a = {b = 1}\n[a]", "a.b = 1\na = 2", "[[a]]\n[a]"] {
            #expect(throws: Never.self) { try TOMLSyntax.check(text) }
            #expect(throws: TOMLFileError.self) { try TOMLTable.parse(text, file: "x.toml") }
        }
    }
}
