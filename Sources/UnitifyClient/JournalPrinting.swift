import Glibc
import Systemd
import UnitifyCore

/// How journal entries are printed: the `-o` formats, run separators, colours.
extension UnitLog {
    func printEntry() throws {
        let time = entries.currentTime
        if firstTime == nil { firstTime = time }
        lastTime = time
        switch query.format {
        case .cat:
            _ = try journal.withData("MESSAGE") { output.write($0) }
            output.endLine()
        case .json:
            try printJSON()
        case .short, .shortIso, .shortPrecise:
            // USER_UNIT first: the manager's own messages carry its scope in _SYSTEMD_USER_UNIT.
            let unit = try query.units.count == 1 ? query.units[0]
                : query.scope.isSystem ? journal.string("UNIT") ?? journal.string("_SYSTEMD_UNIT") ?? journal.string("OBJECT_SYSTEMD_UNIT") ?? ""
                : journal.string("USER_UNIT") ?? journal.string("_SYSTEMD_USER_UNIT") ?? journal.string("OBJECT_SYSTEMD_USER_UNIT") ?? ""
            try separateRuns(unit: unit)
            let name = UnitName.shortName(unit)
            let identifier = try journal.string("SYSLOG_IDENTIFIER") ?? journal.string("_COMM") ?? "?"
            let pid = try journal.string("_PID").map { "[\($0)]" } ?? ""
            var head = Self.timestamp(time, query.format) + " "
            if prefixUnit && identifier != name && !name.isEmpty { head += paint(name, unit) + " " }
            output.write(head + paint(identifier + pid, identifier == name ? unit : "") + ": ")
            _ = try journal.withData("MESSAGE") { output.write($0) }
            output.endLine()
        }
    }

    /// A line between two runs of a unit that says how the earlier one ended.
    func separateRuns(unit: String) throws {
        guard let run = try runOfEntry() else { return }
        if let code = try journal.string("EXIT_CODE"), let status = try journal.string("EXIT_STATUS") {
            endings[run] = Self.ending(code: code, status: status)
        }
        defer { lastRun[unit] = run }
        guard let previous = lastRun[unit], previous != run else { return }
        let how = endings[previous].map { "the previous run \($0)" } ?? "a new run"
        output.line(paint("-- \(UnitName.shortName(unit)): \(how) --", unit))
    }

    static func ending(code: String, status: String) -> String {
        switch code {
        case "exited": "exited with status \(status)"
        case "killed": "was killed by SIG\(status)"
        case "dumped": "was killed by SIG\(status) and dumped core"
        default: "ended (\(code) \(status))"
        }
    }

    func printJSON() throws {
        var fields = ["\"__CURSOR\":" + JSONText.quote(try journal.cursor()),
                      "\"__REALTIME_TIMESTAMP\":\"\(entries.currentTime)\""]
        for (name, value) in try journal.allFields() {
            fields.append(JSONText.quote(name) + ":" + JSONText.value(value))
        }
        output.line("{" + fields.joined(separator: ",") + "}")
    }

    static let palette = ["\u{1B}[36m", "\u{1B}[33m", "\u{1B}[35m", "\u{1B}[32m", "\u{1B}[34m", "\u{1B}[91m"]

    /// The same colour for a unit every time (a stable hash, not Swift's seeded one).
    func paint(_ text: String, _ unit: String) -> String {
        guard colour, !unit.isEmpty else { return text }
        let hash = unit.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
        return Self.palette[Int(hash % UInt32(Self.palette.count))] + text + "\u{1B}[0m"
    }

    static func timestamp(_ microseconds: UInt64, _ format: LogFormat) -> String {
        var seconds = time_t(microseconds / 1_000_000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let pattern = format == .shortIso ? "%Y-%m-%dT%H:%M:%S%z" : "%b %d %H:%M:%S"
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        var text = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if format == .shortPrecise {
            let micros = String(microseconds % 1_000_000)
            text += "." + String(repeating: "0", count: 6 - micros.count) + micros
        }
        return text
    }
}
