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
        let hosts = try remote.remoteHosts()
        if !hosts.isEmpty {
            try HostOptions.refuseSystem(scope.system)
            return try HostOptions.act(on: hosts) { reached, report in
                report.lines = try Self.uninstall(unit, force: force, jobs: reached.jobs)
            }
        }
        for line in try Self.uninstall(unit, force: force, jobs: try Jobs.connect(scope.scope)) { Output.standard.line(line) }
    }

    static func uninstall(_ unit: String, force: Bool, jobs: Jobs) throws -> [String] {
        let removed = try jobs.uninstall(unit, force: force)
        _ = jobs.forgetTransientRecord(unit)
        return removed.map { "removed \($0)" }
    }
}
