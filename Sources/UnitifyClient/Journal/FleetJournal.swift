import Dispatch
import Glibc
import Synchronization
import UnitifyCore

/// `journal --host`: jobs' lines on other hosts, read with each host's own `journalctl -o export`
/// over ssh (`RemoteJournal`) and printed exactly as local lines are (`JournalPrinter`), each
/// line starting with its host. The last lines of every host come merged in time order; a follow
/// then goes on from the last entry each host printed, so nothing is lost or shown twice between
/// the two. A host that fails is said in one line and the others go on.
///
/// A class shared by the per-host threads: the printers and standard output are used under `lock`
/// only, one whole line at a time.
public final class FleetJournal: @unchecked Sendable {
    public let fleet: Fleet
    public let query: LogQuery
    public let follow: Bool
    /// Whether any host failed: the command then ends with status 1.
    public private(set) var failed = false

    /// One host that answered: its journal, its printer, and where its follow starts.
    struct Source {
        var journal: RemoteJournal
        var printer: JournalPrinter
        /// The units named that are no job there (nil: its manager could not say).
        var unknown: [String]?
        /// `JournalMatchTable`'s groups of the units there (they hold the remote uid).
        var groups: [JournalMatchGroup]
        var start = RemoteJournalCommand.Start.lastLines(nil)
    }

    var sources: [Source] = []
    let output: Output
    private let lock = Mutex<Void>(())

    public init(fleet: Fleet, query: LogQuery, follow: Bool, output: Output = .standard) {
        self.fleet = fleet
        self.query = query
        self.follow = follow
        self.output = output
    }

    var filters: RemoteJournalCommand.Filters {
        RemoteJournalCommand.Filters(since: query.since, until: query.until, maxPriority: query.maxPriority)
    }

    /// Prints the last `query.lines` lines of every host, merged in time order; returns how many,
    /// and the units named that are no job on any host that answered (none when no host could say).
    public func printTail() -> (printed: Int, unknownEverywhere: [String]) {
        let units = query.units
        let answers = fleet.each { _, jobs, answer in
            (uid: answer.uid, unknown: units.isEmpty ? [] : (try? jobs.jobStatuses(of: units))?.filter { !$0.exists }.map(\.unit))
        }
        let width = fleet.hosts.map(\.description.count).max() ?? 0
        for (host, result) in answers {
            switch result {
            case .success(let answer):
                let journal = RemoteJournal(connection: fleet.connection(to: host), uid: answer.uid, units: units)
                sources.append(Source(journal: journal, printer: JournalPrinter(query, output: output, host: host.description, hostWidth: width),
                                      unknown: answer.unknown, groups: JournalMatchTable.groups(units: units, uid: answer.uid, system: false)))
            case .failure(let error): fail(error)
            }
        }
        let tails = inParallel(sources.count) { index in
            Result { () throws(UnitifyError) in try self.tail(self.sources[index]) }
        }
        var lines: [(time: UInt64, source: Int, entry: JournalExportReader.Entry)] = []
        var answered: [Int] = []
        for (index, tail) in tails.enumerated() {
            switch tail {
            case .success(let (entries, start)):
                sources[index].start = start
                lines += entries.map { ($0.realtime ?? 0, index, $0) }
                answered.append(index)
            case .failure(let error): fail(error)
            }
        }
        sources = answered.map { sources[$0] }
        // Stable: entries of one time keep their host's order, and each host's own.
        let ordered = lines.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        let remap = Dictionary(uniqueKeysWithValues: answered.enumerated().map { ($1, $0) })
        for line in ordered {
            let source = sources[remap[line.source]!]
            do {
                try source.printer.print(line.entry, time: line.time, ownOutput: Self.isOwnOutput(line.entry, source.groups))
            } catch {
                fail(.remote(source.journal.connection.host, "cannot print an entry: \(error)"))
            }
        }
        output.flush()
        let knownSomewhere = sources.contains { $0.unknown == nil } || sources.isEmpty
        let unknown = knownSomewhere ? [] : units.filter { unit in sources.allSatisfy { $0.unknown?.contains(unit) == true } }
        return (ordered.count, unknown)
    }

    /// One host's last lines and where its follow is to start: after the last entry journalctl
    /// gave (whether `-g` kept it or not), else at the end of that host's journal as it was just
    /// before the tail was read.
    func tail(_ source: Source) throws(UnitifyError) -> ([JournalExportReader.Entry], RemoteJournalCommand.Start) {
        let journal = source.journal
        let origin = follow ? try journal.lastEntry() : nil
        var entries: [JournalExportReader.Entry] = []
        var lastCursor: String?
        if query.lines != 0 {
            // With -g the last N lines that match it, which journalctl cannot count for us; with
            // --since the last N after it, where journalctl's -n takes the first N.
            let countHere = query.grep != nil || query.since != nil
            try journal.stream(from: .lastLines(countHere ? nil : query.lines), follow: false, filters: filters) { entry in
                lastCursor = entry.cursor ?? lastCursor
                if matchesGrep(entry) { entries.append(entry) }
                return true
            }
            if let lines = query.lines, entries.count > lines { entries.removeFirst(entries.count - lines) }
        }
        if let lastCursor { return (entries, .after(cursor: lastCursor)) }
        guard let origin, let cursor = origin.cursor else { return (entries, .lastLines(nil)) }
        // --after-cursor only of an entry the query matches (see `RemoteJournalCommand.Start`).
        return (entries, matchesQuery(origin, source.groups) ? .after(cursor: cursor) : .at(cursor: cursor))
    }

    /// Prints every host's new lines as they arrive, until SIGINT or SIGTERM, which end the
    /// process (status 1 when a host failed). Returns when every host has failed.
    public func followAll() {
        // Every line is written out as it is printed, by the thread that printed it: nothing is
        // left unwritten, so the handler ends the process at once. The ssh processes would stay
        // until their next line.
        StopSignals.exitStatus.store(failed ? 1 : 0, ordering: .sequentiallyConsistent)
        StopSignals.idle.store(true, ordering: .sequentiallyConsistent)
        _ = SSHChildren.slots  // made now, not in the handler
        StopSignals.listen(beforeExit: { SSHChildren.terminateAll() })
        _ = inParallel(sources.count) { index in
            let source = self.sources[index]
            let host = source.journal.connection.host
            do throws(UnitifyError) {
                try source.journal.stream(from: source.start, follow: true, reconnected: { note in
                    self.locked { printError("unitify: \(host): \(note)") }
                }) { entry in
                    guard self.matchesGrep(entry) else { return true }
                    let own = Self.isOwnOutput(entry, source.groups)
                    self.locked {
                        do {
                            try source.printer.print(entry, time: entry.realtime ?? 0, ownOutput: own)
                        } catch {
                            printError("unitify: \(host): cannot print an entry: \(error)")
                        }
                        self.output.flush()
                    }
                    return true
                }
            } catch {
                self.locked { self.fail(error) }
            }
            return ()
        }
    }

    func fail(_ error: UnitifyError) {
        printError("unitify: \(error.message)")
        failed = true
        StopSignals.exitStatus.store(1, ordering: .sequentiallyConsistent)
    }

    func locked(_ body: () -> Void) {
        lock.withLock { _ in body() }
    }

    func matchesGrep(_ entry: JournalExportReader.Entry) -> Bool {
        guard let grep = query.grep else { return true }
        guard let message = entry.string("MESSAGE") else { return false }
        return message.contains(grep)
    }

    /// Whether the entry is one of a unit's own lines (its run then is its cgroup's invocation).
    static func isOwnOutput(_ entry: JournalExportReader.Entry, _ groups: [JournalMatchGroup]) -> Bool {
        groups.contains { $0.kind == .own && $0.matches(entry) }
    }

    /// Whether journalctl with the query's matches and priority would give this entry.
    func matchesQuery(_ entry: JournalExportReader.Entry, _ groups: [JournalMatchGroup]) -> Bool {
        if let maxPriority = query.maxPriority {
            guard let priority = entry.string("PRIORITY").flatMap({ Int($0) }), priority <= maxPriority else { return false }
        }
        return groups.contains { $0.matches(entry) }
    }
}
