import UnitifyCore

/// What `run` was asked, read on each target into the job it starts there.
public struct RunOrder: Sendable {
    public var job: JobRequest
    /// A unit file, enabled, rather than a transient unit (`--persistent`).
    public var persistent = false
    /// `--template`'s text, for the unit file.
    public var template: String?
    /// The command line as typed, the comment at the top of the unit file.
    public var commandLine = ""
    public var replace = false
    public var linger = true
    /// The unit's properties as lines, and nothing started (`--dry-run`).
    public var dryRun = false
    /// Whether the job is watched for `check`'s window; not when the caller waits for its end.
    public var settles = true
    public var check: StartCheck

    public init(job: JobRequest, check: StartCheck) {
        self.job = job
        self.check = check
    }
}

extension Target {
    /// `run`: the job built as the target would run it (its command, directory, PATH and paths
    /// looked up there), started there after linger is turned on there, and watched; notes,
    /// warnings and a crash in the notes, the summary in the lines, the job in `units`.
    public func run(_ order: RunOrder, into report: inout TargetReport) throws {
        let host = try jobSite()
        let (spec, notes) = try order.job.makeSpec(host: host)
        let quiet = order.check.quiet
        if !quiet { report.notes += notes.map { "note: \($0)" } }
        if order.dryRun {
            report.lines = RunOrder.dryRunLines(spec)
            return
        }
        let jobs = try self.jobs
        report.notes += try ignoredLimitWarnings(spec)
        let texts = order.persistent ? try UnitFile.texts(spec, commandLine: order.commandLine, template: order.template) : []
        if order.persistent, let warning = spec.helper.flatMap(HeldTerminal.lastingWarning) { report.notes.append(warning) }
        try jobs.requireFeatures(for: spec, keepLoaded: !order.persistent)  // before linger is turned on
        if let note = try jobs.adapted(spec).note, !quiet { report.notes.append("note: \(note)") }
        try ensureLinger(order.linger, for: spec.name, quiet: quiet, into: &report)
        let status = order.persistent ? try jobs.startPersistent(spec, texts: texts, replace: order.replace)
            : try jobs.startTransient(spec, replace: order.replace)
        if let note = writePidFile(spec, status, with: host), !quiet { report.notes.append("note: \(note)") }
        let started = StartedJob(spec)
        let settled = order.settles ? try settle(started, status, check: order.check, into: &report) : status
        report.lines += order.check.summary(started, settled, host: hostAddress)
        report.units.append(spec.name)
    }

    /// MemoryMax= and CPUQuota= do nothing without the controller delegated to the user manager
    /// (systemd #9641): said, rather than let systemd ignore them silently.
    func ignoredLimitWarnings(_ spec: UnitSpec) throws(UnitifyError) -> [String] {
        guard spec.memoryMax != nil || spec.cpuQuota != nil, let controllers = try delegatedControllers() else { return [] }
        var warnings: [String] = []
        if spec.memoryMax != nil, !controllers.contains("memory") {
            warnings.append("warning: --memory-max will have no effect: the memory controller is not delegated to your user manager")
        }
        if spec.cpuQuota != nil, !controllers.contains("cpu") {
            warnings.append("warning: --cpu-quota will have no effect: the cpu controller is not delegated to your user manager")
        }
        return warnings
    }

    /// A line's `echo $! > FILE`: the job's main pid, written once it started as the shell would
    /// have written the pid of its background job, and a note that says where, and the better way.
    /// A file that cannot be written is said, and the job runs on, as after the shell's `echo`.
    func writePidFile(_ spec: UnitSpec, _ status: UnitStatus, with host: any WritableJobSite) -> String? {
        guard let target = spec.pidFile, let path = target.path else { return nil }
        let hint = options.command("status", ShellWords.quote(UnitName.shortName(spec.name)))
        guard status.mainPID != 0 else { return "no pid written to \(path): the job has no main process (it already ended)" }
        do {
            try host.write("\(status.mainPID)\n", to: target)
        } catch {
            return "\(error.message); the job runs, and '\(hint)' shows its pid"
        }
        return "wrote the job's pid to \(path), as 'echo $!' would have; '\(hint)' is the better way to find it: it knows the pid after a restart too"
    }
}

extension RunOrder {
    /// `--dry-run`: the unit's properties, the timer's first.
    public static func dryRunLines(_ spec: UnitSpec) -> [String] {
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
