import CanvasKit

/// A colour the terminal library can take: a palette index, or -1 for the terminal's own colour.
public typealias PaletteIndex = Int16

/// Theme colours brought down to what a terminal can show.
public enum ColorDegradation {
    /// The palette index for a theme colour at a capability. `terminalColors` is the terminal's colour
    /// count (8 limits 16-colour output to the first 8).
    public static func paletteIndex(_ color: ThemeColor, capability: ColorCapability, terminalColors: Int = 256) -> PaletteIndex {
        let basicCount = terminalColors >= 16 ? 16 : 8
        switch (capability, color) {
        case (.none, _), (_, .terminalDefault):
            return -1
        case (.xterm256, .indexed(let index)), (.truecolor, .indexed(let index)):
            return PaletteIndex(index)
        case (.xterm256, .rgb(let r, let g, let b)), (.truecolor, .rgb(let r, let g, let b)):
            // Most terminals cannot redefine palette entries; the nearest fixed xterm colour is the portable choice.
            return PaletteIndex(nearestXterm256(r, g, b))
        case (.ansi16, .indexed(let index)):
            if Int(index) < basicCount { return PaletteIndex(index) }
            let (r, g, b) = xtermRGB(Int(index))
            return PaletteIndex(nearestBasic(r, g, b, count: basicCount))
        case (.ansi16, .rgb(let r, let g, let b)):
            return PaletteIndex(nearestBasic(r, g, b, count: basicCount))
        }
    }

    /// xterm's default RGB for the 16 basic colours.
    static let basicRGB: [(UInt8, UInt8, UInt8)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    static let cubeLevels: [Int] = [0, 95, 135, 175, 215, 255]

    /// The RGB xterm shows for a 256-colour index.
    public static func xtermRGB(_ index: Int) -> (UInt8, UInt8, UInt8) {
        switch index {
        case ..<16: return basicRGB[max(0, index)]
        case 16..<232:
            let i = index - 16
            return (UInt8(cubeLevels[i / 36]), UInt8(cubeLevels[i / 6 % 6]), UInt8(cubeLevels[i % 6]))
        default:
            let level = UInt8(8 + 10 * (min(index, 255) - 232))
            return (level, level, level)
        }
    }

    /// Nearest entry of the 6×6×6 cube or the grey ramp (16–255); the first 16 are left out because
    /// terminals recolour them.
    public static func nearestXterm256(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> Int {
        func nearestLevel(_ value: UInt8) -> Int {
            cubeLevels.indices.min { abs(cubeLevels[$0] - Int(value)) < abs(cubeLevels[$1] - Int(value)) }!
        }
        let cube = 16 + 36 * nearestLevel(r) + 6 * nearestLevel(g) + nearestLevel(b)
        let average = (Int(r) + Int(g) + Int(b)) / 3
        let grey = 232 + max(0, min(23, (average - 8 + 5) / 10))
        return distance(xtermRGB(grey), (r, g, b)) < distance(xtermRGB(cube), (r, g, b)) ? grey : cube
    }

    /// The basic colour of the same hue and brightness (0–7 when `count` is 8). Matching by hue rather
    /// than RGB distance keeps muted greens and reds from turning grey.
    public static func nearestBasic(_ r: UInt8, _ g: UInt8, _ b: UInt8, count: Int = 16) -> Int {
        let red = Int(r), green = Int(g), blue = Int(b)
        let high = max(red, green, blue), low = min(red, green, blue)
        let chroma = high - low
        let allowBright = count >= 16
        if high < 40 || chroma * 10 < high * 3 {
            let level = (red + green + blue) / 3
            switch level {
            case ..<64: return 0
            case ..<160: return allowBright ? 8 : 0
            case ..<224: return 7
            default: return allowBright ? 15 : 7
            }
        }
        var hue: Double
        let c = Double(chroma)
        if high == red {
            hue = 60 * (Double(green - blue) / c)
        } else if high == green {
            hue = 60 * (Double(blue - red) / c + 2)
        } else {
            hue = 60 * (Double(red - green) / c + 4)
        }
        if hue < 0 { hue += 360 }
        // Sectors centred on red, yellow, green, cyan, blue, magenta.
        let ansiBySector = [1, 3, 2, 6, 4, 5]
        let sector = Int((hue + 30).truncatingRemainder(dividingBy: 360) / 60)
        let bright = allowBright && (high >= 230 || low >= 128)
        return ansiBySector[sector] + (bright ? 8 : 0)
    }

    /// Squared distance weighted for how the eye sees red, green and blue.
    static func distance(_ a: (UInt8, UInt8, UInt8), _ b: (UInt8, UInt8, UInt8)) -> Int {
        let dr = Int(a.0) - Int(b.0), dg = Int(a.1) - Int(b.1), db = Int(a.2) - Int(b.2)
        return 3 * dr * dr + 4 * dg * dg + 2 * db * db
    }
}

/// The colour pairs a theme needs at a capability, and the pair and extra attributes of every role.
public struct ColorPairPlan: Sendable, Equatable {
    public struct Pair: Sendable, Equatable {
        public var number: Int16
        public var foreground: PaletteIndex
        public var background: PaletteIndex
    }
    /// Pairs to initialise (pair 0 is the terminal's default and never listed).
    public private(set) var pairs: [Pair] = []
    public private(set) var pairByRole: [StyleRole: Int16] = [:]
    /// Attributes added to a role that ends up with no colour of its own, so it stays distinguishable.
    public private(set) var extraAttributesByRole: [StyleRole: TextAttributes] = [:]

    /// `defaultColors` is false when the terminal cannot use its own colours in pairs (no `use_default_colors`);
    /// then white on black stands in for them.
    public init(theme: Theme, capability: ColorCapability, terminalColors: Int = 256, maxPairs: Int = 256,
                defaultColors: Bool = true) {
        for role in StyleRole.allCases {
            var foreground = ColorDegradation.paletteIndex(theme.foreground(role), capability: capability, terminalColors: terminalColors)
            var background = ColorDegradation.paletteIndex(theme.background(role), capability: capability, terminalColors: terminalColors)
            if foreground == -1, background == -1 {
                extraAttributesByRole[role] = role.monochromeAttributes
                pairByRole[role] = 0
                continue
            }
            if !defaultColors {
                if foreground == -1 { foreground = 7 }
                if background == -1 { background = 0 }
            }
            if let existing = pairs.first(where: { $0.foreground == foreground && $0.background == background }) {
                pairByRole[role] = existing.number
            } else if pairs.count + 1 < maxPairs {
                let pair = Pair(number: Int16(pairs.count + 1), foreground: foreground, background: background)
                pairs.append(pair)
                pairByRole[role] = pair.number
            } else {
                pairByRole[role] = 0
                extraAttributesByRole[role] = role.monochromeAttributes
            }
        }
    }

    public func pair(for role: StyleRole) -> Int16 { pairByRole[role] ?? 0 }
    public func extraAttributes(for role: StyleRole) -> TextAttributes { extraAttributesByRole[role] ?? [] }
}
