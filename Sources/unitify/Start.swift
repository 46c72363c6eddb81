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
        _ = try TimeSpan(parsing: check)
        let units = try JobStorage.local(scope.scope).units(naming: names)
        let hosts = try remote.remoteHosts()
        if !hosts.isEmpty { return try startOn(hosts, units) }
        let jobs = try Jobs.connect(scope.scope)
        let reporting = StartReport(check: check, json: json, quiet: quiet, scope: scope.scope)
        try jobs.requireJobs(units)
        // Before the first start, once: the jobs outlive the caller's logout, as run's do.
        if let first = units.first { lingering.ensure(for: first, scope: scope.scope, quiet: quiet || json) }
        try Self.start(units, jobs: jobs, quiet: quiet || json, say: { Output.standard.line($0) }) { started, status in
            reporting.report(started, try reporting.settle(started, status, jobs: jobs))
        }
    }

    /// Starts each of `units` in turn: `started` watches and tells of one that started, `say`
    /// hears of one already running.
    static func start(_ units: [String], jobs: Jobs, quiet: Bool, say: (String) -> Void,
                      started: (StartReport.Started, UnitStatus) throws -> Void) throws {
        for unit in units {
            try jobs.releaseHold(unit)
            guard let status = try jobs.startJob(unit) else {
                if !quiet { say("\(UnitName.shortName(unit)) is already running") }
                continue
            }
            let timer = status.unit.hasSuffix(".timer") ? status.unit : nil
            try started(StartReport.Started(unit: unit, timer: timer, command: status.command, directory: status.workingDirectory), status)
        }
    }

    /// `--host`: the jobs started on every host at once, linger turned on there first.
    func startOn(_ hosts: [RemoteHost], _ units: [String]) throws {
        try HostOptions.refuseSystem(scope.system)
        let reporting = StartReport(check: check, json: json, quiet: quiet, scope: scope.scope, hosts: hosts)
        let (linger, quiet, json) = (lingering.linger, quiet, json)
        try HostOptions.act(on: hosts, labelled: !json) { reached, report in
            let jobs = reached.jobs
            try jobs.requireJobs(units)
            if let first = units.first { try reached.ensureLinger(linger, for: first, quiet: quiet || json, into: &report) }
            var lines: [String] = []
            defer { report.lines += lines }
            try Self.start(units, jobs: jobs, quiet: quiet || json, say: { lines.append($0) }) { started, status in
                let settled = try reporting.settle(started, status, on: reached, into: &report)
                lines += reporting.summary(started, settled, host: reached.host)
            }
        }
    }
}
