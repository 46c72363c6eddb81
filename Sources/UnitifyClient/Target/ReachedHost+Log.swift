import UnitifyCore

/// Another host's log sources, read there over its ssh connection: its journal with its own
/// `journalctl -o export`, a job's log file with `tail`.
extension ReachedHost {
    public func journal(_ query: LogQuery, hostWidth: Int, on output: Output) throws -> any JournalSource {
        let journal = RemoteJournal(connection: connection, uid: answer.uid, units: query.units)
        return RemoteJournalSource(journal, query: query, hostWidth: hostWidth, output: output)
    }

    public func logFile(_ path: String, lines: Int?, follow: Bool, hostWidth: Int, on output: Output) -> any JournalSource {
        RemoteFileLog(connection: connection, path: path, lines: lines, follow: follow, hostWidth: hostWidth, output: output)
    }

    /// The runs are told apart by the manager's invocation IDs in its journal; not read over ssh yet.
    public func runs(of unit: String) throws -> [(id: String, end: UInt64)] {
        throw UnitifyError.usage("--run does not work with --host yet: use --since/--until, or run 'unitify journal --run' on that host")
    }
}
