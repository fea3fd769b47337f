import Foundation

/// A provider of the genai-prices data (`openai`, `aws`, `google`, `openrouter`, …).
struct PricedProvider: Sendable, Decodable {
    var id: String
    /// Matches provider names as given by callers (e.g. `contains bedrock` for `aws`).
    var providerMatch: MatchClause?
    /// Matches model names this provider is the home of (e.g. `contains claude` for `anthropic`).
    var modelMatch: MatchClause?
    /// Providers whose models this one also serves (Azure → OpenAI, Anthropic), one step deep.
    var fallbackProviderIDs: [String]
    var models: [PricedModel]

    private enum CodingKeys: String, CodingKey {
        case id, models
        case providerMatch = "provider_match"
        case modelMatch = "model_match"
        case fallbackProviderIDs = "fallback_model_providers"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        providerMatch = try c.decodeIfPresent(MatchClause.self, forKey: .providerMatch)
        modelMatch = try c.decodeIfPresent(MatchClause.self, forKey: .modelMatch)
        fallbackProviderIDs = try c.decodeIfPresent([String].self, forKey: .fallbackProviderIDs) ?? []
        models = try c.decode([PricedModel].self, forKey: .models)
    }
}

struct PricedModel: Sendable, Decodable {
    var id: String
    var match: MatchClause
    /// In data order; see `price(atUnixNanos:)`.
    var variants: [PriceVariant]
    /// Tokens the model takes in at most (input and output), when the data says.
    var contextWindow: Int?

    private enum CodingKeys: String, CodingKey { case id, match, prices, contextWindow = "context_window" }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        match = try c.decode(MatchClause.self, forKey: .match)
        contextWindow = try c.decodeIfPresent(Int.self, forKey: .contextWindow).flatMap { $0 > 0 ? $0 : nil }
        if (try? c.nestedUnkeyedContainer(forKey: .prices)) != nil {
            variants = try c.decode([PriceVariant].self, forKey: .prices)
        } else {
            variants = [PriceVariant(constraint: nil, price: try c.decode(DecodedModelPrice.self, forKey: .prices).price)]
        }
        if variants.isEmpty {
            throw DecodingError.dataCorruptedError(forKey: .prices, in: c, debugDescription: "no prices")
        }
    }

    /// The last variant whose constraint holds at that time wins; when none holds, the first.
    func price(atUnixNanos nanos: UInt64) -> ModelPrice {
        variants.last { $0.constraint?.holds(atUnixNanos: nanos) ?? true }?.price ?? variants[0].price
    }
}

struct PriceVariant: Sendable, Decodable {
    var constraint: PriceConstraint?
    var price: ModelPrice

    private enum CodingKeys: String, CodingKey { case constraint, prices }

    init(constraint: PriceConstraint?, price: ModelPrice) {
        self.constraint = constraint
        self.price = price
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        constraint = try c.decodeIfPresent(PriceConstraint.self, forKey: .constraint)
        price = try c.decode(DecodedModelPrice.self, forKey: .prices).price
    }
}

/// When a price variant applies. Times are UTC.
enum PriceConstraint: Sendable, Equatable, Decodable {
    /// From this day on (days since 1970-01-01).
    case startDate(day: Int64)
    /// Daily window [start, end) in seconds after midnight, e.g. DeepSeek's peak hours.
    case timeOfDay(start: Int64, end: Int64)

    private enum CodingKeys: String, CodingKey {
        case startDate = "start_date"
        case startTime = "start_time"
        case endTime = "end_time"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let text = try c.decodeIfPresent(String.self, forKey: .startDate) {
            guard let day = CivilDate.daysSinceEpoch(iso: text) else {
                throw DecodingError.dataCorruptedError(forKey: .startDate, in: c, debugDescription: "bad date '\(text)'")
            }
            self = .startDate(day: day)
        } else {
            let start = try c.decode(String.self, forKey: .startTime)
            let end = try c.decode(String.self, forKey: .endTime)
            guard let s = CivilDate.secondsAfterMidnight(iso: start), let e = CivilDate.secondsAfterMidnight(iso: end) else {
                throw DecodingError.dataCorruptedError(forKey: .startTime, in: c,
                                                       debugDescription: "bad time '\(start)'–'\(end)'")
            }
            self = .timeOfDay(start: s, end: e)
        }
    }

    func holds(atUnixNanos nanos: UInt64) -> Bool {
        let seconds = Int64(nanos / 1_000_000_000)
        switch self {
        case .startDate(let day): return seconds / 86_400 >= day
        case .timeOfDay(let start, let end):
            let secondOfDay = seconds % 86_400
            return start <= secondOfDay && secondOfDay < end
        }
    }
}

/// Decodes a data `prices` object; keys other than the four token prices are not part of the subset.
private struct DecodedModelPrice: Decodable {
    var price: ModelPrice

    private enum CodingKeys: String, CodingKey {
        case input = "input_mtok", output = "output_mtok"
        case cacheRead = "cache_read_mtok", cacheWrite = "cache_write_mtok"
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func rate(_ key: CodingKeys) throws -> TokenRate? { try c.decodeIfPresent(DecodedRate.self, forKey: key)?.rate }
        price = ModelPrice(input: try rate(.input), output: try rate(.output),
                           cacheRead: try rate(.cacheRead), cacheWrite: try rate(.cacheWrite))
    }
}

/// A number, or `{"base": …, "tiers": [{"start": …, "price": …}]}`.
private struct DecodedRate: Decodable {
    var rate: TokenRate

    private struct Tiered: Decodable {
        struct Tier: Decodable { var start: Int64; var price: Double }
        var base: Double
        var tiers: [Tier]
    }

    init(from decoder: any Decoder) throws {
        if let flat = try? decoder.singleValueContainer().decode(Double.self) {
            rate = TokenRate(flat)
        } else {
            let tiered = try Tiered(from: decoder)
            rate = TokenRate(tiered.base, tiers: tiered.tiers.map { TokenRate.Tier(start: $0.start, price: $0.price) })
        }
    }
}

/// Proleptic Gregorian calendar arithmetic in UTC, without Foundation's calendars.
public enum CivilDate {
    /// `2025-06-10` → days since 1970-01-01.
    static func daysSinceEpoch(iso text: String) -> Int64? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]),
              (1...12).contains(m), (1...31).contains(d) else { return nil }
        return daysSinceEpoch(year: y, month: m, day: d)
    }

    static func daysSinceEpoch(year: Int64, month: Int64, day: Int64) -> Int64 {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// `16:30:00Z`, `16:30:00`, `16:30` → seconds after midnight (UTC).
    static func secondsAfterMidnight(iso text: String) -> Int64? {
        var text = Substring(text)
        if text.hasSuffix("Z") { text = text.dropLast() } else if text.hasSuffix("+00:00") { text = text.dropLast(6) }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), let h = Int64(parts[0]), let m = Int64(parts[1]),
              (0...23).contains(h), (0...59).contains(m) else { return nil }
        var s: Int64 = 0
        if parts.count == 3 {
            guard let whole = Double(parts[2]), (0..<60).contains(whole) else { return nil }
            s = Int64(whole)
        }
        return h * 3_600 + m * 60 + s
    }
}
