import Glibc
import Testing
import UnitifyCore
@testable import UnitifyClient

/// The printer with plain field maps, no journal: what remote entries print as, which is what
/// local ones print as (the same printer reads both).
@Suite(.serialized) struct JournalPrinterTests {
    /// 2026-12-01 10:00:00 UTC.
    static let base: UInt64 = 1_796_119_200_000_000

    static func entry(_ fields: [(String, String)], at offset: UInt64 = 0) -> JournalExportReader.Entry {
        let header = [("__CURSOR", "s=x;i=\(offset)"), ("__REALTIME_TIMESTAMP", "\(base + offset)"), ("__MONOTONIC_TIMESTAMP", "5")]
        return JournalExportReader.Entry(fields: (header + fields).map { (name: $0.0, value: Array($0.1.utf8)) })
    }

    static func own(_ message: String, run: String, at offset: UInt64) -> JournalExportReader.Entry {
        entry([("_SYSTEMD_USER_UNIT", "web.service"), ("SYSLOG_IDENTIFIER", "web"), ("_PID", "42"),
               ("_SYSTEMD_INVOCATION_ID", run), ("MESSAGE", message)], at: offset)
    }

    static func manager(_ message: String, run: String, at offset: UInt64, exit: (String, String)? = nil) -> JournalExportReader.Entry {
        var fields = [("USER_UNIT", "web.service"), ("SYSLOG_IDENTIFIER", "systemd"), ("_PID", "7"),
                      ("_SYSTEMD_INVOCATION_ID", "init-scope"), ("USER_INVOCATION_ID", run), ("MESSAGE", message)]
        if let exit { fields += [("EXIT_CODE", exit.0), ("EXIT_STATUS", exit.1)] }
        return entry(fields, at: offset)
    }

    /// What `body` prints through printers writing to one pipe.
    static func printed(_ body: (Output) throws -> Void) throws -> String {
        setenv("TZ", "UTC", 1)
        tzset()
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        defer { close(fds[0]) }
        let output = Output(fd: fds[1])
        try body(output)
        output.flush()
        close(fds[1])
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while case let count = read(fds[0], &chunk, chunk.count), count > 0 { bytes += chunk[..<count] }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func query(_ format: LogFormat, units: [String] = ["web.service"]) -> LogQuery {
        var query = LogQuery()
        query.format = format
        query.units = units
        return query
    }

    static func print(_ printer: JournalPrinter, _ entry: JournalExportReader.Entry, own: Bool) throws {
        try printer.print(entry, time: entry.realtime!, ownOutput: own)
    }

    @Test func hostComesFirstPaddedToTheWidestHost() throws {
        let text = try Self.printed { output in
            let near = JournalPrinter(Self.query(.short), output: output, host: "db1", hostWidth: 9)
            let far = JournalPrinter(Self.query(.short), output: output, host: "alice@web", hostWidth: 9)
            try Self.print(near, Self.own("one", run: "r1", at: 0), own: true)
            try Self.print(far, Self.own("two", run: "r1", at: 1_000_000), own: true)
        }
        #expect(text == "db1       Dec 01 10:00:00 web[42]: one\nalice@web Dec 01 10:00:01 web[42]: two\n")
    }

    @Test func withoutAHostALineIsAsItWasLocally() throws {
        let text = try Self.printed { output in
            let printer = JournalPrinter(Self.query(.shortPrecise), output: output)
            try Self.print(printer, Self.own("one", run: "r1", at: 12), own: true)
        }
        #expect(text == "Dec 01 10:00:00.000012 web[42]: one\n")
    }

    /// The job's output goes by its cgroup's invocation, the manager's messages by the manager's
    /// word (not their own `_SYSTEMD_INVOCATION_ID`); the separator says how the run ended.
    @Test func runsAreSeparatedWithHowTheEarlierEnded() throws {
        let text = try Self.printed { output in
            let printer = JournalPrinter(Self.query(.shortIso), output: output, host: "h", hostWidth: 1)
            try Self.print(printer, Self.own("first", run: "r1", at: 0), own: true)
            try Self.print(printer, Self.manager("web.service: Main process exited", run: "r1", at: 1, exit: ("exited", "3")), own: false)
            try Self.print(printer, Self.manager("Started web.service.", run: "r2", at: 2), own: false)
            try Self.print(printer, Self.own("second", run: "r2", at: 3), own: true)
        }
        #expect(text.split(separator: "\n").map(String.init) == [
            "h 2026-12-01T10:00:00+0000 web[42]: first",
            "h 2026-12-01T10:00:00+0000 systemd[7]: web.service: Main process exited",
            "h -- web: the previous run exited with status 3 --",
            "h 2026-12-01T10:00:00+0000 systemd[7]: Started web.service.",
            "h 2026-12-01T10:00:00+0000 web[42]: second",
        ])
    }

    @Test func severalUnitsArePrefixedByName() throws {
        let text = try Self.printed { output in
            let printer = JournalPrinter(Self.query(.short, units: []), output: output, host: "h", hostWidth: 2)
            try Self.print(printer, Self.entry([("_SYSTEMD_USER_UNIT", "db.service"), ("SYSLOG_IDENTIFIER", "sh"), ("MESSAGE", "up")]), own: true)
            try Self.print(printer, Self.own("ready", run: "r1", at: 0), own: true)
        }
        #expect(text == "h  Dec 01 10:00:00 db sh: up\nh  Dec 01 10:00:00 web[42]: ready\n")
    }

    @Test func catKeepsTheHostAndTheMessageBytes() throws {
        let text = try Self.printed { output in
            let printer = JournalPrinter(Self.query(.cat), output: output, host: "h1", hostWidth: 4)
            try Self.print(printer, Self.own("tab\there", run: "r1", at: 0), own: true)
        }
        #expect(text == "h1   tab\there\n")
    }

    /// The header's fields other than the cursor and time stay out, as sd-journal's enumeration
    /// leaves them out locally; the host is a field of its own.
    @Test func jsonCarriesTheHost() throws {
        let text = try Self.printed { output in
            let printer = JournalPrinter(Self.query(.json), output: output, host: "web1:2222", hostWidth: 12)
            try Self.print(printer, Self.own("hi", run: "r1", at: 5), own: true)
        }
        #expect(text == "{\"UNITIFY_HOST\":\"web1:2222\",\"__CURSOR\":\"s=x;i=5\",\"__REALTIME_TIMESTAMP\":\"\(Self.base + 5)\",\"_SYSTEMD_USER_UNIT\":\"web.service\",\"SYSLOG_IDENTIFIER\":\"web\",\"_PID\":\"42\",\"_SYSTEMD_INVOCATION_ID\":\"r1\",\"MESSAGE\":\"hi\"}\n")
    }
}
