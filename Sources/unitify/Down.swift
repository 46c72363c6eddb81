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
        let (app, quiet) = (try appFile.appName(), quiet)
        try HostOptions.act(scope: .user, hosts: try remote.remoteHosts(), parallel: remote.parallel) { target, report in
            try target.down(app, quiet: quiet, into: &report)
        }
    }
}
