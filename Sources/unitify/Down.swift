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

    @OptionGroup var remote: HostOptions

    func run() throws {
        let app = try appFile.appName()
        let quiet = quiet
        let hosts = try remote.remoteHosts()
        if !hosts.isEmpty {
            return try HostOptions.act(on: hosts) { reached, report in
                let removed = try reached.jobs.removeApp(app)
                if !quiet { report.lines.append(Self.summary(app, removed)) }
            }
        }
        let removed = try Jobs.connect(.user).removeApp(app)
        if !quiet { Output.standard.line(Self.summary(app, removed)) }
    }

    static func summary(_ app: String, _ removed: [String]) -> String {
        removed.isEmpty ? "\(app): no jobs to remove" : "\(app): removed " + removed.map { App.job(of: $0, app: app) }.joined(separator: ", ")
    }
}
