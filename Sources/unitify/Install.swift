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
        let template = try persistence.templateText()  // a file here: the host's unitify would look there
        let linger = lingering.linger
        try HostOptions.act(scope: scope.scope, hosts: try remote.remoteHosts(system: scope.system), parallel: remote.parallel,
                            delegating: persistence.template == nil) { target, report in
            try target.install(unit, template: template, linger: linger, into: &report)
        }
    }
}
