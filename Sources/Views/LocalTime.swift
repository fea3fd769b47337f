import CanvasKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

public enum LocalTime {
    /// Seconds east of UTC for the local time zone at the given instant (DST included).
    public static func utcOffsetSeconds(atUnixSeconds seconds: Int) -> Int {
        var time = time_t(seconds)
        var parts = tm()
        guard localtime_r(&time, &parts) != nil else { return 0 }
        return Int(parts.tm_gmtoff)
    }
}
