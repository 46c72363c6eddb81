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

    func run() throws {
        let unit = try UnitName.normalize(name)
        let jobs = try Jobs.connect(scope.scope)
        let removed = try jobs.uninstall(unit, files: try scope.scope.unitFiles(), force: force)
        _ = jobs.forgetTransientRecord(unit)
        for path in removed { Output.standard.line("removed \(path)") }
    }
}
