import CanvasKit
/// Number, duration, money and clock formatting for cells. Pure and locale-independent.
public enum Format {
    /// `502`, `1.2k`, `12.3k`, `123k`, `3.4M`, `1.2G`.
    public static func compact(_ value: Int64) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = value.magnitude
        if magnitude < 1000 { return sign + String(magnitude) }
        let units: [(UInt64, String)] = [(1_000, "k"), (1_000_000, "M"), (1_000_000_000, "G"), (1_000_000_000_000, "T")]
        for (index, (scale, suffix)) in units.enumerated() {
            let tenth = scale / 10
            let tenths = (magnitude + tenth / 2) / tenth  // value in tenths of the unit, rounded
            let isLast = index == units.count - 1
            if tenths < 1000 {
                return sign + "\(tenths / 10).\(tenths % 10)" + suffix
            }
            let whole = (magnitude + scale / 2) / scale
            if whole < 1000 || isLast { return sign + String(whole) + suffix }
        }
        return sign + String(magnitude)
    }

    public static func compact(_ value: Int) -> String { compact(Int64(value)) }

    /// `1,204`, `1,840,331`.
    public static func grouped(_ value: Int64) -> String {
        let digits = Array(String(value.magnitude))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (value < 0 ? "-" : "") + result
    }

    public static func grouped(_ value: Int) -> String { grouped(Int64(value)) }

    /// `45ms`, `0.4s`, `12.3s`, `3m04s`, `1h02m`, `2d03h`.
    public static func duration(nanos: UInt64) -> String {
        let millis = (nanos + 500_000) / 1_000_000
        if millis < 100 { return "\(millis)ms" }
        let tenths = (nanos + 50_000_000) / 100_000_000
        if tenths < 600 { return "\(tenths / 10).\(tenths % 10)s" }
        let seconds = (nanos + 500_000_000) / 1_000_000_000
        if seconds < 3600 { return "\(seconds / 60)m" + twoDigits(seconds % 60) + "s" }
        let minutes = seconds / 60
        if minutes < 24 * 60 { return "\(minutes / 60)h" + twoDigits(minutes % 60) + "m" }
        let hours = minutes / 60
        return "\(hours / 24)d" + twoDigits(hours % 24) + "h"
    }

    public static func duration(seconds: Double) -> String {
        duration(nanos: seconds.isFinite && seconds > 0 ? UInt64(min(seconds, 1e11) * 1e9) : 0)
    }

    /// `$0` for zero, `$0.0017`, `$0.001`, `$0.011`, `$1.23`, `$123`, `$12,345`; `?` when unknown (never `$0`).
    public static func cost(_ usd: Double?) -> String {
        guard let usd, usd.isFinite else { return "?" }
        let sign = usd < 0 ? "-" : ""
        let value = abs(usd)
        if value == 0 { return "$0" }
        if value >= 100 { return sign + "$" + grouped(Int64(value.rounded())) }
        if value >= 1 { return sign + "$" + fixed(value, decimals: 2) }
        if value >= 0.01 { return sign + "$" + fixed(value, decimals: 3) }
        if value >= 0.0001 {
            var digits = fixed(value, decimals: 4)
            while digits.hasSuffix("0"), digits.count > 5 { digits.removeLast() }  // keep "0.00x" at least
            return sign + "$" + digits
        }
        return sign + "<$0.0001"
    }

    /// `value` with exactly `decimals` digits after the point.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf") }
        var scale: Double = 1
        for _ in 0..<max(0, decimals) { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e18 else { return String(value) }
        let units = UInt64(scaled)
        let factor = UInt64(scale)
        let sign = value < 0 && units > 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(units) }
        let fraction = String(units % factor)
        return sign + "\(units / factor)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// A feedback score: whole numbers as they are, others to two decimals (`4`, `0.85`).
    public static func score(_ value: Double) -> String {
        guard value.isFinite, value != value.rounded() else { return fixed(value, decimals: 0) }
        return fixed(value, decimals: 2)
    }

    /// `12.3` below 100, `123` above; for rates such as spans per second.
    public static func rate(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return "0" }
        if value < 10 { return fixed(value, decimals: 1) }
        if value < 1000 { return fixed(value, decimals: 0) }
        return compact(Int64(value.rounded()))
    }

    /// `HH:MM:SS` of a Unix-nanosecond instant, shifted by the local UTC offset.
    public static func clock(unixNanos: UInt64, utcOffsetSeconds: Int) -> String {
        let seconds = Int64(unixNanos / 1_000_000_000) + Int64(utcOffsetSeconds)
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        return twoDigits(UInt64(secondOfDay / 3600)) + ":" + twoDigits(UInt64(secondOfDay / 60 % 60)) + ":"
            + twoDigits(UInt64(secondOfDay % 60))
    }

    private static func twoDigits(_ value: UInt64) -> String {
        value < 10 ? "0\(value)" : String(value)
    }
}
