import Foundation

/// Settings from environment variables named after their place in a TOML file: the prefix, the table
/// and the key in upper snake case. With the prefix `TOKENTOP`, `budget` is `TOKENTOP_BUDGET`,
/// `grpc_port` is `TOKENTOP_GRPC_PORT`, `[alerts] min_calls` is `TOKENTOP_ALERTS_MIN_CALLS`, and
/// `[keys] "spanView.expandValue"` is `TOKENTOP_KEYS_SPAN_VIEW__EXPAND_VALUE` (a dot becomes two
/// underscores). An empty variable counts as unset.
public struct EnvironmentSettings: Sendable, Equatable {
    public let prefix: String
    /// The non-empty variables that start with the prefix and an underscore.
    private let variables: [String: String]

    public init(prefix: String, environment: [String: String]) {
        self.prefix = prefix
        variables = environment.filter { $0.key.hasPrefix(prefix + "_") && !$0.value.isEmpty }
    }

    /// `TOKENTOP_ALERTS_MIN_CALLS` for `["alerts"]`, `min_calls`.
    public func variableName(path: [String], key: String) -> String {
        ([prefix] + (path + [key]).map(Self.upperSnakeCase)).joined(separator: "_")
    }

    /// The variable for the key, and its text, when it is set.
    public func value(path: [String], key: String) -> (variable: String, text: String)? {
        let name = variableName(path: path, key: key)
        return variables[name].map { (name, $0) }
    }

    /// Whether any variable sets a key in the table at `path` (so the table exists even when the file
    /// has none).
    public func setsKeys(under path: [String]) -> Bool {
        let start = variableName(path: path, key: "").dropLast()
        return variables.keys.contains { $0.hasPrefix(start + "_") && $0.count > start.count + 1 }
    }

    /// Keys of the table at `path` named only by variables, for tables whose keys are the user's:
    /// `TOKENTOP_KEYS_MOVE_DOWN` gives `move_down`, `…_SPAN_VIEW__EXPAND_VALUE` gives
    /// `span_view.expand_value`.
    public func keys(under path: [String]) -> [String] {
        let start = String(variableName(path: path, key: "").dropLast()) + "_"
        return variables.keys.filter { $0.hasPrefix(start) && $0.count > start.count }
            .map { String($0.dropFirst(start.count)).lowercased().replacingOccurrences(of: "__", with: ".") }
            .sorted()
    }

    /// `grpc_port` → `GRPC_PORT`, `max-value-depth` → `MAX_VALUE_DEPTH`, `moveDown` → `MOVE_DOWN`,
    /// `spanView.expandValue` → `SPAN_VIEW__EXPAND_VALUE`.
    public static func upperSnakeCase(_ name: String) -> String {
        var result = ""
        var previous: Character?
        for character in name {
            switch character {
            case ".": result += "__"
            case "-", "_", " ": result += "_"
            default:
                if character.isUppercase, let previous, previous.isLowercase || previous.isNumber { result += "_" }
                result += character.uppercased()
            }
            previous = character
        }
        return result
    }
}
