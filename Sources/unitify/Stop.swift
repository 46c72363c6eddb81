import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop a job: its processes are terminated and it is unloaded.")

    @Argument(help: "The unit, with or without .service.", completion: .custom(JobNameCompletion.candidates))
    var names: [String]

    @OptionGroup var scope: ScopeOptions

    func run() throws {
        let jobs = try Jobs.connect(scope.scope)
        let units = try names.map { try UnitName.normalize($0) }
        try jobs.requireJobs(units)
        for unit in units {
            // A stopped transient job the manager has forgotten: its record keeps it for 'start'.
            if scope.scope.jobRecords.units().contains(unit), try jobs.status(of: unit).isNotFound {
                Output.standard.line("\(UnitName.shortName(unit)) is already stopped")
                continue
            }
            try jobs.stop(unit)
            Output.standard.line("stopped \(UnitName.shortName(unit))")
        }
    }
}
