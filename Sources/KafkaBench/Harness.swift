/// Timing helpers: warm up, then run batches of iterations until a time budget is spent,
/// several rounds, keeping the fastest round (the one least disturbed by other processes).
struct Harness {
    var roundDuration: Duration
    var rounds: Int

    /// Seconds per iteration of `body`, best of `rounds`.
    func secondsPerIteration(_ body: () throws -> Void) rethrows -> Double {
        try body()  // warm-up: first-touch page faults, lazily created codec contexts
        var best = Double.infinity
        let clock = ContinuousClock()
        for _ in 0..<rounds {
            var iterations = 0
            let start = clock.now
            var elapsed = Duration.zero
            repeat {
                try body()
                iterations += 1
                elapsed = clock.now - start
            } while elapsed < roundDuration
            best = min(best, elapsed.seconds / Double(iterations))
        }
        return best
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) / 1e18
    }
}

/// Keeps results alive so the optimizer cannot drop the work that produced them.
@inline(never)
func consume<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

/// One line of output: a name, a value with its unit, and optional detail.
struct Measurement {
    var group: String
    var name: String
    var value: Double
    var unit: String
    var detail: [(String, Double)] = []
}

enum Report {
    static func table(_ measurements: [Measurement], header: String) -> String {
        var lines = [header]
        let nameWidth = max(10, measurements.map(\.name.count).max() ?? 10)
        for (group, entries) in grouped(measurements) {
            lines.append("")
            lines.append("== \(group)")
            for measurement in entries { lines.append(line(measurement, nameWidth: nameWidth)) }
        }
        return lines.joined(separator: "\n")
    }

    private static func line(_ measurement: Measurement, nameWidth: Int) -> String {
        var line = "  " + measurement.name.padding(to: nameWidth) + "  " + format(measurement.value).leftPadding(to: 12) + " " + measurement.unit
        for (key, value) in measurement.detail { line += "   \(key) \(format(value))" }
        return line
    }

    /// Groups in order of first appearance, entries in measurement order.
    private static func grouped(_ measurements: [Measurement]) -> [(String, [Measurement])] {
        var groups: [(String, [Measurement])] = []
        for measurement in measurements {
            if let index = groups.firstIndex(where: { $0.0 == measurement.group }) {
                groups[index].1.append(measurement)
            } else {
                groups.append((measurement.group, [measurement]))
            }
        }
        return groups
    }

    static func json(_ measurements: [Measurement], environment: [(String, String)]) -> String {
        let groups = grouped(measurements)
        let environmentFields = environment.map { "\(quoted($0.0)):\(quoted($0.1))" }.joined(separator: ",")
        let groupFields = groups.map { group, entries in
            let entryFields = entries.map { entry in
                var fields = ["\"value\":\(number(entry.value))", "\"unit\":\(quoted(entry.unit))"]
                fields += entry.detail.map { "\(quoted($0.0)):\(number($0.1))" }
                return "\(quoted(entry.name)):{\(fields.joined(separator: ","))}"
            }
            return "\(quoted(group)):{\(entryFields.joined(separator: ","))}"
        }
        return "{\"environment\":{\(environmentFields)},\(groupFields.joined(separator: ","))}"
    }

    static func format(_ value: Double) -> String {
        if value >= 1e6 { return grouped(Int(value.rounded())) }
        if value >= 100 { return grouped(Int(value.rounded())) }
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100)." + (fraction < 10 ? "0" : "") + "\(fraction)"
    }

    private static func grouped(_ value: Int) -> String {
        var digits = String(value)
        var index = digits.count - 3
        while index > 0 {
            digits.insert(",", at: digits.index(digits.startIndex, offsetBy: index))
            index -= 3
        }
        return digits
    }

    private static func number(_ value: Double) -> String {
        value.isFinite ? (value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)) : "null"
    }

    private static func quoted(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped + "\""
    }
}

extension String {
    func padding(to width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    func leftPadding(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
