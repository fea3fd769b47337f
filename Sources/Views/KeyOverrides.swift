import CanvasKit
/// What is wrong with a set of key overrides (the `[keys]` table of the config file).
public enum KeyTableError: Error, Equatable, CustomStringConvertible {
    case unknownAction(String)
    case unknownContext(String)
    case unknownKey(String, action: String)
    case noKeys(action: String)
    /// The action is not bound in that context, so there is nothing to rebind.
    case actionNotInContext(action: String, context: String)
    case conflict(key: String, context: String, actions: [String])

    public var description: String {
        switch self {
        case .unknownAction(let name):
            "unknown key action \"\(name)\" (actions: \(Action.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .unknownContext(let name):
            "unknown key context \"\(name)\" (contexts: \(KeyContext.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .unknownKey(let name, let action):
            "unknown key name \"\(name)\" for \(action) (a single character, or up, down, left, right, pgup, pgdn, home, "
                + "end, enter, esc, tab, shift-tab, space, backspace, delete, f1…f12, ctrl-a…ctrl-z)"
        case .noKeys(let action):
            "no keys given for \(action); every action needs at least one"
        case .actionNotInContext(let action, let context):
            "\(action) has no binding in \(context)"
        case .conflict(let key, let context, let actions):
            "key \"\(key)\" is bound to both \(actions.joined(separator: " and ")) in \(context)"
        }
    }
}

extension KeyTable {
    /// This table with the keys of some actions replaced.
    ///
    /// `overrides` maps an action name to key names, e.g. `["moveDown": ["j", "down", "ctrl-n"]]`. A bare action
    /// name (`moveDown`, also written `move_down` or `move-down`) rebinds it in every context that has it; a
    /// name with a context (`spanView.moveDown`) rebinds it only there. Key names are a single character
    /// (`j`, `G`, `?`) or `up`, `down`, `left`, `right`, `pgup`, `pgdn`, `home`, `end`, `enter`, `esc`, `tab`,
    /// `shift-tab`, `space`, `backspace`, `delete`, `f1`…`f12`, `ctrl-a`…`ctrl-z`.
    /// Throws when an action, context or key name is unknown, when an action gets no keys, or when one key
    /// ends up bound to two actions in the same context. Help and the hint bar follow the returned table.
    public func overriding(_ overrides: [String: [String]]) throws -> KeyTable {
        var table = self
        // Sorted, so the first error reported does not depend on dictionary order.
        for (name, keyNames) in overrides.sorted(by: { $0.key < $1.key }) {
            let (context, action) = try Self.target(name)
            guard !keyNames.isEmpty else { throw KeyTableError.noKeys(action: name) }
            let keys = try keyNames.map { keyName in
                guard let key = Key(name: keyName) else { throw KeyTableError.unknownKey(keyName, action: name) }
                return key
            }
            var matched = false
            for index in table.bindings.indices
            where table.bindings[index].action == action && (context == nil || table.bindings[index].context == context) {
                table.bindings[index].keys = keys
                table.bindings[index].hintKeys = nil
                matched = true
            }
            if !matched {
                throw KeyTableError.actionNotInContext(action: action.rawValue, context: context?.rawValue ?? "any context")
            }
        }
        try table.checkConflicts()
        return table
    }

    /// Throws for the first key that two actions of one context share.
    public func checkConflicts() throws {
        for context in KeyContext.allCases {
            var owner: [Key: Action] = [:]
            for binding in bindings(in: context) {
                for key in binding.keys {
                    if let other = owner[key], other != binding.action {
                        throw KeyTableError.conflict(key: key.name, context: context.rawValue,
                                                     actions: [other.rawValue, binding.action.rawValue])
                    }
                    owner[key] = binding.action
                }
            }
        }
    }

    private static func target(_ name: String) throws -> (KeyContext?, Action) {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        var context: KeyContext?
        if parts.count == 2 {
            guard let found = KeyContext.allCases.first(where: { normalized($0.rawValue) == normalized(parts[0]) })
            else { throw KeyTableError.unknownContext(parts[0]) }
            context = found
        }
        let actionName = parts.last ?? name
        guard let action = Action.allCases.first(where: { normalized($0.rawValue) == normalized(actionName) }) else {
            throw KeyTableError.unknownAction(actionName)
        }
        return (context, action)
    }

    /// `move_down`, `move-down` and `moveDown` name the same action.
    private static func normalized(_ name: String) -> String {
        name.lowercased().filter { $0 != "_" && $0 != "-" }
    }
}

extension Key {
    private static let named: [String: Key] = [
        "up": .up, "down": .down, "left": .left, "right": .right,
        "pgup": .pageUp, "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown, "home": .home, "end": .end,
        "enter": .enter, "return": .enter, "esc": .escape, "escape": .escape, "tab": .tab,
        "shift-tab": .backTab, "backtab": .backTab, "space": .character(" "), "backspace": .backspace,
        "delete": .delete, "del": .delete,
    ]

    /// A key from its name in the config file: one character, or a name such as `pgdn` or `ctrl-d`.
    public init?(name: String) {
        if name.count == 1, let character = name.first, !character.isWhitespace,
           character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
            self = .character(character)
            return
        }
        let lower = name.lowercased()
        if let key = Self.named[lower] {
            self = key
            return
        }
        for prefix in ["ctrl-", "ctrl+", "c-", "^"] where lower.hasPrefix(prefix) {
            let rest = lower.dropFirst(prefix.count)
            guard rest.count == 1, let letter = rest.first, letter.isASCII, letter.isLetter else { return nil }
            // Terminals send these four as the keys they stand for.
            switch letter {
            case "h": self = .backspace
            case "i": self = .tab
            case "j", "m": self = .enter
            default: self = .control(letter)
            }
            return
        }
        if lower.hasPrefix("f"), let number = Int(lower.dropFirst()), (1...63).contains(number) {
            self = .function(number)
            return
        }
        return nil
    }

    /// The name `init(name:)` reads back, for messages.
    public var name: String {
        switch self {
        case .character(" "): "space"
        case .character(let c): String(c)
        case .up: "up"
        case .down: "down"
        case .left: "left"
        case .right: "right"
        case .pageUp: "pgup"
        case .pageDown: "pgdn"
        case .home: "home"
        case .end: "end"
        case .enter: "enter"
        case .escape: "esc"
        case .tab: "tab"
        case .backTab: "shift-tab"
        case .backspace: "backspace"
        case .delete: "delete"
        case .function(let n): "f\(n)"
        case .control(let c): "ctrl-\(c)"
        case .resize: "resize"
        case .mouse: "mouse"
        }
    }
}
