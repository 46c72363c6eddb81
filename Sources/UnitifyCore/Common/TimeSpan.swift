/// A length of time in microseconds, as systemd counts it, parsed from systemd's own syntax
/// (`500ms`, `2s`, `1min 30s`, `1h`, a bare number of seconds) so users can type what they
/// would write in a unit file.
public struct TimeSpan: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var microseconds: UInt64

    public init(microseconds: UInt64) { self.microseconds = microseconds }
    public static func seconds(_ s: UInt64) -> TimeSpan { TimeSpan(microseconds: s * 1_000_000) }
    public static func milliseconds(_ ms: UInt64) -> TimeSpan { TimeSpan(microseconds: ms * 1_000) }
    public static let infinity = TimeSpan(microseconds: .max)

    public static func < (a: TimeSpan, b: TimeSpan) -> Bool { a.microseconds < b.microseconds }

    /// Units in the order systemd's `parse_sec` tries them: longer spellings first, so that
    /// `ms` is not read as `m` followed by garbage. `m` is minutes and `M` months, as in systemd.
    static let units: [(String, Double)] = [
        ("usec", 1), ("us", 1), ("μs", 1),
        ("msec", 1e3), ("ms", 1e3),
        ("seconds", 1e6), ("second", 1e6), ("sec", 1e6), ("s", 1e6),
        ("minutes", 60e6), ("minute", 60e6), ("min", 60e6),
        ("months", 2_629_800e6), ("month", 2_629_800e6), ("M", 2_629_800e6),
        ("m", 60e6),
        ("hours", 3_600e6), ("hour", 3_600e6), ("hr", 3_600e6), ("h", 3_600e6),
        ("days", 86_400e6), ("day", 86_400e6), ("d", 86_400e6),
        ("weeks", 604_800e6), ("week", 604_800e6), ("w", 604_800e6),
        ("years", 31_557_600e6), ("year", 31_557_600e6), ("y", 31_557_600e6),
    ]

    /// Parses `text`; throws `UnitifyError` naming the accepted forms.
    public init(parsing text: String) throws(UnitifyError) {
        let trimmed = text.trimmingSpaces()
        if trimmed == "infinity" { self = .infinity; return }
        var rest = Substring(trimmed)
        var total = 0.0
        var sawComponent = false
        while !rest.isEmpty {
            rest = rest.drop(while: { $0 == " " })
            let number = rest.prefix(while: { $0.isASCII && ($0.isNumber || $0 == ".") })
            guard !number.isEmpty, let value = Double(number) else { throw Self.invalid(text) }
            rest = rest.dropFirst(number.count).drop(while: { $0 == " " })
            var factor = 1e6
            if let unit = Self.units.first(where: { rest.hasPrefix($0.0) }) {
                let after = rest.dropFirst(unit.0.count)
                // `5sx` is not `5s` followed by junk: a unit ends at a digit, a space or the end.
                if let next = after.first, next.isLetter { throw Self.invalid(text) }
                factor = unit.1
                rest = after
            } else if let next = rest.first, !next.isNumber {
                throw Self.invalid(text)
            }
            total += value * factor
            sawComponent = true
        }
        guard sawComponent, total < 1.8e19 else { throw Self.invalid(text) }
        microseconds = UInt64(total.rounded())
    }

    static func invalid(_ text: String) -> UnitifyError {
        UnitifyError.usage("invalid duration '\(text)': write a number with a unit, like 500ms, 2s, 1min 30s or 1h")
    }

    /// The way systemd prints spans: `1min 30s`, `200ms`, `infinity`.
    public var description: String {
        if self == .infinity { return "infinity" }
        if microseconds == 0 { return "0" }
        var rest = microseconds
        var parts: [String] = []
        for (name, size) in [("d", 86_400_000_000), ("h", 3_600_000_000), ("min", 60_000_000), ("s", 1_000_000), ("ms", 1_000), ("us", 1)] as [(String, UInt64)] {
            if rest >= size {
                parts.append("\(rest / size)\(name)")
                rest %= size
            }
        }
        return parts.joined(separator: " ")
    }

    /// Two significant units at most, for tables: `3h 12min`, `45s`, `1.2s`, `230ms`.
    public var short: String {
        let us = microseconds
        if us < 1_000 { return "\(us)us" }
        if us < 1_000_000 { return "\(us / 1_000)ms" }
        if us < 10_000_000 { return "\(us / 1_000_000).\(us % 1_000_000 / 100_000)s" }
        let s = us / 1_000_000
        if s < 60 { return "\(s)s" }
        if s < 3_600 { return "\(s / 60)min \(s % 60)s" }
        if s < 86_400 { return "\(s / 3_600)h \(s % 3_600 / 60)min" }
        return "\(s / 86_400)d \(s % 86_400 / 3_600)h"
    }
}

extension String {
    /// Without leading and trailing white space.
    public func trimmingSpaces() -> String {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        while let last = s.last, last.isWhitespace { s = s.dropLast() }
        return String(s)
    }
}
