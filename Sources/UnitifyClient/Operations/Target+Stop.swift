import UnitifyCore

extension Target {
    /// `stop`: every job of `units`, after checking that each is one; a line per job. A
    /// persistent job stays stopped across reboots (`holdStopped`).
    public func stop(_ units: [String], into report: inout TargetReport) throws {
        let jobs = try self.jobs
        var read = try jobs.requireJobs(units)
        for unit in units {
            // As read for the check, the first time a name comes: by a second, this stopped it.
            let known = read.removeValue(forKey: unit)
            // A stopped transient job the manager has forgotten: its record keeps it for 'start'.
            if try storage.records.units().contains(unit), try (known ?? jobs.status(of: unit)).isNotFound {
                report.lines.append("\(UnitName.shortName(unit)) is already stopped")
                continue
            }
            try jobs.stop(unit, known: known)
            try jobs.holdStopped(unit)
            report.lines.append("stopped \(UnitName.shortName(unit))")
        }
    }
}
