import UnitifyCore

extension ReachedHost {
    /// The last `lines` lines of a job there, for a crash report or a status: its log file's
    /// (`tail` there), else its journal's, in the short format `journal` prints one job's lines in.
    public func lastLines(of status: UnitStatus, _ lines: Int) throws(UnitifyError) -> [String] {
        if let file = status.logFile {
            let shell = RemoteShell(connection: connection)
            let outcome = try shell.check("read \(file)", #"exec tail -n "$1" -- "$2""#, ["\(lines)", file])
            return outcome.text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        }
        var text: [String] = []
        try RemoteJournal(connection: connection, uid: answer.uid, units: [status.unit]).stream(lines: lines, follow: false) { entry in
            let identifier = entry.string("SYSLOG_IDENTIFIER") ?? entry.string("_COMM") ?? "?"
            let pid = entry.string("_PID").map { "[\($0)]" } ?? ""
            text.append(UnitLog.timestamp(entry.realtime ?? 0, .short) + " \(identifier)\(pid): " + (entry.string("MESSAGE") ?? ""))
            return true
        }
        return text
    }
}
