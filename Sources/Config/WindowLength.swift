/// A sliding window's length as the config file writes it: `30s`, `1m`, `5m`, `1h`, `1h30m`.
public enum WindowLength {
    /// Windows tokentop can keep.
    public static let allowedSeconds = 10...86_400
    public static let maximumCount = 4

    /// Seconds, or nil when the text is not a duration of hours, minutes and seconds in that order.
    public static func seconds(_ text: String) -> Int? {
        var total = 0
        var digits = ""
        var units: [Character] = []
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            let factor: Int
            switch character {
            case "h": factor = 3600
            case "m": factor = 60
            case "s": factor = 1
            default: return nil
            }
            // Each unit once, larger units first.
            guard let value = Int(digits), digits.count <= 6,
                  units.allSatisfy({ Self.order($0) < Self.order(character) }) else { return nil }
            units.append(character)
            total += value * factor
            digits = ""
        }
        return digits.isEmpty && !units.isEmpty ? total : nil
    }

    private static func order(_ unit: Character) -> Int { unit == "h" ? 0 : unit == "m" ? 1 : 2 }
}
