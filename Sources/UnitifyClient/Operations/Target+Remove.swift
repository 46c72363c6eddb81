import UnitifyCore

extension Target {
    /// `remove`: forgets `units`, or with nil every ended job.
    public func remove(_ units: [String]?, force: Bool, into report: inout TargetReport) throws {
        let jobs = try self.jobs
        let removing = try units ?? jobs.endedJobs()
        if units != nil { try jobs.requireJobs(removing) }
        if units == nil && removing.isEmpty { report.notes.append("no ended jobs to remove") }
        for unit in removing {
            _ = try jobs.removeJob(unit, force: force)
            report.lines.append("removed \(UnitName.shortName(unit))")
        }
    }

    /// `uninstall`: a persistent job's files gone, and the record of the transient job it was.
    public func uninstall(_ unit: String, force: Bool, into report: inout TargetReport) throws {
        let jobs = try self.jobs
        let removed = try jobs.uninstall(unit, force: force)
        _ = jobs.forgetTransientRecord(unit)
        report.lines += removed.map { "removed \($0)" }
    }
}
