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
        let hosts = try remote.remoteHosts()
        if !hosts.isEmpty {
            try HostOptions.refuseSystem(scope.system)
            return try HostOptions.act(on: hosts) { reached, report in
                try Self.stop(try reached.jobs.storage.units(naming: names), jobs: reached.jobs) { report.lines.append($0) }
            }
        }
        try Self.stop(try JobStorage.local(scope.scope).units(naming: names), jobs: try Jobs.connect(scope.scope)) { Output.standard.line($0) }
    }

    /// Stops every job of `units`, after checking that each is one; `say` hears a line per job.
    static func stop(_ units: [String], jobs: Jobs, say: (String) -> Void) throws {
        try jobs.requireJobs(units)
        for unit in units {
            // A stopped transient job the manager has forgotten: its record keeps it for 'start'.
            if jobs.storage.records.units().contains(unit), try jobs.status(of: unit).isNotFound {
                say("\(UnitName.shortName(unit)) is already stopped")
                continue
            }
            try jobs.stop(unit)
            try jobs.holdStopped(unit)
            say("stopped \(UnitName.shortName(unit))")
        }
    }
}
