import Foundation
import Semantics

/// What `tokentop prices` prints.
public enum PriceListing {
    public typealias Line = (model: String, resolved: (match: PriceMatch, contextWindow: Int?)?)

    public static func dataSource(_ sources: PriceSources, _ table: PriceTable) -> String {
        let counts = "\(table.providerCount) providers, \(table.modelCount) models, prices dated up to \(table.newestPriceChange ?? "—")"
        guard let file = sources.dataFile else { return "bundled genai-prices (MIT): \(counts)" }
        let modified = (try? FileManager.default.attributesOfItem(atPath: file))?[.modificationDate] as? Date
        return "\(file)" + (modified.map { " (saved \($0.formatted(Date.ISO8601FormatStyle().year().month().day())))" } ?? "")
            + ": \(counts)"
    }

    public static func text(sources: PriceSources, table: PriceTable, lines: [Line]) -> String {
        var out = "price data:  \(dataSource(sources, table))\n"
        if let user = sources.userFile { out += "your prices: \(user): \(table.userEntryCount) entries, over the data\n" }
        for (model, resolved) in lines {
            out += "\n\(model)\n"
            guard let (match, window) = resolved else {
                out += "  no price: its calls count as unpriced (add it to prices.toml)\n"
                continue
            }
            out += "  \(match.rule)\n"
            let price = match.price
            var parts = [("input", price.input), ("output", price.output), ("cache read", price.cacheRead),
                         ("cache write", price.cacheWrite)].compactMap { name, rate in rate.map { "\(name) \(Self.rate($0))" } }
            if let window { parts.append("context \(window.formatted()) tokens") }
            out += "  " + (parts.isEmpty ? "free" : parts.joined(separator: " · ")) + "\n"
        }
        return out
    }

    public static func json(sources: PriceSources, table: PriceTable, lines: [Line]) -> String {
        func rate(_ rate: TokenRate?) -> Any {
            guard let rate else { return NSNull() }
            return rate.tiers.isEmpty ? rate.base as Any
                : ["base": rate.base, "tiers": rate.tiers.map { ["above_input_tokens": $0.start, "price": $0.price] }] as Any
        }
        let object: [String: Any] = [
            "price_data": ["file": sources.dataFile ?? NSNull(), "providers": table.providerCount, "models": table.modelCount,
                           "prices_dated_up_to": table.newestPriceChange ?? NSNull()] as [String: Any],
            "user_prices": sources.userFile.map { ["file": $0, "entries": table.userEntryCount] as [String: Any] } ?? NSNull(),
            "models": lines.map { model, resolved -> [String: Any] in
                guard let (match, window) = resolved else { return ["model": model, "price": NSNull()] }
                return ["model": model, "provider_id": match.providerID, "model_id": match.modelID, "rule": match.rule,
                        "context_window": window ?? NSNull() as Any,
                        "price": ["input_mtok": rate(match.price.input), "output_mtok": rate(match.price.output),
                                  "cache_read_mtok": rate(match.price.cacheRead), "cache_write_mtok": rate(match.price.cacheWrite)]]
            },
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// `$2.50/M`, with tiers: `$3/M ($6/M above 200,000 input tokens)`.
    public static func rate(_ rate: TokenRate) -> String {
        let tiers = rate.tiers.map { "\(dollars($0.price))/M above \($0.start.formatted()) input tokens" }
        return "\(dollars(rate.base))/M" + (tiers.isEmpty ? "" : " (\(tiers.joined(separator: ", ")))")
    }

    private static func dollars(_ value: Double) -> String {
        var text = String(format: "%.4f", value)
        // At least cents; more digits only where the price has them ($0.075).
        while text.hasSuffix("0"), let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 3 {
            text.removeLast()
        }
        return "$" + text
    }
}
