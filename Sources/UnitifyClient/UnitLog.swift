import Glibc
import Systemd
import UnitifyCore

/// How journal lines are printed, as journalctl's `-o`.
public enum LogFormat: String, Sendable, CaseIterable {
    case short, cat
}

/// The journal lines of one or more units, matched exactly as `journalctl --user-unit` matches
/// them (systemd's `add_matches_for_user_unit_full`).
public final class UnitLog {
    let journal: Journal
    let format: LogFormat
    let output: Output

    public init(units: [String], uid: UInt32 = getuid(), format: LogFormat = .short, output: Output = .standard) throws {
        journal = try Journal(flags: .localOnly)
        self.format = format
        self.output = output
        guard journal.hasFiles else {
            throw CommandFailure(
                "cannot read any journal files as uid \(uid): journald keeps them readable only to root and the systemd-journal group here; add yourself with 'usermod -aG systemd-journal \(Environment.value("USER") ?? "USER")', or use --log-file")
        }
        for (index, unit) in units.enumerated() {
            if index > 0 { try journal.addDisjunction() }
            try Self.addMatches(journal, unit: unit, uid: uid)
        }
    }

    static func addMatches(_ journal: Journal, unit: String, uid: UInt32) throws(SystemdError) {
        // The unit's own output.
        try journal.addMatch("_SYSTEMD_USER_UNIT=\(unit)")
        try journal.addMatch("_UID=\(uid)")
        try journal.addDisjunction()
        // The manager's messages about the unit.
        try journal.addMatch("USER_UNIT=\(unit)")
        try journal.addMatch("_UID=\(uid)")
        try journal.addDisjunction()
        // Messages from system services about it (e.g. coredumps), which run as root.
        for field in ["OBJECT_SYSTEMD_USER_UNIT", "COREDUMP_USER_UNIT"] {
            try journal.addMatch("\(field)=\(unit)")
            try journal.addMatch("_UID=\(uid)")
            if uid != 0 { try journal.addMatch("_UID=0") }
            if field == "OBJECT_SYSTEMD_USER_UNIT" { try journal.addDisjunction() }
        }
    }

    /// Prints the last `lines` entries (all when nil); returns how many were printed.
    @discardableResult
    public func printTail(lines: Int?) throws -> Int {
        var printed = 0
        if let lines {
            guard lines > 0 else { return 0 }
            try journal.seekTail()
            var more = try journal.previous(skip: UInt64(lines)) > 0
            while more {
                try printEntry()
                printed += 1
                more = try journal.next()
            }
        } else {
            try journal.seekHead()
            while try journal.next() {
                try printEntry()
                printed += 1
            }
        }
        output.flush()
        return printed
    }

    /// Prints new entries as they arrive, until the process is interrupted.
    public func follow() throws -> Never {
        let stop: @convention(c) (Int32) -> Void = { _ in
            Output.standard.flush()
            _exit(0)
        }
        signal(SIGINT, stop)
        signal(SIGTERM, stop)
        while true {
            output.flush()
            _ = try journal.wait(timeoutMicroseconds: nil)
            while try journal.next() { try printEntry() }
        }
    }

    func printEntry() throws {
        switch format {
        case .cat:
            _ = try journal.withData("MESSAGE") { output.write($0) }
        case .short:
            let time = try journal.realtimeMicroseconds()
            let identifier = try journal.string("SYSLOG_IDENTIFIER") ?? journal.string("_COMM") ?? "?"
            let pid = try journal.string("_PID").map { "[\($0)]" } ?? ""
            output.write("\(Self.localTime(time)) \(identifier)\(pid): ")
            _ = try journal.withData("MESSAGE") { output.write($0) }
        }
        output.endLine()
    }

    /// `Nov 22 14:37:35` in local time, as journalctl's short format.
    static func localTime(_ microseconds: UInt64) -> String {
        var seconds = time_t(microseconds / 1_000_000)
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%b %d %H:%M:%S", &parts)
        return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
