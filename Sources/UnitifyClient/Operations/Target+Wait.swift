import UnitifyCore

extension Target {
    /// `wait` (and `run --wait`): until `units` end, or `limit` passes (`timeout`: the limit as
    /// the user wrote it); how each ended in the notes (none when `quiet`), the exit status
    /// `WaitOutcome` gives in the report.
    public func wait(_ units: [String], limit: TimeSpan?, timeout: String, quiet: Bool, into report: inout TargetReport) throws {
        let jobs = try self.jobs
        try jobs.requireJobs(units)
        guard let endings = try jobs.waitForJobs(units, timeout: limit) else {
            if !quiet { report.notes.append("timed out after \(timeout): still running") }
            report.exitStatus = WaitOutcome.timedOut
            return
        }
        for ending in endings where !quiet {
            report.notes.append("\(UnitName.shortName(ending.unit)) \(ending.words)")
        }
        report.exitStatus = WaitOutcome.exitStatus(endings)
    }
}
