import ArgumentParser
import UnitifyClient
import UnitifyCore

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Start a command as a supervised systemd user service.",
        discussion: """
            The job runs in the current directory with your PATH, logs to the journal, and is \
            watched for --check after it starts: a job that dies at once is reported, not hidden.

            Examples:
              unitify run -- ./server --port 8080
              unitify run --restart always -- python3 worker.py
              unitify run --line 'nohup python -u job.py > job.log 2>&1 &'
              unitify run --on-calendar daily -- ./backup.sh
            """
    )

    @OptionGroup var job: JobOptions

    @Flag(help: "Write a unit file to ~/.config/systemd/user, enable it and start it: the job also survives reboot.")
    var persistent = false

    @OptionGroup var persistence: PersistenceOptions

    @OptionGroup var lingering: LingerOptions

    @OptionGroup var scope: ScopeOptions

    @OptionGroup var remote: HostOptions

    @Flag(help: "Stop a running unit of the same name first, and start this one.")
    var replace = false

    @Option(help: ArgumentHelp("Watch the job this long after it starts and report a crash (0 to skip).", valueName: "duration"))
    var check: String = "500ms"

    @Flag(help: "Stay in the foreground until the job ends, and exit with its status.")
    var wait = false

    @Flag(name: .shortAndLong, help: "After starting, follow the job's output until Ctrl-C (the job keeps running).")
    var follow = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print nothing on success.")
    var quiet = false

    @Flag(name: .customLong("dry-run"), help: "Print the unit's properties and start nothing.")
    var dryRun = false

    func run() throws {
        _ = try TimeSpan(parsing: check)  // a bad --check is bad input before anything starts
        guard !(wait && follow) else { throw UnitifyError.usage("--wait and --follow exclude each other: pick one") }
        let hosts = try remote.remoteHosts()
        if !hosts.isEmpty { return try runOn(hosts) }
        let (spec, notes) = try job.request(for: Self.self).makeSpec(host: LiveHost())
        for note in notes where !quiet { printError("unitify: note: \(note)") }
        if dryRun {
            printDryRun(spec)
            return
        }
        try checkPersistence(hooks: !spec.hooks.isEmpty)
        let status = try startAndWatch(spec)
        report(spec, status)
        if follow {
            // The manager connection is closed by now: following needs only the journal.
            let log = try UnitLog(units: [spec.name], lines: 10, scope: scope.scope)
            try log.printTail()
            try log.follow()
        }
    }

    /// The options that go with --persistent only, and those it does not take yet.
    func checkPersistence(hooks: Bool) throws(UnitifyError) {
        guard persistent || persistence.template == nil else {
            throw UnitifyError.usage("--template goes with --persistent: a transient job has no unit file")
        }
        if persistent && hooks {
            throw UnitifyError.usage("--on-exit and --on-failure are for transient jobs for now: leave out --persistent, or add OnFailure= to the unit file yourself")
        }
    }

    var reporting: StartReport { StartReport(check: check, json: json, quiet: quiet, scope: scope.scope) }

    /// `--host`: the job on every host at once, each its own: the command, directory, PATH and
    /// paths are looked up there (`RemoteJobHost`), linger is turned on there, and each host
    /// reports in its own lines.
    func runOn(_ hosts: [RemoteHost]) throws {
        try HostOptions.refuseSystem(scope.system)
        guard !wait else {
            throw UnitifyError.usage("--wait works with jobs on this machine: after 'run --host', 'unitify wait --host HOST NAME' waits for them")
        }
        let request = try job.request(for: Self.self)
        if !dryRun { try checkPersistence(hooks: request.onExit != nil || request.onFailure != nil) }
        let template = persistent ? try persistence.templateText() : nil
        let commandLine = job.typedCommandLine
        let reporting = StartReport(check: check, json: json, quiet: quiet, scope: scope.scope, hosts: hosts)
        let (persistent, replace, linger, quiet, dryRun) = (persistent, replace, lingering.linger, quiet, dryRun)
        let hinted = !quiet && !json && !dryRun
        var started: [(host: RemoteHost, unit: String)] = []
        var failure: (any Error)?
        do {
            try HostOptions.act(on: hosts, labelled: !json, finally: { reports in
                started = reports.compactMap { host, report in report.unit.map { (host, $0) } }
                // The hints once, after every host's lines, for the hosts where it started.
                guard hinted, let unit = started.first?.unit else { return }
                var hinting = reporting
                hinting.hosts = started.map(\.host)
                for line in hinting.hints(unit) { Output.standard.line(line) }
            }) { reached, report in
                let (spec, notes) = try request.makeSpec(host: try RemoteJobHost(reached.connection))
                if !quiet { report.notes += notes.map { "note: \($0)" } }
                if dryRun {
                    report.lines = Self.dryRunLines(spec)
                    return
                }
                let texts = persistent ? try UnitFile.texts(spec, commandLine: commandLine, template: template) : []
                let jobs = reached.jobs
                try jobs.requireFeatures(for: spec)  // before linger is turned on
                try HostOptions.ensureLinger(linger, on: reached, for: spec.name, quiet: quiet, into: &report)
                let status = persistent ? try jobs.startPersistent(spec, texts: texts, replace: replace)
                    : try jobs.startTransient(spec, replace: replace)
                let started = StartReport.Started(spec)
                let settled = try reporting.settle(started, status, on: reached, into: &report)
                report.lines += reporting.summary(started, settled, host: reached.host)
                report.unit = spec.name
            }
        } catch {
            failure = error
        }
        if follow, let unit = started.first?.unit {
            // Where it started: the last lines of every host merged, then each followed.
            var query = LogQuery()
            query.units = [unit]
            query.lines = 10
            let journal = FleetJournal(fleet: Fleet(hosts: started.map(\.host)), query: query, follow: true)
            _ = journal.printTail()
            journal.followAll()
        }
        if let failure { throw failure }
    }

    /// Starts the job and watches it: until it ends with --wait, for the settle window otherwise.
    func startAndWatch(_ spec: UnitSpec) throws -> UnitStatus {
        // Through the broker, so that the job stays loaded until this ends (`AddRef`): how a job
        // that ends at once ended is then reported the same way whenever the manager lets go of it.
        let jobs = try Jobs.connect(scope.scope, throughBroker: true)
        if !scope.system { warnAboutIgnoredLimits(spec, jobs: jobs) }
        let texts = persistent ? try UnitFile.texts(spec, commandLine: job.typedCommandLine, template: try persistence.templateText()) : []
        try jobs.requireFeatures(for: spec, keepLoaded: !persistent)  // before linger is turned on
        lingering.ensure(for: spec.name, scope: scope.scope, quiet: quiet)
        let started: UnitStatus
        if persistent {
            started = try jobs.startPersistent(spec, texts: texts, replace: replace)
        } else {
            started = try jobs.startTransient(spec, replace: replace)
        }
        let short = UnitName.shortName(spec.name)

        if wait {
            report(spec, started)
            Output.standard.flush()  // the summary now, not when the job ends
            let ended = try jobs.waitUntilEnded(spec.name)
            let code = ended.lastExit?.shellStatus ?? (ended.activeState == .failed ? 1 : 0)
            if !quiet { printError("unitify: \(short) \(ended.lastExit?.words ?? "ended")") }
            throw UnitifyError.exit(code)
        }
        return try reporting.settle(StartReport.Started(spec), started, jobs: jobs)
    }

    /// The summary on stdout: what started, and how to see it again.
    func report(_ spec: UnitSpec, _ status: UnitStatus) {
        reporting.report(StartReport.Started(spec), status)
    }

    /// MemoryMax= and CPUQuota= do nothing without the controller delegated to the user manager
    /// (systemd #9641): say so rather than let systemd ignore them silently.
    func warnAboutIgnoredLimits(_ spec: UnitSpec, jobs: Jobs) {
        guard spec.memoryMax != nil || spec.cpuQuota != nil else { return }
        let controllers = jobs.delegatedControllers()
        if spec.memoryMax != nil, !controllers.contains("memory") {
            printError("unitify: warning: --memory-max will have no effect: the memory controller is not delegated to your user manager")
        }
        if spec.cpuQuota != nil, !controllers.contains("cpu") {
            printError("unitify: warning: --cpu-quota will have no effect: the cpu controller is not delegated to your user manager")
        }
    }

    func printDryRun(_ spec: UnitSpec) {
        for line in Self.dryRunLines(spec) { Output.standard.line(line) }
    }

    static func dryRunLines(_ spec: UnitSpec) -> [String] {
        var lines: [String] = []
        if let timer = spec.timerName, let properties = spec.timerProperties {
            lines.append("# \(timer)")
            for (name, value) in properties { lines.append("\(name)=\(value)") }
            lines.append("# \(spec.name)")
        }
        for (name, value) in spec.serviceProperties { lines.append("\(name)=\(value)") }
        return lines
    }
}
