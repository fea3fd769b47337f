/// Makes untrusted telemetry text safe to put on a terminal: nothing it contains can move the
/// cursor, change colours, reorder text or hide itself. Whatever is neutralised stays visible.
public enum Sanitizer {
    /// Longest grapheme cluster kept whole; longer ones (stacked combining marks) are cut.
    static let maxScalarsPerCluster = 8

    public static func sanitize(_ text: some StringProtocol) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for character in text {
            append(character, to: &output)
        }
        return output
    }

    /// True when `sanitize` would return the character unchanged.
    public static func isInert(_ character: Character) -> Bool {
        let scalars = character.unicodeScalars
        if scalars.count > maxScalarsPerCluster { return false }
        let joinersAllowed = allowsJoiners(scalars)
        return scalars.allSatisfy { replacement(for: $0, joinersAllowed: joinersAllowed) == nil }
    }

    /// Appends the inert form of one grapheme cluster.
    static func append(_ character: Character, to output: inout String) {
        if isInert(character) {
            output.append(character)
            return
        }
        let scalars = character.unicodeScalars
        let joinersAllowed = allowsJoiners(scalars)
        var kept = String.UnicodeScalarView()
        var keptCount = 0
        for scalar in scalars {
            if let visible = replacement(for: scalar, joinersAllowed: joinersAllowed) {
                flush(&kept, into: &output)
                keptCount = 0
                output.append(visible)
            } else if keptCount < maxScalarsPerCluster {
                kept.append(scalar)
                keptCount += 1
            }
        }
        flush(&kept, into: &output)
    }

    /// Joiners are kept inside clusters built on emoji and on non-Latin letters (Indic half forms
    /// need them); anywhere else they are invisible noise and shown.
    private static func allowsJoiners(_ scalars: Character.UnicodeScalarView) -> Bool {
        guard let base = scalars.first, base.value > 0x7F else { return false }
        switch base.properties.generalCategory {
        case .format, .control, .nonspacingMark, .enclosingMark, .spacingMark: return false
        default: return true
        }
    }

    private static func flush(_ kept: inout String.UnicodeScalarView, into output: inout String) {
        guard !kept.isEmpty else { return }
        var piece = String(kept)
        // A mark left without its base would combine with whatever precedes it; give it a visible base.
        if let first = piece.unicodeScalars.first, DisplayWidth.isZeroWidth(first) {
            piece = "\u{25CC}" + piece
        }
        output.append(piece)
        kept = String.UnicodeScalarView()
    }

    /// The visible stand-in for a scalar that must not reach the terminal, or nil when it is safe.
    static func replacement(for scalar: Unicode.Scalar, joinersAllowed: Bool) -> String? {
        let value = scalar.value
        switch value {
        case 0x0A, 0x2028, 0x2029: return "↵"
        case 0x09: return "␉"
        case 0x0D: return "␍"
        case 0x1B: return "␛"
        case 0x00..<0x20: return String(Unicode.Scalar(0x2400 + value)!)
        case 0x7F: return "␡"
        case 0x80..<0xA0: return codePoint(value)
        case 0x200C where joinersAllowed, 0x200D where joinersAllowed: return nil
        case 0xE0020...0xE007F where joinersAllowed: return nil
        default: break
        }
        switch scalar.properties.generalCategory {
        case .format, .control: return codePoint(value)
        default: return nil
        }
    }

    private static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
    }
}
