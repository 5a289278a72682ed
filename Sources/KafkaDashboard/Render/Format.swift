/// Short number, size, rate and time formats for narrow columns. Hand-written (no Foundation) because
/// they run for every visible cell on every frame, and short results stay in Swift's inline small strings.
public enum Format {
    /// "999", "1.2k", "12k", "1.2M", "3.4G": at most 4 characters for counts up to 999G.
    public static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        let sign = value < 0 ? "-" : ""
        if magnitude < 999.5 { return value < 0 ? sign + String(Int(magnitude.rounded())) : String(Int(magnitude.rounded())) }
        for (index, (scale, suffix)) in compactUnits.enumerated() {
            let scaled = magnitude / scale
            let isLast = index == compactUnits.count - 1
            if scaled < 9.95 { return sign + oneDecimal(scaled) + suffix }
            if scaled < 999.5 || isLast { return sign + String(Int(scaled.rounded())) + suffix }
        }
        return sign + String(Int(magnitude))
    }

    /// Built once: an array literal in `compact` was allocated on every call, for every cell.
    private static let compactUnits: [(Double, String)] = [(1e3, "k"), (1e6, "M"), (1e9, "G"), (1e12, "T")]

    public static func compact(_ value: Int64) -> String { compact(Double(value)) }
    public static func compact(_ value: Int) -> String { compact(Double(value)) }

    /// "512 B", "1.5 KB", "12 MB" (powers of 1024, as buffer limits are configured).
    public static func bytes(_ value: Double) -> String {
        let units = byteUnits
        var scaled = max(0, value)
        var unit = 0
        while scaled >= 1023.5 && unit < units.count - 1 {
            scaled /= 1024
            unit += 1
        }
        if unit == 0 { return String(Int(scaled.rounded())) + " B" }
        return (scaled < 9.95 ? oneDecimal(scaled) : String(Int(scaled.rounded()))) + " " + units[unit]
    }

    private static let byteUnits = ["B", "KB", "MB", "GB", "TB"]

    /// "0.4 ms", "12 ms", "1.2 s".
    public static func millis(_ value: Double) -> String {
        if value < 9.95 { return oneDecimal(value) + " ms" }
        if value < 999.5 { return String(Int(value.rounded())) + " ms" }
        return oneDecimal(value / 1000) + " s"
    }

    /// "3s", "12m", "5h", "2d": how long ago, for error ages and staleness.
    public static func age(millis: Int64) -> String {
        let seconds = max(0, millis / 1000)
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" }
        if seconds < 86_400 { return "\(seconds / 3600)h" }
        return "\(seconds / 86_400)d"
    }

    /// "45s", "3m20s", "2h05m", "3d04h": how long something will take, two units at most.
    public static func duration(seconds value: Double) -> String {
        let seconds = Int64(max(0, value.rounded(.up)))
        if seconds < 60 { return "\(seconds)s" }
        if seconds < 3600 { return "\(seconds / 60)m" + twoDigits(seconds % 60) + "s" }
        if seconds < 86_400 { return "\(seconds / 3600)h" + twoDigits(seconds / 60 % 60) + "m" }
        return "\(seconds / 86_400)d" + twoDigits(seconds / 3600 % 24) + "h"
    }

    /// `text` padded (or cut, keeping a space before the next column) to `width` columns, for the
    /// fixed-width tables of the overlays.
    public static func fit(_ text: String, _ width: Int, right: Bool = false) -> String {
        var text = text
        if DisplayWidth.of(text) >= width { text = String(text.prefix(max(1, width - 2))) + "~" }
        let room = max(0, width - DisplayWidth.of(text))
        return right ? String(repeating: " ", count: room) + text : text + String(repeating: " ", count: room)
    }

    /// "1,234,567": exact counts where there is room (offsets, watermarks).
    public static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var result = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return result
    }

    /// "14:03:27.125" in the given UTC offset.
    public static func timeOfDay(epochMillis: Int64, utcOffsetSeconds: Int) -> String {
        let local = epochMillis + Int64(utcOffsetSeconds) * 1000
        let dayMillis = ((local % 86_400_000) + 86_400_000) % 86_400_000
        let hours = dayMillis / 3_600_000, minutes = dayMillis / 60_000 % 60
        let seconds = dayMillis / 1000 % 60, millis = dayMillis % 1000
        return twoDigits(hours) + ":" + twoDigits(minutes) + ":" + twoDigits(seconds) + "." + threeDigits(millis)
    }

    /// "2024-05-01 14:03:27.125" in the given UTC offset.
    public static func dateTime(epochMillis: Int64, utcOffsetSeconds: Int) -> String {
        let local = epochMillis + Int64(utcOffsetSeconds) * 1000
        let days = Int(local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000)
        let (year, month, day) = civilFromDays(days)
        return "\(year)-" + twoDigits(Int64(month)) + "-" + twoDigits(Int64(day)) + " "
            + timeOfDay(epochMillis: epochMillis, utcOffsetSeconds: utcOffsetSeconds)
    }

    /// Inverse of `TimeExpression.daysFromCivil`.
    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return String(tenths / 10) + "." + String(tenths % 10)
    }

    private static func twoDigits(_ value: Int64) -> String { value < 10 ? "0" + String(value) : String(value) }

    private static func threeDigits(_ value: Int64) -> String {
        value < 10 ? "00" + String(value) : value < 100 ? "0" + String(value) : String(value)
    }
}
