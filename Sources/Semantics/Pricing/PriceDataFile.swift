import Foundation

/// genai-prices' own `data.json` (a list of providers, as published) or the bundled subset
/// (`{"providers": […]}`), read at run time: `--prices data.json` refreshes prices without a rebuild.
extension PriceTable {
    public init(genaiPricesData data: Data, file: String) throws(PriceDataFileError) {
        struct Subset: Decodable { var providers: [PricedProvider] }
        let first = data.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        do {
            switch first {
            case UInt8(ascii: "["): self.init(providers: try JSONDecoder().decode([PricedProvider].self, from: data))
            case UInt8(ascii: "{"): self.init(providers: try JSONDecoder().decode(Subset.self, from: data).providers)
            default: throw PriceDataFileError(file: file, problem: "is not genai-prices data (a JSON list of providers)")
            }
        } catch let error as PriceDataFileError {
            throw error
        } catch let error as DecodingError {
            throw PriceDataFileError(file: file, problem: "is not genai-prices data: \(Self.describe(error))")
        } catch {
            throw PriceDataFileError(file: file, problem: "\(error)")
        }
        guard !providers.isEmpty else { throw PriceDataFileError(file: file, problem: "holds no providers") }
    }

    /// Providers and models in the data (not counting the user's entries).
    public var providerCount: Int { providers.count }
    public var modelCount: Int { providers.reduce(0) { $0 + $1.models.count } }
    /// User entries (`prices.toml`).
    public var userEntryCount: Int { userEntries.count }

    /// The latest day a dated price in the data takes effect, `YYYY-MM-DD`: how recent the data is
    /// (genai-prices records no date of its own).
    public var newestPriceChange: String? {
        var newest: Int64?
        for provider in providers {
            for model in provider.models {
                for variant in model.variants {
                    if case .startDate(let day) = variant.constraint { newest = max(newest ?? day, day) }
                }
            }
        }
        return newest.map(CivilDate.iso)
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not valid JSON" : "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context): return "\(path(context)): no '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

public struct PriceDataFileError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var problem: String
    public var description: String { "\(file) \(problem)" }
}

extension CivilDate {
    /// Year, month (1-12) and day of month of a day counted from 1970-01-01 (proleptic Gregorian,
    /// Howard Hinnant's civil_from_days).
    public static func civil(_ days: Int64) -> (year: Int64, month: Int64, day: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Days since 1970-01-01 as `YYYY-MM-DD`.
    static func iso(_ days: Int64) -> String {
        let date = civil(days)
        return String(format: "%04d-%02d-%02d", Int(date.year), Int(date.month), Int(date.day))
    }
}
