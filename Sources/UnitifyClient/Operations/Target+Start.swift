import UnitifyCore

extension Target {
    /// `start`: the jobs `names` name on the target (an app's, all of them), linger turned on
    /// first, each started with what it had and watched; one already running is said in a line.
    public func start(_ names: [String], linger: Bool, check: StartCheck, into report: inout TargetReport) throws {
        let units = try storage.units(naming: names)
        let jobs = try self.jobs
        let quiet = check.quiet || check.json
        try jobs.requireJobs(units)
        // Before the first start, once: the jobs outlive the caller's logout, as run's do.
        if let first = units.first { try ensureLinger(linger, for: first, quiet: quiet, into: &report) }
        for unit in units {
            try jobs.releaseHold(unit)
            guard let status = try jobs.startJob(unit) else {
                if !quiet { report.lines.append("\(UnitName.shortName(unit)) is already running") }
                continue
            }
            let timer = status.unit.hasSuffix(".timer") ? status.unit : nil
            let started = StartedJob(unit: unit, timer: timer, command: status.command, directory: status.workingDirectory)
            let settled = try settle(started, status, check: check, into: &report)
            report.lines += check.summary(started, settled, host: hostAddress)
            report.units.append(unit)
        }
    }
}
