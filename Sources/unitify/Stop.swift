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
        for name in names {
            let unit = try UnitName.normalize(name)
            try jobs.stop(unit)
            Output.standard.line("stopped \(UnitName.shortName(unit))")
        }
    }
}
