import Foundation

/// genai-prices' match language for model and provider names.
///
/// `equals`, `starts_with`, `ends_with` and `contains` ignore case. `regex` is searched (not
/// anchored unless the pattern says so) in the lower-cased name, case-sensitively, as genai-prices does.
indirect enum MatchClause: Sendable, Equatable {
    case equals(String)
    case startsWith(String)
    case endsWith(String)
    case contains(String)
    case regex(PriceRegex)
    case or([MatchClause])
    case and([MatchClause])

    /// `name` must already be lower-cased.
    func matches(_ name: String) -> Bool { matchedRule(name) != nil }

    /// The leaf clause(s) that matched, e.g. `starts_with claude-3-5-sonnet`, or nil.
    func matchedRule(_ name: String) -> String? {
        switch self {
        case .equals(let s): return name == s ? "equals \(s)" : nil
        case .startsWith(let s): return name.hasPrefix(s) ? "starts_with \(s)" : nil
        case .endsWith(let s): return name.hasSuffix(s) ? "ends_with \(s)" : nil
        case .contains(let s): return name.contains(s) ? "contains \(s)" : nil
        case .regex(let r): return r.isFound(in: name) ? "regex \(r.pattern)" : nil
        case .or(let clauses):
            for clause in clauses {
                if let rule = clause.matchedRule(name) { return rule }
            }
            return nil
        case .and(let clauses):
            var rules: [String] = []
            for clause in clauses {
                guard let rule = clause.matchedRule(name) else { return nil }
                rules.append(rule)
            }
            return rules.joined(separator: " and ")
        }
    }
}

/// A compiled regular expression that compares by its pattern.
struct PriceRegex: Sendable, Equatable {
    let pattern: String
    private let compiled: Compiled

    /// NSRegularExpression is immutable and thread-safe, but not declared Sendable on every platform
    /// (and Swift's `Regex` is not Sendable at all).
    private final class Compiled: @unchecked Sendable {
        let expression: NSRegularExpression
        init(_ expression: NSRegularExpression) { self.expression = expression }
    }

    init(_ pattern: String) throws {
        self.pattern = pattern
        compiled = Compiled(try NSRegularExpression(pattern: pattern))
    }

    func isFound(in text: String) -> Bool {
        compiled.expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func == (a: PriceRegex, b: PriceRegex) -> Bool { a.pattern == b.pattern }
}

extension MatchClause: Decodable {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        guard container.allKeys.count == 1, let key = container.allKeys.first else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "a match clause has exactly one key"))
        }
        switch key.stringValue {
        case "equals": self = .equals(try container.decode(String.self, forKey: key).lowercased())
        case "starts_with": self = .startsWith(try container.decode(String.self, forKey: key).lowercased())
        case "ends_with": self = .endsWith(try container.decode(String.self, forKey: key).lowercased())
        case "contains": self = .contains(try container.decode(String.self, forKey: key).lowercased())
        case "regex": self = .regex(try PriceRegex(try container.decode(String.self, forKey: key)))
        case "or": self = .or(try container.decode([MatchClause].self, forKey: key))
        case "and": self = .and(try container.decode([MatchClause].self, forKey: key))
        default:
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath + [key],
                                                    debugDescription: "unknown match clause '\(key.stringValue)'"))
        }
    }
}
