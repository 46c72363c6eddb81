import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop a job: its processes are terminated and it is unloaded.")

    @Argument(help: "The unit, with or without .service.", completion: .custom(JobNameCompletion.candidates))
    var names: [String]

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        let names = names
        try HostOptions.act(scope: scope.scope, hosts: try remote.remoteHosts(system: scope.system), parallel: remote.parallel, records: names, delegating: true) { target, report in
            try target.stop(try target.storage.units(naming: names), into: &report)
        }
    }
}
