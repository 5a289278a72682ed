#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The app's only clock: the model gets time through tick events, never by reading this.
enum WallClock {
    static func nowMillis() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + (Int64(now.tv_nsec) + 500_000) / 1_000_000
    }
}

/// The local time zone, as the C library knows it (`TZ`, /etc/localtime): times on screen and
/// time expressions (`-1h`, `2024-05-01T12:00`) are read in it.
public enum LocalTimeZone {
    /// Its offset from UTC now, in seconds, east positive.
    public static func utcOffsetSeconds() -> Int {
        var now = time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil else { return 0 }
        return Int(local.tm_gmtoff)
    }
}
