import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Wait: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until jobs end, and exit with the status of the first that failed.",
        discussion: """
            The shell's 'wait %1' for jobs that are not its children. A job whose policy restarts \
            it has ended once systemd stops restarting it. Exit status: 0 when every job succeeded; \
            else the status of the first to fail (128+N for signal N, 1 when systemd failed it \
            without an exit code); 124 when --timeout passed first; 4 for an unknown job.
            """
    )

    @Argument(help: "The jobs, with or without .service.", completion: .custom(JobNameCompletion.candidates))
    var names: [String]

    @Option(help: ArgumentHelp("Give up after this long (e.g. 30s, 2h), with exit status 124.", valueName: "duration"))
    var timeout: String?

    @Flag(name: .shortAndLong, help: "Print nothing, only exit with the status.")
    var quiet = false

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        let limit = try timeout.map { try TimeSpan(parsing: $0) }
        let units = try names.map { try UnitName.normalize($0) }
        let (quiet, timeout) = (quiet, timeout ?? "")
        // Every host's jobs at once; the exit status is that of the hosts when they agree, else 1.
        try HostOptions.act(scope: scope.scope, hosts: try remote.remoteHosts(system: scope.system), parallel: remote.parallel, delegating: true) { target, report in
            try target.wait(units, limit: limit, timeout: timeout, quiet: quiet, into: &report)
        }
    }
}
