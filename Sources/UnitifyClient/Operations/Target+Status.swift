import UnitifyCore

extension Target {
    /// `status` without names, and each of `top`'s frames: every job, for one table (or JSON) of
    /// every target's (`tasks`: with their task counts, which the table does not show). Loaded units in the slice, persistent ones even when stopped (not loaded), and stopped
    /// transient ones the manager forgot but unitify keeps a record of.
    public func listJobs(tasks: Bool, into report: inout TargetReport) throws {
        report.statuses = try jobs.allJobStatuses(tasks: tasks)
    }

    /// `status NAME...`: each job in a block with its last `lines` lines (none with `blocks`
    /// false: JSON). The exit status: 3 when a job is not running, 4 when one does not exist.
    /// An app's name (`storage.units(naming:)`, from the target's own files) shows its jobs as a
    /// table, `width` wide, as plain `status` shows every job (its legend only here: on another
    /// host each line starts with the host).
    public func describe(_ names: [String], lines: Int, blocks: Bool, now: UInt64, width: Int? = nil, legend: Bool = false,
                         into report: inout TargetReport) throws {
        let jobs = try self.jobs
        let units = try names.map { name throws(UnitifyError) in try UnitName.normalize(name) }
        if blocks, case let expanded = try storage.units(naming: names), expanded != units {
            report.statuses = try jobs.jobStatuses(of: expanded)
            report.lines = StatusView.table(report.statuses, now: now, width: width, legend: legend && hostAddress == nil)
            if report.statuses.contains(where: { !$0.isRunning || $0.hasEnded }) { report.exitStatus = 3 }
            return
        }
        for (index, var status) in try jobs.jobStatuses(of: units).enumerated() {
            if status.health != nil { status.healthState = healthState(of: status.unit) }
            guard status.exists else {
                report.notes.append("no unit named \(UnitName.shortName(status.unit))\(there): '\(options.command("status"))' lists yours")
                report.exitStatus = 4
                continue
            }
            // A job whose process is gone is not running, even where systemd keeps the unit active.
            if (!status.isRunning || status.hasEnded) && report.exitStatus == 0 { report.exitStatus = 3 }
            report.statuses.append(status)
            guard blocks else { continue }
            if index > 0 { report.lines.append("") }
            report.lines += StatusView.block(status, now: now)
            guard lines > 0 else { continue }
            report.lines.append("")
            do {
                report.lines += try lastLines(of: status, lines)
            } catch {
                report.notes.append(error.message)
            }
        }
    }
}
