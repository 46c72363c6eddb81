import UnitifyCore

extension RemoteTarget {
    /// The command `lastLines(of:_:)` runs for a job's journal there, for `PrefetchedCommands`.
    public static func lastLinesArguments(of unit: String, _ lines: Int, uid: UInt32) -> [String] {
        RemoteJournalCommand.arguments(units: [unit], uid: uid, start: .lastLines(lines * 2), follow: false)
    }

    /// The last `lines` lines of a job there, for a crash report or a status: its log file's
    /// (`tail` there), else its journal's, in the short format `journal` prints one job's lines in.
    public func lastLines(of status: UnitStatus, _ lines: Int) throws(UnitifyError) -> [String] {
        if let file = status.logFile {
            let shell = RemoteShell(connection: connection)
            let outcome = try shell.check("read \(file)", #"exec tail -n "$1" -- "$2""#, ["\(lines)", file])
            return outcome.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
        var text: [String] = []
        // Twice as many asked, so that `lines` are left once the manager's noise is left out
        // (`ManagerNoise`), as a local tail leaves it out.
        let own = JournalMatchTable.groups(units: [status.unit], uid: answer.uid, system: false).filter { $0.kind == .own }
        var journal = RemoteJournal(connection: connection, uid: answer.uid, units: [status.unit])
        journal.prefetched = prefetched
        try journal.stream(lines: lines * 2, follow: false) { entry in
            if !own.contains(where: { $0.matches(entry) }), ManagerNoise.isNoise(entry.string("MESSAGE") ?? "") { return true }
            let identifier = entry.string("SYSLOG_IDENTIFIER") ?? entry.string("_COMM") ?? "?"
            let pid = entry.string("_PID").map { "[\($0)]" } ?? ""
            text.append(UnitLog.timestamp(entry.realtime ?? 0, .short) + " \(identifier)\(pid): " + TerminalLog.shown(entry.string("MESSAGE") ?? ""))
            return true
        }
        return Array(text.suffix(lines))
    }
}
