#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wall-clock time in milliseconds since the Unix epoch, Kafka's unit for record timestamps,
/// token expiry and statistics; the one place the client (and kfast, the dashboard's adapter)
/// reads it. `clock_gettime` rather than `Date`: the send path stamps every message with it.
package enum WallClock {
    /// Now, in whole milliseconds since 1970-01-01 UTC.
    @inline(__always)
    package static func milliseconds() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
