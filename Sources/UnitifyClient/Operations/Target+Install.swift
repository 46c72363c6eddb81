import UnitifyCore

extension Target {
    /// `install`: the running job made persistent, linger turned on first (`ensureLinger`).
    public func install(_ unit: String, template: String?, linger: Bool, into report: inout TargetReport) throws {
        let jobs = try self.jobs
        _ = try storage.unitFiles()  // no place for unit files: said before linger is changed
        try ensureLinger(linger, for: unit, quiet: false, into: &report)
        let installed = try jobs.install(unit, template: template)
        if jobs.forgetTransientRecord(unit) {
            report.notes.append("note: the unit file does not carry the job's --on-exit/--on-failure commands: they no longer run")
        }
        if let warning = installed.helper.flatMap(HeldTerminal.lastingWarning) { report.notes.append(warning) }
        report.lines.append("installed \(unit): \(installed.files.joined(separator: ", "))")
        report.lines.append("  enabled, \(installed.status.state)\(installed.status.mainPID == 0 ? "" : " (pid \(installed.status.mainPID))"); down for \(installed.downtime.short) during the switch")
        report.lines.append("  remove it with: " + options.command("uninstall", ShellWords.quote(UnitName.shortName(unit))))
    }
}
