import Glibc
import Systemd
import UnitifyCore

/// The journal lines of unitify's units, matched as `journalctl --user-unit` matches them
/// (systemd's `add_matches_for_user_unit_full`), printed as journalctl prints them, with a
/// separator between two runs of a unit and a word about lines journald dropped.
public final class UnitLog {
    /// The entries to show. See `addMatches` for why they come from two handles.
    let entries: JournalMerge<Journal>
    /// The current entry's handle: where its fields are read.
    var journal: Journal { entries.current }
    let query: LogQuery
    let output: Output
    let uid: UInt32
    let printer: JournalPrinter
    /// The range of the lines printed, for the word about dropped lines.
    var firstTime: UInt64? { printer.firstTime }
    var lastTime: UInt64? { printer.lastTime }

    /// `host`: the label before each line, padded to `hostWidth` (a unitify serving a client's `--host`).
    public init(_ query: LogQuery, uid: UInt32 = getuid(), output: Output = .standard, host: String? = nil, hostWidth: Int = 0) throws {
        self.query = query
        self.output = output
        self.uid = uid
        printer = JournalPrinter(query, output: output, host: host, hostWidth: hostWidth)
        let own = try Journal(flags: .localOnly)
        guard own.hasFiles else { throw Self.unreadable(uid) }
        let handles = try Self.handles(own: own, JournalMatchTable.groups(units: query.units, uid: uid, system: query.scope.isSystem))
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

    // MARK: Reading

    /// Prints the last `query.lines` matching entries (all when nil); returns how many. A word
    /// about lines journald dropped goes to `note` (stderr unless told).
    @discardableResult
    public func printTail(note: (String) -> Void = { printError("unitify: " + $0) }) throws -> Int {
        var printed = 0
        if try positionBeforeFirstEntry() {
            while try entries.next() {
                if let until = query.until, entries.currentTime > until { break }
                guard try matchesFilters() else { continue }
                try printEntry()
                printed += 1
            }
        }
        return try endTail(printed, note: note)
    }

    /// `printTail`, telling `entryEnded` (see `JournalSource`) of each entry printed: a loop of
    /// its own, so that the usual one, on the benchmarks' hot path, does not ask for it each time.
    public func printTail(entryEnded: ((UInt64) -> Void)?, note: (String) -> Void) throws -> Int {
        guard let entryEnded else { return try printTail(note: note) }
        var printed = 0
        if try positionBeforeFirstEntry() {
            while try entries.next() {
                if let until = query.until, entries.currentTime > until { break }
                guard try matchesFilters() else { continue }
                try printEntry()
                printed += 1
                entryEnded(entries.currentTime)
            }
        }
        return try endTail(printed, note: note)
    }

    /// After the tail: the word about dropped lines, and why nothing was printed when the lines
    /// are out of reach.
    func endTail(_ printed: Int, note: (String) -> Void) throws -> Int {
        output.flush()
        if query.format != .json { reportDroppedLines(note) }
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
        if query.hidesManagerNoise, journal !== entries.handles[0], let message = try journal.string("MESSAGE"),
           ManagerNoise.isNoise(message) { return false }
        guard let grep = query.grep else { return true }
        guard let message = try journal.string("MESSAGE") else { return false }
        return message.contains(grep)
    }

    func printEntry() throws {
        try printer.print(journal, time: entries.currentTime, ownOutput: journal === entries.handles[0])
    }

    /// Prints entries as they arrive until SIGINT or SIGTERM, which end the process with status 0.
    /// Restarts of the unit are followed: the matches are by unit, not by process.
    public func follow(entryEnded: ((UInt64) -> Void)? = nil) throws -> Never {
        StopSignals.listen()
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
            _ = try StopSignals.whileIdle { try entries.wait(timeoutMicroseconds: soon ? Self.followPollMicroseconds : nil) }
            var printed = false
            while try entries.next() {
                StopSignals.honourRequest(output)
                if try matchesFilters() {
                    try printEntry()
                    printed = true
                    if let entryEnded { entryEnded(entries.currentTime) }
                }
            }
            if printed { lookAgainUntil = monotonicMicroseconds() + 1_000_000 }
        }
    }

    /// How often `follow` looks for new entries while lines are coming (see there).
    static let followPollMicroseconds: UInt64 = 5_000
}

extension UnitLog: JournalSource {
    public func follow(entryEnded: ((UInt64) -> Void)?, note: @escaping (String) -> Void) throws {
        try follow(entryEnded: entryEnded)
    }
}

extension UnitLog {
    /// A job's last lines from wherever they went: its log file or the journal, as they would be
    /// printed on `output` (in colour on a terminal).
    public static func lastLines(of status: UnitStatus, _ lines: Int, scope: ManagerScope = .user, like output: Output = .standard) throws(UnitifyError) -> [String] {
        let capture = Output.capturing(like: output)
        do {
            if let file = status.logFile {
                _ = try FileLog(path: file, output: capture, lines: lines).printTail(entryEnded: nil, note: { _ in })
            } else {
                var query = LogQuery()
                query.units = [status.unit]
                query.lines = lines
                query.scope = scope
                query.hidesManagerNoise = true
                try UnitLog(query, output: capture).printTail()
            }
        } catch let failure as UnitifyError {
            throw failure
        } catch {
            throw UnitifyError.failed("cannot show the last lines of \(UnitName.shortName(status.unit)): \(error)")
        }
        return capture.capturedLines
    }
}
