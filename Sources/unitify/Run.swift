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
        let check = try StartCheck(check, json: json, quiet: quiet)  // a bad --check is bad input before anything starts
        guard !(wait && follow) else { throw UnitifyError.usage("--wait and --follow exclude each other: pick one") }
        let hosts = try remote.remoteHosts(system: scope.system)
        guard !wait || hosts.isEmpty else {
            throw UnitifyError.usage("--wait works with jobs on this machine: after 'run --host', 'unitify wait --host HOST NAME' waits for them")
        }
        let request = try job.request(for: Self.self)
        if !dryRun { try checkPersistence(hooks: request.onExit != nil || request.onFailure != nil) }
        var order = RunOrder(job: request, check: check)
        order.persistent = persistent
        order.template = persistent ? try persistence.templateText() : nil
        order.commandLine = persistent ? job.typedCommandLine : ""  // only a unit file has it: quoting every word costs start-up
        (order.replace, order.linger, order.dryRun, order.settles) = (replace, lingering.linger, dryRun, !wait)
        var started: StartReport.Started?
        do {
            try start(order, on: hosts) { started = $0 }
        } catch {
            // Followed where it started, even when it did not on every host.
            if follow, let started { try self.follow(started.unit, on: hosts.isEmpty ? [] : started.hosts) }
            throw error
        }
        // Where it started: the hosts named (none on a host serving a client's --host).
        if follow, let started { try self.follow(started.unit, on: hosts.isEmpty ? [] : started.hosts) }
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

    /// The job started on every target, each its own (`Target.run`), and what each said, then
    /// the hints once; `started` hears the job and where it started. This machine is connected
    /// through the broker, so that the job stays loaded until this ends (`AddRef`): how a job that
    /// ends at once ended is then reported the same way whenever the manager lets go of it. With
    /// --wait, waits here until the job ends and exits with its status.
    func start(_ order: RunOrder, on hosts: [HostAddress], started: (StartReport.Started) -> Void) throws {
        let here = ThisMachine(scope.scope, throughBroker: true)
        // --template names a file here, which the host's unitify would look for there.
        let delegation = persistence.template == nil ? HostOptions.delegation(follows: follow) : nil
        let outcomes = Targets.run(here, or: hosts, parallel: remote.parallel, probing: order.job.likelyProbes, delegating: delegation) { target, report in
            try target.run(order, into: &report)
        }
        let first = StartReport.started(outcomes).first
        first.map(started)
        try HostOptions.report(outcomes, labelled: !json, finally: { outcomes in
            StartReport.printHints(outcomes, scope: scope.scope, quiet: quiet || json || dryRun)
        })
        guard wait, let unit = first?.unit else { return }
        // As `unitify wait` waits: the same ending, the same words, the same exit status.
        var report = TargetReport()
        try here.wait([unit], limit: nil, timeout: "", quiet: quiet, into: &report)
        for note in report.notes { printError("unitify: " + note) }
        throw UnitifyError.exit(report.exitStatus)
    }

    /// `--follow`: the job's last lines where it started (every host's merged), then its new
    /// ones until Ctrl-C; the job keeps running.
    func follow(_ unit: String, on hosts: [HostAddress]) throws {
        var query = LogQuery()
        query.lines = 10
        query.follow = true
        let reading = JournalReading(names: [unit], query: query, runs: .all, output: .standard) { printError("unitify: " + $0) }
        try reading.run(scope: scope.scope, hosts: hosts, parallel: remote.parallel)
    }
}
