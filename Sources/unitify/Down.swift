import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Down: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "down",
        abstract: "Stop and remove every job of an app: its units, unit files and boot links.",
        discussion: "Only the jobs marked as the app's (App= in their unit files) are touched; the Procfile itself need not be valid, or even exist."
    )

    @OptionGroup var appFile: AppFileOptions

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    func run() throws {
        let app = try appFile.appName()
        let removed = try Jobs.connect(.user).removeApp(app)
        guard !quiet else { return }
        Output.standard.line(removed.isEmpty
            ? "\(app): no jobs to remove"
            : "\(app): removed " + removed.map { App.job(of: $0, app: app) }.joined(separator: ", "))
    }
}
