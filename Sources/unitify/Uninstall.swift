import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Stop and disable a persistent job and delete its unit files (remove does this and more)."
    )

    @Argument(help: "The job, with or without .service.", completion: .custom(JobNameCompletion.candidates))
    var name: String

    @Flag(help: "Remove a unit file that unitify did not write.")
    var force = false

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        let unit = try UnitName.normalize(name)
        let force = self.force
        try HostOptions.act(scope: scope.scope, hosts: try remote.remoteHosts(system: scope.system), parallel: remote.parallel, delegating: true) { target, report in
            try target.uninstall(unit, force: force, into: &report)
        }
    }
}
