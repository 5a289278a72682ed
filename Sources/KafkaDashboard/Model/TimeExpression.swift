/// Parses the times a user types to start a tail: "-5m" (ago), "now", epoch seconds or milliseconds,
/// or "2024-05-01", "2024-05-01T12:00", "2024-05-01 12:00:30.250Z", "...+02:00". A date without a zone is
/// local time. Written by hand so the model stays free of Foundation and of the machine's clock.
public enum TimeExpression {
    public static func parse(_ input: String, nowMillis: Int64, utcOffsetSeconds: Int) -> Int64? {
        let text = String(input.trimmingSpaces)
        if text.isEmpty { return nil }
        if text.lowercased() == "now" { return nowMillis }
        if let ago = relativeMillis(text) { return nowMillis - ago }
        if text.allSatisfy(\.isASCIIDigit), let number = Int64(text) {
            return text.count >= 12 ? number : number * 1000
        }
        return absoluteMillis(text, utcOffsetSeconds: utcOffsetSeconds)
    }

    /// "-5m", "90s", "-2h", "1d": a duration back from now.
    private static func relativeMillis(_ text: String) -> Int64? {
        var body = Substring(text)
        if body.first == "-" { body = body.dropFirst() }
        guard let unit = body.last, let amount = Int64(body.dropLast()), amount >= 0 else { return nil }
        switch unit {
        case "s": return amount * 1000
        case "m": return amount * 60_000
        case "h": return amount * 3_600_000
        case "d": return amount * 86_400_000
        default: return nil
        }
    }

    private static func absoluteMillis(_ text: String, utcOffsetSeconds: Int) -> Int64? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(digits: 4), scanner.skip("-"),
            let month = scanner.number(digits: 2), scanner.skip("-"),
            let day = scanner.number(digits: 2), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0, millis = 0
        if scanner.skip("T") || scanner.skip(" ") {
            guard let h = scanner.number(digits: 2), scanner.skip(":"), let m = scanner.number(digits: 2),
                h < 24, m < 60
            else { return nil }
            hour = h
            minute = m
            if scanner.skip(":") {
                guard let s = scanner.number(digits: 2), s < 61 else { return nil }
                second = s
                if scanner.skip(".") {
                    guard let fraction = scanner.fraction() else { return nil }
                    millis = fraction
                }
            }
        }
        var offset = utcOffsetSeconds
        if scanner.skip("Z") || scanner.skip("z") {
            offset = 0
        } else if let sign = scanner.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            scanner.advance()
            guard let h = scanner.number(digits: 2) else { return nil }
            _ = scanner.skip(":")
            let m = scanner.number(digits: 2) ?? 0
            offset = (h * 3600 + m * 60) * (sign == UInt8(ascii: "-") ? -1 : 1)
        }
        guard scanner.atEnd else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return seconds * 1000 + Int64(millis)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's well-known method).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// Reads fixed-width numbers and separators from ASCII bytes.
private struct DigitScanner {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }
    var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func advance() { position += 1 }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard peek == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    mutating func number(digits: Int) -> Int? {
        guard position + digits <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<position + digits] {
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value * 10 + Int(byte - 48)
        }
        position += digits
        return value
    }

    /// Fractional seconds as milliseconds: ".5" is 500, ".123456" is 123.
    mutating func fraction() -> Int? {
        var millis = 0, count = 0
        while let byte = peek, byte >= 48 && byte <= 57 {
            if count < 3 { millis = millis * 10 + Int(byte - 48) }
            count += 1
            position += 1
        }
        guard count > 0 else { return nil }
        if count < 3 { for _ in count..<3 { millis *= 10 } }
        return millis
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
