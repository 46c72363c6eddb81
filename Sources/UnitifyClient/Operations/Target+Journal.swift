import UnitifyCore

/// What one target's part of `journal` found: its source, to follow, and what its tail showed.
public struct JournalTail {
    public var source: any JournalSource
    /// The units read: the names, each app as its jobs on the target.
    public var units: [String]
    public var printed: Int
    /// Those of `units` that are no job on the target, asked only when it had no line of them
    /// (`unknownJobs`); nil when its manager cannot say.
    public var unknown: [String]?
}

extension Target {
    /// `journal` on this target: the names as units (an app as its jobs, from the target's own
    /// files), the one job's log file when it has one, else the target's journal, within the runs
    /// asked for; its last lines printed on `output` (`entryEnded`, `note`: see `JournalSource`).
    public func journalTail(names: [String], query: LogQuery, runs selection: RunSelection, hostWidth: Int, on output: Output,
                            entryEnded: ((UInt64) -> Void)?, note: (String) -> Void) throws -> JournalTail {
        var query = query
        query.units = try storage.units(naming: names)
        if selection != .all, query.units.count != 1 { throw UnitifyError.usage("--run \(selection.rawValue) needs exactly one NAME") }
        var file: String?
        if query.units.count == 1 {
            // What only the manager knows of the job; nothing when it cannot say.
            let jobs = try? self.jobs
            file = try? jobs?.logFile(of: query.units[0])
            if selection != .all {
                let unit = query.units[0]
                let current = try? jobs?.status(of: unit).invocationID
                guard let bounds = selection.bounds(in: try runs(of: unit), currentID: current ?? nil) else {
                    throw UnitifyError.failed("\(UnitName.shortName(unit)) has no \(selection.rawValue) run in the journal")
                }
                if let since = bounds.since { query.since = max(query.since ?? 0, since) }
                if let until = bounds.until { query.until = min(query.until ?? .max, until) }
            }
        }
        let source = try file.map { logFile($0, lines: query.lines, follow: query.follow, hostWidth: hostWidth, on: output) }
            ?? journal(query, hostWidth: hostWidth, on: output)
        let printed = try source.printTail(entryEnded: entryEnded, note: note)
        let unknown = printed == 0 && !query.units.isEmpty ? unknownJobs(query.units) : []
        return JournalTail(source: source, units: query.units, printed: printed, unknown: unknown)
    }

    /// Those of `units` that are no job at all on the target: no unit or unit file (the manager
    /// would load it), no record. Nil when the manager cannot say.
    public func unknownJobs(_ units: [String]) -> [String]? {
        guard let jobs = try? self.jobs, let statuses = try? jobs.jobStatuses(of: units) else { return nil }
        return statuses.filter { !$0.exists }.map(\.unit)
    }
}
