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

    func run() throws {
        let unit = try UnitName.normalize(name)
        let files = try scope.scope.unitFiles()
        let template = try persistence.templateText()
        let jobs = try Jobs.connect(scope.scope)
        lingering.ensure(for: unit, scope: scope.scope)
        let report = try jobs.install(unit, files: files, template: template)
        if jobs.forgetTransientRecord(unit) {
            printError("unitify: note: the unit file does not carry the job's --on-exit/--on-failure commands: they no longer run")
        }
        let out = Output.standard
        out.line("installed \(unit): \(report.files.joined(separator: ", "))")
        out.line("  enabled, \(report.status.state)\(report.status.mainPID == 0 ? "" : " (pid \(report.status.mainPID))"); down for \(report.downtime.short) during the switch")
        out.line("  remove it with: unitify uninstall \(scope.system ? "--system " : "")\(ShellWords.quote(UnitName.shortName(unit)))")
    }
}
