/// One way of writing a model name for lookup, with the changes that led to it.
///
/// Telemetry carries model names as deployments spell them; the price data lists them as vendors
/// do. `all(of:)` derives the usual alternatives, each step applied on top of the previous one:
/// provider prefix (`openai/gpt-4o`), Bedrock id (`us.anthropic.claude-…-v2:0`), Vertex version
/// (`claude-sonnet-4@20250514`), date suffix (`-2024-08-06`, `-20250514`) and `-latest`.
struct ModelSpelling: Sendable, Equatable {
    /// Lower-cased, as the match clauses expect.
    var name: String
    /// Human-readable, e.g. `provider prefix 'openai/' removed`; empty for the name as given.
    var changes: [String]
    /// True when some step recognised a Bedrock model id.
    var isBedrockID = false

    static func all(of model: String) -> [ModelSpelling] {
        let given = model.trimmingSpaces().lowercased()
        guard !given.isEmpty else { return [] }
        var current = ModelSpelling(name: given, changes: [])
        var spellings = [current]
        for step in [withoutProviderPrefix, withoutBedrockDecoration, withoutVertexVersion, withoutDateSuffix,
                     withoutLatest] {
            guard let next = step(current), !next.name.isEmpty else { continue }
            current = next
            if !spellings.contains(where: { $0.name == next.name }) { spellings.append(next) }
        }
        return spellings
    }

    private func changed(to name: String, _ change: String) -> ModelSpelling {
        ModelSpelling(name: name, changes: changes + [change], isBedrockID: isBedrockID)
    }

    /// `openai/gpt-4o`, `models/gemini-2.5-flash`, `bedrock/…` → the last path component.
    private static func withoutProviderPrefix(_ s: ModelSpelling) -> ModelSpelling? {
        guard let slash = s.name.lastIndex(of: "/") else { return nil }
        let prefix = s.name[...slash]
        return s.changed(to: String(s.name[s.name.index(after: slash)...]), "provider prefix '\(prefix)' removed")
    }

    static let bedrockRegions: Set<Substring> = ["us", "eu", "apac", "au", "ca", "jp", "us-gov", "global"]
    static let bedrockVendors: Set<Substring> = ["anthropic", "amazon", "meta", "mistral", "cohere", "ai21",
                                                 "deepseek", "openai", "qwen", "writer", "google", "nvidia",
                                                 "moonshotai", "minimax"]

    /// `us.anthropic.claude-3-5-sonnet-20241022-v2:0` → `claude-3-5-sonnet-20241022`.
    private static func withoutBedrockDecoration(_ s: ModelSpelling) -> ModelSpelling? {
        guard let firstDot = s.name.firstIndex(of: ".") else { return nil }
        var vendor = s.name[..<firstDot], rest = s.name[s.name.index(after: firstDot)...]
        var region = ""
        if bedrockRegions.contains(vendor), let dot = rest.firstIndex(of: "."), bedrockVendors.contains(rest[..<dot]) {
            region = vendor + "."
            vendor = rest[..<dot]
            rest = rest[rest.index(after: dot)...]
        }
        guard bedrockVendors.contains(vendor), !rest.isEmpty else { return nil }
        let version = bedrockVersionSuffix(of: rest)
        var spelling = s.changed(to: String(rest.dropLast(version.count)), "Bedrock '\(region)\(vendor).…\(version)'")
        spelling.isBedrockID = true
        return spelling
    }

    /// `-v2:0`, `-v1`, `-1:0`, `:0` at the end, or "".
    private static func bedrockVersionSuffix(of name: Substring) -> Substring {
        let scalars = Array(name.unicodeScalars)
        var i = scalars.count
        func digitsBackwards() -> Int {
            let end = i
            while i > 0, ("0"..."9").contains(scalars[i - 1]) { i -= 1 }
            return end - i
        }
        guard digitsBackwards() > 0 else { return "" }
        if i > 0, scalars[i - 1] == ":" {
            i -= 1
            let colon = i
            guard digitsBackwards() > 0 else { return name.suffix(scalars.count - colon) }
            if i > 0, scalars[i - 1] == "v" { i -= 1 }
            guard i > 0, scalars[i - 1] == "-" else { return name.suffix(scalars.count - colon) }
            return name.suffix(scalars.count - (i - 1))
        }
        guard i > 1, scalars[i - 1] == "v", scalars[i - 2] == "-" else { return "" }
        return name.suffix(scalars.count - (i - 2))
    }

    /// `claude-sonnet-4@20250514` → `claude-sonnet-4`.
    private static func withoutVertexVersion(_ s: ModelSpelling) -> ModelSpelling? {
        guard let at = s.name.firstIndex(of: "@") else { return nil }
        return s.changed(to: String(s.name[..<at]), "Vertex version '\(s.name[at...])' removed")
    }

    /// `-2024-08-06` or `-20250514` at the end (years 2000–2099 only).
    private static func withoutDateSuffix(_ s: ModelSpelling) -> ModelSpelling? {
        let name = Array(s.name.unicodeScalars)
        func isDigits(_ range: Range<Int>) -> Bool { range.allSatisfy { ("0"..."9").contains(name[$0]) } }
        func isYearStart(_ at: Int) -> Bool { name[at] == "2" && name[at + 1] == "0" }
        let n = name.count
        var suffixLength = 0
        if n > 11, name[n - 11] == "-", name[n - 6] == "-", name[n - 3] == "-",
           isDigits(n - 10..<n - 6), isDigits(n - 5..<n - 3), isDigits(n - 2..<n), isYearStart(n - 10) {
            suffixLength = 11
        } else if n > 9, name[n - 9] == "-", isDigits(n - 8..<n), isYearStart(n - 8) {
            suffixLength = 9
        }
        guard suffixLength > 0 else { return nil }
        return s.changed(to: String(s.name.dropLast(suffixLength)),
                         "date suffix '\(s.name.suffix(suffixLength))' removed")
    }

    private static func withoutLatest(_ s: ModelSpelling) -> ModelSpelling? {
        guard s.name.hasSuffix("-latest") else { return nil }
        return s.changed(to: String(s.name.dropLast(7)), "'-latest' removed")
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }
}
