import Semantics

/// Local calendar days (days since 1970-01-01 at a fixed offset from UTC), their dates, ISO weeks
/// (Monday first) and months, without Foundation's calendars (the same answer on every machine).
public struct LocalCalendar: Sendable, Equatable {
    public var utcOffsetSeconds: Int

    public init(utcOffsetSeconds: Int) { self.utcOffsetSeconds = utcOffsetSeconds }

    public func day(atNanos nanos: UInt64) -> Int64 {
        day(atSeconds: Int64(nanos / 1_000_000_000))
    }

    func day(atSeconds seconds: Int64) -> Int64 {
        let local = seconds + Int64(utcOffsetSeconds)
        return local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    }

    /// When a local day begins, in nanoseconds since the epoch (0 before it).
    public func startNanos(ofDay day: Int64) -> UInt64 {
        UInt64(max(0, day * 86_400 - Int64(utcOffsetSeconds))) * 1_000_000_000
    }

    /// Year, month (1-12) and day of month.
    public static func civil(_ day: Int64) -> (year: Int64, month: Int64, day: Int64) {
        CivilDate.civil(day)
    }

    /// The day of a date.
    public static func day(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `2026-12-05`.
    public static func dateLabel(_ day: Int64) -> String {
        let (y, m, d) = civil(day)
        return "\(y)-\(pad(m))-\(pad(d))"
    }

    /// The Monday of the day's week (1970-01-01 was a Thursday).
    public static func weekStart(_ day: Int64) -> Int64 {
        day - ((day + 3) % 7 + 7) % 7
    }

    /// The first day of the day's month.
    public static func monthStart(_ day: Int64) -> Int64 {
        let (y, m, _) = civil(day)
        return Self.day(year: y, month: m, day: 1)
    }

    /// `2026-12`.
    public static func monthLabel(_ day: Int64) -> String {
        let (y, m, _) = civil(day)
        return "\(y)-\(pad(m))"
    }

    /// ISO week `2026-W49`.
    public static func weekLabel(_ day: Int64) -> String {
        let thursday = weekStart(day) + 3
        let year = civil(thursday).year
        let week = (thursday - Self.day(year: year, month: 1, day: 1)) / 7 + 1
        return "\(year)-W\(pad(week))"
    }

    private static func pad(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
}
