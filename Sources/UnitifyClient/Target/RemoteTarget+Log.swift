import UnitifyCore

/// Another host's log sources, read there over its ssh connection: its journal with its own
/// `journalctl -o export`, a job's log file with `tail`, a job's runs from its journal.
extension RemoteTarget {
    public func journal(_ query: LogQuery, hostWidth: Int, on output: Output) throws -> any JournalSource {
        var journal = RemoteJournal(connection: connection, uid: answer.uid, units: query.units)
        journal.prefetched = prefetched
        return RemoteJournalSource(journal, query: query, hostWidth: hostWidth, output: output)
    }

    public func logFile(_ path: String, lines: Int?, follow: Bool, hostWidth: Int, on output: Output) -> any JournalSource {
        RemoteFileLog(connection: connection, path: path, lines: lines, follow: follow, hostWidth: hostWidth, output: output)
    }

    /// As `UnitLog.runs` reads them here, from the job's entries in that host's journal: its
    /// own lines carry their run's invocation ID, the manager's lines about it the user's.
    public func runs(of unit: String) throws -> [(id: String, end: UInt64)] {
        let own = JournalMatchTable.groups(units: [unit], uid: answer.uid, system: false).filter { $0.kind == .own }
        var runs: [(id: String, end: UInt64)] = []
        try RemoteJournal(connection: connection, uid: answer.uid, units: [unit]).stream(lines: nil, follow: false) { entry in
            let ownOutput = own.contains { $0.matches(entry) }
            guard let run = (try? JournalRun.of(entry, ownOutput: ownOutput, system: false)) ?? nil else { return true }
            // When the manager logged it, not when journald got to it (see `UnitLog.runs`).
            let time = entry.string("_SOURCE_REALTIME_TIMESTAMP").flatMap { UInt64($0) } ?? entry.realtime ?? 0
            if let index = runs.lastIndex(where: { $0.id == run }) {
                runs[index].end = time
            } else {
                runs.append((run, time))
            }
            return true
        }
        return runs
    }
}
