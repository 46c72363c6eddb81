import UnitifyCore

/// This machine's log sources: its journal through sd-journal, a job's log file on its disk.
extension ThisMachine {
    public func journal(_ query: LogQuery, hostWidth: Int, on output: Output) throws -> any JournalSource {
        var query = query
        query.scope = scope
        return try UnitLog(query, output: output, host: hostAddress?.description, hostWidth: hostWidth)
    }

    public func logFile(_ path: String, lines: Int?, follow: Bool, hostWidth: Int, on output: Output) -> any JournalSource {
        let host = hostAddress?.description
        return FileLog(path: path, output: output, lines: lines, follow: follow,
                       prefix: host.map { $0 + String(repeating: " ", count: max(0, hostWidth - $0.count)) + " " } ?? "")
    }

    public func runs(of unit: String) throws -> [(id: String, end: UInt64)] {
        try UnitLog.runs(of: unit, scope: scope)
    }
}
