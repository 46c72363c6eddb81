import Glibc
import Systemd
import UnitifyCore

/// How journal lines are printed, as journalctl's `-o`.
public enum LogFormat: String, Sendable, CaseIterable {
    case short, shortIso = "short-iso", shortPrecise = "short-precise", cat, json
}

/// What to read from the journal.
public struct LogQuery {
    /// Full unit names; empty means every unit in unitify's slice.
    public var units: [String] = []
    /// The last N matching entries; nil for all.
    public var lines: Int? = 50
    /// Wall-clock bounds in microseconds since the epoch.
    public var since: UInt64?
    public var until: UInt64?
    /// Show this priority and more important ones.
    public var maxPriority: Int?
    public var grep: Regex<AnyRegexOutput>?
    public var format: LogFormat = .short
    /// The user manager's units (matched with the caller's uid), or with `.system` PID 1's.
    public var scope: ManagerScope = .user

    public init() {}
}

/// The journal lines of unitify's units, matched as `journalctl --user-unit` matches them
/// (systemd's `add_matches_for_user_unit_full`), printed as journalctl prints them, with a
/// separator between two runs of a unit and a word about lines journald dropped.
public final class UnitLog {
    /// The entries to show. See `addMatches` for why they come from two handles.
    let entries: JournalMerge
    /// The current entry's handle: where its fields are read.
    var journal: Journal { entries.current }
    let query: LogQuery
    let output: Output
    let uid: UInt32
    let prefixUnit: Bool
    let colour: Bool
    /// Per unit: the run seen last, and how the runs ended (from the manager's EXIT_* fields).
    var lastRun: [String: String] = [:]
    var endings: [String: String] = [:]
    var firstTime: UInt64?
    var lastTime: UInt64?

    public init(_ query: LogQuery, uid: UInt32 = getuid(), output: Output = .standard) throws {
        self.query = query
        self.output = output
        self.uid = uid
        prefixUnit = query.units.count != 1
        colour = output.usesColour && query.format != .json && query.format != .cat
        let own = try Journal(flags: .localOnly)
        guard own.hasFiles else { throw Self.unreadable(uid) }
        var handles = [own]
        if query.units.isEmpty, query.scope.isSystem {
            try own.addMatch("_SYSTEMD_SLICE=\(UnitSpec.slice)")
        } else if query.units.isEmpty {
            try own.addMatch("_SYSTEMD_USER_SLICE=\(UnitSpec.slice)")
            try own.addMatch("_UID=\(uid)")
        } else {
            let about = try Journal(flags: .localOnly)
            for (index, unit) in query.units.enumerated() {
                if index > 0 {
                    try own.addDisjunction()
                    try about.addDisjunction()
                }
                if query.scope.isSystem {
                    try Self.addSystemMatches(unit: unit, own: own, about: about)
                } else {
                    try Self.addMatches(unit: unit, uid: uid, own: own, about: about)
                }
            }
            handles.append(about)
        }
        if let maxPriority = query.maxPriority {
            for handle in handles {
                try handle.addConjunction()
                for level in 0...maxPriority { try handle.addMatch("PRIORITY=\(level)") }
            }
        }
        entries = JournalMerge(handles)
    }

    /// The last `lines` lines of some units.
    public convenience init(units: [String], lines: Int?, scope: ManagerScope = .user, output: Output = .standard) throws {
        var query = LogQuery()
        query.units = units
        query.lines = lines
        query.scope = scope
        try self.init(query, output: output)
    }

    static func unreadable(_ uid: UInt32) -> UnitifyError {
        UnitifyError.failed("cannot read any journal files as uid \(uid): \(unreadableWhyAndFix(uid))")
    }

    /// Why a user's own lines are out of reach and the ways out. With volatile storage journald
    /// writes every user's lines into the one system journal, which only root and the journal
    /// groups read; persistent storage gives each user (uid >= 1000) a file of their own.
    static func unreadableWhyAndFix(_ uid: UInt32) -> String {
        let user = Caller.current.user
        let group = "add \(user) to the systemd-journal group ('usermod -aG systemd-journal \(user)', then log in again)"
        if JournalFiles.storage == .volatile {
            return "journald keeps job output in the volatile system journal (Storage=volatile), which only root and the systemd-journal group read: set Storage=persistent in /etc/systemd/journald.conf (then \(user) gets a journal file of their own), or \(group), or run the job with --log-file"
        }
        return "they are readable only by root and the systemd-journal group here: \(group), or run the job with --log-file"
    }

    /// Said when nothing matched although some journal files are closed to this uid and none of
    /// its own is open to it: its jobs' lines may be in those files, and an empty answer would
    /// pass for "the job printed nothing". A readable `user-UID.journal` is where journald puts a
    /// user's lines on persistent storage, so with one of those an empty answer is a true one;
    /// not with volatile storage, where new lines go to the system journal whatever old files exist.
    static func linesOutOfReach(uid: UInt32) -> UnitifyError? {
        guard uid == getuid() else { return nil }
        let access = JournalFiles.scan(uid: uid)
        let volatile = JournalFiles.storage == .volatile
        guard let first = access.unreadable.first, !access.ownReadable || volatile else { return nil }
        if volatile { return UnitifyError.failed("no lines to show: \(unreadableWhyAndFix(uid))") }
        let count = access.unreadable.count
        let files = count == 1 ? "1 journal file here is" : "\(count) journal files here are"
        return UnitifyError.failed("no lines to show, but \(files) not readable by uid \(uid) (\(first)\(count > 1 ? ", ..." : "")), and your jobs' lines may be there: \(unreadableWhyAndFix(uid))")
    }

    /// The matches of `journalctl --user-unit` (systemd's `add_matches_for_user_unit_full`) and
    /// one more, split over two handles: `own` gets the groups that match the unit's own lines,
    /// nearly every entry; `about` the groups that match the few entries others write about it.
    /// sd-journal evaluates every OR-ed group at every step, so on one handle the rare groups
    /// would cost as much as the common ones (a third more instructions for a long log).
    static func addMatches(unit: String, uid: UInt32, own: Journal, about: Journal) throws(SystemdError) {
        // The unit's own output.
        try own.addMatch("_SYSTEMD_USER_UNIT=\(unit)")
        try own.addMatch("_UID=\(uid)")
        // Beyond journalctl: output whose unit journald could not tell (see SyslogIdentifier=).
        try own.addDisjunction()
        try own.addMatch("SYSLOG_IDENTIFIER=\(UnitName.shortName(unit))")
        try own.addMatch("_UID=\(uid)")
        // The manager's messages about the unit.
        try about.addMatch("USER_UNIT=\(unit)")
        try about.addMatch("_UID=\(uid)")
        // Messages from system services about it (coredumps), which run as root.
        try about.addDisjunction()
        try about.addMatch("OBJECT_SYSTEMD_USER_UNIT=\(unit)")
        try about.addMatch("_UID=\(uid)")
        if uid != 0 { try about.addMatch("_UID=0") }
        try about.addDisjunction()
        try about.addMatch("COREDUMP_USER_UNIT=\(unit)")
        try about.addMatch("_UID=\(uid)")
        if uid != 0 { try about.addMatch("_UID=0") }
    }

    /// `journalctl -u`'s matches for a system unit (`add_matches_for_unit_full`), and the same
    /// SYSLOG_IDENTIFIER group as for a user unit.
    static func addSystemMatches(unit: String, own: Journal, about: Journal) throws(SystemdError) {
        try own.addMatch("_SYSTEMD_UNIT=\(unit)")
        try own.addDisjunction()
        try own.addMatch("SYSLOG_IDENTIFIER=\(UnitName.shortName(unit))")
        try own.addMatch("_UID=0")
        // PID 1's messages about the unit.
        try about.addMatch("UNIT=\(unit)")
        try about.addMatch("_PID=1")
        try about.addDisjunction()
        try about.addMatch("OBJECT_SYSTEMD_UNIT=\(unit)")
        try about.addMatch("_UID=0")
        try about.addDisjunction()
        try about.addMatch("COREDUMP_UNIT=\(unit)")
        try about.addMatch("_UID=0")
    }

    // MARK: Reading

    /// Prints the last `query.lines` matching entries (all when nil); returns how many.
    @discardableResult
    public func printTail() throws -> Int {
        var printed = 0
        if try positionBeforeFirstEntry() {
            while try entries.next() {
                if let until = query.until, entries.currentTime > until { break }
                guard try matchesFilters() else { continue }
                try printEntry()
                printed += 1
            }
        }
        output.flush()
        if query.format != .json { reportDroppedLines() }
        if printed == 0, let unreadable = Self.linesOutOfReach(uid: uid) { throw unreadable }
        return printed
    }

    /// Places the read position so that the next `next()` lands on the first entry to print.
    /// Returns false when nothing is to be printed.
    func positionBeforeFirstEntry() throws -> Bool {
        guard let lines = query.lines else {
            if let since = query.since { try entries.seek(realtimeMicroseconds: since) } else { try entries.seekHead() }
            return true
        }
        guard lines > 0 else { return false }
        if let until = query.until { try entries.seek(realtimeMicroseconds: until + 1) } else { try entries.seekTail() }
        // Walk back over matching entries; the cursor of the earliest one is where to start.
        var found = 0
        var start: String?
        while found < lines, try entries.previous() {
            let time = entries.currentTime
            if let since = query.since, time < since { break }
            if let until = query.until, time > until { continue }
            guard try matchesFilters() else { continue }
            found += 1
            start = try journal.cursor()
        }
        guard let start else { return false }
        try entries.seek(cursor: start)
        return true
    }

    func matchesFilters() throws -> Bool {
        guard let grep = query.grep else { return true }
        guard let message = try journal.string("MESSAGE") else { return false }
        return message.contains(grep)
    }

    func runOfEntry() throws -> String? {
        try journal.string("_SYSTEMD_INVOCATION_ID") ?? (query.scope.isSystem ? journal.string("INVOCATION_ID") : journal.string("USER_INVOCATION_ID"))
    }

    /// Prints entries as they arrive until SIGINT or SIGTERM, which end the process with status 0.
    /// Restarts of the unit are followed: the matches are by unit, not by process.
    public func follow() throws -> Never {
        let stop: @convention(c) (Int32) -> Void = { _ in
            Output.standard.flush()
            _exit(0)
        }
        listenForStop(stop)
        // Nothing printed: start at the end, wherever the search for a first entry stopped.
        if lastTime == nil {
            try entries.seekTail()
            _ = try entries.previous()
        }
        // journald writes each entry to the file at once but tells readers (inotify) at most every
        // 250 ms (POST_CHANGE_TIMER_INTERVAL_USEC in journald-server.c). So while lines are coming,
        // look again every 5 ms rather than wait for that notice; after a quiet second, wait for it.
        // The first second counts as busy: a job that was just started is about to print.
        var lookAgainUntil = monotonicMicroseconds() + 1_000_000
        while true {
            output.flush()
            let soon = monotonicMicroseconds() < lookAgainUntil
            _ = try entries.wait(timeoutMicroseconds: soon ? Self.followPollMicroseconds : nil)
            var printed = false
            while try entries.next() {
                if try matchesFilters() {
                    try printEntry()
                    printed = true
                }
            }
            if printed { lookAgainUntil = monotonicMicroseconds() + 1_000_000 }
        }
    }

    /// How often `follow` looks for new entries while lines are coming (see there).
    static let followPollMicroseconds: UInt64 = 5_000

    /// A unit's runs in the journal, oldest first: each invocation ID with the time of its last
    /// entry. A run is the time after the previous run's last entry up to its own last entry:
    /// its output may reach the journal before the manager's "Starting" message, but is never
    /// written before the previous run's final "Stopped". (Output of a process that exited at once
    /// carries no ID at all, systemd #2913, so runs go by time, not by ID.)
    public static func runs(of unit: String, scope: ManagerScope = .user, uid: UInt32 = getuid()) throws -> [(id: String, end: UInt64)] {
        let output = try Journal(flags: .localOnly), manager = try Journal(flags: .localOnly)
        if scope.isSystem {
            try output.addMatch("_SYSTEMD_UNIT=\(unit)")
            try manager.addMatch("UNIT=\(unit)")
            try manager.addMatch("_PID=1")
        } else {
            try output.addMatch("_SYSTEMD_USER_UNIT=\(unit)")
            try output.addMatch("_UID=\(uid)")
            try manager.addMatch("USER_UNIT=\(unit)")
            try manager.addMatch("_UID=\(uid)")
        }
        let entries = JournalMerge([output, manager])
        try entries.seekHead()
        var runs: [(id: String, end: UInt64)] = []
        while try entries.next() {
            let journal = entries.current
            guard let run = try journal.string("_SYSTEMD_INVOCATION_ID")
                ?? (scope.isSystem ? journal.string("INVOCATION_ID") : journal.string("USER_INVOCATION_ID")) else { continue }
            // When the manager logged it, not when journald got to it: journald reads its
            // sockets in its own order, so a native message can land after later stream output.
            let time = try journal.string("_SOURCE_REALTIME_TIMESTAMP").flatMap { UInt64($0) } ?? entries.currentTime
            if let index = runs.lastIndex(where: { $0.id == run }) {
                runs[index].end = time
            } else {
                runs.append((run, time))
            }
        }
        return runs
    }

    // MARK: Printing

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

    // MARK: Loss

    /// journald's rate limit is per system unit, so all of a user's units share the budget of
    /// user@UID.service; when it drops lines it logs "Suppressed N messages from ...". Say so once
    /// for the time range shown, so a gap is never silent.
    func reportDroppedLines() {
        // A system unit has a rate-limit budget of its own, and its notices name it; not counted here.
        guard !query.scope.isSystem else { return }
        guard let first = firstTime, let last = lastTime, let dropped = try? droppedLines(from: first, to: last), dropped > 0 else { return }
        printError(
            "unitify: journald dropped \(dropped) lines of your units in this range under its rate limit (shared by all of uid \(uid)'s units): run the job with --log-file, or raise RateLimitBurst= in journald.conf")
    }

    /// The notices in the range, and the first one after it: journald counts a window's drops only
    /// when the source next logs after the window (30 s by default), which may be much later.
    func droppedLines(from start: UInt64, to end: UInt64) throws -> Int {
        let notices = try Journal(flags: .localOnly)
        try notices.addMatch("MESSAGE_ID=a596d6fe7bfa4994828e72309e95d61e")  // SD_MESSAGE_JOURNAL_DROPPED
        try notices.addMatch("OBJECT_SYSTEMD_UNIT=user@\(uid).service")
        try notices.seek(realtimeMicroseconds: start)
        var total = 0
        while try notices.next() {
            total += Int(try notices.string("N_DROPPED") ?? "") ?? 0
            if try notices.realtimeMicroseconds() > end { break }
        }
        return total
    }
}

/// The journal files of this machine (`/run/log/journal/MACHINE` and `/var/log/journal/MACHINE`,
/// as `SD_JOURNAL_LOCAL_ONLY` opens them) as one uid can read them.
enum JournalFiles {
    static var storage: JournalStorage { JournalFacts.storage }

    struct Access {
        /// Files, or whole directories, this uid cannot read.
        var unreadable: [String] = []
        /// Whether one of the uid's own files (`user-UID.journal`, archived `user-UID@….journal`) is readable.
        var ownReadable = false
    }

    static func scan(uid: UInt32) -> Access {
        var result = Access()
        let machine = machineID()
        for root in ["/run/log/journal", "/var/log/journal"] {
            for name in directoryEntries(root) where machine == nil || name == machine {
                let directory = root + "/" + name
                guard fileType(directory) == S_IFDIR else { continue }
                guard Glibc.access(directory, R_OK | X_OK) == 0 else {
                    result.unreadable.append(directory)
                    continue
                }
                for file in directoryEntries(directory) where file.hasSuffix(".journal") || file.hasSuffix(".journal~") {
                    let path = directory + "/" + file
                    if Glibc.access(path, R_OK) != 0 {
                        result.unreadable.append(path)
                    } else if file.hasPrefix("user-\(uid).journal") || file.hasPrefix("user-\(uid)@") {
                        result.ownReadable = true
                    }
                }
            }
        }
        return result
    }

    static func machineID() -> String? {
        guard let file = fopen("/etc/machine-id", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 64)
        guard fgets(&line, Int32(line.count), file) != nil else { return nil }
        let id = String(decoding: line.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return id.count == 32 ? id : nil
    }

    /// The type of what `path` names, following links as sd-journal does.
    static func fileType(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }
}

/// Installs `handler` for SIGINT and SIGTERM and makes sure neither is blocked: a process started
/// from a thread that blocks them (as test runners do) would otherwise never hear them.
func listenForStop(_ handler: @convention(c) (Int32) -> Void) {
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    sigprocmask(SIG_UNBLOCK, &set, nil)
}
