import Glibc
import Systemd
import UnitifyCore

extension Journal: JournalEntryFields {
    public func entryCursor() throws -> String { try cursor() }
}

/// How journal entries are printed: the `-o` formats, run separators, colours, and with
/// `--host` the host first on every line. One printer per source of entries (this machine, or
/// one host), since runs are told apart per unit of one manager; it prints the current entry of
/// a local handle and an entry read over ssh alike.
final class JournalPrinter {
    let format: LogFormat
    let units: [String]
    let system: Bool
    let output: Output
    let prefixUnit: Bool
    let colour: Bool
    /// The host as the user wrote it, padded to the widest of the hosts shown, and a space.
    let hostPrefix: String
    /// The host for JSON's `UNITIFY_HOST`.
    let host: String?
    /// Per unit: the run seen last, and how the runs ended (from the manager's EXIT_* fields).
    var lastRun: [String: String] = [:]
    var endings: [String: String] = [:]
    var firstTime: UInt64?
    var lastTime: UInt64?

    init(_ query: LogQuery, output: Output, host: String? = nil, hostWidth: Int = 0) {
        format = query.format
        units = query.units
        system = query.scope.isSystem
        self.output = output
        prefixUnit = query.units.count != 1
        colour = output.usesColour && query.format != .json && query.format != .cat
        self.host = host
        hostPrefix = host.map { $0 + String(repeating: " ", count: max(0, hostWidth - $0.count)) + " " } ?? ""
    }

    /// Prints one entry, written at `time` (microseconds since the epoch). `ownOutput`: it is one
    /// of the unit's own lines, not a message about the unit (see `JournalMatchGroup.Kind`);
    /// asked only where runs are separated.
    func print(_ entry: some JournalEntryFields, time: UInt64, ownOutput: @autoclosure () -> Bool) throws {
        if firstTime == nil { firstTime = time }
        lastTime = time
        switch format {
        case .cat:
            if !hostPrefix.isEmpty { output.write(hostPrefix) }
            try writeMessage(entry)
            output.endLine()
        case .json:
            try printJSON(entry, time: time)
        case .short, .shortIso, .shortPrecise:
            // USER_UNIT first: the manager's own messages carry its scope in _SYSTEMD_USER_UNIT.
            let unit = try units.count == 1 ? units[0]
                : system ? entry.string("UNIT") ?? entry.string("_SYSTEMD_UNIT") ?? entry.string("OBJECT_SYSTEMD_UNIT") ?? ""
                : entry.string("USER_UNIT") ?? entry.string("_SYSTEMD_USER_UNIT") ?? entry.string("OBJECT_SYSTEMD_USER_UNIT") ?? ""
            try separateRuns(entry, unit: unit, ownOutput: ownOutput())
            let name = UnitName.shortName(unit)
            let identifier = try entry.string("SYSLOG_IDENTIFIER") ?? entry.string("_COMM") ?? "?"
            let pid = try entry.string("_PID").map { "[\($0)]" } ?? ""
            var head = UnitLog.timestamp(time, format) + " "
            if prefixUnit && identifier != name && !name.isEmpty { head += paint(name, unit) + " " }
            if !hostPrefix.isEmpty { output.write(hostPrefix) }
            output.write(head + paint(identifier + pid, identifier == name ? unit : "") + ": ")
            try writeMessage(entry)
            output.endLine()
        }
    }

    /// The entry's message as a terminal shows it: a progress bar that journald kept as one
    /// line of every frame (`\r` between them, from a job without a terminal) as its last frame.
    func writeMessage(_ entry: some JournalEntryFields) throws {
        _ = try entry.withData("MESSAGE") { bytes in
            if bytes.contains(UInt8(ascii: "\r")) {
                output.write(TerminalLog.shown(String(decoding: bytes, as: UTF8.self)))
            } else {
                output.write(bytes)
            }
        }
    }

    /// A line between two runs of a unit that says how the earlier one ended.
    func separateRuns(_ entry: some JournalEntryFields, unit: String, ownOutput: Bool) throws {
        guard let run = try JournalRun.of(entry, ownOutput: ownOutput, system: system) else { return }
        if let code = try entry.string("EXIT_CODE"), let status = try entry.string("EXIT_STATUS") {
            endings[run] = Self.ending(code: code, status: status)
        }
        defer { lastRun[unit] = run }
        guard let previous = lastRun[unit], previous != run else { return }
        let how = endings[previous].map { "the previous run \($0)" } ?? "a new run"
        output.line(hostPrefix + paint("-- \(UnitName.shortName(unit)): \(how) --", unit))
    }

    static func ending(code: String, status: String) -> String {
        switch code {
        case "exited": "exited with status \(status)"
        case "killed": "was killed by SIG\(status)"
        case "dumped": "was killed by SIG\(status) and dumped core"
        default: "ended (\(code) \(status))"
        }
    }

    func printJSON(_ entry: some JournalEntryFields, time: UInt64) throws {
        var fields = host.map { ["\"UNITIFY_HOST\":" + JSONText.quote($0)] } ?? []
        fields += ["\"__CURSOR\":" + JSONText.quote(try entry.entryCursor()), "\"__REALTIME_TIMESTAMP\":\"\(time)\""]
        for (name, value) in try entry.allFields() {
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
}

extension UnitLog {
    /// A time as the `-o` formats print it.
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
