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
        _ = try TimeSpan(parsing: check)
        var request = JobRequest()
        settings.fill(&request)
        let units = try JobStorage.local(scope.scope).units(naming: names)
        let hosts = try remote.remoteHosts()
        if !hosts.isEmpty { return try restartOn(hosts, units, request) }
        let jobs = try Jobs.connect(scope.scope)
        let host = LiveHost()
        let change: ((UnitSpec) throws -> UnitSpec)? = JobChange.isEmpty(request) ? nil : { spec in
            try JobChange.apply(request, to: spec, host: host)
        }
        let reporting = StartReport(check: check, json: json, quiet: quiet, scope: scope.scope)
        try jobs.requireJobs(units)
        for unit in units {
            let (spec, status) = try jobs.restartJob(unit, change: change)
            let started = StartReport.Started(spec)
            let settled = try reporting.settle(started, status, jobs: jobs)
            reporting.report(started, settled, verb: "restarted")
        }
    }

    /// `--host`: the jobs restarted on every host at once; changed options are read as run
    /// reads them there (`RemoteJobHost`).
    func restartOn(_ hosts: [RemoteHost], _ units: [String], _ request: JobRequest) throws {
        try HostOptions.refuseSystem(scope.system)
        let reporting = StartReport(check: check, json: json, quiet: quiet, scope: scope.scope, hosts: hosts)
        try HostOptions.act(on: hosts, labelled: !json) { reached, report in
            let jobs = reached.jobs
            // The host as run sees it, read once for all the jobs, and only when options change.
            var host: RemoteJobHost?
            let change: ((UnitSpec) throws -> UnitSpec)? = JobChange.isEmpty(request) ? nil : { spec in
                let known = try host ?? RemoteJobHost(reached.connection)
                host = known
                return try JobChange.apply(request, to: spec, host: known)
            }
            try jobs.requireJobs(units)
            for unit in units {
                let (spec, status) = try jobs.restartJob(unit, change: change)
                let started = StartReport.Started(spec)
                let settled = try reporting.settle(started, status, on: reached, into: &report)
                report.lines += reporting.summary(started, settled, verb: "restarted", host: reached.host)
            }
        }
    }
}
