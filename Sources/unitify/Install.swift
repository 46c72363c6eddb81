import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Make a running job persistent: a unit file, enabled, that survives logout and reboot.",
        discussion: """
            The job's command, environment, directory, restart policy, limits, outputs and timer \
            are read from the running unit and written to ~/.config/systemd/user; the transient \
            unit is then replaced by the persistent one (the downtime is reported).
            """
    )

    @Argument(help: "The job, with or without .service.", completion: .custom(JobNameCompletion.candidates))
    var name: String

    @OptionGroup var persistence: PersistenceOptions

    @OptionGroup var lingering: LingerOptions

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        let unit = try UnitName.normalize(name)
        let template = try persistence.templateText()
        let hosts = try remote.remoteHosts()
        if !hosts.isEmpty {
            try HostOptions.refuseSystem(scope.system)
            let linger = lingering.linger
            return try HostOptions.act(on: hosts) { reached, report in
                _ = try reached.jobs.storage.unitFiles()
                try HostOptions.ensureLinger(linger, on: reached, for: unit, quiet: false, into: &report)
                try Self.install(unit, template: template, jobs: reached.jobs, place: HostOptions.words([reached.host]) + " ",
                                 say: { report.lines.append($0) }, note: { report.notes.append($0) })
            }
        }
        let jobs = try Jobs.connect(scope.scope)
        _ = try jobs.storage.unitFiles()  // no place for unit files: said before linger is changed
        lingering.ensure(for: unit, scope: scope.scope)
        try Self.install(unit, template: template, jobs: jobs, place: scope.system ? "--system " : "",
                         say: { Output.standard.line($0) }, note: { printError("unitify: \($0)") })
    }

    /// `place`: the words that name the manager again in the hint (`--system `, `--host H `).
    static func install(_ unit: String, template: String?, jobs: Jobs, place: String, say: (String) -> Void, note: (String) -> Void) throws {
        let report = try jobs.install(unit, template: template)
        if jobs.forgetTransientRecord(unit) {
            note("note: the unit file does not carry the job's --on-exit/--on-failure commands: they no longer run")
        }
        say("installed \(unit): \(report.files.joined(separator: ", "))")
        say("  enabled, \(report.status.state)\(report.status.mainPID == 0 ? "" : " (pid \(report.status.mainPID))"); down for \(report.downtime.short) during the switch")
        say("  remove it with: unitify uninstall \(place)\(ShellWords.quote(UnitName.shortName(unit)))")
    }
}
