import ArgumentParser
import Systemd
import UnitifyClient
import UnitifyCore

struct Uninstall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uninstall",
        abstract: "Stop and disable a persistent job and delete its unit files.",
        aliases: ["remove"]
    )

    @Argument(help: "The job, with or without .service.", completion: .custom(JobNameCompletion.candidates))
    var name: String

    @Flag(help: "Remove a unit file that unitify did not write.")
    var force = false

    @Flag(help: "Use the system manager and /etc/systemd/system (root only).")
    var system = false

    func run() throws {
        let unit = try UnitName.normalize(name)
        let manager = system ? try Manager.system() : try Manager.user()
        let removed = try manager.uninstall(unit, files: system ? .system : try UnitFiles.user(), force: force)
        for path in removed { Output.standard.line("removed \(path)") }
    }
}
