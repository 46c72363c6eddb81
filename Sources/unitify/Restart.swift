import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Restart: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restart",
        abstract: "Start a new process for a job, with changed options if given.",
        discussion: """
            With run's options, those options replace the job's own and the command stays: \
            'unitify restart web --restart always -e PORT=9090'. -e and --env-file add to the job's \
            environment. A persistent job gets its unit file rewritten. A stopped job is started.
            """
    )

    @Argument(help: "The jobs, with or without .service.", completion: .custom(JobNameCompletion.candidates))
    var names: [String]

    @OptionGroup var settings: JobSettings

    @Option(help: ArgumentHelp("Watch the job this long after it starts and report a crash (0 to skip).", valueName: "duration"))
    var check: String = "500ms"

    @Flag(help: "Print the result as JSON, one line per job.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    func run() throws {
        let check = try StartCheck(check, json: json, quiet: quiet)
        var change = JobRequest()
        settings.fill(&change)
        let (names, scope) = (names, scope.scope)
        try HostOptions.act(scope: scope, hosts: try remote.remoteHosts(system: self.scope.system), parallel: remote.parallel, labelled: !json,
                            records: names, delegating: true, finally: { StartReport.printHints($0, scope: scope, quiet: check.quiet || check.json) }) { [change] target, report in
            try target.restart(names, changing: change, check: check, into: &report)
        }
    }
}
