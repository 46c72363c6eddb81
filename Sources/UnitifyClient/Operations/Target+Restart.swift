import UnitifyCore

extension Target {
    /// `restart`: the jobs `names` name on the target, each with a new process and watched;
    /// `change`'s options replace theirs, read as run reads them there (`jobSite`, read once for
    /// all the jobs, and only when options change).
    public func restart(_ names: [String], changing change: JobRequest, check: StartCheck, into report: inout TargetReport) throws {
        let units = try storage.units(naming: names)
        let jobs = try self.jobs
        var host: (any WritableJobSite)?
        let changed: ((UnitSpec) throws -> UnitSpec)? = JobChange.isEmpty(change) ? nil : { spec in
            let known = try host ?? jobSite()
            host = known
            return try JobChange.apply(change, to: spec, host: known)
        }
        try jobs.requireJobs(units)
        for unit in units {
            let (spec, status) = try jobs.restartJob(unit, change: changed)
            if changed != nil, let note = try jobs.adapted(spec).note, !check.quiet { report.notes.append("note: \(note)") }
            let started = StartedJob(spec)
            let settled = try settle(started, status, check: check, into: &report)
            report.lines += check.summary(started, settled, verb: "restarted", host: hostAddress)
            report.units.append(unit)
        }
    }
}
