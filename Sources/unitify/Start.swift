import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start",
        abstract: "Start a stopped job again, with the command, directory, environment and options it had.",
        discussion: """
            A persistent job is started from its unit file. A transient job is started from the \
            record unitify keeps of it until 'unitify remove' (in $XDG_RUNTIME_DIR/unitify/jobs, \
            gone after a reboot as the job is).
            """
    )

    @Argument(help: "The jobs, with or without .service.", completion: .custom(JobNameCompletion.candidates))
    var names: [String]

    @Option(help: ArgumentHelp("Watch the job this long after it starts and report a crash (0 to skip).", valueName: "duration"))
    var check: String = "500ms"

    @Flag(help: "Print the result as JSON, one line per job.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    @OptionGroup var lingering: LingerOptions

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        let check = try StartCheck(check, json: json, quiet: quiet)
        let (names, linger, scope) = (names, lingering.linger, scope.scope)
        try HostOptions.act(scope: scope, hosts: try remote.remoteHosts(system: self.scope.system), parallel: remote.parallel, labelled: !json,
                            records: names, delegating: true, finally: { StartReport.printHints($0, scope: scope, quiet: check.quiet || check.json) }) { target, report in
            try target.start(names, linger: linger, check: check, into: &report)
        }
    }
}
