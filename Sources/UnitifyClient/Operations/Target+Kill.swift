import UnitifyCore

extension Target {
    /// `kill`: `signal` to every job of `units` (its main process only, with `mainOnly`).
    public func kill(_ units: [String], signal: SignalName, mainOnly: Bool, into report: inout TargetReport) throws {
        let jobs = try self.jobs
        try jobs.requireJobs(units)
        for unit in units {
            try jobs.killJob(unit, signal: signal, mainOnly: mainOnly)
            report.lines.append("sent \(signal) to \(mainOnly ? "the main process of " : "")\(UnitName.shortName(unit))")
        }
    }
}
