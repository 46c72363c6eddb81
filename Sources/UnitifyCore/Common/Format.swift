/// Human formatting for tables and summaries.
public enum Format {
    /// Bytes in base 1024 with one decimal below 10, as systemctl prints them: `812K`, `12.3M`.
    public static func bytes(_ value: UInt64) -> String {
        let units = ["B", "K", "M", "G", "T", "P"]
        var size = Double(value)
        var index = 0
        while size >= 1024, index < units.count - 1 {
            size /= 1024
            index += 1
        }
        if index == 0 { return "\(value)B" }
        if size < 10 {
            let tenths = Int((size * 10).rounded())
            return tenths % 10 == 0 ? "\(tenths / 10)\(units[index])" : "\(tenths / 10).\(tenths % 10)\(units[index])"
        }
        return "\(Int(size.rounded()))\(units[index])"
    }

    /// A wall-clock time (microseconds since the epoch) as `YYYY-MM-DD HH:MM:SS` in UTC: the same
    /// on every machine, whatever its time zone.
    public static func utcTimestamp(_ microseconds: UInt64) -> String {
        let seconds = Int64(microseconds / 1_000_000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        return "\(year)-\(pad(month))-\(pad(day)) \(pad(secondOfDay / 3600)):\(pad(secondOfDay % 3600 / 60)):\(pad(secondOfDay % 60))"
    }

    /// Howard Hinnant's days-to-civil algorithm: exact for the proleptic Gregorian calendar.
    static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func pad(_ value: Int64) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }

    /// Cuts `text` to `width` characters, marking the cut with `…`.
    public static func truncate(_ text: String, to width: Int) -> String {
        guard width > 0 else { return "" }
        guard text.count > width else { return text }
        return String(text.prefix(width - 1)) + "…"
    }

    /// Left-aligned columns separated by two spaces; the last column is not padded.
    public static func table(_ rows: [[String]]) -> [String] {
        guard let columns = rows.map(\.count).max() else { return [] }
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        return rows.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                if index == row.count - 1 {
                    line += cell
                } else {
                    line += cell + String(repeating: " ", count: widths[index] - cell.count + 2)
                }
            }
            return line
        }
    }

    /// `a`, `a or b`, `a, b or c`: a closed set of choices in a sentence.
    public static func alternatives(_ choices: [String]) -> String {
        guard let last = choices.last else { return "" }
        return choices.count == 1 ? last : choices.dropLast().joined(separator: ", ") + " or " + last
    }
}
