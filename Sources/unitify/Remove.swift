import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Forget jobs: stop them, and delete their record, exit hooks and unit files.",
        discussion: """
            Any job, transient or persistent. --ended forgets every job that is stopped, exited or \
            failed at once, as 'systemctl reset-failed' and 'pm2 delete' do (persistent ones too: \
            their unit files are deleted).
            """,
        aliases: ["rm", "delete"]
    )

    @Argument(help: "The jobs, with or without .service.", completion: .custom(JobNameCompletion.candidates))
    var names: [String] = []

    @Flag(help: "Remove every job that is stopped, exited or failed.")
    var ended = false

    @Flag(help: "Remove a unit file that unitify did not write.")
    var force = false

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func validate() throws {
        guard ended != !names.isEmpty else {
            throw ValidationError(ended ? "--ended removes every ended job: give no names with it" : "name the jobs to remove, or give --ended")
        }
    }

    func run() throws {
        let named = try names.map { try UnitName.normalize($0) }
        let (ended, force) = (self.ended, self.force)
        try HostOptions.act(scope: scope.scope, hosts: try remote.remoteHosts(system: scope.system), parallel: remote.parallel, delegating: true) { target, report in
            try target.remove(ended ? nil : named, force: force, into: &report)
        }
    }
}
