import UnitifyCore

extension Target {
    /// `wait`: until `units` end, or `limit` passes; how each ended in the notes (none when
    /// `quiet`), the exit status `WaitOutcome` gives in the report.
    public func wait(_ units: [String], limit: TimeSpan?, timeout: String, quiet: Bool, into report: inout TargetReport) throws {
        let jobs = try self.jobs
        try jobs.requireJobs(units)
        guard let endings = try jobs.waitForJobs(units, timeout: limit) else {
            if !quiet { report.notes.append("timed out after \(timeout): still running") }
            report.exitStatus = WaitOutcome.timedOut
            return
        }
        for ending in endings where !quiet {
            let how = ending.exit?.words ?? (ending.failed ? "failed" : "had already ended")
            report.notes.append("\(UnitName.shortName(ending.unit)) \(how)")
        }
        report.exitStatus = WaitOutcome.exitStatus(endings)
    }
}
