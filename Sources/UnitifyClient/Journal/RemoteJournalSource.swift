import UnitifyCore

/// A host's journal as `journal` reads it (`RemoteJournal`: its own `journalctl -o export` over
/// ssh), printed exactly as this machine's lines are (`JournalPrinter`), each line after the
/// host. The follow goes on after the last entry the tail read, so that nothing is lost or shown
/// twice between the two.
final class RemoteJournalSource: JournalSource {
    let journal: RemoteJournal
    let query: LogQuery
    let printer: JournalPrinter
    let output: Output
    let follows: Bool
    /// `JournalMatchTable`'s groups of the units there (they hold the remote uid).
    let groups: [JournalMatchGroup]
    /// Where the follow starts: after the tail.
    var start = RemoteJournalCommand.Start.lastLines(nil)

    init(_ journal: RemoteJournal, query: LogQuery, hostWidth: Int, output: Output) {
        self.journal = journal
        self.query = query
        self.output = output
        follows = query.follow
        printer = JournalPrinter(query, output: output, host: journal.connection.host.description, hostWidth: hostWidth)
        groups = JournalMatchTable.groups(units: query.units, uid: journal.uid, system: false)
    }

    var filters: RemoteJournalCommand.Filters { Self.filters(query) }

    static func filters(_ query: LogQuery) -> RemoteJournalCommand.Filters {
        RemoteJournalCommand.Filters(since: query.since, until: query.until, maxPriority: query.maxPriority)
    }

    /// With -g the last N lines that match it, which journalctl cannot count for us; with
    /// --since the last N after it, where journalctl's -n takes the first N.
    static func tailStart(_ query: LogQuery) -> RemoteJournalCommand.Start {
        .lastLines(query.grep != nil || query.since != nil ? nil : query.lines)
    }

    func printTail(entryEnded: ((UInt64) -> Void)?, note: (String) -> Void) throws -> Int {
        let entries = try tail()
        for entry in entries {
            let time = entry.realtime ?? 0
            try printer.print(entry, time: time, ownOutput: isOwnOutput(entry))
            entryEnded?(time)
        }
        output.flush()
        return entries.count
    }

    /// The host's last lines, and where its follow is to start: after the last entry journalctl
    /// gave (whether `-g` kept it or not), else at the end of the host's journal as it was just
    /// before the tail was read.
    func tail() throws(UnitifyError) -> [JournalExportReader.Entry] {
        let origin = follows ? try journal.lastEntry() : nil
        var entries: [JournalExportReader.Entry] = []
        var lastCursor: String?
        if query.lines != 0 {
            try journal.stream(from: Self.tailStart(query), follow: false, filters: filters) { entry in
                lastCursor = entry.cursor ?? lastCursor
                if matchesGrep(entry) { entries.append(entry) }
                return true
            }
            if let lines = query.lines, entries.count > lines { entries.removeFirst(entries.count - lines) }
        }
        if let lastCursor {
            start = .after(cursor: lastCursor)
        } else if let origin, let cursor = origin.cursor {
            // --after-cursor only of an entry the query matches (see `RemoteJournalCommand.Start`).
            start = matchesQuery(origin) ? .after(cursor: cursor) : .at(cursor: cursor)
        }
        return entries
    }

    /// Every line is written out as it is printed (by the merge, with `entryEnded`): nothing is
    /// left unwritten, so a stop ends the process at once.
    func follow(entryEnded: ((UInt64) -> Void)?, note: @escaping (String) -> Void) throws {
        StopSignals.idleFromNow()
        let host = journal.connection.host
        try journal.stream(from: start, follow: true, filters: filters, reconnected: { note("\(host): \($0)") }) { entry in
            guard matchesGrep(entry) else { return true }
            let time = entry.realtime ?? 0
            do {
                try printer.print(entry, time: time, ownOutput: isOwnOutput(entry))
            } catch {
                note("\(host): cannot print an entry: \(error)")
            }
            if let entryEnded { entryEnded(time) } else { output.flush() }
            return true
        }
    }

    func matchesGrep(_ entry: JournalExportReader.Entry) -> Bool {
        guard let grep = query.grep else { return true }
        guard let message = entry.string("MESSAGE") else { return false }
        return message.contains(grep)
    }

    /// Whether the entry is one of a unit's own lines (its run then is its cgroup's invocation).
    func isOwnOutput(_ entry: JournalExportReader.Entry) -> Bool {
        groups.contains { $0.kind == .own && $0.matches(entry) }
    }

    /// Whether journalctl with the query's matches and priority would give this entry.
    func matchesQuery(_ entry: JournalExportReader.Entry) -> Bool {
        if let maxPriority = query.maxPriority {
            guard let priority = entry.string("PRIORITY").flatMap({ Int($0) }), priority <= maxPriority else { return false }
        }
        return groups.contains { $0.matches(entry) }
    }
}
